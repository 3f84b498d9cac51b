"""Who is calling, and may they: the dependencies every route uses.

A caller is a :class:`Principal`: an API token (``Authorization: Bearer lt_…``), a web
session cookie, the legacy shared token, or anonymous.  Every route declares its
permission with ``Depends(require(Perm.X))`` (or ``require("disposal:approve")``); the
route test enumerates ``app.routes`` and fails for a route without one.  Data-level
limits (a submitter's own agency, restricted records) come from ``principal.rights``.

For other areas' routers::

    from luutru.api.auth import Perm, Principal, require

    @router.post("/api/disposal/{list_id}/approve")
    def approve(list_id: str, who: Principal = Depends(require(Perm.DISPOSAL_APPROVE))): ...
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute

import luutru.api.accounts as accounts
from luutru.api.roles import Perm, Role, permissions_for, rights_for
from luutru.audit.trail import record_action
from luutru.records.labels import label
from luutru.records.status import Outcome
from luutru.search.query import Rights

SESSION_COOKIE = "luutru_session"


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    username: str
    roles: tuple[str, ...] = ()
    display_name: str = ""
    agency_code: str | None = None
    restricted_access: bool = False
    via: str = "anonymous"  # anonymous | session | token | legacy-token
    permissions: frozenset[Perm] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", permissions_for(self.roles, anonymous=self.anonymous))

    @property
    def anonymous(self) -> bool:
        return self.via == "anonymous"

    @property
    def rights(self) -> Rights:
        return rights_for(self.roles, agency_code=self.agency_code, restricted_access=self.restricted_access,
                          anonymous=self.anonymous)

    def can(self, perm: Perm | str) -> bool:
        return Perm(perm) in self.permissions

    def has_role(self, role: Role | str) -> bool:
        return Role(role).value in self.roles

    @property
    def is_submitter(self) -> bool:
        return self.roles == (Role.SUBMITTER.value,)

    def to_dict(self) -> dict[str, Any]:
        r = self.rights
        return {"username": self.username, "display_name": self.display_name, "roles": list(self.roles),
                "agency_code": self.agency_code, "restricted_access": self.restricted_access, "via": self.via,
                "anonymous": self.anonymous, "permissions": sorted(p.value for p in self.permissions),
                "rights": {"see_restricted": r.see_restricted,
                           "agencies": sorted(r.agencies) if r.agencies is not None else None,
                           "restricted_agencies": sorted(r.restricted_agencies)
                           if r.restricted_agencies is not None else None}}

    @classmethod
    def from_user(cls, user: dict[str, Any], via: str) -> "Principal":
        return cls(username=user["username"], roles=tuple(user["roles"]), display_name=user.get("display_name") or "",
                   agency_code=user.get("agency_code"), restricted_access=bool(user.get("restricted_access")), via=via)


ANONYMOUS = Principal("anonymous")


def _unauthorized(msg_vi: str, msg_en: str) -> HTTPException:
    return HTTPException(401, detail={"message_vi": msg_vi, "message_en": msg_en},
                         headers={"WWW-Authenticate": "Bearer"})


def get_principal(request: Request) -> Principal:
    """The caller, resolved once per request (cached on ``request.state``)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached

    services = request.app.state.services
    principal = ANONYMOUS
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized("Tiêu đề Authorization phải là 'Bearer <mã truy cập>'.",
                                "The Authorization header must be 'Bearer <token>'.")
        legacy = request.app.state.auth.api_token
        if legacy and hmac.compare_digest(token.encode(), legacy.encode()):
            principal = Principal("api-token", roles=(Role.RESEARCHER.value,), restricted_access=True,
                                  via="legacy-token")
        else:
            user = accounts.user_for_token(services, token, idle_days=request.app.state.auth.token_idle_days,
                                           max_days=request.app.state.auth.token_days)
            if user is None:
                raise _unauthorized("Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
                                    "The token is invalid, expired or revoked.")
            principal = Principal.from_user(user, "token")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = accounts.user_for_session(services, cookie, idle_minutes=request.app.state.auth.session_idle_minutes,
                                         hours=request.app.state.auth.session_hours)
        if user is not None:
            principal = Principal.from_user(user, "session")
    request.state.principal = principal
    return principal


@lru_cache(maxsize=None)
def require(permission: Perm | str) -> Callable[..., Principal]:
    """A dependency that lets the request through only with ``permission``; returns the caller.

    Anonymous callers get 401 (the web UI turns it into the login page), logged-in
    callers without the permission 403; both are written to the audit trail.
    """
    perm = Perm(permission)

    def dependency(request: Request, principal: Principal = Depends(get_principal)) -> Principal:
        if principal.can(perm):
            return principal

        route = request.scope.get("route")
        record_action(request.app.state.services, principal, "access.denied",
                      f"{request.method} {request.url.path}", Outcome.DENIED,
                      {"permission": perm.value, "route": getattr(route, "path", None)})
        if principal.anonymous:
            raise _unauthorized("Cần đăng nhập để dùng chức năng này.", "Log in to use this function.")
        raise HTTPException(403, detail={
            "message_vi": f"Tài khoản của bạn không có quyền {label('permission', perm, 'vi')}.",
            "message_en": f"Your account lacks the permission to {label('permission', perm, 'en')}.",
            "permission": perm.value})

    dependency.__luutru_permission__ = perm  # type: ignore[attr-defined]
    dependency.__name__ = f"require_{perm.name.lower()}"
    return dependency


def route_permissions(route: Any) -> set[Perm]:
    """The permissions a route declares (for the route test and the docs)."""
    found: set[Perm] = set()
    stack = [getattr(route, "dependant", None)]
    while stack:
        d = stack.pop()
        if d is None:
            continue
        p = getattr(d.call, "__luutru_permission__", None)
        if p is not None:
            found.add(p)
        stack.extend(d.dependencies)
    return found


def iter_api_routes(app: Any) -> list[tuple[str, Any, set[Perm]]]:
    """Every API route of the app as (full path, route, declared permissions), included routers
    flattened (their prefix and include-level dependencies applied)."""
    out: list[tuple[str, Any, set[Perm]]] = []

    def walk(routes: list[Any], prefix: str, inherited: set[Perm]) -> None:
        for r in routes:
            if isinstance(r, APIRoute):
                out.append((prefix + r.path, r, route_permissions(r) | inherited))
            elif hasattr(r, "original_router") and hasattr(r, "include_context"):
                ctx = r.include_context
                extra = {p for d in (ctx.dependencies or [])
                         if (p := getattr(getattr(d, "dependency", None), "__luutru_permission__", None))}
                walk(r.original_router.routes, prefix + (ctx.prefix or ""), inherited | extra)

    walk(list(app.routes), "", set())
    return out


def other_routes(app: Any) -> list[str]:
    """Paths of non-API routes (the OpenAPI docs pages)."""
    return [r.path for r in app.routes if not isinstance(r, APIRoute) and hasattr(r, "path")]
