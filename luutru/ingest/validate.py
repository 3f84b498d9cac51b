"""Field validation of the catalogue against Circular 02/2019/TT-BNV.

Every rule runs on every row and adds findings; nothing stops at the first problem.
Rows that pass become :class:`DossierRecord` / :class:`DocumentRecord` objects whose
``fields`` are JSON-ready (dates as ISO strings), the form stored in the AIP.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import luutru.records.codes as codes
from luutru.disposal.retention import check_retention_group
from luutru.packaging.catalogue_reader import RawCatalogue, RawRow
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS, Column, Kind
from luutru.records.findings import Finding, error, warning
from luutru.records.model import (
    AccessRegime,
    DocumentRecord,
    DossierRecord,
    Reliability,
    Retention,
    fold,
    is_state_secret,
)

SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
DATE_RES = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
)


@dataclass
class ValidatedCatalogue:
    dossiers: dict[str, DossierRecord] = field(default_factory=dict)
    documents: dict[str, list[DocumentRecord]] = field(default_factory=lambda: defaultdict(list))
    findings: list[Finding] = field(default_factory=list)

    def documents_of(self, code: str) -> list[DocumentRecord]:
        return sorted(self.documents.get(code, []), key=lambda d: d.sequence)


class _Bad(ValueError):
    pass


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    for rx, order in DATE_RES:
        m = rx.match(s)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups())))
            return date(parts["y"], parts["m"], parts["d"])  # ValueError for 31/02
    raise ValueError(s)


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


def _loc(row: RawRow, col: Column) -> str:
    return f"{row.where} [{col.label_vi}]"


def check_fields(row: RawRow, columns: tuple[Column, ...], where: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Type, length and required checks for one row; returns JSON-ready values."""
    out: dict[str, Any] = {}
    findings: list[Finding] = []
    for col in columns:
        v = row.values.get(col.key)
        if v is None:
            if col.required and col.key in row.values:
                findings.append(error(
                    "FIELD_REQUIRED",
                    f"{_loc(row, col)}: trường bắt buộc bị bỏ trống. Sửa: nhập {col.label_vi.lower()}"
                    + (f" ({col.note_vi})" if col.note_vi else "") + ".",
                    f"{row.where} [{col.label_en}]: required field is empty. Fix: fill in the {col.label_en.lower()}.",
                    row=row.where, field=col.key, **where))
            out[col.key] = None
            continue
        try:
            if col.kind is Kind.DATE:
                d = parse_date(v)
                out[col.key] = d.isoformat()
            elif col.kind is Kind.INT:
                n = parse_int(v)
                if col.max_len and len(str(n)) > col.max_len:
                    raise _Bad(f"more than {col.max_len} digits")
                out[col.key] = n
            else:
                s = v.isoformat() if isinstance(v, (date, datetime)) else str(v)
                if isinstance(v, float) and v.is_integer():
                    s = str(int(v))
                if col.max_len and len(s) > col.max_len:
                    raise _Bad(f"{len(s)} > {col.max_len}")
                out[col.key] = s
        except _Bad as e:
            findings.append(error(
                "FIELD_TOO_LONG",
                f"{_loc(row, col)}: quá độ dài cho phép {col.max_len} ký tự ({e}). Sửa: rút gọn nội dung.",
                f"{row.where} [{col.label_en}]: longer than the allowed {col.max_len} characters ({e}). Fix: shorten it.",
                row=row.where, field=col.key, **where))
            out[col.key] = None
        except (ValueError, TypeError):
            if col.kind is Kind.DATE:
                findings.append(error(
                    "FIELD_BAD_DATE",
                    f"{_loc(row, col)}: '{v}' không phải ngày hợp lệ. Sửa: nhập ngày có thật dạng dd/mm/yyyy.",
                    f"{row.where} [{col.label_en}]: '{v}' is not a valid date. Fix: enter a real date as dd/mm/yyyy.",
                    row=row.where, field=col.key, **where))
            else:
                findings.append(error(
                    "FIELD_NOT_NUMBER",
                    f"{_loc(row, col)}: '{v}' không phải số nguyên. Sửa: nhập số (tối đa {col.max_len} chữ số).",
                    f"{row.where} [{col.label_en}]: '{v}' is not a whole number. Fix: enter a number (at most {col.max_len} digits).",
                    row=row.where, field=col.key, **where))
            out[col.key] = None
    return out, findings


