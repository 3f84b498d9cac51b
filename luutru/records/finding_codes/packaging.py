"""Finding codes of the packaging area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'packaging'

CATALOGUE_DUPLICATE_COLUMN = define('CATALOGUE_DUPLICATE_COLUMN', E,
    "…: cột '…' xuất hiện hai lần",
    "…: column '…' appears twice",
    'xóa cột trùng',
    'delete the duplicate column', area=A)
CATALOGUE_EMPTY_SHEET = define('CATALOGUE_EMPTY_SHEET', E,
    '…: trống, không có dòng tiêu đề',
    '…: empty, no header row',
    'dùng mẫu `luutru template`',
    'use the `luutru template` workbook', area=A)
CATALOGUE_ENCODING = define('CATALOGUE_ENCODING', E,
    "'…' không phải UTF-8",
    "'…' is not UTF-8",
    'lưu lại dạng CSV UTF-8 (Unicode TCVN 6909:2001)',
    'save it as CSV UTF-8 (Unicode)', area=A)
CATALOGUE_MISSING = define('CATALOGUE_MISSING', E,
    'Không tìm thấy mục lục hồ sơ',
    'No catalogue found',
    "đặt tệp '…' (hoặc '…' và '…') ở thư mục gốc của gói nộp lưu; lấy mẫu bằng `luutru template`",
    "put '…' (or '…' and '…') at the top of the transfer; get the template with `luutru template`", area=A)
CATALOGUE_MISSING_COLUMN = define('CATALOGUE_MISSING_COLUMN', E,
    "…: thiếu cột bắt buộc '…' (…)",
    "…: required column '…' (…) is missing",
    'thêm cột theo mẫu `luutru template`',
    'add it as in the `luutru template` workbook', area=A)
CATALOGUE_MISSING_SHEET = define('CATALOGUE_MISSING_SHEET', E,
    "Tệp mục lục thiếu trang '…'",
    "The catalogue workbook has no sheet '…'",
    'dùng mẫu `luutru template` (trang … và …)',
    'use the `luutru template` workbook (sheets … and …)', area=A)
CATALOGUE_UNREADABLE = define('CATALOGUE_UNREADABLE', E,
    "Không đọc được tệp mục lục '…': …",
    "Cannot read catalogue '…': …",
    'lưu lại bằng Excel/LibreOffice dạng .xlsx',
    'save it again as .xlsx from Excel/LibreOffice', area=A)
CATALOGUE_TOO_LARGE = define('CATALOGUE_TOO_LARGE', E,
    '…: vượt giới hạn … dòng hoặc … cột',
    '…: more than … rows or … columns',
    'chia mục lục thành nhiều gói nộp lưu (giới hạn: LUUTRU_CATALOGUE_MAX_ROWS, LUUTRU_CATALOGUE_MAX_COLUMNS)',
    'split the catalogue over several transfers (limits: LUUTRU_CATALOGUE_MAX_ROWS, LUUTRU_CATALOGUE_MAX_COLUMNS)',
    area=A)
CATALOGUE_CELL_TOO_LONG = define('CATALOGUE_CELL_TOO_LONG', E,
    '…: ô dài hơn … ký tự',
    '…: a cell is longer than … characters',
    'rút gọn nội dung ô (giới hạn: LUUTRU_CATALOGUE_MAX_CELL_CHARS, như Excel)',
    "shorten the cell (limit: LUUTRU_CATALOGUE_MAX_CELL_CHARS, Excel's own)", area=A)
CATALOGUE_XML_ENTITY = define('CATALOGUE_XML_ENTITY', E,
    "Tệp mục lục '…' chứa khai báo DOCTYPE/ENTITY trong phần XML '…'",
    "Catalogue '…' holds a DOCTYPE/ENTITY declaration in XML part '…'",
    'lưu lại bằng Excel/LibreOffice dạng .xlsx (tệp chuẩn không có khai báo này)',
    'save it again as .xlsx from Excel/LibreOffice (a standard file has none)', area=A)
CATALOGUE_AMBIGUOUS = define('CATALOGUE_AMBIGUOUS', E,
    'Gói nộp lưu có nhiều hơn một mục lục: dùng …, nhưng còn …',
    'The transfer holds more than one catalogue: … would be read, but there is also …',
    'chỉ để một mục lục ở thư mục gốc của gói và xóa các tệp còn lại (kể cả trong __MACOSX/), rồi nộp lại',
    'keep one catalogue at the top of the transfer, delete the others (also any in __MACOSX/) and resubmit', area=A)
BAG_DECLARATION_MISSING = define('BAG_DECLARATION_MISSING', E,
    'Gói có manifest và thư mục data/ của túi BagIt nhưng thiếu tệp bagit.txt, nên không kiểm tra được mã băm',
    'The transfer has BagIt manifests and a data/ folder but no bagit.txt, so its checksums cannot be checked',
    'thêm bagit.txt (BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8) hoặc tạo lại túi bằng công cụ BagIt',
    'add bagit.txt (BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8) or rebuild the bag with a BagIt tool',
    area=A)
CATALOGUE_FORMULA = define('CATALOGUE_FORMULA', W,
    '…: ô chứa công thức; giá trị tính sẵn không được tin, hệ thống lưu nguyên văn công thức dạng chữ',
    '…: the cell holds a formula; its computed value is not trusted and the formula is kept as text',
    'thay công thức bằng giá trị (Dán đặc biệt → Giá trị) rồi nộp lại',
    'replace the formulas by their values (Paste Special → Values) and resubmit', area=A)
