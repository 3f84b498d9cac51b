"""Field validation of the catalogue against Circular 05/2025/TT-BNV (02/2019 mapped).

Every rule runs on every row and adds findings; nothing stops at the first problem.
The rules themselves are in :mod:`luutru.policies.catalogue_rules`; this module walks
the rows, links documents to dossiers and builds :class:`DossierRecord` /
:class:`DocumentRecord` objects whose ``fields`` are JSON-ready — the form stored in the
AIP:

* each field under its key; a controlled field holds its 05/2025 label, and
  ``codes`` holds the codes (a list for several languages);
* ``retention_years`` is derived from the retention **code** (``01`` → permanent);
* ``extra_columns`` keeps, header by header, every column the table does not know;
* ``catalogue_version`` says which circular the catalogue followed.

Dates: dossier dates may be partial (``2021`` or ``2021-12``) in ``fields``; the
record's ``start_date``/``end_date`` are the first and last day they cover.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from luutru.ingest.counts import dossier_count_findings
from luutru.packaging.catalogue_reader import RawCatalogue, RawRow
from luutru.policies import catalogue_rules as rules
from luutru.policies.access import state_secret_fields
from luutru.policies.deadlines import late_deposit
from luutru.policies.retention import check_retention_group
from luutru.records import code_grammar as cg
from luutru.records.fields import (
    DOCUMENT_COLUMNS,
    DOSSIER_COLUMNS,
    FONDS_COLUMNS,
    Version,
)
from luutru.records.findings import Finding, error, warning
from luutru.records.model import (
    AccessRegime,
    DocumentRecord,
    DossierRecord,
    Reliability,
    Retention,
)

ACCESS_BY_CODE = {"01": AccessRegime.PUBLIC, "02": AccessRegime.RESTRICTED}
RELIABILITY_BY_CODE = {"01": Reliability.BORN_DIGITAL, "02": Reliability.DIGITISED, "03": Reliability.MIXED}


@dataclass
class ValidatedCatalogue:
    dossiers: dict[str, DossierRecord] = field(default_factory=dict)
    documents: dict[str, list[DocumentRecord]] = field(default_factory=lambda: defaultdict(list))
    findings: list[Finding] = field(default_factory=list)
    version: Version = Version.V2025
    mapped: list[rules.MappedValue] = field(default_factory=list)
    kept_columns: dict[str, list[str]] = field(default_factory=dict)  # sheet -> headers kept unchecked
    fonds: list[dict[str, Any]] = field(default_factory=list)

    def documents_of(self, code: str) -> list[DocumentRecord]:
        return sorted(self.documents.get(code, []), key=lambda d: d.sequence)

    def report(self) -> dict[str, Any]:
        """What the ingest report says about the catalogue itself."""
        return {"version": self.version.value, "mapped": [m.to_dict() for m in self.mapped],
                "kept_columns": self.kept_columns}


def _stored(res: rules.RowResult, row: RawRow) -> dict[str, Any]:
    vals = dict(res.values)
    vals["codes"] = dict(res.codes)
    if row.extra:
        vals["extra_columns"] = dict(row.extra)
    vals["catalogue_version"] = row.version.value
    return vals


def _retention(res: rules.RowResult) -> Retention | None:
    code = res.codes.get("thoi_han_bao_quan")
    if code is None:
        return None
    return Retention(None) if code == "01" else Retention(res.values.get("retention_years"))


def _validate_dossier(row: RawRow, today: date) -> tuple[DossierRecord | None, rules.RowResult, list[Finding]]:
    code = row.values.get("ma_ho_so")
    ctx = {"dossier": str(code) if code else None}
    res = rules.read_row(DOSSIER_COLUMNS, row.values, version=row.version, where=row.where, **ctx)
    findings = list(res.findings)
    findings += rules.split_year_or_catalogue(res, row.version, row.where, today, **ctx)
    findings += rules.check_dossier_code(res, row.where, **ctx)
    findings += rules.check_state_secret(res, row.where, **ctx)
    findings += rules.check_backup(res, row.where, **ctx)
    findings += rules.check_paper_original(res, row.where, **ctx)
    v = res.values
    start, end = v.get("thoi_gian_bat_dau"), v.get("thoi_gian_ket_thuc")
    first = cg.PartialDate.from_iso(start).first() if start else None
    last = cg.PartialDate.from_iso(end).last() if end else None
    if first and last and first > last:
        findings.append(error(
            "DATE_RANGE_INVERTED",
            f"{row.where}: thời gian kết thúc ({end}) trước thời gian bắt đầu ({start}). Sửa: kiểm tra lại hai ngày.",
            f"{row.where}: end date ({end}) is before start date ({start}). Fix: check both dates.",
            row=row.where, field="thoi_gian_ket_thuc", **ctx))
    for key in ("thoi_gian_bat_dau", "thoi_gian_ket_thuc"):
        if v.get(key) and cg.PartialDate.from_iso(v[key]).first() > today:
            findings.append(error(
                "DATE_IN_FUTURE", f"{row.where}: ngày {v[key]} ở tương lai. Sửa: nhập đúng ngày.",
                f"{row.where}: date {v[key]} is in the future. Fix: enter the real date.",
                row=row.where, field=key, **ctx))
    retention = _retention(res)
    if any(f.is_error for f in findings) or not code or retention is None or first is None or last is None:
        return None, res, findings
    settlement = date.fromisoformat(v["ngay_quyet_toan"]) if v.get("ngay_quyet_toan") else None
    findings += late_deposit(code, last, today, settlement=settlement)
    rec = DossierRecord(
        code=code, agency_code=v["ma_co_quan"], agency_name=v["ten_co_quan"],
        year=v.get("nam_hinh_thanh") or last.year, number=v["so_ky_hieu_ho_so"], title=v["tieu_de"],
        retention=retention, access=ACCESS_BY_CODE[res.codes["che_do_su_dung"]], language=v["ngon_ngu"],
        start_date=first, end_date=last, document_count=v["tong_so_van_ban"], fields=_stored(res, row))
    return rec, res, findings


def _validate_document(row: RawRow, dossier: rules.RowResult | None
                       ) -> tuple[DocumentRecord | None, rules.RowResult, list[Finding]]:
    ident = row.values.get("ma_dinh_danh_van_ban")
    dcode = row.values.get("ma_ho_so")
    ctx = {"dossier": str(dcode) if dcode else None, "document": str(ident) if ident else None}
    values = dict(row.values)
    long_id = None
    if isinstance(ident, str) and 25 < len(ident) <= 35:  # data made before 05/2025 (luutru's earlier ids): kept, warned
        long_id, values["ma_dinh_danh_van_ban"] = ident, ident[:25]  # checked below, stored in full
    res = rules.read_row(DOCUMENT_COLUMNS, values, version=row.version, where=row.where, **ctx)
    findings = list(res.findings)
    if long_id is not None:
        res.values["ma_dinh_danh_van_ban"] = long_id
        findings.append(warning(
            "DOCUMENT_ID_TOO_LONG",
            f"{row.where}: mã định danh tài liệu '{long_id}' dài {len(long_id)} ký tự, quá 25 ký tự Thông tư 05/2025 "
            "cho phép. Đã giữ nguyên (dữ liệu lập trước Thông tư 05/2025). Sửa: dùng mã ≤ 25 ký tự khi lập mục lục mới.",
            f"{row.where}: document identifier '{long_id}' has {len(long_id)} characters, more than the 25 of Circular "
            "05/2025. Kept as is (data made before 05/2025). Fix: use identifiers of at most 25 characters in new catalogues.",
            row=row.where, field="ma_dinh_danh_van_ban", **ctx))
    mark = res.values.get("do_mat")
    if state_secret_fields({"do_mat": mark}):
        findings.append(error(
            "STATE_SECRET",
            f"{row.where}: tài liệu mang dấu mật ('{mark}'). Tài liệu bí mật nhà nước không được nộp lưu qua hệ thống "
            "này. Sửa: rút tài liệu này khỏi gói và chuyển theo quy trình tài liệu mật.",
            f"{row.where}: the record carries a state-secret mark ('{mark}'). State-secret records are out of scope. "
            "Fix: remove it from the transfer and hand it over through the classified-records procedure.",
            row=row.where, field="do_mat", **ctx))
    findings += rules.check_state_secret(res, row.where, **ctx)
    findings += rules.check_backup(res, row.where, **ctx)
    findings += rules.check_document_codes(res, dcode, row.where, **ctx)
    rules.document_retention(res, dossier)
    sha = res.values.get("sha256")
    if sha and not rules_sha(sha):
        findings.append(error(
            "CHECKSUM_MALFORMED",
            f"{row.where}: mã băm '{sha}' không phải SHA-256 (64 ký tự hex). Sửa: tính lại bằng `sha256sum` hoặc để trống.",
            f"{row.where}: checksum '{sha}' is not a SHA-256 (64 hex digits). Fix: recompute with `sha256sum` or leave it empty.",
            row=row.where, field="sha256", **ctx))
        res.values["sha256"] = None
    if res.values.get("sha256"):
        res.values["sha256"] = res.values["sha256"].lower()
    if any(f.is_error for f in findings) or not ident:
        return None, res, findings
    v = res.values
    rec = DocumentRecord(
        identifier=v["ma_dinh_danh_van_ban"], dossier_code=dcode, sequence=v["so_thu_tu"], doc_type=v["ten_loai_van_ban"],
        number=v.get("so_van_ban") or "", notation=v.get("ky_hieu_van_ban") or "",
        issued=date.fromisoformat(v["ngay_van_ban"]), issuer=v["co_quan_ban_hanh"], abstract=v["trich_yeu"],
        access=ACCESS_BY_CODE[res.codes["che_do_su_dung"]], reliability=RELIABILITY_BY_CODE[res.codes["muc_do_tin_cay"]],
        path=v["duong_dan_tep"], sha256=v.get("sha256"), fields=_stored(res, row))
    return rec, res, findings


def rules_sha(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdefABCDEF" for c in value)


def _check_sheets(raw: RawCatalogue, out: ValidatedCatalogue) -> None:
    """Columns kept per sheet, a mix of circulars, the fonds rows, and a catalogue without dossiers."""
    for sheet in raw.versions:
        out.kept_columns[sheet] = sorted({h for r in (raw.dossiers + raw.documents + raw.fonds)
                                          if r.where.startswith(f"{sheet}:") for h in r.extra})
    if len(set(raw.versions.values())) > 1:
        out.findings.append(warning(
            "CATALOGUE_VERSION_MIXED",
            "Các trang của mục lục theo hai mẫu khác nhau (Thông tư 05/2025 và 02/2019); mỗi trang được đọc theo mẫu "
            "của nó. Sửa: dùng một mẫu cho cả mục lục (`luutru template`).",
            "The catalogue's sheets follow different circulars (05/2025 and 02/2019); each sheet is read by its own. "
            "Fix: use one template for the whole catalogue.",
            details={k: v.value for k, v in raw.versions.items()}))
    for row in raw.fonds:
        res = rules.read_row(FONDS_COLUMNS, row.values, version=row.version, where=row.where)
        out.findings.extend(res.findings)
        out.mapped.extend(res.mapped)
        out.fonds.append(_stored(res, row))
    if not raw.dossiers and not any(f.is_error for f in raw.findings) and raw.source:
        out.findings.append(error("CATALOGUE_NO_DOSSIERS", "Mục lục không có hồ sơ nào. Sửa: nhập các hồ sơ vào trang HoSo.",
                                  "The catalogue lists no dossiers. Fix: list the dossiers on the HoSo sheet."))


def _validate_dossiers(raw: RawCatalogue, out: ValidatedCatalogue, today: date) -> dict[str, rules.RowResult]:
    """Every dossier row (a duplicated code is refused); the rows read, by dossier code."""
    dossier_counts = Counter(r.values.get("ma_ho_so") for r in raw.dossiers if r.values.get("ma_ho_so"))
    dossier_rows: dict[str, rules.RowResult] = {}
    for row in raw.dossiers:
        code = row.values.get("ma_ho_so")
        if code and dossier_counts[code] > 1:
            out.findings.append(error(
                "DOSSIER_CODE_DUPLICATE",
                f"{row.where}: mã hồ sơ '{code}' xuất hiện {dossier_counts[code]} lần. Sửa: mỗi hồ sơ một mã riêng.",
                f"{row.where}: dossier code '{code}' appears {dossier_counts[code]} times. Fix: give each dossier its own code.",
                dossier=code, row=row.where, field="ma_ho_so"))
            continue
        rec, res, findings = _validate_dossier(row, today)
        out.findings.extend(findings)
        out.mapped.extend(res.mapped)
        if code:
            dossier_rows[code] = res
        if rec:
            group = check_retention_group(rec)
            out.findings.extend(replace(f, row=f.row or row.where) for f in group)
            if not any(f.is_error for f in group):
                out.dossiers[rec.code] = rec
    return dossier_rows


def _check_document_date(out: ValidatedCatalogue, rec: DocumentRecord, where: str, today: date) -> None:
    """A document dated in the future is an error; one dated outside its dossier's dates a warning."""
    dossier = out.dossiers.get(rec.dossier_code)
    if rec.issued > today:
        out.findings.append(error(
            "DATE_IN_FUTURE",
            f"{where}: ngày tài liệu {rec.issued:%d/%m/%Y} ở tương lai. Sửa: nhập đúng ngày ban hành.",
            f"{where}: document date {rec.issued:%d/%m/%Y} is in the future. Fix: enter the real date of issue.",
            dossier=rec.dossier_code, document=rec.identifier, row=where, field="ngay_van_ban"))
    elif dossier and not (dossier.start_date <= rec.issued <= dossier.end_date):
        out.findings.append(warning(
            "DOCUMENT_DATE_OUTSIDE_DOSSIER",
            f"{where}: ngày tài liệu {rec.issued:%d/%m/%Y} nằm ngoài thời gian của hồ sơ "
            f"({dossier.start_date:%d/%m/%Y}–{dossier.end_date:%d/%m/%Y}). Sửa: kiểm tra ngày tài liệu hoặc thời gian hồ sơ.",
            f"{where}: document date {rec.issued} is outside the dossier's dates "
            f"({dossier.start_date}–{dossier.end_date}). Fix: check the document date or the dossier dates.",
            dossier=rec.dossier_code, document=rec.identifier, row=where, field="ngay_van_ban"))