def _controlled(row: RawRow, key: str, value: Any, parser: Any, allowed_vi: str, allowed_en: str,
                where: dict[str, Any], findings: list[Finding]) -> Any:
    if value is None:
        return None
    try:
        return parser(value)
    except ValueError:
        findings.append(error(
            "FIELD_BAD_VALUE",
            f"{row.where}: '{value}' không phải giá trị hợp lệ của '{key}'. Sửa: dùng một trong: {allowed_vi}.",
            f"{row.where}: '{value}' is not an allowed value of '{key}'. Fix: use one of: {allowed_en}.",
            row=row.where, field=key, **where))
        return None


def _secret(row: RawRow, key: str, value: Any, where: dict[str, Any]) -> Finding:
    return error(
        "STATE_SECRET",
        f"{row.where}: tài liệu mang dấu mật ('{value}'). Tài liệu bí mật nhà nước không được nộp lưu qua hệ thống này. "
        "Sửa: rút tài liệu này khỏi gói và chuyển theo quy trình tài liệu mật.",
        f"{row.where}: the record carries a state-secret mark ('{value}'). State-secret records are out of scope. "
        "Fix: remove it from the transfer and hand it over through the classified-records procedure.",
        row=row.where, field=key, **where)


RETENTION_VI = "Vĩnh viễn, hoặc số năm như 5 năm, 10 năm, 20 năm, 50 năm, 70 năm"
RETENTION_EN = "Vĩnh viễn (permanent) or a number of years such as 5, 10, 20, 50, 70"
ACCESS_VI = "Công khai, Hạn chế"
ACCESS_EN = "Công khai (public), Hạn chế (restricted)"
RELIABILITY_VI = "Bản gốc điện tử, Số hóa, Hỗn hợp"
RELIABILITY_EN = "Bản gốc điện tử (born digital), Số hóa (digitised), Hỗn hợp (mixed)"


def _validate_dossier(row: RawRow, today: date) -> tuple[DossierRecord | None, list[Finding]]:
    code = row.values.get("ma_ho_so")
    where = {"dossier": str(code) if code else None}
    vals, findings = check_fields(row, DOSSIER_COLUMNS, where)
    agency = vals.get("ma_co_quan")
    if agency and not codes.is_agency_code(agency):
        findings.append(error(
            "AGENCY_CODE_INVALID",
            f"{row.where}: mã định danh cơ quan '{agency}' sai cấu trúc. Sửa: dùng dạng 000.00.31.H57 (3 số.2 số.2 số.chữ hoa+2 số).",
            f"{row.where}: agency code '{agency}' has the wrong structure. Fix: use the form 000.00.31.H57.",
            row=row.where, field="ma_co_quan", **where))
    year = vals.get("nam_hinh_thanh")
    if year is not None and not (1900 <= year <= today.year + 1):
        findings.append(error(
            "YEAR_INVALID",
            f"{row.where}: năm hình thành {year} không hợp lệ. Sửa: nhập năm 4 chữ số.",
            f"{row.where}: year {year} is not valid. Fix: enter a four-digit year.", row=row.where,
            field="nam_hinh_thanh", **where))
    number = vals.get("so_ky_hieu_ho_so")
    if number and not codes.is_dossier_number(number):
        findings.append(error(
            "DOSSIER_NUMBER_INVALID",
            f"{row.where}: số và ký hiệu hồ sơ '{number}' chỉ được gồm chữ không dấu, số và dấu '-'. Sửa: ví dụ 05 hoặc 12-TCCB.",
            f"{row.where}: dossier number '{number}' may hold only ASCII letters, digits and '-'. Fix: e.g. 05 or 12-TCCB.",
            row=row.where, field="so_ky_hieu_ho_so", **where))
    if code and agency and year is not None and number:
        expected = codes.dossier_code(agency, year, number)
        if code != expected:
            findings.append(error(
                "DOSSIER_CODE_MISMATCH",
                f"{row.where}: mã hồ sơ '{code}' không khớp mã cơ quan + năm + số ký hiệu. Sửa: ghi '{expected}'.",
                f"{row.where}: dossier code '{code}' does not match agency code + year + number. Fix: write '{expected}'.",
                row=row.where, field="ma_ho_so", details={"expected": expected}, **where))
    retention = _controlled(row, "thoi_han_bao_quan", vals.get("thoi_han_bao_quan"), Retention.parse,
                            RETENTION_VI, RETENTION_EN, where, findings)
    raw_access = vals.get("che_do_su_dung")
    access = None
    if raw_access is not None and is_state_secret(raw_access):
        findings.append(_secret(row, "che_do_su_dung", raw_access, where))
    else:
        access = _controlled(row, "che_do_su_dung", raw_access, AccessRegime.parse, ACCESS_VI, ACCESS_EN, where, findings)
    start, end = vals.get("thoi_gian_bat_dau"), vals.get("thoi_gian_ket_thuc")
    if start and end and start > end:
        findings.append(error(
            "DATE_RANGE_INVERTED",
            f"{row.where}: thời gian kết thúc ({end}) trước thời gian bắt đầu ({start}). Sửa: kiểm tra lại hai ngày.",
            f"{row.where}: end date ({end}) is before start date ({start}). Fix: check both dates.",
            row=row.where, field="thoi_gian_ket_thuc", **where))
    for key in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        v = vals.get(key)
        if v and date.fromisoformat(v) > today:
            findings.append(error(
                "DATE_IN_FUTURE",
                f"{row.where}: ngày {v} ở tương lai. Sửa: nhập đúng ngày.",
                f"{row.where}: date {v} is in the future. Fix: enter the real date.", row=row.where, field=key, **where))
    if any(f.is_error for f in findings) or not code:
        return None, findings
    assert retention is not None and access is not None and year is not None
    rec = DossierRecord(
        code=code, agency_code=agency, agency_name=vals["ten_co_quan"], year=year, number=number,
        title=vals["tieu_de"], retention=retention, access=access, language=vals["ngon_ngu"],
        start_date=date.fromisoformat(start), end_date=date.fromisoformat(end),
        document_count=vals["tong_so_van_ban"], fields=vals,
    )
    return rec, findings


