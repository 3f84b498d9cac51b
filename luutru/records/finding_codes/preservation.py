"""Finding codes of the preservation area (AIP revisions, preservation actions)."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'preservation'

CORRECTION_NO_REASON = define('CORRECTION_NO_REASON', E,
    'Hiệu đính siêu dữ liệu hồ sơ … thiếu lý do',
    'The metadata correction of dossier … has no reason',
    'ghi lý do hiệu đính (ví dụ: sai tiêu đề so với bản gốc)',
    'give the reason for the correction (e.g. title differs from the original)', area=A)
CORRECTION_FIELD_UNKNOWN = define('CORRECTION_FIELD_UNKNOWN', E,
    "Trường '…' không có trong siêu dữ liệu hoặc không được hiệu đính",
    "Field '…' is not in the metadata or may not be corrected",
    'chỉ hiệu đính các trường có sẵn của hồ sơ/văn bản; mã hồ sơ và mã cơ quan không đổi được',
    'correct only existing dossier/document fields; the dossier and agency codes cannot change', area=A)
CORRECTION_NOTHING = define('CORRECTION_NOTHING', E,
    'Hiệu đính hồ sơ … không thay đổi giá trị nào',
    'The correction of dossier … changes no value',
    'nhập giá trị mới khác giá trị hiện có',
    'give new values that differ from the current ones', area=A)
REVISION_UNKNOWN_DOSSIER = define('REVISION_UNKNOWN_DOSSIER', E,
    'Không có AIP của hồ sơ … trong kho lưu trữ',
    'No AIP of dossier … is in storage',
    'kiểm tra mã hồ sơ (luutru show)',
    'check the dossier code (luutru show)', area=A)
REVISION_UNKNOWN = define('REVISION_UNKNOWN', E,
    'AIP … không có phiên bản …',
    'AIP … has no revision …',
    'xem các phiên bản bằng `luutru revisions MÃ_HỒ_SƠ`',
    'list the revisions with `luutru revisions DOSSIER_CODE`', area=A)
EVENTS_NOT_STORED = define('EVENTS_NOT_STORED', W,
    'Sự kiện bảo quản của hồ sơ … chưa ghi được vào AIP (…)',
    'Preservation events of dossier … could not be written into its AIP (…)',
    'kiểm tra kho lưu trữ rồi chạy lại; sự kiện vẫn có trong CSDL',
    'check the storage and run again; the events are in the catalog meanwhile', area=A)
ACTIONS_PENDING = define('ACTIONS_PENDING', I,
    'Hồ sơ …: đang chờ xử lý bảo quản (…)',
    'Dossier …: preservation actions pending (…)',
    'không cần làm gì; xem tiến độ bằng `luutru actions MÃ_HỒ_SƠ` hoặc trang hồ sơ',
    'nothing to do; follow them with `luutru actions DOSSIER_CODE` or on the dossier page', area=A)
COPY_LOST_TEXT = define('COPY_LOST_TEXT', W,
    'Bản PDF/A của … mất chữ so với bản gốc (giữ …)',
    'The PDF/A copy of … lost text of its original (kept …)',
    'bản sao không được lưu; kiểm tra phông chữ của tệp gốc hoặc cập nhật Ghostscript',
    'the copy is not stored; check the fonts of the original or update Ghostscript', area=A)
