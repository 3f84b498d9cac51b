"""Finding codes of the tools area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'tools'

VERAPDF_NOT_INSTALLED = define('VERAPDF_NOT_INSTALLED', I,
    'Chưa cài veraPDF: việc kiểm tra PDF/A chỉ dựa trên kiểm tra nội bộ (phông chữ, mã hóa, mã lệnh, output intent). Cài veraPDF hoặc đặt LUUTRU_VERAPDF để kiểm tra đầy đủ',
    'veraPDF is not installed: PDF/A conformance relies on the in-process checks only (fonts, encryption, active content, output intent). Install veraPDF or set LUUTRU_VERAPDF for full validation',
    '',
    '', area=A)