def _validate_document(row: RawRow) -> tuple[DocumentRecord | None, list[Finding]]:
    ident = row.values.get("ma_dinh_danh_van_ban")
    where = {"dossier": str(row.values.get("ma_ho_so")) if row.values.get("ma_ho_so") else None,
             "document": str(ident) if ident else None}
    vals, findings = check_fields(row, DOCUMENT_COLUMNS, where)
    mark = vals.get("do_mat")
    if mark is not None and fold(str(mark)) not in ("", "thuong", "khong", "none"):
        findings.append(_secret(row, "do_mat", mark, where))
    raw_access = vals.get("che_do_su_dung")
    access = None
    if raw_access is not None and is_state_secret(raw_access):
        findings.append(_secret(row, "che_do_su_dung", raw_access, where))
    else:
        access = _controlled(row, "che_do_su_dung", raw_access, AccessRegime.parse, ACCESS_VI, ACCESS_EN, where, findings)
    reliability = _controlled(row, "muc_do_tin_cay", vals.get("muc_do_tin_cay"), Reliability.parse,
                              RELIABILITY_VI, RELIABILITY_EN, where, findings)
    dossier, seq = vals.get("ma_ho_so"), vals.get("so_thu_tu")
    if ident and dossier and seq is not None:
        expected = codes.document_identifier(dossier, seq)
        if ident != expected:
            findings.append(error(
                "DOCUMENT_ID_MISMATCH",
                f"{row.where}: mã định danh văn bản '{ident}' không khớp mã hồ sơ + số thứ tự. Sửa: ghi '{expected}'.",
                f"{row.where}: document identifier '{ident}' does not match dossier code + sequence number. Fix: write '{expected}'.",
                row=row.where, field="ma_dinh_danh_van_ban", details={"expected": expected}, **where))
    sha = vals.get("sha256")
    if sha and not SHA256_RE.match(sha):
        findings.append(error(
            "CHECKSUM_MALFORMED",
            f"{row.where}: mã băm '{sha}' không phải SHA-256 (64 ký tự hex). Sửa: tính lại bằng `sha256sum` hoặc để trống.",
            f"{row.where}: checksum '{sha}' is not a SHA-256 (64 hex digits). Fix: recompute with `sha256sum` or leave it empty.",
            row=row.where, field="sha256", **where))
        vals["sha256"] = None
    if vals.get("sha256"):
        vals["sha256"] = vals["sha256"].lower()
    if any(f.is_error for f in findings) or not ident:
        return None, findings
    assert access is not None and reliability is not None
    rec = DocumentRecord(
        identifier=ident, dossier_code=dossier, sequence=seq, doc_type=vals["ten_loai_van_ban"],
        number=vals["so_van_ban"], notation=vals["ky_hieu_van_ban"], issued=date.fromisoformat(vals["ngay_van_ban"]),
        issuer=vals["co_quan_ban_hanh"], abstract=vals["trich_yeu"], access=access, reliability=reliability,
        path=vals["duong_dan_tep"], sha256=vals.get("sha256"), fields=vals,
    )
    return rec, findings


