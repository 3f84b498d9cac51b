"""Texts of the web UI in Vietnamese (default) and English.

The language comes from ``?lang=vi|en`` (remembered in the ``lang`` cookie), else the
cookie, else Vietnamese.  Two languages and a few hundred words: a table is clearer
here than a gettext toolchain.
"""

from __future__ import annotations

from fastapi import Request

LANGS = ("vi", "en")
COOKIE = "lang"

TEXTS: dict[str, tuple[str, str]] = {
    "app": ("Lưu trữ", "Archive"),
    "search": ("Tra cứu", "Search"),
    "search_btn": ("Tìm", "Search"),
    "search_ph": ("Tìm hồ sơ, văn bản… (có dấu hoặc không dấu)", "Search dossiers, documents… (with or without diacritics)"),
    "results_for": ("kết quả", "results"),
    "no_results": ("Không tìm thấy kết quả phù hợp.", "No matching records."),
    "filters": ("Bộ lọc", "Filters"),
    "clear_filters": ("Bỏ mọi bộ lọc", "Clear all filters"),
    "facet_kind": ("Loại kết quả", "Kind"),
    "facet_fonds": ("Phông / cơ quan nộp", "Fonds / agency"),
    "facet_agency": ("Cơ quan ban hành", "Issuing agency"),
    "facet_year": ("Năm", "Year"),
    "facet_doc_type": ("Loại văn bản", "Document type"),
    "facet_retention": ("Thời hạn bảo quản", "Retention"),
    "facet_access": ("Chế độ sử dụng", "Access"),
    "kind_dossier": ("Hồ sơ", "Dossier"),
    "kind_document": ("Văn bản", "Document"),
    "access_cong_khai": ("Công khai", "Public"),
    "access_han_che": ("Hạn chế", "Restricted"),
    "retention_vinh_vien": ("Vĩnh viễn", "Permanent"),
    "years": ("năm", "years"),
    "anon_note": ("Bạn đang tra cứu tài liệu công khai. Đăng nhập để xem hồ sơ và văn bản.",
                  "You are searching public records. Log in to read dossiers and documents."),
    "login": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất", "Log out"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "login_failed": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "or": ("hoặc", "or"),
    "upload": ("Nộp lưu", "Transfer"),
    "upload_title": ("Nộp lưu gói tài liệu (.zip)", "Submit a transfer (.zip)"),
    "upload_help": ("Gói .zip gồm mục lục hồ sơ (muc_luc_ho_so.xlsx hoặc ho_so.csv + van_ban.csv) và các tệp.",
                    "A .zip holding the catalogue (muc_luc_ho_so.xlsx or ho_so.csv + van_ban.csv) and the files."),
    "upload_btn": ("Tải lên và kiểm tra", "Upload and check"),
    "uploading": ("Đang tải lên…", "Uploading…"),
    "my_transfers": ("Các lần nộp lưu", "Transfers"),
    "transfer": ("Gói nộp lưu", "Transfer"),
    "progress": ("Tiến độ", "Progress"),
    "stage": ("Bước", "Stage"),
    "stage_copy": ("Sao chép và tính mã băm", "Copying and hashing"),
    "stage_checks": ("Kiểm tra tệp", "Checking files"),
    "stage_store": ("Lưu gói bảo quản (AIP)", "Storing AIPs"),
    "status": ("Trạng thái", "Status"),
    "status_queued": ("Đang chờ", "Queued"),
    "status_running": ("Đang xử lý", "Processing"),
    "status_accepted": ("Chấp nhận", "Accepted"),
    "status_rejected": ("Từ chối", "Rejected"),
    "status_failed": ("Lỗi hệ thống", "Failed"),
    "report": ("Báo cáo kiểm tra", "Check report"),
    "findings": ("Phát hiện", "Findings"),
    "no_findings": ("Không có phát hiện nào.", "No findings."),
    "severity": ("Mức", "Severity"),
    "sev_error": ("Lỗi", "Error"),
    "sev_warning": ("Cảnh báo", "Warning"),
    "sev_info": ("Thông tin", "Info"),
    "code": ("Mã", "Code"),
    "message": ("Nội dung", "Message"),
    "file": ("Tệp", "File"),
    "files": ("Tệp", "Files"),
    "dossier": ("Hồ sơ", "Dossier"),
    "dossiers": ("Hồ sơ", "Dossiers"),
    "documents": ("Văn bản", "Documents"),
    "document": ("Văn bản", "Document"),
    "dossier_code": ("Mã hồ sơ", "Dossier code"),
    "agency": ("Cơ quan", "Agency"),
    "period": ("Thời gian", "Period"),
    "retention": ("Thời hạn bảo quản", "Retention"),
    "access": ("Chế độ sử dụng", "Access"),
    "doc_type": ("Loại", "Type"),
    "number": ("Số/Ký hiệu", "Number"),
    "date": ("Ngày", "Date"),
    "abstract": ("Trích yếu", "Abstract"),
    "issuer": ("Cơ quan ban hành", "Issued by"),
    "signature": ("Chữ ký số", "Digital signature"),
    "sig_none": ("Chưa kiểm tra", "Not checked"),
    "sig_unsigned": ("Không có chữ ký số", "Not signed"),
    "sig_valid": ("Hợp lệ", "Valid"),
    "sig_valid_untrusted": ("Hợp lệ, chứng thư chưa được tin cậy", "Valid, certificate not trusted"),
    "sig_modified": ("Tài liệu bị sửa sau khi ký", "Modified after signing"),
    "sig_expired": ("Chứng thư hết hạn khi ký", "Certificate expired at signing"),
    "sig_revoked": ("Chứng thư bị thu hồi", "Certificate revoked"),
    "sig_invalid": ("Không hợp lệ", "Invalid"),
    "open_pdf": ("Mở tệp", "Open file"),
    "viewer": ("Xem tài liệu", "Viewer"),
    "role_original": ("Bản gốc", "Original"),
    "role_preservation": ("Bản bảo quản (PDF/A)", "Preservation copy (PDF/A)"),
    "role_text": ("Văn bản trích xuất", "Extracted text"),
    "events": ("Sự kiện bảo quản", "Preservation events"),
    "audit": ("Nhật ký", "Audit trail"),
    "audit_title": ("Nhật ký kiểm tra (chuỗi băm)", "Audit trail (hash chain)"),
    "audit_ok": ("Chuỗi băm toàn vẹn", "Hash chain intact"),
    "audit_broken": ("Chuỗi băm bị phá vỡ tại mục", "Hash chain broken at entry"),
    "entries": ("mục", "entries"),
    "actor": ("Người thực hiện", "Actor"),
    "action": ("Hành động", "Action"),
    "object": ("Đối tượng", "Object"),
    "outcome": ("Kết quả", "Outcome"),
    "time": ("Thời điểm", "Time"),
    "older": ("Cũ hơn", "Older"),
    "fixity": ("Bảo quản", "Fixity"),
    "fixity_title": ("Kiểm tra tính toàn vẹn (fixity)", "Fixity checks"),
    "fixity_none": ("Chưa có lần kiểm tra toàn vẹn nào sau khi lưu.", "No fixity check recorded yet."),
    "disposal": ("Tiêu hủy", "Disposal"),
    "disposal_title": ("Tiêu hủy tài liệu hết giá trị", "Destruction of expired records"),
    "forbidden": ("Bạn không có quyền xem trang này.", "You may not see this page."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "error": ("Lỗi", "Error"),
    "back": ("Quay lại", "Back"),
    "account": ("Tài khoản", "Account"),
    "restricted_badge": ("Hạn chế", "Restricted"),
    "page": ("Trang", "Page"),
    "next": ("Sau", "Next"),
    "prev": ("Trước", "Previous"),
    "sort_relevance": ("Liên quan nhất", "Most relevant"),
    "sort_date": ("Mới nhất", "Newest"),
    "lang_other": ("English", "Tiếng Việt"),
}


def lang_of(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get(COOKIE)
    return c if c in LANGS else "vi"


def translator(lang: str):  # type: ignore[no-untyped-def]
    i = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = TEXTS.get(key)
        return pair[i] if pair else key

    return t
