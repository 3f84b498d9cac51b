"""Finding codes of the api area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'api'

AGENCY_NOT_PERMITTED = define('AGENCY_NOT_PERMITTED', E,
    "Hồ sơ … thuộc cơ quan '…', nhưng tài khoản của bạn chỉ được nộp lưu cho cơ quan …",
    "Dossier … belongs to agency '…', but your account may only transfer records of …",
    'bỏ hồ sơ này khỏi gói, hoặc để cơ quan đó tự nộp lưu',
    'remove this dossier from the transfer, or have that agency submit it', area=A)
