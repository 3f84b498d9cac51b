"""Finding codes of the ingest area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'ingest'

AGENCY_CODE_INVALID = define('AGENCY_CODE_INVALID', E,
    "…: mã định danh cơ quan '…' sai cấu trúc",
    "…: agency code '…' has the wrong structure",
    'dùng dạng 000.00.31.H57 (3 số.2 số.2 số.chữ hoa+2 số)',
    'use the form 000.00.31.H57', area=A)
BAG_CHECKSUM_MISMATCH = define('BAG_CHECKSUM_MISMATCH', E,
    "Tệp '…' không khớp mã băm trong manifest của túi BagIt",
    "File '…' does not match the bag manifest checksum",
    'gửi lại tệp gốc hoặc tạo lại túi',
    'resend the original file or rebuild the bag', area=A)
BAG_MANIFEST_DUPLICATE = define('BAG_MANIFEST_DUPLICATE', E,
    "Manifest của túi BagIt liệt kê '…' nhiều lần (có thể ở dạng NFC và NFD)",
    "The bag manifest lists '…' more than once (perhaps as NFC and NFD)",
    'tạo lại túi để mỗi tệp có đúng một dòng',
    'rebuild the bag so each file has exactly one line', area=A)
BAG_FILE_MISSING = define('BAG_FILE_MISSING', E,
    "Manifest của túi BagIt liệt kê '…' nhưng tệp không có",
    "The bag manifest lists '…' but the file is missing",
    'bổ sung tệp hoặc tạo lại túi',
    'add the file or rebuild the bag', area=A)
BAG_INVALID = define('BAG_INVALID', E,
    'Túi BagIt không hợp lệ: …',
    'Invalid BagIt bag: …',
    'tạo lại túi',
    'rebuild the bag', area=A)
BAG_UNEXPECTED_FILE = define('BAG_UNEXPECTED_FILE', E,
    "Tệp '…' có trong túi BagIt nhưng không có trong manifest",
    "File '…' is in the bag but not in its manifest",
    'tạo lại túi',
    'rebuild the bag', area=A)
CATALOGUE_NO_DOSSIERS = define('CATALOGUE_NO_DOSSIERS', E,
    'Mục lục không có hồ sơ nào',
    'The catalogue lists no dossiers',
    'nhập các hồ sơ vào trang HoSo',
    'list the dossiers on the HoSo sheet', area=A)
CHECKSUM_MALFORMED = define('CHECKSUM_MALFORMED', E,
    "…: mã băm '…' không phải SHA-256 (64 ký tự hex)",
    "…: checksum '…' is not a SHA-256 (64 hex digits)",
    'tính lại bằng `sha256sum` hoặc để trống',
    'recompute with `sha256sum` or leave it empty', area=A)
CHECKSUM_MISMATCH = define('CHECKSUM_MISMATCH', E,
    "Văn bản …: mã băm SHA-256 của tệp '…' là …, khác với mục lục (…). Tệp có thể bị hỏng hoặc bị thay",
    "Document …: SHA-256 of '…' is …, not … as catalogued. The file may be damaged or replaced",
    'gửi lại đúng tệp hoặc sửa mã băm',
    'resend the right file or correct the checksum', area=A)
FILE_CHANGED_DURING_INGEST = define('FILE_CHANGED_DURING_INGEST', E,
    "Văn bản …: tệp '…' bị thay đổi trong khi đang được tiếp nhận",
    "Document …: file '…' changed while it was being ingested",
    'không sửa tệp trong thư mục nộp lưu khi đang tiếp nhận; nộp lại gói',
    'leave the transfer folder untouched while it is ingested; submit it again', area=A)
DATE_IN_FUTURE = define('DATE_IN_FUTURE', E,
    '…: ngày … ở tương lai',
    '…: date … is in the future',
    'nhập đúng ngày',
    'enter the real date', area=A)
DATE_RANGE_INVERTED = define('DATE_RANGE_INVERTED', E,
    '…: thời gian kết thúc (…) trước thời gian bắt đầu (…)',
    '…: end date (…) is before start date (…)',
    'kiểm tra lại hai ngày',
    'check both dates', area=A)
DISK_FULL = define('DISK_FULL', E,
    'Hết dung lượng đĩa khi xử lý gói nộp lưu; không có gì được ghi dở',
    'Disk full while processing the transfer; nothing was left half-written',
    'giải phóng dung lượng (… và kho lưu trữ) rồi nộp lại',
    'free space (… and the storage) and submit again', area=A)
DOCUMENT_COUNT_MISMATCH = define('DOCUMENT_COUNT_MISMATCH', E,
    "Hồ sơ '…' ghi tổng số … văn bản nhưng mục lục liệt kê …",
    "Dossier '…' states … documents but the catalogue lists …",
    'sửa tổng số hoặc bổ sung văn bản',
    'correct the count or add the documents', area=A)
DOCUMENT_DATE_OUTSIDE_DOSSIER = define('DOCUMENT_DATE_OUTSIDE_DOSSIER', W,
    '…: ngày văn bản … nằm ngoài thời gian của hồ sơ (…–…)',
    "…: document date … is outside the dossier's dates (…–…)",
    'kiểm tra ngày văn bản hoặc thời gian hồ sơ',
    'check the document date or the dossier dates', area=A)
DOCUMENT_DOSSIER_UNKNOWN = define('DOCUMENT_DOSSIER_UNKNOWN', E,
    "…: văn bản thuộc hồ sơ '…' không có trong trang hồ sơ",
    "…: the document's dossier '…' is not listed on the dossier sheet",
    'thêm hồ sơ hoặc sửa mã hồ sơ',
    'add the dossier or correct the code', area=A)
DOCUMENT_ID_DUPLICATE = define('DOCUMENT_ID_DUPLICATE', E,
    "…: mã định danh văn bản '…' xuất hiện … lần",
    "…: document identifier '…' appears … times",
    'đánh lại số thứ tự văn bản',
    'renumber the documents', area=A)
DOSSIER_ALREADY_STORED = define('DOSSIER_ALREADY_STORED', I,
    'Hồ sơ … đã được lưu trữ trước đây với cùng nội dung; không tạo bản trùng',
    'Dossier … was already preserved with the same content; no duplicate made',
    '',
    '', area=A)
DOSSIER_CODE_DUPLICATE = define('DOSSIER_CODE_DUPLICATE', E,
    "…: mã hồ sơ '…' xuất hiện … lần",
    "…: dossier code '…' appears … times",
    'mỗi hồ sơ một mã riêng',
    'give each dossier its own code', area=A)
DOSSIER_CODE_MISMATCH = define('DOSSIER_CODE_MISMATCH', E,
    "…: mã hồ sơ '…' không khớp mã cơ quan + năm + số ký hiệu",
    "…: dossier code '…' does not match agency code + year + number",
    "ghi '…'",
    "write '…'", area=A)
DOSSIER_EMPTY = define('DOSSIER_EMPTY', E,
    "Hồ sơ '…' không có văn bản nào trong trang văn bản",
    "Dossier '…' has no documents on the document sheet",
    'liệt kê các văn bản của hồ sơ',
    'list its documents', area=A)
DOCUMENT_PAGE_COUNT_MISMATCH = define('DOCUMENT_PAGE_COUNT_MISMATCH', W,
    'Tài liệu … ghi … trang nhưng tệp … có … trang',
    'Document … states … pages but its file … has …',
    'kiểm tra số trang trong mục lục, hoặc tệp đính kèm có đúng là của tài liệu này không',
    'check the page count in the catalogue, or whether the file attached belongs to this document', area=A)
DOSSIER_PAGE_TOTAL_MISMATCH = define('DOSSIER_PAGE_TOTAL_MISMATCH', W,
    "Hồ sơ '…' ghi số lượng trang … nhưng tổng số trang của các tài liệu là …",
    "Dossier '…' states … pages but its documents add up to …",
    'sửa số lượng trang của hồ sơ hoặc số trang của từng tài liệu',
    "correct the dossier's page total or the page counts of its documents", area=A)
DOSSIER_SHEET_COUNT_INCONSISTENT = define('DOSSIER_SHEET_COUNT_INCONSISTENT', W,
    "Hồ sơ '…' ghi số lượng tờ … cho … trang (mỗi tờ một hoặc hai trang)",
    "Dossier '…' states … sheets for … pages (a sheet holds one or two pages)",
    'đếm lại số tờ hoặc số trang của hồ sơ',
    "recount the sheets or the dossier's pages", area=A)
DOSSIER_DESTROYED = define('DOSSIER_DESTROYED', E,
    'Hồ sơ … đã bị tiêu hủy ngày … theo danh sách … (quyết định …, biên bản …); không thể nộp lưu lại với cùng mã',
    'Dossier … was destroyed on … under disposal list … (decision …, minutes …); it cannot be transferred again '
    'under the same code',
    'kiểm tra mã hồ sơ; nếu là hồ sơ khác thì đặt mã mới, nếu việc tiêu hủy có sai sót thì báo lưu trữ viên',
    'check the dossier code; give a different dossier a new code, and report a wrongful destruction to the '
    'archivist', area=A)
DOSSIER_EXISTS_DIFFERENT = define('DOSSIER_EXISTS_DIFFERENT', E,
    'Hồ sơ … đã được lưu trữ với nội dung khác',
    'Dossier … is already preserved with different content',
    'kiểm tra mã hồ sơ; không thể ghi đè hồ sơ đã lưu',
    'check the dossier code; a preserved dossier cannot be overwritten', area=A)
DOSSIER_NUMBER_INVALID = define('DOSSIER_NUMBER_INVALID', E,
    "…: số và ký hiệu hồ sơ '…' chỉ được gồm chữ không dấu, số và dấu '-'",
    "…: dossier number '…' may hold only ASCII letters, digits and '-'",
    'ví dụ 05 hoặc 12-TCCB',
    'e.g. 05 or 12-TCCB', area=A)
FIELD_BAD_DATE = define('FIELD_BAD_DATE', E,
    "…: '…' không phải ngày hợp lệ",
    "… […]: '…' is not a valid date",
    'nhập ngày có thật dạng dd/mm/yyyy',
    'enter a real date as dd/mm/yyyy', area=A)
FIELD_BAD_VALUE = define('FIELD_BAD_VALUE', E,
    "…: '…' không phải giá trị hợp lệ của '…'",
    "…: '…' is not an allowed value of '…'",
    'dùng một trong: …',
    'use one of: …', area=A)
FIELD_NOT_NUMBER = define('FIELD_NOT_NUMBER', E,
    "…: '…' không phải số nguyên",
    "… […]: '…' is not a whole number",
    'nhập số (tối đa … chữ số)',
    'enter a number (at most … digits)', area=A)
FIELD_REQUIRED = define('FIELD_REQUIRED', E,
    '…: trường bắt buộc bị bỏ trống',
    '… […]: required field is empty',
    'nhập ……',
    'fill in the …', area=A)
FIELD_TOO_LONG = define('FIELD_TOO_LONG', E,
    '…: quá độ dài cho phép … ký tự (…)',
    '… […]: longer than the allowed … characters (…)',
    'rút gọn nội dung',
    'shorten it', area=A)
FILE_EMPTY = define('FILE_EMPTY', E,
    "Tệp '…' rỗng (0 byte)",
    "File '…' is empty (0 bytes)",
    'gửi lại tệp đúng',
    'send the right file', area=A)
FILE_IGNORED = define('FILE_IGNORED', W,
    "Tệp hệ thống '…' bị bỏ qua",
    "System file '…' is ignored",
    '',
    '', area=A)
FILE_LISTED_TWICE = define('FILE_LISTED_TWICE', E,
    "Tệp '…' được gán cho nhiều văn bản (…)",
    "File '…' is listed for several documents (…)",
    'mỗi văn bản một tệp riêng',
    'one file per document', area=A)
FILE_MISSING = define('FILE_MISSING', E,
    "Văn bản …: tệp '…' có trong mục lục nhưng không có trong gói",
    "Document …: file '…' is listed but not in the transfer",
    'bổ sung tệp hoặc sửa đường dẫn trong mục lục',
    'add the file or correct its path in the catalogue', area=A)
FILE_NAME_CONFLICT = define('FILE_NAME_CONFLICT', E,
    'Các tệp … có cùng tên khi chuẩn hóa Unicode (NFC/NFD)',
    'Files … have the same name once Unicode-normalised (NFC/NFD)',
    'giữ lại một tệp, đổi tên hoặc xóa tệp còn lại',
    'keep one, rename or delete the other', area=A)
FILE_NAME_NFD = define('FILE_NAME_NFD', I,
    "Tên tệp '…' trên đĩa ở dạng Unicode NFD; đã khớp với mục lục (NFC) và được lưu với tên NFC",
    "File name '…' is NFD on disk; matched to the catalogue (NFC) and stored under its NFC name",
    '',
    '', area=A)
FILE_UNLISTED = define('FILE_UNLISTED', E,
    "Tệp '…' có trong gói nhưng không có trong mục lục",
    "File '…' is in the transfer but not in the catalogue",
    'thêm văn bản tương ứng vào mục lục hoặc xóa tệp',
    'list its document in the catalogue or remove the file', area=A)
INDEX_QUEUED = define('INDEX_QUEUED', W,
    'Hồ sơ … đã lưu an toàn nhưng chưa vào chỉ mục tìm kiếm (…); sẽ thử lại, hoặc chạy `luutru reindex`',
    'Dossier … is stored safely but not yet searchable (…); it is queued for retry, or run `luutru reindex`',
    '',
    '', area=A)
INTERNAL_ERROR = define('INTERNAL_ERROR', E,
    'Lỗi hệ thống: …. Gói có thể nộp lại an toàn',
    'Internal error: …. The transfer can safely be submitted again',
    '',
    '', area=A)
PATH_ESCAPE = define('PATH_ESCAPE', E,
    "Đường dẫn '…' trỏ ra ngoài gói nộp lưu (…)",
    "Path '…' escapes the transfer (…)",
    "đóng gói lại với đường dẫn tương đối bên trong thư mục gói, không dùng '../' hay đường dẫn tuyệt đối",
    "repackage with relative paths inside the transfer folder, without '../' or absolute paths", area=A)
SPECIAL_FILE = define('SPECIAL_FILE', E,
    "'…' không phải tệp thông thường",
    "'…' is not a regular file",
    'xóa khỏi gói nộp lưu',
    'remove it from the transfer', area=A)
STATE_SECRET = define('STATE_SECRET', E,
    "…: tài liệu mang dấu mật ('…'). Tài liệu bí mật nhà nước không được nộp lưu qua hệ thống này",
    "…: the record carries a state-secret mark ('…'). State-secret records are out of scope",
    'rút tài liệu này khỏi gói và chuyển theo quy trình tài liệu mật',
    'remove it from the transfer and hand it over through the classified-records procedure', area=A)
STORAGE_ERROR = define('STORAGE_ERROR', E,
    'Lỗi kho lưu trữ: …. Không có gì được ghi dở',
    'Storage error: …. Nothing was left half-written',
    'kiểm tra cấu hình kho rồi nộp lại',
    'check the storage settings and submit again', area=A)
STORAGE_IO_ERROR = define('STORAGE_IO_ERROR', E,
    'Lỗi đọc/ghi khi xử lý: …. Không có gì được ghi dở',
    'I/O error while processing: …. Nothing was left half-written',
    'kiểm tra ổ đĩa/quyền rồi nộp lại',
    'check the disk/permissions and submit again', area=A)
SYMLINK = define('SYMLINK', E,
    "'…' là liên kết tượng trưng (symlink)",
    "'…' is a symbolic link",
    'thay bằng chính tệp đó',
    'put the real file in its place', area=A)
TRANSFER_BUSY = define('TRANSFER_BUSY', E,
    'Gói nộp lưu này đang được xử lý ở tiến trình khác (…)',
    'This transfer is being processed by another process (…)',
    'chờ tiến trình đó kết thúc',
    'wait for it to finish', area=A)
TRANSFER_NOT_RECOGNISED = define('TRANSFER_NOT_RECOGNISED', E,
    "'…' không phải thư mục, tệp .zip hay túi BagIt",
    "'…' is not a folder, .zip or BagIt bag",
    'nộp một thư mục hoặc tệp .zip chứa mục lục và các tệp',
    'submit a folder or .zip holding the catalogue and the files', area=A)
YEAR_INVALID = define('YEAR_INVALID', E,
    '…: năm hình thành … không hợp lệ',
    '…: year … is not valid',
    'nhập năm 4 chữ số',
    'enter a four-digit year', area=A)
ZIP_CORRUPT = define('ZIP_CORRUPT', E,
    'Tệp zip hỏng: …',
    'Corrupt zip file: …',
    'nén lại và gửi lại',
    're-create the zip and resend', area=A)

# Circular 05/2025: value lists, 02/2019 mapping, codes, deadlines, backups
FIELD_AMBIGUOUS_VALUE = define('FIELD_AMBIGUOUS_VALUE', E,
    "…: giá trị '…' có thể hiểu theo hai nghĩa (ví dụ '01' là mã Vĩnh viễn hay 1 năm)",
    "…: value '…' could mean two things (e.g. '01' the code for permanent or 1 year)",
    "ghi rõ mã kèm nhãn, ví dụ '01: Vĩnh viễn', hoặc '5 năm'",
    "write the code with its label, e.g. '01: Vĩnh viễn', or '5 năm'", area=A)
CATALOGUE_COLUMN_KEPT = define('CATALOGUE_COLUMN_KEPT', I,
    "…: cột '…' không thuộc mẫu Thông tư 05/2025; giá trị được giữ nguyên trong siêu dữ liệu AIP",
    "…: column '…' is not in the 05/2025 template; its values are kept in the AIP metadata",
    'đổi tên cột theo mẫu `luutru template` nếu đó là một trường của mẫu',
    'rename the column as in the `luutru template` workbook if it is one of its fields', area=A)
CATALOGUE_VERSION_MIXED = define('CATALOGUE_VERSION_MIXED', W,
    'Các trang của mục lục theo hai mẫu khác nhau (Thông tư 05/2025 và 02/2019)',
    "The catalogue's sheets follow different circulars (05/2025 and 02/2019)",
    'dùng một mẫu cho cả mục lục',
    'use one template for the whole catalogue', area=A)
DOCUMENT_ID_TOO_LONG = define('DOCUMENT_ID_TOO_LONG', W,
    "…: mã định danh tài liệu '…' dài hơn 25 ký tự Thông tư 05/2025 cho phép; được giữ nguyên",
    "…: document identifier '…' is longer than the 25 characters of Circular 05/2025; kept as is",
    'dùng mã tối đa 25 ký tự khi lập mục lục mới',
    'use identifiers of at most 25 characters in new catalogues', area=A)
DOCUMENT_CODE_MISMATCH = define('DOCUMENT_CODE_MISMATCH', E,
    "…: mã lưu trữ tài liệu '…' không khớp mã hồ sơ + số thứ tự 7 chữ số",
    "…: archival document code '…' does not match dossier code + 7-digit sequence",
    "ghi '…' hoặc để trống",
    "write '…' or leave it empty", area=A)
BACKUP_STATUS_MISSING = define('BACKUP_STATUS_MISSING', E,
    '…: chế độ dự phòng là Có nhưng chưa ghi tình trạng dự phòng',
    '…: the backup regime is yes but the backup status is empty',
    "ghi '01: Đã dự phòng' hoặc '02: Chưa dự phòng'",
    "write '01: Đã dự phòng' or '02: Chưa dự phòng'", area=A)
PAPER_CODE_MISSING = define('PAPER_CODE_MISSING', W,
    '…: hồ sơ số hóa chưa ghi mã hồ sơ gốc giấy (Thông tư 05/2025)',
    '…: a digitised dossier without its paper original code (Circular 05/2025)',
    'ghi mã hồ sơ gốc giấy (mã lưu trữ.kho/giá/hộp.số hồ sơ)',
    'fill in the paper original code (archive.store/shelf/box.number)', area=A)
PAPER_CODE_SHAPE = define('PAPER_CODE_SHAPE', W,
    "…: mã hồ sơ gốc giấy '…' không theo dạng mã lưu trữ.kho/giá/hộp.số hồ sơ; được giữ nguyên",
    "…: paper original code '…' is not archive.store/shelf/box.number; kept as written",
    'kiểm tra lại mã',
    'check the code', area=A)
DEPOSIT_LATE = define('DEPOSIT_LATE', W,
    'Hồ sơ … nộp lưu quá hạn vào lưu trữ cơ quan (1 năm từ năm kết thúc công việc; xây dựng cơ bản 3 tháng từ quyết toán)',
    'Dossier … was deposited after the deadline for the agency archive (1 year from the year the work ended; '
    'construction 3 months from final settlement)',
    'ghi lý do nộp chậm vào biên bản giao nhận; nộp đúng hạn các năm sau',
    'record the reason in the handover record; deposit on time in future', area=A)
BACKUP_SINGLE_COPY = define('BACKUP_SINGLE_COPY', W,
    'Hệ thống chỉ giữ một bản; Thông tư 05/2025 Điều 27 yêu cầu ít nhất 2 bộ dự phòng trên phương tiện độc lập',
    'Only one copy is kept; Circular 05/2025 Art. 27 requires at least two backup sets on independent media',
    'cấu hình thêm vị trí lưu bản sao (LUUTRU_REPLICA_URLS) trên ổ đĩa hoặc máy chủ khác',
    'configure a replica location (LUUTRU_REPLICA_URLS) on another disk or server', area=A)
KEYSTORE_IN_HOME = define('KEYSTORE_IN_HOME', W,
    'Kho khoá mã hoá nằm trong LUUTRU_HOME: bản sao lưu của thư mục này giải mã được cả hồ sơ đã huỷ',
    'The encryption key store is inside LUUTRU_HOME: a backup of that folder decrypts even destroyed records',
    'chuyển thư mục khoá ra ngoài LUUTRU_HOME (LUUTRU_KEYSTORE_DIR) và sao lưu nó riêng, ngắn hạn',
    'move the key store out of LUUTRU_HOME (LUUTRU_KEYSTORE_DIR) and back it up separately, short-lived', area=A)
ZIP_TOO_LARGE = define('ZIP_TOO_LARGE', E,
    'Tệp zip khai báo dung lượng giải nén … byte, vượt giới hạn … byte',
    'The zip declares … bytes uncompressed, over the limit of … bytes',
    'chia gói nộp lưu thành nhiều đợt nhỏ hơn (giới hạn: LUUTRU_ZIP_MAX_TOTAL_BYTES)',
    'split the transfer into smaller ones (limit: LUUTRU_ZIP_MAX_TOTAL_BYTES)', area=A)
ZIP_RATIO = define('ZIP_RATIO', E,
    "Tệp '…' trong zip nén với tỉ lệ … (quá cao, dấu hiệu bom zip)",
    "Member '…' of the zip has a compression ratio of … (too high, a zip bomb sign)",
    'nộp tệp gốc, không nén dữ liệu lặp lại (giới hạn: LUUTRU_ZIP_MAX_RATIO)',
    'submit the original files, not padded data (limit: LUUTRU_ZIP_MAX_RATIO)', area=A)
ZIP_TOO_MANY_MEMBERS = define('ZIP_TOO_MANY_MEMBERS', E,
    'Tệp zip có … mục, vượt giới hạn …',
    'The zip has … members, over the limit of …',
    'chia gói nộp lưu thành nhiều đợt (giới hạn: LUUTRU_ZIP_MAX_MEMBERS)',
    'split the transfer (limit: LUUTRU_ZIP_MAX_MEMBERS)', area=A)
ZIP_TOO_DEEP = define('ZIP_TOO_DEEP', E,
    "Đường dẫn '…' trong zip có … cấp thư mục, vượt giới hạn …",
    "Path '…' in the zip is … folders deep, over the limit of …",
    'giảm số cấp thư mục (giới hạn: LUUTRU_ZIP_MAX_DEPTH)',
    'use fewer folder levels (limit: LUUTRU_ZIP_MAX_DEPTH)', area=A)
ZIP_ENCRYPTED = define('ZIP_ENCRYPTED', E,
    "Tệp '…' trong zip được mã hóa bằng mật khẩu",
    "Member '…' of the zip is password-encrypted",
    'nén lại không đặt mật khẩu',
    're-create the zip without a password', area=A)
ZIP_UNSUPPORTED_METHOD = define('ZIP_UNSUPPORTED_METHOD', E,
    "Tệp '…' trong zip dùng phương thức nén … không được hỗ trợ",
    "Member '…' of the zip uses unsupported compression method …",
    'nén lại bằng Deflate (mặc định của Windows, 7-Zip, zip)',
    're-create the zip with Deflate (the default of Windows, 7-Zip and zip)', area=A)
ZIP_SIZE_MISMATCH = define('ZIP_SIZE_MISMATCH', E,
    "Tệp '…' trong zip giải nén ra nhiều hơn … byte đã khai báo",
    "Member '…' of the zip expands beyond the … bytes its header declares",
    'nén lại bằng công cụ chuẩn và gửi lại',
    're-create the zip with a standard tool and resend', area=A)