def _validate_documents(raw: RawCatalogue, out: ValidatedCatalogue,
                        dossier_rows: dict[str, rules.RowResult], today: date) -> Counter[str]:
    """Every document row, linked to its dossier; the number of document rows per dossier code."""
    listed = {r.values.get("ma_ho_so") for r in raw.dossiers if r.values.get("ma_ho_so")}
    id_counts = Counter(r.values.get("ma_dinh_danh_van_ban") for r in raw.documents if r.values.get("ma_dinh_danh_van_ban"))
    per_dossier: Counter[str] = Counter()
    for row in raw.documents:
        ident, dcode = row.values.get("ma_dinh_danh_van_ban"), row.values.get("ma_ho_so")
        if dcode:
            per_dossier[dcode] += 1
        if ident and id_counts[ident] > 1:
            out.findings.append(error(
                "DOCUMENT_ID_DUPLICATE",
                f"{row.where}: mã định danh tài liệu '{ident}' xuất hiện {id_counts[ident]} lần. Sửa: mỗi tài liệu một mã riêng.",
                f"{row.where}: document identifier '{ident}' appears {id_counts[ident]} times. Fix: give each document its own.",
                dossier=dcode, document=ident, row=row.where, field="ma_dinh_danh_van_ban"))
            continue
        if dcode and dcode not in listed:
            out.findings.append(error(
                "DOCUMENT_DOSSIER_UNKNOWN",
                f"{row.where}: tài liệu thuộc hồ sơ '{dcode}' không có trong trang hồ sơ. Sửa: thêm hồ sơ hoặc sửa mã hồ sơ.",
                f"{row.where}: the document's dossier '{dcode}' is not listed on the dossier sheet. Fix: add the dossier or correct the code.",
                dossier=dcode, document=ident, row=row.where, field="ma_ho_so"))
        rec, res, findings = _validate_document(row, dossier_rows.get(dcode) if dcode else None)
        out.findings.extend(findings)
        out.mapped.extend(res.mapped)
        if rec:
            _check_document_date(out, rec, row.where, today)
            out.documents[rec.dossier_code].append(rec)
    return per_dossier


