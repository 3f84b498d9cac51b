"""The catalogue columns of Circular 05/2025/TT-BNV (fonds, dossier, document) and their
02/2019 headers.

This one table is meant to drive the template, the catalogue parser, field validation,
the export and ``docs/transfer-format.md`` (it replaces the 02/2019 table of
``fields.py``).  For each column it says:

* the 05/2025 header (current wording: *thời hạn lưu trữ*, *mức độ tiếp cận*, *tài liệu*),
  the package element it fills, its type, length and whether 05/2025 requires it;
* whether a 02/2019 catalogue has to carry it (``required_2019``) and the 02/2019
  headers that name it (``headers_2019``) — these also let the reader tell which version
  a catalogue follows;
* the value list (``vocabulary``) whose code and label are stored, and whether a date may
  be partial (``YYYY`` or ``MM/YYYY``);
* the confidence of the fact, with the marks of the shared reference
  (``V-P`` primary text … ``U`` unverified).

Machine keys (``thoi_han_bao_quan``, ``che_do_su_dung`` …) stay as they were so stored
AIP metadata keeps its meaning; the headers people read use the current wording.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from luutru.records.model import fold


class Kind(str, enum.Enum):
    STR = "string"
    INT = "number"
    DATE = "date"
    TEXT = "long text"


class Version(str, enum.Enum):
    """Which circular a catalogue follows."""

    V2025 = "05/2025/TT-BNV"
    V2019 = "02/2019/TT-BNV"


@dataclass(frozen=True)
class Column:
    key: str  # machine name, also accepted as a header
    label_vi: str  # header in the template (05/2025 wording)
    label_en: str
    kind: Kind
    max_len: int | None  # characters (strings) or digits (numbers)
    required: bool  # required by 05/2025 (as the service reads it)
    note_vi: str = ""
    extra: bool = False  # added by the service, not a field of the circular
    element: str | None = None  # 05/2025 package element (EAD)
    vocabulary: str | None = None  # key in vocabularies.yaml
    partial_date: bool = False  # YYYY and MM/YYYY allowed
    required_2019: bool | None = None  # None: same as `required`
    headers_2019: tuple[str, ...] = ()  # headers of 02/2019 catalogues (and the earlier luutru template)
    aliases: tuple[str, ...] = ()  # other accepted headers (package element, 02/2019 tag, English)
    confidence: str = "V-I"
    note_en: str = ""
    max_len_2019: int | None = None  # a longer limit tolerated (with a warning) in 02/2019 catalogues
    since_2025: bool = False  # a column the 02/2019 template (and luutru's earlier one) did not have

    def required_in(self, version: Version) -> bool:
        if version is Version.V2019 and self.required_2019 is not None:
            return self.required_2019
        return self.required

    def headers(self) -> tuple[str, ...]:
        """Every header that names this column."""
        return (self.key, self.label_vi, self.label_en, *self.headers_2019, *self.aliases,
                *((self.element,) if self.element else ()))


S, N, D, T = Kind.STR, Kind.INT, Kind.DATE, Kind.TEXT

FONDS_SHEET = "Phong"
DOSSIER_SHEET = "HoSo"
DOCUMENT_SHEET = "VanBan"
FONDS_CSV = "phong.csv"
DOSSIER_CSV = "ho_so.csv"
DOCUMENT_CSV = "van_ban.csv"
CATALOGUE_XLSX_NAMES = ("muc_luc_ho_so.xlsx", "muc_luc.xlsx", "catalogue.xlsx")

FONDS_COLUMNS: tuple[Column, ...] = (
    Column("ma_phong", "Mã phông/công trình/sưu tập lưu trữ", "Fonds code", S, 13, True,
           "Mã định danh cơ quan hoặc mã phông, ví dụ 000.00.31.H57", element="fondsCode",
           headers_2019=("Mã phông / công trình / sưu tập lưu trữ",), aliases=("OrganId",), confidence="V-S"),
    Column("ma_luu_tru_lich_su", "Mã cơ quan lưu trữ lịch sử", "Historical archive code", S, 13, False,
           element="archiveCode", aliases=("Identifier",), confidence="V-S"),
    Column("ten_phong", "Tên phông/công trình/sưu tập lưu trữ", "Fonds name", S, 200, True,
           headers_2019=("Tên phông / công trình / sưu tập",), aliases=("FondName",), confidence="V-S"),
    Column("trang_thai_phong", "Trạng thái phông", "Fonds status", S, 2, True, "01: Mở hoặc 02: Đóng",
           vocabulary="fonds_status", required_2019=False, element="status", confidence="V-S"),
    Column("lich_su_don_vi", "Lịch sử đơn vị hình thành phông", "History of the creating body", T, None, False,
           aliases=("FondHistory",), confidence="V-S"),
    Column("thoi_gian_tai_lieu", "Thời gian tài liệu", "Time span of the records", S, 30, False,
           aliases=("ArchivesTime",), confidence="V-S"),
    Column("tong_so_tai_lieu", "Tổng số tài liệu", "Total records", N, 10, False,
           headers_2019=("Tổng số tài liệu giấy",), aliases=("PaperTotal",), confidence="V-S"),
    Column("so_tai_lieu_so_hoa", "Số lượng tài liệu giấy đã số hóa", "Paper records digitised", N, 10, False,
           aliases=("PaperDigital",), confidence="V-S"),
    Column("nhom_tai_lieu_chu_yeu", "Phương án phân loại hoặc các nhóm tài liệu chủ yếu",
           "Classification scheme or main groups", S, 300, False,
           headers_2019=("Các nhóm tài liệu chủ yếu",), aliases=("KeyGroups",), confidence="V-S"),
    Column("loai_hinh_khac", "Các loại hình tài liệu khác", "Other kinds of records", S, 300, False,
           aliases=("OtherTypes",), confidence="V-S"),
    Column("ngon_ngu", "Ngôn ngữ", "Language", S, 100, False, "Mã hoặc tên, nhiều ngôn ngữ cách nhau bằng ';'",
           vocabulary="language", aliases=("Language",), confidence="V-S"),
    Column("cong_cu_tra_cuu", "Công cụ tra cứu", "Finding aids", S, 50, False, aliases=("LookupTools",),
           confidence="V-S"),
    Column("so_trang_bao_hiem", "Số lượng trang tài liệu đã lập bản sao bảo hiểm", "Pages with a security copy",
           N, 10, False, aliases=("CopyNumber",), confidence="V-S"),
    Column("che_do_du_phong", "Chế độ dự phòng", "Backup regime", S, 1, False, "1: Có hoặc 0: Không",
           vocabulary="backup_regime", element="riskRecovery", confidence="V-S"),
    Column("ghi_chu", "Ghi chú", "Notes", S, 1000, False, aliases=("Description",), confidence="V-S"),
)

DOSSIER_COLUMNS: tuple[Column, ...] = (
    Column("ma_ho_so", "Mã hồ sơ", "Dossier code", S, 100, True,
           "Mã cơ quan (hoặc mã phông) + năm + số và ký hiệu hồ sơ [+ mục lục số], ví dụ 000.00.31.H57.2021.05",
           element="fileCode", aliases=("FileCode", "arcFileCode", "Mã hồ sơ lưu trữ")),
    Column("ma_luu_tru_lich_su", "Mã cơ quan lưu trữ lịch sử", "Historical archive code", S, 13, False,
           "Chỉ khi mã hồ sơ có mã lưu trữ lịch sử ở đầu (mã hồ sơ lưu trữ)", aliases=("Identifier",),
           confidence="V-S", since_2025=True),
    Column("ma_co_quan", "Mã định danh cơ quan hoặc mã phông", "Agency code or fonds code", S, 13, True,
           "Ví dụ 000.00.31.H57; phông đóng dùng mã phông",
           headers_2019=("Mã định danh cơ quan (mã phông)", "Mã phông/công trình/sưu tập lưu trữ"),
           aliases=("OrganId",)),
    Column("ten_co_quan", "Tên cơ quan, tổ chức (tên phông)", "Agency name (fonds name)", S, 200, True,
           headers_2019=("Tên cơ quan (tên phông)",), confidence="V-S"),
    Column("nam_hinh_thanh", "Năm hình thành hồ sơ", "Year the dossier was formed", N, 4, True,
           "4 chữ số", headers_2019=("Mục lục số hoặc năm hình thành hồ sơ",), aliases=("FileCatalog",),
           note_en="a 02/2019 value that is not a year is read as the catalogue number"),
    Column("muc_luc_so", "Mục lục số", "Catalogue number", N, 4, False,
           "Nếu có; thêm vào cuối mã hồ sơ lưu trữ", since_2025=True),
    Column("so_ky_hieu_ho_so", "Số và ký hiệu hồ sơ", "Dossier number and notation", S, 20, True,
           "Ví dụ 05 hoặc 12-TCCB", aliases=("FileNotation",)),
    Column("tieu_de", "Tiêu đề hồ sơ", "Dossier title", S, 1000, True, element="title", aliases=("Title",)),
    Column("thoi_han_bao_quan", "Thời hạn lưu trữ", "Retention period", S, 100, True,
           "01: Vĩnh viễn, 02: 70 năm … 07: Khác (ghi '07: N năm')", element="maintenance", vocabulary="retention",
           headers_2019=("Thời hạn bảo quản",), aliases=("Maintenance",)),
    Column("che_do_su_dung", "Mức độ tiếp cận", "Access regime", S, 30, True,
           "01: Công khai, 02: Sử dụng có điều kiện", element="mode", vocabulary="access",
           headers_2019=("Chế độ sử dụng",), aliases=("Rights", "Mode")),
    Column("ngon_ngu", "Ngôn ngữ", "Language", S, 100, True, "Mã hoặc tên, nhiều ngôn ngữ cách nhau bằng ';'",
           element="language", vocabulary="language"),
    Column("thoi_gian_bat_dau", "Thời gian bắt đầu", "Start date", D, None, True,
           "dd/mm/yyyy; hồ sơ số hóa có thể ghi mm/yyyy hoặc yyyy", element="startDate", partial_date=True,
           aliases=("StartDate",)),
    Column("thoi_gian_ket_thuc", "Thời gian kết thúc", "End date", D, None, True,
           "dd/mm/yyyy; hồ sơ số hóa có thể ghi mm/yyyy hoặc yyyy", element="endDate", partial_date=True,
           aliases=("EndDate",)),
    Column("tong_so_van_ban", "Tổng số tài liệu trong hồ sơ", "Number of documents", N, 10, True,
           element="totalDoc", headers_2019=("Tổng số văn bản trong hồ sơ",), aliases=("TotalDoc",)),
    Column("chu_giai", "Ghi chú", "Notes", S, 2000, False, "Tên người lập hồ sơ và các giải thích khác",
           element="description", headers_2019=("Chú giải",), aliases=("Description",)),
    Column("ky_hieu_thong_tin", "Ký hiệu thông tin", "Information symbol", S, 30, False, element="inforSign",
           aliases=("InforSign",)),
    Column("tu_khoa", "Từ khóa", "Keywords", S, 100, False, element="keyword", aliases=("Keyword",),
           confidence="U"),
    Column("so_luong_to", "Số lượng tờ", "Number of sheets", N, 10, False, "Hồ sơ số hóa từ giấy",
           element="numberOfPaper", aliases=("SheetTotal",)),
    Column("so_luong_trang", "Số lượng trang", "Number of pages", N, 10, False, element="numberOfPage",
           aliases=("PageTotal",), confidence="U",
           note_en="both readings of 05/2025 require it, but the flags are unverified (U); data made before 05/2025 "
                   "lacks it, so it is not refused"),
    Column("tinh_trang_vat_ly", "Tình trạng vật lý", "Physical condition", S, 50, False,
           "01: Tốt, 02: Bình thường, 03: Hỏng", element="format", vocabulary="physical_condition",
           aliases=("Format",)),
    Column("muc_do_tin_cay", "Mức độ tin cậy", "Reliability", S, 40, False,
           "01: Gốc điện tử, 02: Số hóa, 03: Hỗn hợp", element="confidenceLevel", vocabulary="reliability",
           confidence="U", since_2025=True),
    Column("ma_ho_so_goc_giay", "Mã hồ sơ gốc giấy", "Paper original dossier code", S, 100, False,
           "Hồ sơ số hóa: mã lưu trữ . kho/giá/hộp . số hồ sơ giấy", element="paperFileCode", since_2025=True),
    Column("che_do_du_phong", "Chế độ dự phòng", "Backup regime", S, 1, False, "1: Có hoặc 0: Không",
           element="riskRecovery", vocabulary="backup_regime", since_2025=True, confidence="U",
           note_en="both readings of 05/2025 require it, but the flags are unverified (U); data made before 05/2025 "
                   "lacks it, and inventing 'no' would be a guess, so it is not refused"),
    Column("tinh_trang_du_phong", "Tình trạng dự phòng", "Backup status", S, 2, False,
           "01: Đã dự phòng, 02: Chưa dự phòng (bắt buộc khi chế độ dự phòng = 1)",
           element="riskRecoveryStatus", vocabulary="backup_status", since_2025=True),
    Column("nguoi_lap", "Người lập hồ sơ", "Dossier creator", S, 100, False,
           "05/2025 ghi tên người lập trong phần ghi chú; cột này được giữ nguyên", confidence="V-P"),
    Column("ngay_quyet_toan", "Ngày phê duyệt quyết toán công trình", "Final settlement date (construction)", D, None,
           False, "Hồ sơ xây dựng cơ bản: hạn nộp lưu là 3 tháng từ ngày này (Nghị định 30/2020 Điều 30.2)",
           extra=True, since_2025=True, confidence="V-P"),
    Column("nhom_thoi_han", "Mã nhóm trong bảng thời hạn lưu trữ", "Retention schedule group", S, 20, False,
           "Ví dụ 1.1 (Thông tư 10/2022/TT-BNV)", extra=True,
           headers_2019=("Mã nhóm trong bảng thời hạn bảo quản",)),
)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("ma_dinh_danh_van_ban", "Mã định danh tài liệu", "Document identifier", S, 25, True,
           "Tối đa 25 ký tự, duy nhất trong gói", element="docId", max_len_2019=35,
           headers_2019=("Mã định danh văn bản",)),  # not "DocCode": 05/2025 docCode is the archival code
    Column("ma_luu_tru_tai_lieu", "Mã lưu trữ tài liệu", "Archival document code", S, 100, False,
           "Mã hồ sơ + '.' + số thứ tự 7 chữ số, ví dụ 000.00.31.H57.2021.05.0000001; để trống thì hệ thống tự lập",
           element="docCode", since_2025=True),
    Column("ma_ho_so", "Mã hồ sơ", "Dossier code", S, 100, True, aliases=("FileCode", "fileCode")),
    Column("so_thu_tu", "Số thứ tự tài liệu trong hồ sơ", "Sequence number in dossier", N, 7, True,
           headers_2019=("Số thứ tự văn bản trong hồ sơ",), aliases=("DocOrdinal", "docOrdinal")),
    Column("thoi_han_bao_quan", "Thời hạn lưu trữ", "Retention period", S, 100, False,
           "Để trống: theo thời hạn của hồ sơ", element="maintenance", vocabulary="retention",
           headers_2019=("Thời hạn bảo quản",), aliases=("Maintenance",), since_2025=True),
    Column("ten_loai_van_ban", "Tên loại tài liệu", "Document type", S, 100, True,
           "Mã 01–32 hoặc tên loại, ví dụ 02: Quyết định", element="typeName", vocabulary="document_type",
           headers_2019=("Tên loại văn bản",), aliases=("TypeName",)),
    Column("so_van_ban", "Số của tài liệu", "Document number", S, 11, False, "Nếu có", element="codeNumber",
           required_2019=False, headers_2019=("Số của văn bản",), aliases=("CodeNumber",)),
    Column("ky_hieu_van_ban", "Ký hiệu của tài liệu", "Document notation", S, 30, False, "Nếu có, ví dụ QĐ-UBND",
           element="codeNotation", headers_2019=("Ký hiệu của văn bản",), aliases=("CodeNotation",)),
    Column("ngay_van_ban", "Ngày, tháng, năm tài liệu", "Document date", D, None, True, "dd/mm/yyyy",
           element="issuedDate", headers_2019=("Ngày, tháng, năm văn bản",), aliases=("IssuedDate",)),
    Column("co_quan_ban_hanh", "Tên cơ quan, tổ chức, cá nhân ban hành", "Issuing body", S, 200, True,
           element="organName", headers_2019=("Tên cơ quan, tổ chức ban hành văn bản",), aliases=("OrganName",)),
    Column("trich_yeu", "Trích yếu nội dung", "Abstract", S, 500, True, element="subject", aliases=("Subject",)),
    Column("ngon_ngu", "Ngôn ngữ", "Language", S, 100, True, "Mã hoặc tên, nhiều ngôn ngữ cách nhau bằng ';'",
           element="language", vocabulary="language"),
    Column("so_trang", "Số lượng trang", "Number of pages", N, 4, True, element="numberOfPage",
           headers_2019=("Số lượng trang của văn bản",), aliases=("PageAmount",)),
    Column("che_do_su_dung", "Mức độ tiếp cận", "Access regime", S, 20, True,
           "01: Công khai, 02: Sử dụng có điều kiện", element="mode", vocabulary="access",
           headers_2019=("Chế độ sử dụng",), aliases=("Mode",)),
    Column("muc_do_tin_cay", "Mức độ tin cậy", "Reliability", S, 30, True,
           "01: Gốc điện tử, 02: Số hóa, 03: Hỗn hợp", element="confidenceLevel", vocabulary="reliability",
           aliases=("ConfidenceLevel",)),
    Column("nguoi_ky", "Người ký", "Signer", S, 50, False, confidence="V-P"),
    Column("ghi_chu", "Ghi chú", "Notes", S, 500, False, element="description", aliases=("Description",)),
    Column("ky_hieu_thong_tin", "Ký hiệu thông tin", "Information symbol", S, 30, False, element="inforSign",
           aliases=("InforSign",)),
    Column("tu_khoa", "Từ khóa", "Keywords", S, 100, False, element="keyword", aliases=("Keyword",)),
    Column("but_tich", "Bút tích", "Handwritten annotations", S, 2000, False, element="autograph",
           aliases=("Autograph",)),
    Column("tinh_trang_vat_ly", "Tình trạng vật lý", "Physical condition", S, 50, False,
           "01: Tốt, 02: Bình thường, 03: Hỏng", element="format", vocabulary="physical_condition",
           aliases=("Format",)),
    Column("quy_trinh_xu_ly", "Quy trình xử lý", "Processing trail attached", S, 1, False,
           "1: Có (tài liệu xử lý trên hệ thống quản lý văn bản) hoặc 0: Không", element="process",
           vocabulary="processing_trail", since_2025=True),
    Column("che_do_du_phong", "Chế độ dự phòng", "Backup regime", S, 1, False, "1: Có hoặc 0: Không",
           element="riskRecovery", vocabulary="backup_regime", since_2025=True),
    Column("tinh_trang_du_phong", "Tình trạng dự phòng", "Backup status", S, 2, False,
           "01: Đã dự phòng, 02: Chưa dự phòng", element="riskRecoveryStatus", vocabulary="backup_status", since_2025=True),
    Column("do_mat", "Độ mật", "Security classification", S, 20, False,
           "Để trống. Tài liệu mật không được nộp lưu qua hệ thống này", extra=True),
    Column("duong_dan_tep", "Đường dẫn tệp", "File path", S, 255, True,
           "Đường dẫn tương đối trong gói nộp lưu, ví dụ files/HS05/01.pdf", extra=True),
    Column("sha256", "Mã băm SHA-256", "SHA-256 checksum", S, 64, False, extra=True),
)

SHEETS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    (FONDS_SHEET, FONDS_COLUMNS), (DOSSIER_SHEET, DOSSIER_COLUMNS), (DOCUMENT_SHEET, DOCUMENT_COLUMNS))


def by_key(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {c.key: c for c in columns}


def header_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    """Folded header → column key, for every header that names a column of the sheet."""
    out: dict[str, str] = {}
    for c in columns:
        for h in c.headers():
            k = fold(h)
            if out.get(k, c.key) != c.key:
                raise ValueError(f"header {h!r} names both {out[k]} and {c.key}")
            out[k] = c.key
    return out


def version_markers(columns: tuple[Column, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Folded headers that only a 05/2025 or only a 02/2019 catalogue uses."""
    new = {fold(c.label_vi) for c in columns if c.headers_2019}
    old = {fold(h) for c in columns for h in c.headers_2019}
    return frozenset(new - old), frozenset(old - new)


