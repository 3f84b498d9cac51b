"""Account operations shared by the API, the web UI and ``luutru user …``.

Passwords are hashed with argon2id (argon2-cffi); API tokens and session ids are random
(``secrets``) and only their SHA-256 is stored, so a database dump reveals no secret.
Every change is written to the audit trail with the acting user.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update

from luutru.api.roles import Role, parse_roles
from luutru.audit.trail import record_action
from luutru.catalog.accounts_models import ApiToken, User, WebSession
from luutru.records.codes import is_agency_code
from luutru.records.status import Outcome
from luutru.records.timeutil import iso_vn, now_vn

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("luutru-dummy-password")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8
TOKEN_PREFIX = "lt_"


class AccountError(ValueError):
    """A refused account operation, with a Vietnamese and an English message."""

    def __init__(self, message_vi: str, message_en: str, *, status: int = 400):
        super().__init__(f"{message_en} / {message_vi}")
        self.message_vi, self.message_en, self.status = message_vi, message_en, status

    def to_dict(self) -> dict[str, str]:
        return {"message_vi": self.message_vi, "message_en": self.message_en}


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.",
                           f"The password must be at least {MIN_PASSWORD} characters long.")
    return _hasher.hash(password)


def check_roles(roles: list[str] | list[Role], agency_code: str | None) -> tuple[list[str], str | None]:
    """Validated role names and agency code; a submitter is bound to one agency and holds no other role."""
    try:
        rs = parse_roles([r.value if isinstance(r, Role) else r for r in roles])
    except ValueError as e:
        raise AccountError(f"Vai trò không hợp lệ: {e}. Dùng: {', '.join(r.value for r in Role)}.",
                           f"Unknown role: {e}. Use: {', '.join(r.value for r in Role)}.") from None
    if not rs:
        raise AccountError("Tài khoản cần ít nhất một vai trò.", "An account needs at least one role.")
    if Role.SUBMITTER in rs:
        if len(rs) > 1:
            raise AccountError("Tài khoản nộp lưu gắn với một cơ quan và không kiêm vai trò khác; hãy tạo tài khoản riêng.",
                               "A submitter account is bound to one agency and holds no other role; create a separate account.")
        if not agency_code or not is_agency_code(agency_code):
            raise AccountError(f"Tài khoản nộp lưu cần mã cơ quan hợp lệ (dạng 000.00.31.H57), nhận được '{agency_code or ''}'.",
                               f"A submitter account needs a valid agency code (like 000.00.31.H57), got '{agency_code or ''}'.")
        return [Role.SUBMITTER.value], agency_code
    return [r.value for r in rs], None


def normal_username(username: str) -> str:
    """The stored form of a username, or AccountError."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, số và . _ @ - (2–64 ký tự).",
                           "A username is 2–64 characters: lowercase letters, digits and . _ @ -.")
    return username


def _user_or_error(s: Any, username: str) -> User:
    u = s.get(User, username)
    if u is None:
        raise AccountError(f"Không có tài khoản '{username}'.", f"No account '{username}'.", status=404)
    return u


def create_user(services: Any, username: str, *, roles: list[str], password: str | None = None,
                agency_code: str | None = None, restricted_access: bool = False, display_name: str = "",
                email: str | None = None, oidc_subject: str | None = None, actor: Any = "system",
                password_hash: str | None = None) -> dict[str, Any]:
    username = normal_username(username)
    roles, agency_code = check_roles(roles, agency_code)
    pw_hash = password_hash or (hash_password(password) if password is not None else None)
    now = iso_vn()
    with services.catalog.session() as s:
        if s.get(User, username) is not None:
            raise AccountError(f"Tài khoản '{username}' đã có.", f"Account '{username}' already exists.", status=409)
        u = User(username=username, display_name=display_name or username, email=email, password_hash=pw_hash,
                 roles=roles, agency_code=agency_code, restricted_access=bool(restricted_access), active=True,
                 oidc_subject=oidc_subject, created_at=now, updated_at=now)
        s.add(u)
        s.flush()
        out = u.to_dict()
        record_action(services, actor, "account.create", f"user:{username}", Outcome.SUCCESS,
                      {"roles": roles, "agency_code": agency_code, "restricted_access": bool(restricted_access)}, session=s)
    return out


