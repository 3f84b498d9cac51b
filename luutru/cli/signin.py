"""Who acts on the command line: ``--as USER`` bound to that user's account.

The destruction procedure counts people: the drafter, the council members, the approver
and whoever destroys must be different persons with the right role.  The API knows them
by their login.  On the command line a name alone would let one operator type four
names and destroy records alone, so every step that changes a disposal list or a hold,
corrects a record's metadata, or registers, builds or confirms a transfer to a historical
archive signs its actor in first, with the same account, roles and password as the web:

* the password of ``--as USER``, asked at the terminal (hidden; from standard input
  when it is not a terminal), or
* an API token of that account in ``LUUTRU_TOKEN`` (for scripts and scheduled jobs);

and the account must hold the permission the API route of the same step requires
(:class:`luutru.api.roles.Perm`).  A failed sign-in is refused with a finding and is on
the audit trail (``cli.sign_in``, outcome ``denied``), and a wrong password counts
towards the account's lockout exactly as a failed web login does (the counts are in the
catalog: :mod:`luutru.api.throttle`), so the shell is no faster way to guess a password.
``luutru user …`` stays the operator's break-glass path for accounts (``docs/security.md``).
"""

from __future__ import annotations

import math
import os
import sys
import time

import typer

import luutru.api.accounts as accounts
from luutru.api.roles import Perm, permissions_for
from luutru.api.throttle import LoginThrottle
from luutru.audit.trail import record_action
from luutru.records.finding_codes.api import SIGN_IN_FAILED, SIGN_IN_NOT_PERMITTED
from luutru.records.findings import FindingCode, Refused, finding
from luutru.records.status import Outcome
from luutru.services import Services

TOKEN_ENV = "LUUTRU_TOKEN"
PASSWORD_CHARS = 1024  # a password longer than this is refused before it is hashed

#: The ``--as`` option of every step that signs its actor in (one definition, one help text).
AS_ACCOUNT = typer.Option(..., "--as", help="Tài khoản người thực hiện; hỏi mật khẩu (hoặc LUUTRU_TOKEN) / "
                                            "the acting account; asks its password (or LUUTRU_TOKEN)")


class SignInRefused(Refused):
    """The actor could not be signed in, or lacks the step's permission (exit 1, findings)."""

    kind = "sign_in_refused"


def refuse(code: FindingCode, vi: str, en: str) -> SignInRefused:
    return SignInRefused([finding(code, vi, en)])


def _password(user: str) -> str:
    """Typed at the terminal (hidden), or the first line of standard input when that is a
    pipe (never the terminal behind a pipe, which ``getpass`` would open instead)."""
    if not sys.stdin or not sys.stdin.isatty():
        return (sys.stdin.readline(PASSWORD_CHARS + 2) if sys.stdin else "").rstrip("\r\n")
    try:
        return typer.prompt(f"Mật khẩu của {user} / password of {user}", hide_input=True, default="",
                            show_default=False, err=True)
    except (EOFError, KeyboardInterrupt, typer.Abort):
        return ""


def _denied(svc: Services, user: str, perm: Perm, why: str) -> None:
    record_action(svc, f"cli:{user}", "cli.sign_in", f"user:{user}", Outcome.DENIED,
                  {"permission": perm.value, "why": why})


def _by_password(svc: Services, user: str, perm: Perm) -> dict | None:
    """The account if the password typed for it is right.  A wrong one counts towards the
    account's lockout; an empty one (nothing typed, an empty pipe) is refused uncounted."""
    accounts_table = LoginThrottle(svc.settings.auth, svc.catalog).accounts  # the web's per-account counts
    wait = accounts_table.wait(user, time.time())
    if wait > 0:
        _denied(svc, user, perm, "locked")
        raise refuse(SIGN_IN_FAILED,
                     f"Tài khoản {user} đang bị khóa vì đăng nhập sai nhiều lần; thử lại sau {math.ceil(wait)} giây.",
                     f"The account {user} is locked after failed logins; try again in {math.ceil(wait)} s.")
    password = _password(user)
    if not password:
        return None
    found = accounts.authenticate(svc, user, password) if len(password) <= PASSWORD_CHARS else None
    if found is None:
        accounts_table.fail(user, time.time())
    else:
        accounts_table.clear(user)
    return found


def _by_token(svc: Services, user: str, token: str) -> dict | None:
    """The account if ``token`` is a valid API token of ``user`` (not of anybody else)."""
    found = accounts.user_for_token(svc, token)
    return found if found is not None and found["username"] == user else None


def sign_in(svc: Services, actor: str | None, perm: Perm) -> str:
    """The account name of ``actor``, signed in and holding ``perm``; else a refusal.

    The name returned is the account's own (lower case), so the procedure compares and
    records the same spelling whether the step came from the web or the shell.
    """
    try:
        user = accounts.normal_username(actor or "")
    except accounts.AccountError:
        name = (actor or "")[:64]
        raise refuse(SIGN_IN_FAILED, f"'{name}' không phải tên tài khoản: ghi --as <tên tài khoản>.",
                     f"'{name}' is not an account name: give --as <account>.") from None
    token = os.environ.get(TOKEN_ENV, "").strip()
    found = _by_token(svc, user, token) if token else _by_password(svc, user, perm)
    if found is None:
        _denied(svc, user, perm, "token" if token else "password")
        vi, en = (("mã truy cập trong LUUTRU_TOKEN không hợp lệ, hết hạn, bị thu hồi hoặc của người khác",
                   "the token in LUUTRU_TOKEN is invalid, expired, revoked or somebody else's") if token else
                  ("sai mật khẩu, hoặc tài khoản không tồn tại hay đã bị khóa",
                   "wrong password, or no such active account"))
        raise refuse(SIGN_IN_FAILED, f"Không đăng nhập được tài khoản {user}: {vi}.",
                     f"Could not sign in as {user}: {en}.")
    if perm not in permissions_for(found.get("roles") or []):
        _denied(svc, user, perm, "permission")
        raise refuse(SIGN_IN_NOT_PERMITTED,
                     f"Tài khoản {user} không có quyền {perm.value} cho bước này.",
                     f"The account {user} lacks the permission {perm.value} this step needs.")
    return user
