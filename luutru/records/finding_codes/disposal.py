"""Finding codes of the disposal area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'disposal'

DISPOSAL_ACTOR_MISSING = define('DISPOSAL_ACTOR_MISSING', E,
    'Thiếu người thực hiện',
    'Who is acting is missing',
    'ghi --as <tên người dùng>',
    'give --as <user> (API: "actor")', area=A)
DISPOSAL_ALREADY_DESTROYED = define('DISPOSAL_ALREADY_DESTROYED', E,
    'Hồ sơ … đã bị hủy',
    'Dossier … was already destroyed',
    'xem thông tin hồ sơ đã hủy: `luutru disposal tombstones MÃ`',
    'see its tombstone: `luutru disposal tombstones CODE`', area=A)
DISPOSAL_COUNCIL_DISAGREES = define('DISPOSAL_COUNCIL_DISAGREES', E,
    'Thành viên hội đồng không đồng ý: …',
    'Council members disagree: …',
    'lập lại danh mục hoặc thành viên ghi lại ý kiến',
    'redraft, or the member records a new opinion', area=A)
DISPOSAL_DECISION_MISSING = define('DISPOSAL_DECISION_MISSING', E,
    'Thiếu số quyết định hủy tài liệu',
    'The decision number is missing',
    'ghi --decision <số quyết định>',
    'give --decision', area=A)
DISPOSAL_FOUR_EYES = define('DISPOSAL_FOUR_EYES', E,
    '… đã lập danh mục … nên không được phê duyệt nó. Người có thẩm quyền khác phải phê duyệt',
    '… drafted list … and so may not approve it; another competent person must',
    'người có thẩm quyền khác phê duyệt hoặc từ chối',
    'another competent person approves or rejects', area=A)
DISPOSAL_HELD = define('DISPOSAL_HELD', E,
    'Hồ sơ … đang bị giữ lại (#…: …, …, …)',
    'Dossier … is under hold #… (…, by … at …)',
    'chỉ hủy sau khi người có thẩm quyền gỡ lệnh giữ',
    'it can only be destroyed after the hold is lifted', area=A)
DISPOSAL_LIST_EMPTY = define('DISPOSAL_LIST_EMPTY', E,
    'Danh mục trống',
    'The list is empty',
    'ghi ít nhất một mã hồ sơ',
    'name at least one dossier code', area=A)
DISPOSAL_LIST_UNKNOWN = define('DISPOSAL_LIST_UNKNOWN', E,
    "Không có danh mục tài liệu hết giá trị '…'",
    "No disposal list '…'",
    '',
    'see `luutru disposal list`', area=A)
DISPOSAL_LOCK_UNKNOWN = define('DISPOSAL_LOCK_UNKNOWN', E,
    'Không đọc được khóa lưu giữ của … tại …: …',
    'Cannot read the storage lock of … at …: …',
    'kiểm tra kết nối tới kho rồi thử lại',
    'check the storage connection and try again', area=A)
DISPOSAL_MIXED_AGENCIES = define('DISPOSAL_MIXED_AGENCIES', E,
    'Danh mục gồm hồ sơ của nhiều cơ quan (…)',
    'The list mixes agencies (…)',
    'lập một danh mục cho mỗi cơ quan (phông)',
    'one list per agency', area=A)
DISPOSAL_NOTE_MISSING = define('DISPOSAL_NOTE_MISSING', E,
    'Thiếu bản thuyết minh tài liệu hết giá trị',
    'The explanatory note (bản thuyết minh) is missing',
    'ghi --note <bản thuyết minh>',
    'give --note', area=A)
DISPOSAL_NOT_APPROVED = define('DISPOSAL_NOT_APPROVED', E,
    'Danh mục … đang ở trạng thái …: chỉ hủy theo danh mục đã được phê duyệt',
    'List … is …: only an approved list can be executed',
    'phê duyệt danh mục trước (`luutru disposal approve`)',
    'approve the list first (`luutru disposal approve`)', area=A)
DISPOSAL_NOT_DRAFT = define('DISPOSAL_NOT_DRAFT', E,
    'Danh mục … đang ở trạng thái …; chỉ ghi ý kiến khi còn là dự thảo',
    'List … is …; opinions are recorded on drafts only',
    'lập danh mục mới nếu cần',
    'draft a new list if needed', area=A)
DISPOSAL_NOT_EXPIRED = define('DISPOSAL_NOT_EXPIRED', E,
    'Hồ sơ … còn thời hạn bảo quản đến hết ngày …',
    'Dossier … is retained until … inclusive',
    'chỉ đưa vào danh mục sau ngày hết hạn',
    'list it only after its retention has ended', area=A)
DISPOSAL_NOT_WHOLE_DOSSIER = define('DISPOSAL_NOT_WHOLE_DOSSIER', E,
    "'…' là một văn bản, không phải hồ sơ. Chỉ được hủy nguyên hồ sơ",
    "'…' is a document, not a dossier. Only whole dossiers may be destroyed",
    'ghi mã hồ sơ, không ghi mã văn bản',
    'give the dossier code, not a document identifier', area=A)
DISPOSAL_NO_COUNCIL_OPINION = define('DISPOSAL_NO_COUNCIL_OPINION', E,
    'Hội đồng xác định giá trị tài liệu chưa có ý kiến nào về danh mục này',
    'The appraisal council has recorded no opinion on this list yet',
    'thành viên hội đồng ghi ý kiến (`luutru disposal opinion`)',
    'a council member records an opinion (`luutru disposal opinion`)', area=A)
DISPOSAL_ON_OTHER_LIST = define('DISPOSAL_ON_OTHER_LIST', E,
    'Hồ sơ … đã có trong danh mục …',
    'Dossier … is already on list …',
    'bỏ hồ sơ khỏi danh mục này, hoặc từ chối danh mục kia',
    'leave it out, or reject the other list', area=A)
DISPOSAL_OPINION_INVALID = define('DISPOSAL_OPINION_INVALID', E,
    "Ý kiến '…' không hợp lệ: dùng agree hoặc disagree",
    "Opinion '…' is invalid: use agree or disagree",
    'dùng --agree hoặc --disagree',
    'use --agree or --disagree', area=A)
DISPOSAL_PERMANENT = define('DISPOSAL_PERMANENT', E,
    'Hồ sơ … có thời hạn bảo quản vĩnh viễn: không bao giờ được hủy',
    'Dossier … is permanent: it can never be destroyed',
    'bỏ hồ sơ khỏi danh mục; hồ sơ vĩnh viễn được nộp lưu vào lưu trữ lịch sử',
    'leave it out; permanent dossiers go to a historical archive', area=A)
DISPOSAL_REASON_MISSING = define('DISPOSAL_REASON_MISSING', E,
    'Hồ sơ …: thiếu lý do hủy',
    'Dossier …: the reason for destruction is missing',
    'ghi MÃ=lý do hoặc --reason',
    'give CODE=reason or --reason', area=A)
DISPOSAL_STORAGE_LOCKED = define('DISPOSAL_STORAGE_LOCKED', E,
    'Kho … chưa cho xóa hồ sơ …: …',
    'Storage … does not allow deleting … yet: …',
    'chờ hết thời hạn khóa hoặc gỡ lệnh giữ trên kho',
    'wait for the lock to end, or release the storage hold', area=A)
DISPOSAL_TRANSFER_UNCONFIRMED = define('DISPOSAL_TRANSFER_UNCONFIRMED', E,
    'Hồ sơ … phải nộp lưu vào lưu trữ lịch sử và chưa có xác nhận đã nhận',
    'Dossier … had to be transferred to a historical archive and its receipt is not confirmed',
    'chờ biên bản/xác nhận giao nhận',
    'wait for the receipt', area=A)
DISPOSAL_UNKNOWN_DOSSIER = define('DISPOSAL_UNKNOWN_DOSSIER', E,
    'Không có hồ sơ … trong kho lưu trữ',
    'No dossier … in the archive',
    'kiểm tra mã hồ sơ',
    'check the dossier code', area=A)
HOLD_REASON_MISSING = define('HOLD_REASON_MISSING', E,
    'Thiếu lý do giữ lại',
    'The reason for the hold is missing',
    'ghi --reason',
    'give --reason', area=A)
HOLD_UNKNOWN = define('HOLD_UNKNOWN', E,
    'Không có lệnh giữ #… đang hiệu lực',
    'No active hold #…',
    'xem `luutru disposal hold list`',
    'see `luutru disposal hold list`', area=A)
RETENTION_GROUP_UNKNOWN = define('RETENTION_GROUP_UNKNOWN', W,
    "Hồ sơ …: mã nhóm thời hạn bảo quản '…' không có trong bảng thời hạn bảo quản (Thông tư 10/2022/TT-BNV và bảng của cơ quan)",
    "Dossier …: retention group '…' is not in the retention schedule (Circular 10/2022/TT-BNV and the agency schedule)",
    'ghi đúng mã nhóm, hoặc bổ sung vào bảng thời hạn bảo quản của cơ quan',
    'enter the right group code, or add it to the agency schedule', area=A)
RETENTION_LONGER_THAN_SCHEDULE = define('RETENTION_LONGER_THAN_SCHEDULE', W,
    "Hồ sơ …: thời hạn bảo quản '…' dài hơn thời hạn của nhóm … (…). Được phép, nhưng hãy kiểm tra lại mã nhóm",
    "Dossier …: retention '…' is longer than group …'s (…). Allowed, but check the group code",
    'kiểm tra lại mã nhóm',
    'check the group code', area=A)
RETENTION_SHORTER_THAN_SCHEDULE = define('RETENTION_SHORTER_THAN_SCHEDULE', E,
    "Hồ sơ …: thời hạn bảo quản '…' ngắn hơn thời hạn của nhóm … ('…': …)",
    "Dossier …: retention '…' is shorter than group …'s (…)",
    'ghi thời hạn … hoặc kiểm tra lại mã nhóm',
    'enter … or check the group code', area=A)
DISPOSAL_SEPARATION_OF_DUTIES = define('DISPOSAL_SEPARATION_OF_DUTIES', E,
    '… đã là … của danh mục … nên không được làm …',
    '… already acted on list … as … and so may not act as …',
    'một người khác phải làm việc này: người lập danh mục, các thành viên hội đồng và người phê duyệt là những người '
    'khác nhau; thành viên hội đồng và người phê duyệt không thực hiện hủy',
    'another person must do it: the drafter, the council members and the approver are different people; council '
    'members and the approver do not execute', area=A)
DISPOSAL_QUORUM_NOT_MET = define('DISPOSAL_QUORUM_NOT_MET', E,
    'Chưa đủ số thành viên hội đồng đồng ý (cần … người khác nhau)',
    'Not enough council members agreed (… different people needed)',
    'chờ thêm ý kiến của hội đồng (số tối thiểu: LUUTRU_DISPOSAL_COUNCIL_QUORUM)',
    'wait for more council opinions (the minimum: LUUTRU_DISPOSAL_COUNCIL_QUORUM)', area=A)
DISPOSAL_BAD_TRANSITION = define('DISPOSAL_BAD_TRANSITION', E,
    "Không thể '…' khi … ở trạng thái …",
    "Cannot '…' … in state …",
    'xem trạng thái bằng `luutru disposal show`',
    'see the state with `luutru disposal show`', area=A)