def update_user(services: Any, username: str, *, actor: Any = "system", roles: list[str] | None = None,
                agency_code: str | None = None, restricted_access: bool | None = None, active: bool | None = None,
                display_name: str | None = None, email: str | None = None) -> dict[str, Any]:
    with services.catalog.session() as s:
        u = _user_or_error(s, username)
        changes: dict[str, Any] = {}
        if roles is not None or agency_code is not None:
            new_roles, new_agency = check_roles(roles if roles is not None else list(u.roles),
                                                agency_code if agency_code is not None else u.agency_code)
            if new_roles != list(u.roles):
                changes["roles"] = new_roles
            if new_agency != u.agency_code:
                changes["agency_code"] = new_agency
            u.roles, u.agency_code = new_roles, new_agency
        if restricted_access is not None and restricted_access != u.restricted_access:
            u.restricted_access = changes["restricted_access"] = bool(restricted_access)
        if active is not None and active != u.active:
            u.active = changes["active"] = bool(active)
        if set(changes) & {"roles", "agency_code", "restricted_access", "active"}:
            end_credentials(s, username)
        if display_name is not None:
            u.display_name = changes["display_name"] = display_name
        if email is not None:
            u.email = changes["email"] = email
        u.updated_at = iso_vn()
        out = u.to_dict()
        record_action(services, actor, "account.update", f"user:{username}", Outcome.SUCCESS, changes, session=s)
    return out


def end_credentials(s: Any, username: str) -> None:
    """End every web session and revoke every API token of ``username`` (in session ``s``).

    Called on a password change and on any change of roles, agency, grant or active flag:
    a credential keeps working only for the account it was issued to, as it was."""
    s.execute(delete(WebSession).where(WebSession.username == username))
    s.execute(update(ApiToken).where(ApiToken.username == username, ApiToken.revoked.is_(False)).values(revoked=True))


def set_password(services: Any, username: str, password: str | None = None, *, actor: Any = "system",
                 password_hash: str | None = None) -> None:
    """Set a new password (or an already computed hash) and end the user's sessions and tokens."""
    h = password_hash or hash_password(password or "")
    with services.catalog.session() as s:
        u = _user_or_error(s, username)
        u.password_hash, u.updated_at = h, iso_vn()
        end_credentials(s, username)
        record_action(services, actor, "account.password", f"user:{username}", Outcome.SUCCESS,
                      {"sessions_ended": True, "tokens_revoked": True}, session=s)


def get_user(services: Any, username: str) -> dict[str, Any] | None:
    with services.catalog.session() as s:
        u = s.get(User, username)
        return u.to_dict() if u else None


def list_users(services: Any) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        return [u.to_dict() for u in s.scalars(select(User).order_by(User.username))]


def authenticate(services: Any, username: str, password: str) -> dict[str, Any] | None:
    """The active user whose password matches, else None (same work either way: no user enumeration by timing)."""
    username = (username or "").strip().lower()
    with services.catalog.session() as s:
        u = s.get(User, username)
        stored = u.password_hash if (u is not None and u.active and u.password_hash) else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password or "")
            ok = stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            return None
        if _hasher.check_needs_rehash(stored):
            u.password_hash = _hasher.hash(password)
        return u.to_dict()


def create_token(services: Any, username: str, *, label: str = "", days: int | None = None,
                 actor: Any = "system") -> tuple[str, dict[str, Any]]:
    """A new API token ``lt_<id>_<secret>``: shown once, stored as SHA-256 only.

    Every token expires: after ``days``, at most ``LUUTRU_TOKEN_DAYS`` (the default too)."""
    tid = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{tid}_{secrets.token_urlsafe(32)}"
    now = now_vn()
    most = services.settings.auth.token_days
    expires = iso_vn(now + timedelta(days=min(days or most, most)))
    with services.catalog.session() as s:
        _user_or_error(s, username)
        s.add(ApiToken(id=tid, username=username, token_hash=_sha(token), label=label, created_at=iso_vn(now),
                       expires_at=expires, revoked=False))
        record_action(services, actor, "token.create", f"user:{username}", Outcome.SUCCESS,
                      {"token_id": tid, "label": label, "expires_at": expires}, session=s)
    return token, {"id": tid, "username": username, "label": label, "created_at": iso_vn(now), "expires_at": expires}


