"""JSON API of logins, accounts, API tokens, the audit trail and fixity status."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select

import luutru.api.accounts as accounts
import luutru.api.grants as grants
import luutru.audit.trail as audit_log
from luutru.preservation.audit_anchor import verify_with_anchors
import luutru.catalog.models as m
from luutru.api.accounts import AccountError
from luutru.api.auth import SESSION_COOKIE, Perm, Principal, get_principal, require
from luutru.api.deps import get_services
from luutru.api.middleware import not_audited
from luutru.api.oidc import oauth_client, user_from_claims
from luutru.api.throttle import LoginThrottle, TooManyAttempts
from luutru.api.views import Cursor
from luutru.audit.trail import record_action
from luutru.records.status import Outcome
from luutru.services import Services

router = APIRouter()


class LoginBody(BaseModel):
    username: str
    password: str


class PasswordBody(BaseModel):
    current_password: str | None = None
    new_password: str


class TokenBody(BaseModel):
    label: str = ""
    days: int | None = Field(default=None, ge=1, le=3650)


class NewAccount(BaseModel):
    username: str
    roles: list[str]
    password: str | None = None
    agency_code: str | None = None
    restricted_access: bool = False
    display_name: str = ""
    email: str | None = None


class AccountChange(BaseModel):
    roles: list[str] | None = None
    agency_code: str | None = None
    restricted_access: bool | None = None
    active: bool | None = None
    display_name: str | None = None
    email: str | None = None


def _account_error(e: AccountError) -> HTTPException:
    return HTTPException(e.status, detail=e.to_dict())


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    auth = request.app.state.auth
    response.set_cookie(SESSION_COOKIE, value, max_age=int(auth.session_hours * 3600), httponly=True,
                        samesite="lax", secure=auth.secure_cookies, path="/")


def _login_checked(svc: Services, auth: Any, throttle: LoginThrottle, name: str, password: str,
                   address: str) -> dict[str, Any] | None:
    """The password check and its bookkeeping, run in the throttle's own small thread pool."""
    user = accounts.authenticate(svc, name, password)
    if user is None:
        locked = throttle.failed(name, address)
        record_action(svc, name or "?", "auth.login", f"user:{name}", Outcome.DENIED,
                      {"via": "password", "client": address, **({"locked": True} if locked else {})})
        return None
    throttle.succeeded(user["username"])
    user["_session"] = accounts.create_session(svc, user["username"], hours=auth.session_hours,
                                               idle_minutes=auth.session_idle_minutes)
    record_action(svc, user["username"], "auth.login", f"user:{user['username']}", Outcome.SUCCESS, {"via": "password"})
    return user


def throttled(e: TooManyAttempts) -> HTTPException:
    return HTTPException(e.status, detail={"message_vi": e.message_vi, "message_en": e.message_en},
                         headers={"Retry-After": str(e.retry_after)})


async def password_login(request: Request, response: Response, username: str, password: str) -> dict[str, Any]:
    """Check a password, open a web session (cookie) and audit the attempt either way.

    A locked account or address answers 429 and a full check queue 503 (both with
    ``Retry-After``) before any hashing; the check itself runs off the event loop in the
    throttle's bounded pool (:mod:`luutru.api.throttle`), so logins never hold up search."""
    svc: Services = request.app.state.services
    throttle: LoginThrottle = request.app.state.throttle
    name = (username or "").strip().lower()[:64]
    address = request.client.host if request.client else "?"
    try:
        throttle.check(name, address)
    except TooManyAttempts as e:
        not_audited()
        raise throttled(e) from None
    user = await anyio.to_thread.run_sync(_login_checked, svc, request.app.state.auth, throttle, name,
                                          password or "", address, limiter=throttle.limiter)
    if user is None:
        raise HTTPException(401, detail={"message_vi": "Sai tên đăng nhập hoặc mật khẩu.",
                                         "message_en": "Wrong username or password."})
    set_session_cookie(request, response, user.pop("_session"))
    return Principal.from_user(user, "session").to_dict()


LOGIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Wrong username or password"},
    429: {"description": "Account or client address locked after failed logins; see Retry-After"},
    503: {"description": "Too many logins waiting for a password check; see Retry-After"}}


@router.post("/api/auth/login", tags=["accounts"], responses=LOGIN_RESPONSES)
async def api_login(body: LoginBody, request: Request, response: Response,
                    _p: Principal = Depends(require(Perm.PUBLIC))) -> dict[str, Any]:
    """Log in with a password; sets the session cookie (for the web UI). Scripts use API tokens."""
    return await password_login(request, response, body.username, body.password)


@router.post("/api/auth/logout", tags=["accounts"])
def api_logout(request: Request, response: Response, _p: Principal = Depends(require(Perm.PUBLIC))) -> dict[str, Any]:
    cookie = request.cookies.get(SESSION_COOKIE)
    who = accounts.end_session(request.app.state.services, cookie) if cookie else None
    if who:
        record_action(request.app.state.services, who, "auth.logout", f"user:{who}", Outcome.SUCCESS)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"logged_out": bool(who)}


@router.get("/api/me", tags=["accounts"])
def api_me(who: Principal = Depends(require(Perm.SELF))) -> dict[str, Any]:
    """The caller: roles, permissions and what they may see."""
    return who.to_dict()


@router.post("/api/me/password", tags=["accounts"], responses={
    403: {"description": "The current password is wrong"}, 429: {"description": "Locked after failures"}})
def api_my_password(body: PasswordBody, request: Request, svc: Services = Depends(get_services),
                    who: Principal = Depends(require(Perm.SELF))) -> dict[str, Any]:
    """Change one's own password: the current one is checked (and counted like a login);
    every session and API token of the account ends, a new login is needed."""
    throttle: LoginThrottle = request.app.state.throttle
    address = request.client.host if request.client else "?"
    try:
        throttle.check(who.username, address)
    except TooManyAttempts as e:
        raise throttled(e) from None
    if accounts.authenticate(svc, who.username, body.current_password or "") is None:
        throttle.failed(who.username, address)
        record_action(svc, who, "account.password", f"user:{who.username}", Outcome.DENIED)
        raise HTTPException(403, detail={"message_vi": "Mật khẩu hiện tại không đúng.",
                                         "message_en": "The current password is wrong."})
    try:
        accounts.set_password(svc, who.username, body.new_password, actor=who)
    except AccountError as e:
        raise _account_error(e) from None
    return {"changed": True}


@router.get("/api/me/tokens", tags=["accounts"])
def api_my_tokens(svc: Services = Depends(get_services), who: Principal = Depends(require(Perm.SELF))) -> list[dict[str, Any]]:
    return accounts.list_tokens(svc, who.username)


@router.post("/api/me/tokens", status_code=201, tags=["accounts"])
def api_new_token(body: TokenBody, svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.SELF))) -> dict[str, Any]:
    """A new API token for the caller; the token is shown once, only its hash is kept."""
    if who.via == "legacy-token":
        raise HTTPException(403, detail={"message_vi": "Mã dùng chung không tạo được mã mới.",
                                         "message_en": "The shared token cannot create tokens."})
    token, info = accounts.create_token(svc, who.username, label=body.label, days=body.days, actor=who)
    return {"token": token, **info}


@router.delete("/api/me/tokens/{token_id}", tags=["accounts"])
def api_revoke_my_token(token_id: str, svc: Services = Depends(get_services),
                        who: Principal = Depends(require(Perm.SELF))) -> dict[str, Any]:
    try:
        accounts.revoke_token(svc, token_id, actor=who, owner=who.username)
    except AccountError as e:
        raise _account_error(e) from None
    return {"revoked": token_id}


@router.get("/api/accounts", tags=["accounts"])
def api_accounts(svc: Services = Depends(get_services),
                 _w: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> list[dict[str, Any]]:
    return accounts.list_users(svc)


PENDING_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Waits for a second administrator: the pending change (`/api/accounts/changes`)"},
    403: {"description": "A change of one's own account, or a caller without accounts:manage"},
    404: {"description": "No such account"}, 409: {"description": "The account already exists"}}


