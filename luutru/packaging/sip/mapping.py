"""Mapping between luutru's catalogue fields and the 05/2025 package elements.

luutru stores each dossier's and document's catalogue fields (the 02/2019-shaped columns of
:mod:`luutru.records.fields`, dates as ISO strings) in the AIP.  A package carries them twice:
verbatim (so another luutru re-creates identical records) and as the 05/2025 elements with
their codes (so any system can read them).  :func:`dossier_fields`/:func:`document_fields`
make the 05/2025 form; :func:`catalogue_from_dossier`/:func:`catalogue_from_document` make
catalogue fields from a package that carries only the 05/2025 form.

Codes follow the circular's value lists (docs/transfer-format.md).  A value that is not on a
list is carried as written, never guessed into a code.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from luutru.records.model import Retention, fold
from luutru.packaging.sip.model import SipDocumentFields, SipDossierFields

RETENTION_CODES = {None: "01", 70: "02", 50: "03", 30: "04", 20: "05", 10: "06"}
RETENTION_LABELS = {"01": "Vĩnh viễn", "02": "70 năm", "03": "50 năm", "04": "30 năm", "05": "20 năm", "06": "10 năm"}
MODE_CODES = {"cong khai": "01", "su dung co dieu kien": "02", "han che": "02", "su dung han che": "02", "mat": "03"}
MODE_LABELS = {"01": "Công khai", "02": "Hạn chế", "03": "Mật"}
CONFIDENCE_CODES = {"ban goc dien tu": "01", "goc dien tu": "01", "so hoa": "02", "ban so hoa": "02", "hon hop": "03"}
CONFIDENCE_LABELS = {"01": "Bản gốc điện tử", "02": "Số hóa", "03": "Hỗn hợp"}
FORMAT_CODES = {"tot": "01", "binh thuong": "02", "hong": "03"}
FORMAT_LABELS = {"01": "Tốt", "02": "Bình thường", "03": "Hỏng"}
LANGUAGE_LABELS = {"01": "Tiếng Việt", "02": "Tiếng Anh", "03": "Tiếng Pháp", "04": "Tiếng Nga", "05": "Tiếng Trung",
                   "06": "Tiếng Việt - Tiếng Anh", "07": "Tiếng Việt - Tiếng Nga", "08": "Tiếng Việt - Tiếng Pháp",
                   "09": "Hán Nôm", "10": "Tiếng Việt - Tiếng Trung", "11": "Khác"}
LANGUAGE_CODES = {fold(v): k for k, v in LANGUAGE_LABELS.items()} | {"viet": "01", "anh": "02", "phap": "03"}
TYPE_LABELS = {
    "01": "Nghị quyết", "02": "Quyết định", "03": "Chỉ thị", "04": "Quy chế", "05": "Quy định", "06": "Thông cáo",
    "07": "Thông báo", "08": "Hướng dẫn", "09": "Chương trình", "10": "Kế hoạch", "11": "Phương án", "12": "Đề án",
    "13": "Dự án", "14": "Báo cáo", "15": "Tờ trình", "16": "Giấy ủy quyền", "17": "Phiếu gửi", "18": "Phiếu chuyển",
    "19": "Phiếu báo", "20": "Biên bản", "21": "Hợp đồng", "22": "Công văn", "23": "Công điện", "24": "Bản ghi nhớ",
    "25": "Bản thỏa thuận", "26": "Giấy mời", "27": "Giấy giới thiệu", "28": "Giấy nghỉ phép", "29": "Thư công",
    "30": "Bản đồ", "31": "Bản vẽ kỹ thuật", "32": "Khác",
}
TYPE_CODES = {fold(v): k for k, v in TYPE_LABELS.items()}


def _code(value: Any, codes: dict[str, str], labels: dict[str, str]) -> str:
    """The circular's code for a catalogue value: a code stays, a known label becomes its code,
    anything else is carried as written."""
    if value is None or value == "":
        return ""
    s = str(value).strip()
    if s in labels:
        return s
    head = s.split(":", 1)[0].strip()  # "01: Vĩnh viễn"
    if head in labels:
        return head
    return codes.get(fold(s), s)


def retention_code(value: Any) -> str:
    if value is None or value == "":
        return ""
    s = str(value).strip()
    if s in RETENTION_LABELS or s == "07":
        return s
    try:
        years = Retention.parse(value).years
    except ValueError:
        return s
    return RETENTION_CODES.get(years, "07")


def ddmmyyyy(value: Any) -> str:
    """ISO date (as stored) → ``DD/MM/YYYY`` (as the circular writes dates)."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def iso_date(value: str) -> str | None:
    """``DD/MM/YYYY`` → ISO date; None when it is not a full date."""
    try:
        d, m, y = value.split("/")
        return date(int(y), int(m), int(d)).isoformat()
    except (ValueError, AttributeError):
        return None


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def _n(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def dossier_fields(cat: dict[str, Any]) -> SipDossierFields:
    """05/2025 dossier elements from luutru's catalogue fields of a dossier."""
    return SipDossierFields(
        file_code=_s(cat.get("ma_ho_so")), title=_s(cat.get("tieu_de")),
        agency_code=_s(cat.get("ma_co_quan")), agency_name=_s(cat.get("ten_co_quan")),
        maintenance=retention_code(cat.get("thoi_han_bao_quan")),
        mode=_code(cat.get("che_do_su_dung"), MODE_CODES, MODE_LABELS),
        language=_code(cat.get("ngon_ngu"), LANGUAGE_CODES, LANGUAGE_LABELS),
        start_date=ddmmyyyy(cat.get("thoi_gian_bat_dau")), end_date=ddmmyyyy(cat.get("thoi_gian_ket_thuc")),
        keyword=_s(cat.get("tu_khoa")), total_doc=_n(cat.get("tong_so_van_ban")),
        number_of_paper=_n(cat.get("so_luong_to")), number_of_page=_n(cat.get("so_luong_trang")),
        format=_code(cat.get("tinh_trang_vat_ly"), FORMAT_CODES, FORMAT_LABELS),
        infor_sign=_s(cat.get("ky_hieu_thong_tin")), description=_s(cat.get("chu_giai")),
    )


def document_fields(cat: dict[str, Any], dossier: SipDossierFields) -> SipDocumentFields:
    """05/2025 document elements from luutru's catalogue fields of a document."""
    seq = _n(cat.get("so_thu_tu")) or 0
    return SipDocumentFields(
        doc_id=_s(cat.get("ma_dinh_danh_van_ban")), doc_code=f"{dossier.file_code}.{seq:07d}", sequence=seq,
        maintenance=dossier.maintenance,
        type_name=_code(cat.get("ten_loai_van_ban"), TYPE_CODES, TYPE_LABELS),
        code_number=_s(cat.get("so_van_ban")), code_notation=_s(cat.get("ky_hieu_van_ban")),
        issued_date=ddmmyyyy(cat.get("ngay_van_ban")), organ_name=_s(cat.get("co_quan_ban_hanh")),
        subject=_s(cat.get("trich_yeu")), language=_code(cat.get("ngon_ngu"), LANGUAGE_CODES, LANGUAGE_LABELS),
        number_of_page=_n(cat.get("so_trang")), infor_sign=_s(cat.get("ky_hieu_thong_tin")),
        keyword=_s(cat.get("tu_khoa")), mode=_code(cat.get("che_do_su_dung"), MODE_CODES, MODE_LABELS),
        confidence_level=_code(cat.get("muc_do_tin_cay"), CONFIDENCE_CODES, CONFIDENCE_LABELS),
        autograph=_s(cat.get("but_tich")), format=_code(cat.get("tinh_trang_vat_ly"), FORMAT_CODES, FORMAT_LABELS),
        description=_s(cat.get("ghi_chu")),
    )


def _label(code: str, labels: dict[str, str]) -> str | None:
    return labels.get(code, code) if code else None


def catalogue_from_dossier(d: SipDossierFields) -> dict[str, Any]:
    """Catalogue fields for a dossier described only by 05/2025 elements (a package from another system)."""
    year, number = "", ""
    if d.agency_code and d.file_code.startswith(d.agency_code + "."):
        year, _dot, number = d.file_code[len(d.agency_code) + 1:].partition(".")
    return {
        "ma_ho_so": d.file_code, "ma_co_quan": d.agency_code or None, "ten_co_quan": d.agency_name or None,
        "nam_hinh_thanh": int(year) if year.isdigit() else None, "so_ky_hieu_ho_so": number or None,
        "tieu_de": d.title, "thoi_han_bao_quan": _label(d.maintenance, RETENTION_LABELS),
        "che_do_su_dung": _label(d.mode, MODE_LABELS), "ngon_ngu": _label(d.language, LANGUAGE_LABELS),
        "thoi_gian_bat_dau": iso_date(d.start_date), "thoi_gian_ket_thuc": iso_date(d.end_date),
        "tong_so_van_ban": d.total_doc, "chu_giai": d.description or None, "ky_hieu_thong_tin": d.infor_sign or None,
        "tu_khoa": d.keyword or None, "so_luong_to": d.number_of_paper, "so_luong_trang": d.number_of_page,
        "tinh_trang_vat_ly": _label(d.format, FORMAT_LABELS),
    }


def catalogue_from_document(d: SipDocumentFields, dossier_code: str, path: str | None) -> dict[str, Any]:
    """Catalogue fields for a document described only by 05/2025 elements; ``path`` is its original file."""
    return {
        "ma_dinh_danh_van_ban": d.doc_id, "ma_ho_so": dossier_code, "so_thu_tu": d.sequence or None,
        "ten_loai_van_ban": _label(d.type_name, TYPE_LABELS), "so_van_ban": d.code_number or None,
        "ky_hieu_van_ban": d.code_notation or None, "ngay_van_ban": iso_date(d.issued_date),
        "co_quan_ban_hanh": d.organ_name or None, "trich_yeu": d.subject or None,
        "ngon_ngu": _label(d.language, LANGUAGE_LABELS), "so_trang": d.number_of_page,
        "che_do_su_dung": _label(d.mode, MODE_LABELS), "muc_do_tin_cay": _label(d.confidence_level, CONFIDENCE_LABELS),
        "ghi_chu": d.description or None, "ky_hieu_thong_tin": d.infor_sign or None, "tu_khoa": d.keyword or None,
        "but_tich": d.autograph or None, "tinh_trang_vat_ly": _label(d.format, FORMAT_LABELS),
        "duong_dan_tep": path,
    }
