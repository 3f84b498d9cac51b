"""Finding codes of the tools area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'tools'

GHOSTSCRIPT_NOT_INSTALLED = define('GHOSTSCRIPT_NOT_INSTALLED', W,
    'Không tạo được bản bảo quản PDF/A-2b vì chưa có Ghostscript; bản gốc vẫn được lưu',
    'No PDF/A-2b preservation copy: Ghostscript is not installed; the original is stored',
    'cài Ghostscript (Debian/Ubuntu: apt-get install ghostscript) hoặc đặt LUUTRU_GHOSTSCRIPT',
    'install Ghostscript (Debian/Ubuntu: apt-get install ghostscript) or set LUUTRU_GHOSTSCRIPT', area=A)
VERAPDF_NOT_INSTALLED = define('VERAPDF_NOT_INSTALLED', I,
    'Chưa cài veraPDF: việc kiểm tra PDF/A chỉ dựa trên kiểm tra nội bộ (phông chữ, mã hóa, mã lệnh, output intent)',
    'veraPDF is not installed: PDF/A conformance relies on the in-process checks only (fonts, encryption, active '
    'content, output intent)',
    'cài veraPDF (scripts/setup cài sẵn) hoặc đặt LUUTRU_VERAPDF để kiểm tra đầy đủ',
    'install veraPDF (scripts/setup does) or set LUUTRU_VERAPDF for full validation', area=A)
SIEGFRIED_NOT_INSTALLED = define('SIEGFRIED_NOT_INSTALLED', W,
    'Chưa cài Siegfried: định dạng tệp chỉ được nhận diện bằng chữ ký đầu tệp và phần mở rộng (không xem bên trong '
    'tệp nén docx/xlsx/odt, không nhận ra tệp bị đổi tên, không nhận văn bản UTF-16)',
    'Siegfried is not installed: file formats were identified by leading magic bytes and the extension only '
    '(containers are not looked into, renamed containers and UTF-16 text are not recognised)',
    'cài Siegfried (scripts/setup dựng sf và tệp chữ ký PRONOM) hoặc đặt LUUTRU_SIEGFRIED',
    'install Siegfried (scripts/setup builds sf and its PRONOM signature file) or set LUUTRU_SIEGFRIED', area=A)