def revoke_token(services: Any, token_id: str, *, actor: Any = "system", owner: str | None = None) -> None:
    with services.catalog.session() as s:
        t = s.get(ApiToken, token_id)
        if t is None or (owner is not None and t.username != owner):
            raise AccountError(f"Không có mã truy cập '{token_id}'.", f"No token '{token_id}'.", status=404)
        t.revoked = True
        record_action(services, actor, "token.revoke", f"user:{t.username}", Outcome.SUCCESS, {"token_id": token_id}, session=s)


def list_tokens(services: Any, username: str) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        return [{"id": t.id, "label": t.label, "created_at": t.created_at, "expires_at": t.expires_at,
                 "last_used_at": t.last_used_at, "revoked": t.revoked}
                for t in s.scalars(select(ApiToken).where(ApiToken.username == username).order_by(ApiToken.created_at))]


def _expired(at: str | None) -> bool:
    return at is not None and datetime.fromisoformat(at) <= now_vn()


def _idle(last: str | None, created: str, limit: timedelta) -> bool:
    return datetime.fromisoformat(last or created) + limit <= now_vn()


def user_for_token(services: Any, token: str, *, idle_days: float | None = None,
                   max_days: float | None = None) -> dict[str, Any] | None:
    """The active user owning a valid token, else None.

    Refused: revoked, past ``expires_at``, older than ``max_days`` (tokens made before
    every token had an expiry), or unused for ``idle_days`` (defaults: the auth settings)."""
    if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2:
        return None
    auth = services.settings.auth
    idle = timedelta(days=idle_days if idle_days is not None else auth.token_idle_days)
    most = timedelta(days=max_days if max_days is not None else auth.token_days)
    tid = token[len(TOKEN_PREFIX):].split("_", 1)[0]
    with services.catalog.session() as s:
        t = s.get(ApiToken, tid)
        if t is None or t.revoked or _expired(t.expires_at) or not hmac.compare_digest(t.token_hash, _sha(token)):
            return None
        if _idle(t.last_used_at, t.created_at, idle) or _idle(None, t.created_at, most):
            return None
        u = s.get(User, t.username)
        if u is None or not u.active:
            return None
        t.last_used_at = iso_vn()
        return u.to_dict()


def create_session(services: Any, username: str, *, hours: float = 12, via: str = "password",
                   idle_minutes: float | None = None) -> str:
    """A new web session; returns the cookie value (random), stores its SHA-256.

    It first expires after ``idle_minutes`` (see :func:`user_for_session`), at most ``hours``."""
    value = secrets.token_urlsafe(32)
    now = now_vn()
    idle = timedelta(minutes=idle_minutes if idle_minutes is not None else services.settings.auth.session_idle_minutes)
    with services.catalog.session() as s:
        s.add(WebSession(id_hash=_sha(value), username=username, created_at=iso_vn(now),
                         expires_at=iso_vn(now + min(idle, timedelta(hours=hours))), via=via))
    return value


def user_for_session(services: Any, value: str, *, idle_minutes: float | None = None,
                     hours: float | None = None) -> dict[str, Any] | None:
    """The active user of a live web session, else None (an ended session is deleted).

    ``expires_at`` slides: each use moves it to now + ``idle_minutes``, never past
    ``created_at`` + ``hours``; so a session ends after that much idleness or lifetime."""
    auth = services.settings.auth
    idle = timedelta(minutes=idle_minutes if idle_minutes is not None else auth.session_idle_minutes)
    cap = timedelta(hours=hours if hours is not None else auth.session_hours)
    with services.catalog.session() as s:
        ws = s.get(WebSession, _sha(value))
        if ws is None:
            return None
        if _expired(ws.expires_at):
            s.delete(ws)
            return None
        u = s.get(User, ws.username)
        if u is None or not u.active:
            return None
        now = now_vn()
        nxt = iso_vn(min(now + idle, datetime.fromisoformat(ws.created_at) + cap))
        if nxt[:16] != ws.expires_at[:16]:  # at most one write a minute per session
            ws.expires_at = nxt
        return u.to_dict()


def end_session(services: Any, value: str) -> str | None:
    """Delete a session; returns its username (None if there was none)."""
    with services.catalog.session() as s:
        ws = s.get(WebSession, _sha(value))
        if ws is None:
            return None
        s.delete(ws)
        return ws.username