def _applied_or_pending(outcome: tuple[str, dict[str, Any]], status: int = 200) -> Any:
    state, body = outcome
    if state == "pending":
        return JSONResponse({"pending": body}, status_code=202)
    return JSONResponse(body, status_code=status) if status != 200 else body


@router.post("/api/accounts", status_code=201, tags=["accounts"], responses=PENDING_RESPONSES)
def api_create_account(body: NewAccount, svc: Services = Depends(get_services),
                       who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    """Create an account; one with a sensitive role or the restricted grant waits for a second administrator (202)."""
    try:
        return _applied_or_pending(grants.propose_create(
            svc, who, body.username, roles=body.roles, password=body.password, agency_code=body.agency_code,
            restricted_access=body.restricted_access, display_name=body.display_name, email=body.email), 201)
    except AccountError as e:
        raise _account_error(e) from None


@router.get("/api/accounts/changes", tags=["accounts"])
def api_account_changes(status: str | None = "pending", svc: Services = Depends(get_services),
                        _w: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> list[dict[str, Any]]:
    """Account changes waiting for a second administrator (``status=`` pending, applied, rejected or empty for all)."""
    return grants.list_changes(svc, status or None)


@router.post("/api/accounts/changes/{change_id}/confirm", tags=["accounts"], responses=PENDING_RESPONSES)
def api_confirm_change(change_id: str, svc: Services = Depends(get_services),
                       who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> dict[str, Any]:
    """Apply a pending change: only an administrator who is neither its requester nor the account."""
    try:
        return grants.confirm(svc, who, change_id)
    except AccountError as e:
        raise _account_error(e) from None


@router.post("/api/accounts/changes/{change_id}/reject", tags=["accounts"], responses=PENDING_RESPONSES)
def api_reject_change(change_id: str, svc: Services = Depends(get_services),
                      who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> dict[str, Any]:
    """Refuse a pending change (its requester may withdraw it)."""
    try:
        return grants.reject(svc, who, change_id)
    except AccountError as e:
        raise _account_error(e) from None


@router.get("/api/accounts/{username}", tags=["accounts"])
def api_account(username: str, svc: Services = Depends(get_services),
                _w: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> dict[str, Any]:
    user = accounts.get_user(svc, username)
    if user is None:
        raise HTTPException(404, detail={"message_vi": f"Không có tài khoản '{username}'.",
                                         "message_en": f"No account '{username}'."})
    return {**user, "tokens": accounts.list_tokens(svc, username)}


@router.patch("/api/accounts/{username}", tags=["accounts"], responses=PENDING_RESPONSES)
def api_change_account(username: str, body: AccountChange, svc: Services = Depends(get_services),
                       who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    """Change roles, agency, restricted-access grant, active flag or name (audited). Never one's own
    roles or grant; adding a sensitive role or the grant waits for a second administrator (202)."""
    try:
        return _applied_or_pending(grants.propose_update(svc, who, username, **body.model_dump(exclude_unset=True)))
    except AccountError as e:
        raise _account_error(e) from None


@router.post("/api/accounts/{username}/password", tags=["accounts"], responses=PENDING_RESPONSES)
def api_set_password(username: str, body: PasswordBody, svc: Services = Depends(get_services),
                     who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    """Set another account's password; for an account with a sensitive role or grant it waits for a
    second administrator (202). Ends the account's sessions and tokens."""
    try:
        return _applied_or_pending(grants.propose_password(svc, who, username, body.new_password))
    except AccountError as e:
        raise _account_error(e) from None


@router.get("/api/audit", tags=["audit"])
def api_audit(limit: int = Query(100, ge=1, le=1000), before: Cursor = None, actor: str | None = None, action: str | None = None,
              object: str | None = None, svc: Services = Depends(get_services),  # noqa: A002
              _w: Principal = Depends(require(Perm.AUDIT_READ))) -> dict[str, Any]:
    """Audit events, newest first; page back with ``before=<seq>``."""
    events = audit_log.list_events(svc, limit=limit, before=before, actor=actor, action=action, obj=object)
    return {"events": events, "total": audit_log.count_events(svc),
            "next_before": events[-1]["seq"] if events else None}


@router.get("/api/audit/verify", tags=["audit"])
def api_audit_verify(svc: Services = Depends(get_services),
                     _w: Principal = Depends(require(Perm.AUDIT_READ))) -> dict[str, Any]:
    """Recompute the hash chain; ``ok`` false names the first broken entry (``broken_seq``)."""
    return verify_with_anchors(svc).to_dict()


def fixity_status(svc: Services, limit: int = 200) -> dict[str, Any]:
    """Latest fixity-check events from the catalog and counts by outcome."""
    with svc.catalog.session() as s:
        base = select(m.Event).where(m.Event.event_type == "fixity check")
        rows = s.scalars(base.order_by(m.Event.event_datetime.desc()).limit(limit)).all()
        counts = dict(s.execute(select(m.Event.outcome, func.count()).where(m.Event.event_type == "fixity check")
                                .group_by(m.Event.outcome)).all())
        dossiers = s.scalar(select(func.count()).select_from(m.Dossier)) or 0
    return {"dossiers": dossiers, "counts": counts,
            "events": [{"at": e.event_datetime, "dossier": e.dossier_code, "object": e.object, "outcome": e.outcome,
                        "detail": e.detail, "agent": e.agent, "outcome_detail": e.outcome_detail} for e in rows]}


@router.get("/api/fixity", tags=["storage"])
def api_fixity(limit: int = Query(200, ge=1, le=2000), svc: Services = Depends(get_services),
               _w: Principal = Depends(require(Perm.STORAGE_READ))) -> dict[str, Any]:
    """Fixity status: counts of fixity-check events by outcome and the latest ones."""
    return fixity_status(svc, max(1, min(limit, 2000)))


@router.get("/auth/oidc/login", include_in_schema=True, tags=["accounts"])
async def oidc_login(request: Request, next: str = "/", _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:  # noqa: A002
    """Start an OpenID Connect login (when LUUTRU_OIDC_* is configured)."""
    auth = request.app.state.auth
    if not auth.oidc_enabled:
        raise HTTPException(404, detail={"message_vi": "Chưa cấu hình đăng nhập một lần (OIDC).",
                                         "message_en": "OpenID Connect login is not configured."})
    client = _oidc_client(request)
    request.session["luutru_next"] = next if next.startswith("/") and not next.startswith("//") else "/"
    return await client.authorize_redirect(request, str(request.url_for("oidc_callback")))


@router.get("/auth/oidc/callback", name="oidc_callback", tags=["accounts"])
async def oidc_callback(request: Request, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    from authlib.integrations.base_client import OAuthError
    from starlette.concurrency import run_in_threadpool


    auth = request.app.state.auth
    if not auth.oidc_enabled:
        raise HTTPException(404, detail={"message_vi": "Chưa cấu hình OIDC.", "message_en": "OIDC is not configured."})
    client = _oidc_client(request)
    svc: Services = request.app.state.services
    try:
        token = await client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or await client.userinfo(token=token))
    except OAuthError as e:
        record_action(svc, "anonymous", "auth.login", "oidc", Outcome.DENIED, {"error": str(e)[:300]})
        raise HTTPException(401, detail={"message_vi": f"Đăng nhập một lần thất bại: {e}",
                                         "message_en": f"Single sign-on failed: {e}"}) from None
    try:
        user = await run_in_threadpool(user_from_claims, svc, auth, claims)
    except AccountError as e:
        raise _account_error(e) from None
    value = accounts.create_session(svc, user["username"], hours=auth.session_hours, via="oidc")
    record_action(svc, user["username"], "auth.login", f"user:{user['username']}", Outcome.SUCCESS, {"via": "oidc"})
    resp = RedirectResponse(request.session.pop("luutru_next", "/"), status_code=303)
    set_session_cookie(request, resp, value)
    return resp


def _oidc_client(request: Request) -> Any:

    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = request.app.state.oidc_client = oauth_client(request.app.state.auth)
    return client


__all__ = ["router", "password_login", "set_session_cookie", "fixity_status", "get_principal"]
