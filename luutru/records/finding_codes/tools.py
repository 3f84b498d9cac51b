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