def detect_version(headers: list[str], columns: tuple[Column, ...]) -> tuple[Version, list[str], list[str]]:
    """Which circular the headers of one sheet follow, with the headers that told.

    A sheet with 02/2019 headers (``Thời hạn bảo quản``, ``Chế độ sử dụng`` …) and none of
    the 05/2025 ones is 02/2019; one with 05/2025 headers is 05/2025.  A sheet headed by
    machine keys only (``thoi_han_bao_quan`` …, the same in both) is 05/2025 when it has a
    column 05/2025 added (``che_do_du_phong`` …), else 02/2019 (luutru's earlier CSV).
    Reading the wrong version cannot misread a value: the numbers that mean different
    things in the two (``01``, ``5``) are refused as ambiguous in the other.
    """
    new, old = version_markers(columns)
    folded = [(h, fold(str(h))) for h in headers if h is not None and str(h).strip()]
    seen_new = [h for h, f in folded if f in new]
    seen_old = [h for h, f in folded if f in old]
    if seen_new or seen_old:
        version = Version.V2019 if seen_old and not seen_new else Version.V2025
        return version, seen_new, seen_old
    look = header_lookup(columns)
    added = {c.key for c in columns if c.since_2025}
    seen_added = [h for h, f in folded if look.get(f) in added]
    return (Version.V2025 if seen_added else Version.V2019), seen_added, []
