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
SIGN_IN_FAILED = define('SIGN_IN_FAILED', E,
    'Không đăng nhập được tài khoản …',
    'Could not sign in as …',
    'ghi --as <tên tài khoản> và nhập đúng mật khẩu của tài khoản đó, hoặc đặt LUUTRU_TOKEN là mã truy cập của nó',
    "give --as <account> and that account's password, or set LUUTRU_TOKEN to one of its API tokens", area=A)
SIGN_IN_NOT_PERMITTED = define('SIGN_IN_NOT_PERMITTED', E,
    'Tài khoản … không có quyền … cho bước này',
    'The account … lacks the permission … this step needs',
    'người có vai trò tương ứng thực hiện bước này (docs/security.md); vai trò do hai quản trị viên cấp',
    'a person holding the matching role takes this step (docs/security.md); two administrators grant roles', area=A)
