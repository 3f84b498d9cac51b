"""Account changes by administrators: no self-grant, and a second administrator for the
changes that open the records or the disposal procedure (issue 16, docs/security.md).

Why: one administrator must not be able to give itself, or a second account it made,
the roles that read restricted records or carry a destruction through.  So, through the
API and the web UI:

- nobody changes their own roles, agency, restricted-access grant or active flag, nor
  sets their own password without the current one (``/api/me/password``);
- creating an account with, or giving an account, a *sensitive* role
  (:data:`SENSITIVE_ROLES`) or the restricted-access grant, and setting the password of
  an account that holds one, is a *pending* change (:class:`AccountChange`) until a
  second administrator, who is neither the requester nor the account, confirms it;
- taking roles or the grant away, deactivating, and plain researcher or submitter
  accounts take effect at once.

Each request, confirmation and rejection is on the audit trail.  The server shell
(``luutru user …``, actor ``cli:<user>``) is the operator's path: it creates the first
administrators and is not bound by this rule (whoever holds the shell holds the database).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

import luutru.api.accounts as accounts
from luutru.api.accounts import AccountError
from luutru.api.roles import Role
from luutru.audit.trail import record_action
from luutru.catalog.accounts_models import AccountChange
from luutru.records.status import Outcome
from luutru.records.timeutil import iso_vn

#: Roles that read restricted records or act in disposal or on accounts.
SENSITIVE_ROLES = frozenset({Role.ADMINISTRATOR.value, Role.ARCHIVIST.value, Role.COUNCIL.value,
                             Role.APPROVER.value})

#: Fields of an update that only someone else may change on an account.
SELF_FIELDS = ("roles", "agency_code", "restricted_access", "active")


def _name(actor: Any) -> str:
    return str(getattr(actor, "username", actor))


def _refuse(vi: str, en: str) -> AccountError:
    return AccountError(vi, en, status=403)


def _sensitive(roles: Any, restricted: Any) -> bool:
    return bool(set(roles or ()) & SENSITIVE_ROLES) or bool(restricted)


def _pending(services: Any, actor: Any, username: str, kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    with services.catalog.session() as s:
        row = AccountChange(id=secrets.token_hex(6), username=username, kind=kind, changes=changes,
                            requested_by=_name(actor), requested_at=iso_vn(), status="pending")
        s.add(row)
        s.flush()
        out = row.to_dict()
        record_action(services, actor, "account.change_request", f"user:{username}", Outcome.SUCCESS,
                      {"change": row.id, "kind": kind, "changes": out["changes"]}, session=s)
    return out


def propose_create(services: Any, actor: Any, username: str, *, roles: list[str], password: str | None = None,
                   agency_code: str | None = None, restricted_access: bool = False, display_name: str = "",
                   email: str | None = None) -> tuple[str, dict[str, Any]]:
    """``("applied", account)`` or, for a sensitive account, ``("pending", change)``."""
    username = accounts.normal_username(username)
    roles, agency_code = accounts.check_roles(roles, agency_code)
    if not _sensitive(roles, restricted_access):
        return "applied", accounts.create_user(services, username, roles=roles, password=password,
                                               agency_code=agency_code, display_name=display_name, email=email,
                                               actor=actor)
    if accounts.get_user(services, username) is not None:
        raise AccountError(f"Tài khoản '{username}' đã có.", f"Account '{username}' already exists.", status=409)
    changes = {"roles": roles, "agency_code": agency_code, "restricted_access": bool(restricted_access),
               "display_name": display_name, "email": email,
               "password_hash": accounts.hash_password(password) if password is not None else None}
    return "pending", _pending(services, actor, username, "create", changes)


def propose_update(services: Any, actor: Any, username: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    """An update by an administrator: refused on oneself, pending when it adds a sensitive
    role or the restricted grant, else applied at once."""
    current = accounts.get_user(services, username)
    if current is None:
        raise AccountError(f"Không có tài khoản '{username}'.", f"No account '{username}'.", status=404)
    if _name(actor) == current["username"] and any(changes.get(f) is not None for f in SELF_FIELDS):
        raise _refuse("Không ai tự đổi vai trò, cơ quan, quyền tiếp cận hạn chế hay trạng thái của chính mình.",
                      "Nobody changes their own roles, agency, restricted-access grant or active flag.")
    new_roles = changes.get("roles")
    if new_roles is not None:
        new_roles, _agency = accounts.check_roles(new_roles, changes.get("agency_code") or current["agency_code"])
        changes["roles"] = new_roles
    added = set(new_roles or ()) - set(current["roles"])
    grant = changes.get("restricted_access") is True and not current["restricted_access"]
    if _sensitive(added, grant):
        return "pending", _pending(services, actor, current["username"], "update", changes)
    return "applied", accounts.update_user(services, current["username"], actor=actor, **changes)


def propose_password(services: Any, actor: Any, username: str, password: str) -> tuple[str, dict[str, Any]]:
    """An administrator setting someone else's password: pending for sensitive accounts
    (taking one over would let one person act as two)."""
    current = accounts.get_user(services, username)
    if current is None:
        raise AccountError(f"Không có tài khoản '{username}'.", f"No account '{username}'.", status=404)
    if _name(actor) == current["username"]:
        raise _refuse("Đổi mật khẩu của chính mình tại /api/me/password (cần mật khẩu hiện tại).",
                      "Change your own password at /api/me/password (the current one is needed).")
    hashed = accounts.hash_password(password)
    if _sensitive(current["roles"], current["restricted_access"]):
        return "pending", _pending(services, actor, current["username"], "password", {"password_hash": hashed})
    accounts.set_password(services, current["username"], password_hash=hashed, actor=actor)
    return "applied", {"changed": True}


def _decide(services: Any, actor: Any, change_id: str, status: str) -> AccountChange:
    """Mark a pending change decided (in its own transaction) after the rule checks."""
    with services.catalog.session() as s:
        row = s.get(AccountChange, change_id)
        if row is None or row.status != "pending":
            raise AccountError(f"Không có thay đổi đang chờ '{change_id}'.", f"No pending change '{change_id}'.",
                               status=404)
        if status == "applied" and _name(actor) in (row.requested_by, row.username):
            raise _refuse("Thay đổi phải do một quản trị viên khác (không phải người đề nghị, không phải chủ "
                          "tài khoản) xác nhận.", "A change is confirmed by another administrator: not the "
                          "one who asked for it, not the account itself.")
        row.status, row.decided_by, row.decided_at = status, _name(actor), iso_vn()
        s.flush()
        s.expunge(row)
        return row


def confirm(services: Any, actor: Any, change_id: str) -> dict[str, Any]:
    """Apply a pending change as a second administrator; returns the account."""
    row = _decide(services, actor, change_id, "applied")
    record_action(services, actor, "account.change_confirm", f"user:{row.username}", Outcome.SUCCESS,
                  {"change": row.id, "kind": row.kind, "requested_by": row.requested_by})
    c = dict(row.changes)
    if row.kind == "create":
        return accounts.create_user(services, row.username, roles=c["roles"], agency_code=c["agency_code"],
                                    restricted_access=c["restricted_access"], display_name=c["display_name"],
                                    email=c["email"], password_hash=c["password_hash"], actor=actor)
    if row.kind == "password":
        accounts.set_password(services, row.username, password_hash=c["password_hash"], actor=actor)
        return accounts.get_user(services, row.username) or {}
    return accounts.update_user(services, row.username, actor=actor, **c)


def reject(services: Any, actor: Any, change_id: str) -> dict[str, Any]:
    """Refuse (or, for its requester, withdraw) a pending change."""
    row = _decide(services, actor, change_id, "rejected")
    record_action(services, actor, "account.change_reject", f"user:{row.username}", Outcome.SUCCESS,
                  {"change": row.id, "kind": row.kind, "requested_by": row.requested_by})
    return row.to_dict()


def list_changes(services: Any, status: str | None = "pending") -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        q = select(AccountChange).order_by(AccountChange.requested_at)
        if status:
            q = q.where(AccountChange.status == status)
        return [r.to_dict() for r in s.scalars(q)]


__all__ = ["SENSITIVE_ROLES", "propose_create", "propose_update", "propose_password", "confirm", "reject",
           "list_changes"]
