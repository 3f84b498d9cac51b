"""Finding codes of 05/2025 SIPs and of the METS/EAD/PREMIS inside AIPs (luutru/packaging/sip)."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'packaging'

# Building a package (the sender).
SIP_XML_INVALID = define('SIP_XML_INVALID', E,
    'Tài liệu METS/EAD/PREMIS không hợp lệ theo lược đồ',
    'A METS/EAD/PREMIS document does not validate against its schema',
    'khi lập gói: báo lỗi phần mềm cho quản trị; khi nhận gói: yêu cầu bên giao lập lại gói bằng phần mềm đúng chuẩn',
    'when building: report the software fault; when receiving: ask the sender to rebuild with conforming software', area=A)
SIP_TARGET_EXISTS = define('SIP_TARGET_EXISTS', E,
    'Thư mục gói đã có', 'The package folder already exists',
    'chọn thư mục khác hoặc xóa gói cũ', 'choose another folder or remove the old package', area=A)
SIP_DUPLICATE_DOCUMENT = define('SIP_DUPLICATE_DOCUMENT', E,
    'Hồ sơ có mã định danh tài liệu trùng nhau', 'The dossier has duplicate document identifiers',
    'sửa mã định danh tài liệu', 'correct the document identifiers', area=A)
SIP_FILE_UNUSABLE = define('SIP_FILE_UNUSABLE', E,
    'Tệp của tài liệu có vai trò hoặc nguồn không dùng được', "A document file's role or source is unusable",
    'báo lỗi phần mềm cho quản trị', 'report the software fault', area=A)
SIP_FILE_UNREADABLE = define('SIP_FILE_UNREADABLE', E,
    'Không đọc được tệp đã lưu để đóng gói', 'A stored file cannot be read for packaging',
    'kiểm tra kho lưu trữ (`luutru audit`)', 'check the storage (`luutru audit`)', area=A)
SIP_FILE_CHANGED = define('SIP_FILE_CHANGED', E,
    'Tệp đã lưu khác mã băm đã ghi; không đóng gói tệp hỏng',
    'A stored file differs from its recorded hash; no package is built with a damaged file',
    'chạy kiểm tra toàn vẹn và khôi phục từ bản sao, rồi lập lại gói',
    'run a fixity check, repair from a replica, then build again', area=A)
SIP_NO_FILES = define('SIP_NO_FILES', E,
    'Hồ sơ không có tệp gốc nào', 'The dossier has no original files',
    'kiểm tra AIP của hồ sơ (`luutru audit`)', "check the dossier's AIP (`luutru audit`)", area=A)

# Reading a package (the receiver).
SIP_ZIP_BAD = define('SIP_ZIP_BAD', E,
    'Tệp gói không phải ZIP đọc được', 'The package file is not a readable ZIP',
    'yêu cầu bên giao gửi lại gói', 'ask the sender for the package again', area=A)
SIP_ZIP_UNSAFE_MEMBER = define('SIP_ZIP_UNSAFE_MEMBER', E,
    "Gói chứa mục không an toàn (đường dẫn tuyệt đối, '..' hoặc liên kết); không giải nén gì",
    "The package holds an unsafe member (absolute path, '..' or a link); nothing is unpacked",
    'đóng gói lại chỉ với tệp thường, đường dẫn tương đối', 'repackage with plain files and relative paths only', area=A)
SIP_NO_METS = define('SIP_NO_METS', E,
    'Không tìm thấy METS.xml của gói', 'No package METS.xml found',
    'gói phải có một thư mục <OBJID>/ chứa METS.xml', 'the package must hold one <OBJID>/ folder with METS.xml', area=A)
SIP_XML_MALFORMED = define('SIP_XML_MALFORMED', E,
    'Tài liệu METS/EAD/PREMIS không phải XML hợp lệ', 'A METS/EAD/PREMIS document is not well-formed XML',
    'yêu cầu bên giao lập lại gói', 'ask the sender to rebuild the package', area=A)
SIP_XML_WRONG_KIND = define('SIP_XML_WRONG_KIND', E,
    'Tệp METS trỏ tới không phải loại tài liệu đã khai (METS/EAD/PREMIS)',
    'A file METS points to is not the kind of document declared (METS/EAD/PREMIS)',
    'yêu cầu bên giao lập lại gói', 'ask the sender to rebuild the package', area=A)
SIP_PATH_OUTSIDE = define('SIP_PATH_OUTSIDE', E,
    'METS trỏ tới đường dẫn nằm ngoài gói', 'METS points to a path outside the package',
    'chỉ dùng đường dẫn tương đối trong gói', 'use relative paths inside the package only', area=A)
SIP_FILE_MISSING = define('SIP_FILE_MISSING', E,
    'Tệp được khai trong METS nhưng không có trong gói', 'A file declared in METS is missing from the package',
    'bổ sung tệp hoặc yêu cầu bên giao gửi lại gói', 'add the file or ask the sender for the package again', area=A)
SIP_CHECKSUM_MISSING = define('SIP_CHECKSUM_MISSING', E,
    'METS không có mã băm dùng được cho tệp', 'METS gives no usable checksum for a file',
    'dùng SHA-256 (CHECKSUMTYPE="SHA-256")', 'use SHA-256 (CHECKSUMTYPE="SHA-256")', area=A)
SIP_SIZE_MISMATCH = define('SIP_SIZE_MISMATCH', E,
    'Kích thước tệp khác METS: tệp đã bị thay đổi sau khi đóng gói',
    'A file size differs from METS: the file changed after packaging',
    'yêu cầu bên giao gửi lại gói', 'ask the sender for the package again', area=A)
SIP_CHECKSUM_MISMATCH = define('SIP_CHECKSUM_MISMATCH', E,
    'Mã băm tệp khác METS: tệp hoặc METS đã bị sửa sau khi đóng gói',
    'A file checksum differs from METS: the file or METS was changed after packaging',
    'yêu cầu bên giao gửi lại gói', 'ask the sender for the package again', area=A)
SIP_FILE_UNDECLARED = define('SIP_FILE_UNDECLARED', E,
    'Tệp có trong gói nhưng không được khai trong METS', 'A file in the package is declared in no METS',
    'yêu cầu bên giao lập lại gói', 'ask the sender to rebuild the package', area=A)
SIP_PREMIS_FIXITY_MISMATCH = define('SIP_PREMIS_FIXITY_MISMATCH', E,
    'Mã băm trong PREMIS khác METS', 'The PREMIS digest of a file differs from METS',
    'yêu cầu bên giao lập lại gói', 'ask the sender to rebuild the package', area=A)
SIP_EAD_FIELD_CHANGED = define('SIP_EAD_FIELD_CHANGED', E,
    'Phần tử EAD khác mục lục gốc của bên giao: mô tả đã bị sửa sau khi đóng gói',
    "An EAD element differs from the sender's catalogue fields: the description was edited after packaging",
    'yêu cầu bên giao gửi lại gói', 'ask the sender for the package again', area=A)
SIP_NO_EAD = define('SIP_NO_EAD', E,
    'METS gốc không trỏ tới EAD.xml của hồ sơ', 'The root METS points to no dossier EAD.xml',
    'yêu cầu bên giao lập lại gói', 'ask the sender to rebuild the package', area=A)
SIP_FILE_NO_DOCUMENT = define('SIP_FILE_NO_DOCUMENT', E,
    'Tệp không thuộc tài liệu nào được mô tả trong EAD', 'A file belongs to no document described in EAD',
    'yêu cầu bên giao lập lại gói', 'ask the sender to rebuild the package', area=A)
SIP_EAD_NOT_05_2025 = define('SIP_EAD_NOT_05_2025', E,
    'EAD của hồ sơ không có các trường theo Thông tư 05/2025 (fileCode, title … trong @encodinganalog)',
    "The dossier's EAD carries no Circular 05/2025 fields (fileCode, title … in @encodinganalog)",
    'yêu cầu bên giao mô tả hồ sơ và từng tài liệu theo 05/2025 (docs/sip-05-2025.md), hoặc nộp bằng mẫu mục lục',
    'ask the sender to describe the dossier and each document per 05/2025 (docs/sip-05-2025.md), or submit with the '
    'catalogue template', area=A)
SIP_DOCUMENT_NO_FILE = define('SIP_DOCUMENT_NO_FILE', E,
    'Tài liệu không có tệp gốc trong gói', 'A document has no original file in the package',
    'yêu cầu bên giao bổ sung tệp', 'ask the sender to add the file', area=A)
SIP_NOT_SIP = define('SIP_NOT_SIP', W,
    'Gói khai OAISPACKAGETYPE khác SIP', 'The package declares an OAISPACKAGETYPE other than SIP',
    'kiểm tra đây đúng là gói nộp lưu', 'check that this is a submission package', area=A)
SIP_REPRESENTATION_UNKNOWN = define('SIP_REPRESENTATION_UNKNOWN', W,
    'Biểu diễn không phải rep1 (bản gốc) hay rep2 (bản bảo quản): tệp không được nhận',
    'A representation other than rep1 (originals) or rep2 (preservation copies): its files are not taken',
    'đặt bản gốc trong rep1, bản bảo quản trong rep2', 'put originals in rep1 and preservation copies in rep2', area=A)
SIP_DUPLICATE_DOSSIER = define('SIP_DUPLICATE_DOSSIER', E,
    'Cùng một hồ sơ có trong hai gói của một lần nộp', 'The same dossier is in two packages of one submission',
    'bỏ gói trùng', 'remove the duplicate package', area=A)

# METS/EAD/PREMIS inside an AIP.
AIP_XML_INVALID = define('AIP_XML_INVALID', E,
    'Tài liệu METS/EAD/PREMIS của AIP không hợp lệ theo lược đồ', "An AIP's METS/EAD/PREMIS document does not validate",
    'báo lỗi phần mềm cho quản trị', 'report the software fault', area=A)
AIP_XML_CHANGED = define('AIP_XML_CHANGED', W,
    'Tệp METS/EAD/PREMIS của AIP khác mã băm trong METS của AIP',
    "An AIP's EAD/PREMIS file differs from the checksum in the AIP's METS",
    'chạy `luutru audit` để khôi phục AIP từ bản sao', 'run `luutru audit` to repair the AIP from a replica', area=A)
