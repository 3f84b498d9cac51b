"""Finding codes of the transfer_out area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'transfer_out'

RECEIPT_ALREADY_CONFIRMED = define('RECEIPT_ALREADY_CONFIRMED', E,
    'Gói … đã được xác nhận bằng giấy … lúc …; một gói chỉ được xác nhận bằng một giấy',
    'Package … was already confirmed by receipt … at …; a package is confirmed by one receipt only',
    'không cần làm gì nếu đó là cùng một lần giao nhận; nếu không, đối chiếu hai giấy xác nhận với bên nhận',
    'nothing to do if it is the same handover; otherwise compare the two receipts with the receiving archive', area=A)
RECEIPT_DOSSIER_MISSING = define('RECEIPT_DOSSIER_MISSING', E,
    'Giấy xác nhận không xác nhận đã lưu hồ sơ … của gói …',
    'The receipt does not confirm that dossier … of package … was stored',
    'liên hệ bên nhận; hồ sơ chưa được coi là đã nộp lưu',
    'contact the receiving archive; the dossier is not treated as transferred', area=A)
RECEIPT_DOSSIER_UNEXPECTED = define('RECEIPT_DOSSIER_UNEXPECTED', E,
    'Giấy xác nhận có hồ sơ … không thuộc gói …',
    'The receipt lists dossier …, which is not in package …',
    'kiểm tra đây đúng là giấy xác nhận của gói này (`luutru transfer-out list`); nếu đúng, đối chiếu với bên nhận',
    'check it is the receipt for this package (`luutru transfer-out list`); if it is, check with the receiving archive', area=A)
RECEIPT_HASH_MISMATCH = define('RECEIPT_HASH_MISMATCH', E,
    'Hồ sơ …: … trong giấy xác nhận (…) khác với khi gửi (…); nội dung bên nhận lưu không giống nội dung đã gửi',
    'Dossier …: … in the receipt (…) differs from what was sent (…); the receiving archive did not store what was sent',
    'đối chiếu với bên nhận, gửi lại hồ sơ',
    'check with them and resend', area=A)
RECEIPT_INVALID = define('RECEIPT_INVALID', E,
    'Giấy xác nhận không đúng định dạng (cần đối tượng JSON có profile luutru-transfer-out-receipt/1, package_id, receipt_id, dossiers)',
    'The receipt is not in the expected form (a JSON object with profile luutru-transfer-out-receipt/1, package_id, receipt_id, dossiers)',
    'dùng đúng tệp .json do Lưu trữ lịch sử trả về',
    'use the .json file the historical archive returned', area=A)
RECEIPT_PACKAGE_HASH_MISMATCH = define('RECEIPT_PACKAGE_HASH_MISMATCH', E,
    'Mã băm manifest của gói trong giấy xác nhận (…) khác với gói đã lập (…): bên nhận đã nhận một gói khác',
    'The package manifest hash in the receipt (…) is not that of the package built (…): a different package was received',
    'gửi lại đúng gói và yêu cầu giấy xác nhận mới',
    'resend the package and ask for a new receipt', area=A)
RECEIPT_SENDER_MISMATCH = define('RECEIPT_SENDER_MISMATCH', E,
    'Giấy xác nhận ghi bên giao …, gói … do … giao',
    'The receipt names sender …; package … was sent for …',
    'kiểm tra đây đúng là giấy xác nhận của gói đã gửi; nếu đúng, yêu cầu bên nhận lập lại giấy xác nhận',
    'check it is the receipt for the package sent; if it is, ask the receiving archive for a corrected receipt', area=A)
RECEIPT_UNKNOWN_PACKAGE = define('RECEIPT_UNKNOWN_PACKAGE', E,
    "Giấy xác nhận nói về gói '…', nhưng kho này chưa lập gói nào như vậy",
    "The receipt is for package '…', which this archive never built",
    'kiểm tra đúng giấy xác nhận của gói đã gửi (`luutru transfer-out list`)',
    'check it is the receipt for a package sent from here (`luutru transfer-out list`)', area=A)
RECEIPT_UNREADABLE = define('RECEIPT_UNREADABLE', E,
    "Không đọc được giấy xác nhận '…': …",
    "Cannot read the receipt '…': …",
    'dùng đúng tệp .json do Lưu trữ lịch sử trả về',
    'use the .json file the historical archive returned', area=A)
TRANSFER_OUT_BAG_INVALID = define('TRANSFER_OUT_BAG_INVALID', E,
    'Gói vừa lập không hợp lệ: …',
    'The package just built is invalid: …',
    'kiểm tra ổ đĩa rồi lập lại',
    'check the disk and build again', area=A)
TRANSFER_OUT_FIXITY = define('TRANSFER_OUT_FIXITY', E,
    'Tệp … của hồ sơ … không khớp mã băm đã lưu (… ≠ …); không lập gói với tệp hỏng',
    'File … of dossier … does not match its recorded hash (… ≠ …); no package is built with a damaged file',
    'chạy `luutru audit` để khôi phục từ bản sao, rồi lập lại gói',
    'run `luutru audit` to repair it from a replica, then build again', area=A)
TRANSFER_OUT_NOTHING = define('TRANSFER_OUT_NOTHING', E,
    'Không có hồ sơ nào được chọn',
    'No dossier was given',
    'ghi mã hồ sơ sau --dossier, hoặc bỏ --dossier để lấy các hồ sơ đến hạn',
    'give dossier codes after --dossier, or leave --dossier out to take the dossiers due', area=A)
TRANSFER_OUT_NOTHING_DUE = define('TRANSFER_OUT_NOTHING_DUE', E,
    'Cơ quan … không có hồ sơ vĩnh viễn nào đến hạn nộp lưu vào Lưu trữ lịch sử tính đến năm … (năm bắt đầu tính + … ≤ …; hồ sơ đã có xác nhận giao nhận không tính)',
    'Agency … has no permanent dossier due for the historical archive as of … (start year + … ≤ …; dossiers with a confirmed receipt are left out)',
    'kiểm tra mã cơ quan, --as-of, hoặc chỉ định hồ sơ bằng --dossier',
    'check the agency code and --as-of, or name dossiers with --dossier', area=A)
TRANSFER_OUT_NOT_PERMANENT = define('TRANSFER_OUT_NOT_PERMANENT', E,
    'Hồ sơ … có thời hạn bảo quản … năm, không phải vĩnh viễn; chỉ tài liệu bảo quản vĩnh viễn được nộp lưu vào Lưu trữ lịch sử',
    'Dossier … has a fixed retention of … years, not permanent; only permanent records go to the historical archive',
    'bỏ hồ sơ này, hoặc thêm --include-fixed-term nếu có quyết định nộp lưu riêng',
    'leave it out, or pass --include-fixed-term when a specific decision requires its transfer', area=A)
TRANSFER_OUT_NO_ORIGINAL = define('TRANSFER_OUT_NO_ORIGINAL', E,
    'Văn bản … không có tệp gốc trong AIP',
    'Document … has no original file in its AIP',
    'chạy `luutru audit` và khôi phục AIP',
    'run `luutru audit` and repair the AIP', area=A)
TRANSFER_OUT_OTHER_AGENCY = define('TRANSFER_OUT_OTHER_AGENCY', E,
    'Hồ sơ … thuộc cơ quan …, không thuộc …. Một gói chỉ chứa hồ sơ của một cơ quan',
    "Dossier … belongs to agency …, not …. A package holds one agency's records",
    'lập gói riêng cho từng cơ quan',
    'build one package per agency', area=A)
TRANSFER_OUT_RECEIPT = define('TRANSFER_OUT_RECEIPT', I,
    'Gói nộp lưu …: đã lập giấy xác nhận … tại … (bản PDF: …)',
    'Transfer package …: receipt … written to … (PDF: …)',
    'gửi tệp .json cho bên giao để xác nhận (`luutru transfer-out confirm`)',
    'send the .json file to the sender to confirm (`luutru transfer-out confirm`)', area=A)
TRANSFER_OUT_RECEIPT_FAILED = define('TRANSFER_OUT_RECEIPT_FAILED', W,
    'Đã lưu các hồ sơ của gói nộp lưu nhưng chưa lập được giấy xác nhận (…)',
    "The package's dossiers are stored but the receipt could not be written (…)",
    'nộp lại cùng gói (`luutru ingest`): hồ sơ đã lưu không bị trùng và giấy xác nhận được lập lại',
    'ingest the same package again (`luutru ingest`): nothing is duplicated and the receipt is written again', area=A)
TRANSFER_OUT_RECEIPT_MISMATCH = define('TRANSFER_OUT_RECEIPT_MISMATCH', W,
    'Gói …: nội dung đã lưu của … khác mã băm bên giao khai trong gói; bên giao sẽ không xác nhận được',
    'Package …: what was stored for … differs from the hashes the sender declared; the sender will not be able to confirm',
    'đối chiếu với bên giao',
    'check with the sender', area=A)
TRANSFER_OUT_UNKNOWN_DOSSIER = define('TRANSFER_OUT_UNKNOWN_DOSSIER', E,
    "Không có hồ sơ '…' trong kho",
    "No dossier '…' in the archive",
    'kiểm tra mã hồ sơ (`luutru show`)',
    'check the dossier code (`luutru show`)', area=A)

REGISTRATION_MISSING = define('REGISTRATION_MISSING', E,
    'Chưa đăng ký nộp lưu với Lưu trữ lịch sử cho … hồ sơ (Thông tư 06/2025/TT-BNV Điều 3)',
    '… dossier(s) have no registered submission with the historical archive (Circular 06/2025 Art. 3)',
    'chạy `luutru transfer-out register` cho các hồ sơ này, rồi lập gói',
    'run `luutru transfer-out register` for them, then build the package', area=A)
REGISTRATION_NOTHING_DUE = define('REGISTRATION_NOTHING_DUE', E,
    'Không có hồ sơ nào để đăng ký nộp lưu',
    'Nothing to register for submission',
    'chỉ định hồ sơ bằng --dossier',
    'name dossiers with --dossier', area=A)
