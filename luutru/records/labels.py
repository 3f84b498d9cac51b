"""What people read for the stored values: statuses, roles, permissions, in Vietnamese and English.

The one catalogue of labels of domain values (the web pages, the CLI and error messages
all take them from here); the words of the page layout are in :mod:`luutru.api.i18n`.
A value with no label is shown as it is, never hidden.
"""

from __future__ import annotations

from typing import Any

Label = tuple[str, str]  # (Vietnamese, English)

LABELS: dict[str, dict[str, Label]] = {
    "transfer_status": {
        "queued": ("Đang chờ", "Queued"), "running": ("Đang xử lý", "Processing"),
        "accepted": ("Chấp nhận", "Accepted"), "rejected": ("Từ chối", "Rejected"),
        "failed": ("Lỗi hệ thống", "Failed"),
    },
    "dossier_outcome": {
        "pending": ("Đang chờ quyết định", "Pending"), "stored": ("Đã lưu", "Stored"),
        "already_stored": ("Đã lưu từ trước", "Already stored"), "rejected": ("Bị từ chối", "Rejected"),
        "not_stored": ("Không lưu (gói bị từ chối)", "Not stored (transfer rejected)"),
    },
    "job_status": {
        "queued": ("Đang chờ", "Queued"), "running": ("Đang chạy", "Running"), "done": ("Xong", "Done"),
        "failed": ("Lỗi", "Failed"), "cancelled": ("Đã hủy bỏ", "Cancelled"),
    },
    "disposal_status": {
        "draft": ("Dự thảo", "Draft"), "approved": ("Đã phê duyệt", "Approved"), "rejected": ("Bị từ chối", "Rejected"),
        "executing": ("Đang hủy", "Being destroyed"), "executed": ("Đã hủy", "Destroyed"),
    },
    "disposal_item_state": {
        "pending": ("Chờ hủy", "Pending"), "destroying": ("Đang hủy", "Being destroyed"),
        "destroyed": ("Đã hủy", "Destroyed"), "withheld": ("Giữ lại, không hủy", "Withheld"),
    },
    "outcome": {
        "success": ("Thành công", "Success"), "failure": ("Thất bại", "Failure"), "denied": ("Bị từ chối", "Denied"),
        "accepted": ("Chấp nhận", "Accepted"), "rejected": ("Từ chối", "Rejected"), "failed": ("Lỗi hệ thống", "Failed"),
    },
    "opinion": {"agree": ("Đồng ý", "Agree"), "disagree": ("Không đồng ý", "Disagree")},
    "event_type": {  # PREMIS event types (records.events)
        "ingestion": ("Tiếp nhận", "Ingestion"), "validation": ("Kiểm tra hợp lệ", "Validation"),
        "fixity check": ("Kiểm tra toàn vẹn", "Fixity check"),
        "message digest calculation": ("Tính mã băm", "Message digest calculation"),
        "format identification": ("Nhận dạng định dạng", "Format identification"),
        "digital signature validation": ("Kiểm tra chữ ký số", "Digital signature validation"),
        "migration": ("Chuyển đổi định dạng", "Migration"), "replication": ("Sao lưu bản thứ hai", "Replication"),
        "recovery": ("Khôi phục", "Recovery"), "deletion": ("Xóa", "Deletion"),
        "metadata extraction": ("Trích xuất siêu dữ liệu", "Metadata extraction"),
    },
    "audit_action": {
        "access.denied": ("Từ chối truy cập", "Access denied"), "account.create": ("Tạo tài khoản", "Account created"),
        "account.password": ("Đổi mật khẩu", "Password changed"), "account.update": ("Sửa tài khoản", "Account changed"),
        "auth.login": ("Đăng nhập", "Login"), "auth.logout": ("Đăng xuất", "Logout"),
        "export.build": ("Lập gói nộp lưu lịch sử", "Export built"), "export.confirm": ("Xác nhận giao nhận", "Export confirmed"),
        "export.receipt": ("Ghi biên nhận", "Receipt recorded"), "file.download": ("Tải tệp", "File downloaded"),
        "record.view_restricted": ("Xem tài liệu hạn chế", "Restricted record viewed"),
        "token.create": ("Tạo mã API", "API token created"), "token.revoke": ("Thu hồi mã API", "API token revoked"),
        "transfer.ingest": ("Tiếp nhận gói nộp lưu", "Transfer ingested"),
        "transfer.upload": ("Tải lên gói nộp lưu", "Transfer uploaded"),
        "transfer_out.register": ("Đăng ký nộp lưu lịch sử", "Transfer-out registered"),
    },
    "role": {
        "submitter": ("Đơn vị nộp lưu", "Submitter"), "archivist": ("Lưu trữ viên", "Archivist"),
        "council": ("Thành viên Hội đồng xác định giá trị tài liệu", "Appraisal council member"),
        "approver": ("Người phê duyệt", "Approver"), "researcher": ("Người khai thác", "Researcher"),
        "administrator": ("Quản trị hệ thống", "Administrator"),
    },
    "permission": {
        "public": ("truy cập công khai", "public access"), "search": ("tra cứu", "search"),
        "self": ("quản lý tài khoản của mình", "one's own account"),
        "records:read": ("đọc hồ sơ, văn bản", "read records"),
        "transfers:submit": ("nộp lưu tài liệu", "submit transfers"),
        "transfers:read": ("theo dõi các lần nộp lưu", "follow transfers"),
        "disposal:read": ("xem danh mục tài liệu hết giá trị", "see disposal lists"),
        "disposal:propose": ("lập danh mục tài liệu hết giá trị", "draft disposal lists"),
        "disposal:review": ("cho ý kiến của Hội đồng xác định giá trị tài liệu", "give council opinions"),
        "disposal:approve": ("phê duyệt tiêu hủy tài liệu", "approve destruction"),
        "disposal:execute": ("tiến hành hủy tài liệu", "carry out destruction"),
        "export:read": ("xem việc nộp lưu vào lưu trữ lịch sử", "see transfers to the historical archive"),
        "export:manage": ("nộp lưu vào lưu trữ lịch sử", "manage transfers to the historical archive"),
        "storage:read": ("xem tình trạng bảo quản", "see storage status"),
        "storage:manage": ("quản lý kho bảo quản", "manage storage"),
        "audit:read": ("xem nhật ký", "read the audit trail"),
        "accounts:manage": ("quản lý tài khoản và phân quyền", "manage accounts and roles"),
    },
}


def label(kind: str, value: Any, lang: str = "vi") -> str:
    """The label of ``value`` in ``kind`` (``transfer_status``, ``role``, ``permission`` …) in ``lang``."""
    key = getattr(value, "value", value)
    pair = LABELS.get(kind, {}).get(str(key))
    if pair is None:
        return "" if key is None else str(key)
    return pair[1] if lang == "en" else pair[0]


def labels_of(kind: str, lang: str = "vi") -> dict[str, str]:
    """Every label of ``kind`` in ``lang`` (for the scripts of a page)."""
    return {k: (en if lang == "en" else vi) for k, (vi, en) in LABELS.get(kind, {}).items()}
