"""Web pages of accounts: administrators manage accounts and roles; everyone changes their password.

Plain HTML forms posted to these routes (no script needed), over the same functions as
the JSON API (:mod:`luutru.api.grants`: nobody changes their own roles or grant; a
sensitive role or the restricted grant waits for a second administrator, who confirms or
rejects it on this page), so the same rules refuse the same things and every change is
in the audit trail.  A refusal is shown on the page in the reader's
language; a success comes back as a redirect (no form posted twice).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

import luutru.api.accounts as accounts
import luutru.api.grants as grants
from luutru.api.accounts import AccountError
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.api.i18n import lang_of
from luutru.api.roles import Role
from luutru.api.routes.accounts import password_login
from luutru.api.routes.ui import render
from luutru.api.throttle import TooManyAttempts
from luutru.audit.trail import record_action
from luutru.records.status import Outcome
from luutru.services import Services

router = APIRouter(include_in_schema=False)
ROLES = [r.value for r in Role]


def _message(request: Request, e: AccountError) -> str:
    return e.message_en if lang_of(request) == "en" else e.message_vi


def _accounts_page(request: Request, svc: Services, *, error: str | None = None, done: str | None = None,
                   form: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    return render(request, "accounts.html", {"users": accounts.list_users(svc), "roles": ROLES, "error": error,
                                             "changes": grants.list_changes(svc),
                                             "done": done or request.query_params.get("done"), "form": form or {}},
                  status=status)


@router.get("/tai-khoan", response_class=HTMLResponse)
def accounts_page(request: Request, svc: Services = Depends(get_services),
                  _w: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    """Every account with its roles, agency, grant and state; a form to create one."""
    return _accounts_page(request, svc)


@router.post("/tai-khoan", response_class=HTMLResponse)
def create_account(request: Request, username: str = Form(""), display_name: str = Form(""),
                   password: str = Form(""), roles: list[str] = Form([]), agency_code: str = Form(""),
                   restricted_access: bool = Form(False), svc: Services = Depends(get_services),
                   who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    try:
        state, _made = grants.propose_create(svc, who, username, roles=roles, password=password,
                                             agency_code=agency_code.strip() or None,
                                             restricted_access=restricted_access, display_name=display_name.strip())
    except AccountError as e:
        form = {"username": username, "display_name": display_name, "roles": roles, "agency_code": agency_code,
                "restricted_access": restricted_access}
        return _accounts_page(request, svc, error=_message(request, e), form=form, status=e.status)
    return RedirectResponse(f"/tai-khoan?done={state}:{username.strip().lower()}", status_code=303)


@router.post("/tai-khoan/sua/{username}", response_class=HTMLResponse)
def change_account(username: str, request: Request, roles: list[str] = Form([]), agency_code: str = Form(""),
                   restricted_access: bool = Form(False), active: bool = Form(False),
                   svc: Services = Depends(get_services), who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    """Roles, agency, restricted-access grant and active flag of one account (a disabled account's
    sessions end at once)."""
    current = accounts.get_user(svc, username) or {}
    wanted = {"roles": roles, "agency_code": agency_code.strip() or None, "restricted_access": restricted_access,
              "active": active}
    changes = {k: v for k, v in wanted.items() if v != current.get(k)}  # only what the form changes
    state = "applied"
    try:
        if changes:
            state, _ = grants.propose_update(svc, who, username, **changes)
    except AccountError as e:
        return _accounts_page(request, svc, error=f"{username}: {_message(request, e)}", status=e.status)
    return RedirectResponse(f"/tai-khoan?done={state}:{username}", status_code=303)


@router.post("/tai-khoan/thay-doi/{change_id}", response_class=HTMLResponse)
def decide_change(change_id: str, request: Request, decision: str = Form(""), svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.ACCOUNTS_MANAGE))) -> Any:
    """A second administrator confirms (``decision=confirm``) or rejects a pending account change."""
    try:
        if decision == "confirm":
            grants.confirm(svc, who, change_id)
        else:
            grants.reject(svc, who, change_id)
    except AccountError as e:
        return _accounts_page(request, svc, error=_message(request, e), status=e.status)
    return RedirectResponse(f"/tai-khoan?done={'applied' if decision == 'confirm' else 'rejected'}:{change_id}",
                            status_code=303)


@router.get("/tai-khoan/mat-khau", response_class=HTMLResponse)
def password_page(request: Request, who: Principal = Depends(require(Perm.SELF))) -> Any:
    return render(request, "password.html", {"error": None, "done": request.query_params.get("done") == "1",
                                             "can_change": who.via != "legacy-token"})


@router.post("/tai-khoan/mat-khau", response_class=HTMLResponse)
async def change_password(request: Request, current_password: str = Form(""), new_password: str = Form(""),
                          confirm_password: str = Form(""), svc: Services = Depends(get_services),
                          who: Principal = Depends(require(Perm.SELF))) -> Any:
    """Check the current password (counted like a login), set the new one (every session and
    token of the account ends) and log in again here."""
    error = await run_in_threadpool(_change_password, request, svc, who, current_password, new_password,
                                    confirm_password)
    if error:
        return render(request, "password.html", {"error": error, "done": False, "can_change": True}, status=400)
    resp = RedirectResponse("/tai-khoan/mat-khau?done=1", status_code=303)
    await password_login(request, resp, who.username, new_password)  # the change ended the sessions: a new one
    return resp


def _change_password(request: Request, svc: Services, who: Principal, current: str, new: str,
                     again: str) -> str | None:
    """The change itself (argon2 work, off the event loop); the error to show, or None when done."""
    en = lang_of(request) == "en"
    if new != again:
        return "The two new passwords differ." if en else "Hai lần nhập mật khẩu mới không giống nhau."
    throttle = request.app.state.throttle
    address = request.client.host if request.client else "?"
    try:
        throttle.check(who.username, address)
    except TooManyAttempts as e:
        return e.message_en if en else e.message_vi
    if accounts.authenticate(svc, who.username, current) is None:
        throttle.failed(who.username, address)
        record_action(svc, who, "account.password", f"user:{who.username}", Outcome.DENIED)
        return "The current password is wrong." if en else "Mật khẩu hiện tại không đúng."
    try:
        accounts.set_password(svc, who.username, new, actor=who)
    except AccountError as e:
        return _message(request, e)
    return None
