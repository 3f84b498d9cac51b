"""Catalogue rules of Circular 05/2025/TT-BNV, one named function each.

:func:`read_row` reads one catalogue row against the field table (``fields``):
type, length, required-ness for the catalogue's version, partial dates where allowed,
and every controlled value through its vocabulary (code and label both stored, nothing
guessed).  The other functions are the cross-field rules (dossier code forms, backup
status, paper original code, state secrets).  They return findings; they never raise
on bad input.

Stored form (what goes into the AIP ``fields``): a controlled field keeps the 05/2025
*label* under its key (as before, so readers of older AIPs see the same kind of
value) and its *code* under ``codes[key]`` (a list for several languages); retention
also keeps ``retention_years``.  What a cell said before it was mapped is in the
report's ``mapped`` list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from luutru.records import code_grammar as cg
from luutru.records.fields import Column, Kind, Version
from luutru.records.findings import Finding, error, warning
from luutru.records.vocabularies import V2019, V2025, Value, VocabularyError, vocabulary

SECRET_ACCESS_CODE = "03"


@dataclass(frozen=True)
class MappedValue:
    """One cell whose value was rewritten to its 05/2025 code and label."""

    row: str
    field: str
    header: str
    raw: str
    code: str
    label: str
    how: str

    def to_dict(self) -> dict[str, str]:
        return {"row": self.row, "field": self.field, "header": self.header, "raw": self.raw,
                "code": self.code, "label": self.label, "how": self.how}


@dataclass
class RowResult:
    values: dict[str, Any] = field(default_factory=dict)  # JSON-ready
    codes: dict[str, Any] = field(default_factory=dict)  # controlled field -> code (list if several)
    normalised: dict[str, Value | tuple[Value, ...]] = field(default_factory=dict)
    mapped: list[MappedValue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _version(v: Version) -> str:
    return V2019 if v is Version.V2019 else V2025


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    s = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", s):
        return int(float(s))
    raise ValueError(s)


def _text(v: Any) -> str:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return unicodedata.normalize("NFC", str(v)).strip()


def vocabulary_finding(err: VocabularyError, where: str, col: Column, **ctx: Any) -> Finding:
    """FIELD_AMBIGUOUS_VALUE / FIELD_BAD_VALUE naming the row, the column and the accepted forms."""
    vi, en = f"{where} [{col.label_vi}]: {err.message_vi()}", f"{where} [{col.label_en}]: {err.message_en()}"
    details = {"value": str(err.value), "kind": err.kind, "accepted": list(err.vocabulary.choices())}
    if err.kind == "ambiguous":
        return error("FIELD_AMBIGUOUS_VALUE", vi, en, row=where, field=col.key, details=details, **ctx)
    return error("FIELD_BAD_VALUE", vi, en, row=where, field=col.key, details=details, **ctx)


def read_row(columns: tuple[Column, ...], raw: dict[str, Any], *, version: Version, where: str,
             present: set[str] | None = None, **ctx: Any) -> RowResult:
    """Read one row: every rule that concerns a single cell, all findings collected."""
    out = RowResult()
    present = set(raw) if present is None else present
    for col in columns:
        v = raw.get(col.key)
        if isinstance(v, str):
            v = unicodedata.normalize("NFC", v.strip()) or None
        if v is None:
            if col.required_in(version) and col.key in present:
                out.findings.append(error(
                    "FIELD_REQUIRED",
                    f"{where} [{col.label_vi}]: trường bắt buộc bị bỏ trống. Sửa: nhập {col.label_vi.lower()}"
                    + (f" ({col.note_vi})" if col.note_vi else "") + ".",
                    f"{where} [{col.label_en}]: required field is empty. Fix: fill in the {col.label_en.lower()}.",
                    row=where, field=col.key, **ctx))
            out.values[col.key] = None
            continue
        try:
            out.values[col.key] = _cell(col, v, version, where, out)
        except _TooLong as e:
            out.findings.append(error(
                "FIELD_TOO_LONG",
                f"{where} [{col.label_vi}]: quá độ dài cho phép {col.max_len} {e.unit_vi} ({e}). Sửa: rút gọn nội dung.",
                f"{where} [{col.label_en}]: longer than the allowed {col.max_len} {e.unit_en} ({e}). Fix: shorten it.",
                row=where, field=col.key, **ctx))
            out.values[col.key] = None
        except VocabularyError as e:
            out.findings.append(vocabulary_finding(e, where, col, **ctx))
            out.values[col.key] = None
        except (ValueError, TypeError):
            if col.kind is Kind.DATE:
                allowed = "dd/mm/yyyy" + (", mm/yyyy hoặc yyyy" if col.partial_date else "")
                allowed_en = "dd/mm/yyyy" + (", mm/yyyy or yyyy" if col.partial_date else "")
                out.findings.append(error(
                    "FIELD_BAD_DATE",
                    f"{where} [{col.label_vi}]: '{v}' không phải ngày hợp lệ. Sửa: nhập ngày có thật dạng {allowed}.",
                    f"{where} [{col.label_en}]: '{v}' is not a valid date. Fix: enter a real date as {allowed_en}.",
                    row=where, field=col.key, **ctx))
            else:
                out.findings.append(error(
                    "FIELD_NOT_NUMBER",
                    f"{where} [{col.label_vi}]: '{v}' không phải số nguyên. Sửa: nhập số (tối đa {col.max_len} chữ số).",
                    f"{where} [{col.label_en}]: '{v}' is not a whole number. Fix: enter a number (at most {col.max_len} digits).",
                    row=where, field=col.key, **ctx))
            out.values[col.key] = None
    return out


class _TooLong(ValueError):
    def __init__(self, msg: str, digits: bool) -> None:
        super().__init__(msg)
        self.unit_vi, self.unit_en = ("chữ số", "digits") if digits else ("ký tự", "characters")


def _cell(col: Column, v: Any, version: Version, where: str, out: RowResult) -> Any:
    if col.kind is Kind.DATE:
        d = cg.parse_partial_date(v, allow_partial=col.partial_date)
        return d.iso()
    if col.kind is Kind.INT:
        n = parse_int(v)
        if n < 0:
            raise ValueError(v)
        if col.max_len and len(str(n)) > col.max_len:
            raise _TooLong(f"{n}", True)
        return n
    s = _text(v)
    if col.max_len and len(s) > col.max_len:
        raise _TooLong(f"{len(s)} > {col.max_len}", False)
    if col.vocabulary is None:
        return s
    voc = vocabulary(col.vocabulary)
    raw_cell = v if isinstance(v, (int, float)) and not isinstance(v, bool) else s
    if voc.multi:
        vals = voc.normalise_many(raw_cell, version=_version(version))
        out.normalised[col.key] = vals
        out.codes[col.key] = [x.code for x in vals]
        for x in vals:
            _note_mapping(out, where, col, x)
        return "; ".join(x.label for x in vals)
    val = voc.normalise(raw_cell, version=_version(version))
    out.normalised[col.key] = val
    out.codes[col.key] = val.code
    if col.vocabulary == "retention":
        out.values.setdefault("retention_years", None)
        out.values["retention_years"] = val.years
    _note_mapping(out, where, col, val)
    return val.label


def _note_mapping(out: RowResult, where: str, col: Column, val: Value) -> None:
    if val.mapped:
        out.mapped.append(MappedValue(where, col.key, col.label_vi, val.raw, val.code, val.label, val.how))


# --- cross-field rules -----------------------------------------------------------------

def check_state_secret(res: RowResult, where: str, **ctx: Any) -> list[Finding]:
    """Access 03 (Mật) is a state secret: out of scope, refused at ingest."""
    if res.codes.get("che_do_su_dung") != SECRET_ACCESS_CODE:
        return []
    return [error(
        "STATE_SECRET",
        f"{where}: tài liệu có mức độ tiếp cận 'Mật'. Tài liệu bí mật nhà nước không được nộp lưu qua hệ thống này. "
        "Sửa: rút tài liệu này khỏi gói và chuyển theo quy trình tài liệu mật.",
        f"{where}: the record's access regime is 'Mật' (secret). State-secret records are out of scope. "
        "Fix: remove it from the transfer and hand it over through the classified-records procedure.",
        row=where, field="che_do_su_dung", **ctx)]


def split_year_or_catalogue(res: RowResult, version: Version, where: str, today: date, **ctx: Any) -> list[Finding]:
    """02/2019 "Mục lục số hoặc năm hình thành": a year stays a year, anything else is the catalogue number.

    05/2025 keeps the two apart (year in the code, catalogue number at its end); a
    05/2025 year outside 1900…next year is an error.
    """
    year = res.values.get("nam_hinh_thanh")
    if year is None:
        return []
    if 1900 <= year <= today.year + 1:
        return []
    if version is Version.V2019 and res.values.get("muc_luc_so") is None:
        res.values["muc_luc_so"], res.values["nam_hinh_thanh"] = year, None
        res.mapped.append(MappedValue(where, "nam_hinh_thanh", "Mục lục số hoặc năm hình thành hồ sơ", str(year),
                                      str(year), f"Mục lục số {year}", "catalogue-number"))
        return []
    return [error(
        "YEAR_INVALID",
        f"{where}: năm hình thành {year} không hợp lệ. Sửa: nhập năm 4 chữ số; mục lục số ghi ở cột 'Mục lục số'.",
        f"{where}: year {year} is not valid. Fix: enter a four-digit year; put a catalogue number in 'Mục lục số'.",
        row=where, field="nam_hinh_thanh", **ctx)]


def check_dossier_code(res: RowResult, where: str, **ctx: Any) -> list[Finding]:
    """Agency/fonds code shape, number-and-notation shape, and the code as one of its accepted forms."""
    out: list[Finding] = []
    v = res.values
    prefix, number, code = v.get("ma_co_quan"), v.get("so_ky_hieu_ho_so"), v.get("ma_ho_so")
    if prefix and not cg.is_fonds_code(prefix):
        out.append(error(
            "AGENCY_CODE_INVALID",
            f"{where}: mã định danh cơ quan hoặc mã phông '{prefix}' sai cấu trúc. Sửa: dùng dạng 000.00.31.H57, "
            "hoặc mã phông gồm chữ, số, '.', '-' (tối đa 13 ký tự).",
            f"{where}: agency or fonds code '{prefix}' has the wrong shape. Fix: use 000.00.31.H57, or a fonds code of "
            "letters, digits, '.' and '-' (at most 13).", row=where, field="ma_co_quan", **ctx))
    if number and not cg.is_dossier_number(number):
        out.append(error(
            "DOSSIER_NUMBER_INVALID",
            f"{where}: số và ký hiệu hồ sơ '{number}' chỉ được gồm chữ, số và dấu '-'. Sửa: ví dụ 05 hoặc 12-TCCB.",
            f"{where}: dossier number '{number}' may hold only letters, digits and '-'. Fix: e.g. 05 or 12-TCCB.",
            row=where, field="so_ky_hieu_ho_so", **ctx))
    year, catalogue = v.get("nam_hinh_thanh"), v.get("muc_luc_so")
    if code and prefix and number and (year is not None or catalogue is not None):
        forms = cg.dossier_code_forms(prefix, year, number, catalogue=catalogue, archive=v.get("ma_luu_tru_lich_su"))
        if code not in forms:
            out.append(error(
                "DOSSIER_CODE_MISMATCH",
                f"{where}: mã hồ sơ '{code}' không khớp mã cơ quan + năm + số ký hiệu. Sửa: ghi '{forms[0]}'"
                + (f" (hoặc: {', '.join(forms[1:])})" if len(forms) > 1 else "") + ".",
                f"{where}: dossier code '{code}' does not match agency code + year + number. Fix: write '{forms[0]}'.",
                row=where, field="ma_ho_so", details={"expected": forms[0], "accepted": list(forms)}, **ctx))
    elif year is None and catalogue is None and "nam_hinh_thanh" in v:
        out.append(error(
            "FIELD_REQUIRED",
            f"{where} [Năm hình thành hồ sơ]: trường bắt buộc bị bỏ trống. Sửa: nhập năm hình thành (4 chữ số).",
            f"{where} [Year the dossier was formed]: required field is empty. Fix: enter the four-digit year.",
            row=where, field="nam_hinh_thanh", **ctx))
    return out


def check_backup(res: RowResult, where: str, **ctx: Any) -> list[Finding]:
    """Backup regime 1 needs a backup status (05/2025 riskRecoveryStatus)."""
    if res.codes.get("che_do_du_phong") == "1" and res.values.get("tinh_trang_du_phong") is None:
        return [error(
            "BACKUP_STATUS_MISSING",
            f"{where}: chế độ dự phòng là 'Có' nhưng chưa ghi tình trạng dự phòng. Sửa: ghi '01: Đã dự phòng' hoặc "
            "'02: Chưa dự phòng'.",
            f"{where}: the backup regime is 'yes' but the backup status is empty. Fix: write '01: Đã dự phòng' or "
            "'02: Chưa dự phòng'.", row=where, field="tinh_trang_du_phong", **ctx)]
    return []


def check_paper_original(res: RowResult, where: str, **ctx: Any) -> list[Finding]:
    """A digitised dossier names its paper original (mã hồ sơ gốc giấy); its shape is checked."""
    paper = res.values.get("ma_ho_so_goc_giay")
    if paper:
        if cg.is_paper_code(paper):
            return []
        return [warning(
            "PAPER_CODE_SHAPE",
            f"{where}: mã hồ sơ gốc giấy '{paper}' không theo dạng 'mã lưu trữ.kho/giá/hộp.số hồ sơ'. Đã giữ nguyên. "
            "Sửa: kiểm tra lại mã.",
            f"{where}: paper original code '{paper}' is not 'archive code.store/shelf/box.paper number'. Kept as "
            "written. Fix: check the code.", row=where, field="ma_ho_so_goc_giay", **ctx)]
    if res.codes.get("muc_do_tin_cay") in ("02", "03"):
        return [warning(
            "PAPER_CODE_MISSING",
            f"{where}: hồ sơ số hóa chưa ghi mã hồ sơ gốc giấy (Thông tư 05/2025). Sửa: ghi mã hồ sơ gốc giấy.",
            f"{where}: a digitised dossier without its paper original code (Circular 05/2025). Fix: fill it in.",
            row=where, field="ma_ho_so_goc_giay", **ctx)]
    return []


def check_document_codes(res: RowResult, dossier_code: str | None, where: str, **ctx: Any) -> list[Finding]:
    """Archival document code = dossier code + '.' + 7-digit sequence; made when the cell is empty."""
    v = res.values
    seq = v.get("so_thu_tu")
    if not dossier_code or seq is None:
        return []
    expected = cg.document_code(dossier_code, seq)
    given = v.get("ma_luu_tru_tai_lieu")
    if given is None:
        v["ma_luu_tru_tai_lieu"] = expected
        return []
    if given != expected:
        return [error(
            "DOCUMENT_CODE_MISMATCH",
            f"{where}: mã lưu trữ tài liệu '{given}' không khớp mã hồ sơ + số thứ tự 7 chữ số. Sửa: ghi '{expected}' "
            "hoặc để trống.",
            f"{where}: archival document code '{given}' does not match dossier code + 7-digit sequence. Fix: write "
            f"'{expected}' or leave it empty.", row=where, field="ma_luu_tru_tai_lieu",
            details={"expected": expected}, **ctx)]
    return []


def document_retention(res: RowResult, dossier: RowResult | None) -> None:
    """A document without its own retention takes the dossier's (05/2025 'maintenance' default)."""
    if res.values.get("thoi_han_bao_quan") is None and dossier is not None:
        for key in ("thoi_han_bao_quan", "retention_years"):
            res.values[key] = dossier.values.get(key)
        if "thoi_han_bao_quan" in dossier.codes:
            res.codes["thoi_han_bao_quan"] = dossier.codes["thoi_han_bao_quan"]
