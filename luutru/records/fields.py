"""The catalogue columns: Circular 02/2019/TT-BNV dossier and document fields.

This one table drives the XLSX/CSV template, the catalogue parser, field validation,
the export catalogue and the documentation (``docs/transfer-format.md``).  Lengths and
required flags follow the circular's field tables (Chapter II, dossier and document
input information); columns the service adds (file path, checksum, schedule group,
security mark) are marked ``extra``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(str, enum.Enum):
    STR = "string"
    INT = "number"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str  # machine name, also accepted as a header
    label_vi: str  # header in the template
    label_en: str
    kind: Kind
    max_len: int | None  # characters (strings) or digits (numbers)
    required: bool
    note_vi: str = ""
    extra: bool = False  # added by the service, not a field of the circular


S, N, D = Kind.STR, Kind.INT, Kind.DATE

DOSSIER_SHEET = "HoSo"
DOCUMENT_SHEET = "VanBan"
DOSSIER_CSV = "ho_so.csv"
DOCUMENT_CSV = "van_ban.csv"
CATALOGUE_XLSX_NAMES = ("muc_luc_ho_so.xlsx", "muc_luc.xlsx", "catalogue.xlsx")

DOSSIER_COLUMNS: tuple[Column, ...] = (
    Column("ma_ho_so", "Mã hồ sơ", "Dossier code", S, 30, True,
           "Mã cơ quan + năm + số và ký hiệu hồ sơ, ví dụ 000.00.31.H57.2021.05"),
    Column("ma_co_quan", "Mã định danh cơ quan (mã phông)", "Agency code (fonds code)", S, 13, True,
           "Ví dụ 000.00.31.H57"),
    Column("ten_co_quan", "Tên cơ quan (tên phông)", "Agency name (fonds name)", S, 200, True),
    Column("nam_hinh_thanh", "Mục lục số hoặc năm hình thành hồ sơ", "Catalogue number or year", N, 4, True),
    Column("so_ky_hieu_ho_so", "Số và ký hiệu hồ sơ", "Dossier number and notation", S, 20, True),
    Column("tieu_de", "Tiêu đề hồ sơ", "Dossier title", S, 1000, True),
    Column("thoi_han_bao_quan", "Thời hạn bảo quản", "Retention period", S, 30, True,
           "Vĩnh viễn hoặc số năm (5, 10, 20, 50, 70 …)"),
    Column("che_do_su_dung", "Chế độ sử dụng", "Access regime", S, 20, True, "Công khai hoặc Hạn chế"),
    Column("ngon_ngu", "Ngôn ngữ", "Language", S, 100, True, "Ví dụ Tiếng Việt"),
    Column("thoi_gian_bat_dau", "Thời gian bắt đầu", "Start date", D, None, True, "dd/mm/yyyy"),
    Column("thoi_gian_ket_thuc", "Thời gian kết thúc", "End date", D, None, True, "dd/mm/yyyy"),
    Column("tong_so_van_ban", "Tổng số văn bản trong hồ sơ", "Number of documents", N, 4, True),
    Column("chu_giai", "Chú giải", "Notes", S, 2000, False),
    Column("ky_hieu_thong_tin", "Ký hiệu thông tin", "Information symbol", S, 30, False),
    Column("tu_khoa", "Từ khóa", "Keywords", S, 100, False),
    Column("so_luong_to", "Số lượng tờ", "Number of sheets", N, 4, False),
    Column("so_luong_trang", "Số lượng trang", "Number of pages", N, 4, False),
    Column("tinh_trang_vat_ly", "Tình trạng vật lý", "Physical condition", S, 50, False),
    Column("nguoi_lap", "Người lập hồ sơ", "Dossier creator", S, 100, False),
    Column("nhom_thoi_han", "Mã nhóm trong bảng thời hạn bảo quản", "Retention schedule group", S, 20, False,
           "Ví dụ 1.1 (Thông tư 10/2022/TT-BNV)", extra=True),
)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("ma_dinh_danh_van_ban", "Mã định danh văn bản", "Document identifier", S, 35, True,
           "Mã hồ sơ + số thứ tự 4 chữ số, ví dụ 000.00.31.H57.2021.05.0001"),
    Column("ma_ho_so", "Mã hồ sơ", "Dossier code", S, 30, True),
    Column("so_thu_tu", "Số thứ tự văn bản trong hồ sơ", "Sequence number in dossier", N, 4, True),
    Column("ten_loai_van_ban", "Tên loại văn bản", "Document type", S, 100, True, "Ví dụ Quyết định, Công văn"),
    Column("so_van_ban", "Số của văn bản", "Document number", S, 11, True),
    Column("ky_hieu_van_ban", "Ký hiệu của văn bản", "Document notation", S, 30, True, "Ví dụ QĐ-UBND"),
    Column("ngay_van_ban", "Ngày, tháng, năm văn bản", "Document date", D, None, True, "dd/mm/yyyy"),
    Column("co_quan_ban_hanh", "Tên cơ quan, tổ chức ban hành văn bản", "Issuing organisation", S, 200, True),
    Column("trich_yeu", "Trích yếu nội dung", "Abstract", S, 500, True),
    Column("ngon_ngu", "Ngôn ngữ", "Language", S, 100, True),
    Column("so_trang", "Số lượng trang của văn bản", "Number of pages", N, 4, True),
    Column("che_do_su_dung", "Chế độ sử dụng", "Access regime", S, 20, True, "Công khai hoặc Hạn chế"),
    Column("muc_do_tin_cay", "Mức độ tin cậy", "Reliability", S, 30, True,
           "Bản gốc điện tử, Số hóa hoặc Hỗn hợp"),
    Column("nguoi_ky", "Người ký", "Signer", S, 50, False),
    Column("ghi_chu", "Ghi chú", "Notes", S, 500, False),
    Column("ky_hieu_thong_tin", "Ký hiệu thông tin", "Information symbol", S, 30, False),
    Column("tu_khoa", "Từ khóa", "Keywords", S, 100, False),
    Column("but_tich", "Bút tích", "Handwritten annotations", S, 2000, False),
    Column("tinh_trang_vat_ly", "Tình trạng vật lý", "Physical condition", S, 50, False),
    Column("do_mat", "Độ mật", "Security classification", S, 20, False,
           "Để trống. Tài liệu mật không được nộp lưu qua hệ thống này", extra=True),
    Column("duong_dan_tep", "Đường dẫn tệp", "File path", S, 255, True,
           "Đường dẫn tương đối trong gói nộp lưu, ví dụ files/HS05/01.pdf", extra=True),
    Column("sha256", "Mã băm SHA-256", "SHA-256 checksum", S, 64, False, extra=True),
)


def by_key(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {c.key: c for c in columns}