def _check_counts(out: ValidatedCatalogue, per_dossier: Counter[str]) -> None:
    """Each dossier has documents, as many as its stated total; its page and sheet totals
    agree with its documents (:mod:`luutru.ingest.counts`)."""
    for code, rec in out.dossiers.items():
        n = per_dossier.get(code, 0)
        if n == 0:
            out.findings.append(error(
                "DOSSIER_EMPTY",
                f"Hồ sơ '{code}' không có tài liệu nào trong trang tài liệu. Sửa: liệt kê các tài liệu của hồ sơ.",
                f"Dossier '{code}' has no documents on the document sheet. Fix: list its documents.", dossier=code))
        elif n != rec.document_count:
            out.findings.append(error(
                "DOCUMENT_COUNT_MISMATCH",
                f"Hồ sơ '{code}' ghi tổng số {rec.document_count} tài liệu nhưng mục lục liệt kê {n}. Sửa: sửa tổng số hoặc bổ sung tài liệu.",
                f"Dossier '{code}' states {rec.document_count} documents but the catalogue lists {n}. Fix: correct the count or add the documents.",
                dossier=code, field="tong_so_van_ban", details={"stated": rec.document_count, "listed": n}))
        out.findings.extend(dossier_count_findings(rec, out.documents.get(code, [])))


def validate_catalogue(raw: RawCatalogue, today: date | None = None) -> ValidatedCatalogue:
    """Validate every row and the links between rows."""
    today = today or date.today()
    out = ValidatedCatalogue(findings=list(raw.findings), version=raw.version)
    _check_sheets(raw, out)
    dossier_rows = _validate_dossiers(raw, out, today)
    per_dossier = _validate_documents(raw, out, dossier_rows, today)
    _check_counts(out, per_dossier)
    return out