def validate_catalogue(raw: RawCatalogue, today: date | None = None) -> ValidatedCatalogue:
    """Validate every row and the links between rows."""
    today = today or date.today()
    out = ValidatedCatalogue(findings=list(raw.findings))
    if not raw.dossiers and not any(f.is_error for f in raw.findings) and raw.source:
        out.findings.append(error("CATALOGUE_NO_DOSSIERS", "Mục lục không có hồ sơ nào. Sửa: nhập các hồ sơ vào trang HoSo.",
                                  "The catalogue lists no dossiers. Fix: list the dossiers on the HoSo sheet."))
    dossier_counts = Counter(r.values.get("ma_ho_so") for r in raw.dossiers if r.values.get("ma_ho_so"))
    listed_dossiers = set(dossier_counts)
    for row in raw.dossiers:
        code = row.values.get("ma_ho_so")
        if code and dossier_counts[code] > 1:
            out.findings.append(error(
                "DOSSIER_CODE_DUPLICATE",
                f"{row.where}: mã hồ sơ '{code}' xuất hiện {dossier_counts[code]} lần. Sửa: mỗi hồ sơ một mã riêng.",
                f"{row.where}: dossier code '{code}' appears {dossier_counts[code]} times. Fix: give each dossier its own code.",
                dossier=code, row=row.where, field="ma_ho_so"))
            continue
        rec, findings = _validate_dossier(row, today)
        out.findings.extend(findings)
        if rec:
            findings = check_retention_group(rec)
            for f in findings:
                out.findings.append(replace(f, row=f.row or row.where))
            if not any(f.is_error for f in findings):
                out.dossiers[rec.code] = rec
    id_counts = Counter(r.values.get("ma_dinh_danh_van_ban") for r in raw.documents if r.values.get("ma_dinh_danh_van_ban"))
    per_dossier: Counter[str] = Counter()
    for row in raw.documents:
        ident, dcode = row.values.get("ma_dinh_danh_van_ban"), row.values.get("ma_ho_so")
        if dcode:
            per_dossier[dcode] += 1
        if ident and id_counts[ident] > 1:
            out.findings.append(error(
                "DOCUMENT_ID_DUPLICATE",
                f"{row.where}: mã định danh văn bản '{ident}' xuất hiện {id_counts[ident]} lần. Sửa: đánh lại số thứ tự văn bản.",
                f"{row.where}: document identifier '{ident}' appears {id_counts[ident]} times. Fix: renumber the documents.",
                dossier=dcode, document=ident, row=row.where, field="ma_dinh_danh_van_ban"))
            continue
        if dcode and dcode not in listed_dossiers:
            out.findings.append(error(
                "DOCUMENT_DOSSIER_UNKNOWN",
                f"{row.where}: văn bản thuộc hồ sơ '{dcode}' không có trong trang hồ sơ. Sửa: thêm hồ sơ hoặc sửa mã hồ sơ.",
                f"{row.where}: the document's dossier '{dcode}' is not listed on the dossier sheet. Fix: add the dossier or correct the code.",
                dossier=dcode, document=ident, row=row.where, field="ma_ho_so"))
        rec, findings = _validate_document(row)
        out.findings.extend(findings)
        if rec:
            dossier = out.dossiers.get(rec.dossier_code)
            if dossier and not (dossier.start_date <= rec.issued <= dossier.end_date):
                out.findings.append(warning(
                    "DOCUMENT_DATE_OUTSIDE_DOSSIER",
                    f"{row.where}: ngày văn bản {rec.issued:%d/%m/%Y} nằm ngoài thời gian của hồ sơ "
                    f"({dossier.start_date:%d/%m/%Y}–{dossier.end_date:%d/%m/%Y}). Sửa: kiểm tra ngày văn bản hoặc thời gian hồ sơ.",
                    f"{row.where}: document date {rec.issued} is outside the dossier's dates "
                    f"({dossier.start_date}–{dossier.end_date}). Fix: check the document date or the dossier dates.",
                    dossier=rec.dossier_code, document=rec.identifier, row=row.where, field="ngay_van_ban"))
            out.documents[rec.dossier_code].append(rec)
    for code, rec in out.dossiers.items():
        n = per_dossier.get(code, 0)
        if n == 0:
            out.findings.append(error(
                "DOSSIER_EMPTY",
                f"Hồ sơ '{code}' không có văn bản nào trong trang văn bản. Sửa: liệt kê các văn bản của hồ sơ.",
                f"Dossier '{code}' has no documents on the document sheet. Fix: list its documents.", dossier=code))
        elif n != rec.document_count:
            out.findings.append(error(
                "DOCUMENT_COUNT_MISMATCH",
                f"Hồ sơ '{code}' ghi tổng số {rec.document_count} văn bản nhưng mục lục liệt kê {n}. Sửa: sửa tổng số hoặc bổ sung văn bản.",
                f"Dossier '{code}' states {rec.document_count} documents but the catalogue lists {n}. Fix: correct the count or add the documents.",
                dossier=code, field="tong_so_van_ban", details={"stated": rec.document_count, "listed": n}))
    return out
