"""Every route of the app × every role: declared permission and the expected allow/deny.

The test walks ``app.routes``: a route without a declared permission fails, and so does
a route of this area missing from the expected table below (so a new route must be
thought about).  Routes of other areas (disposal, export, storage) are checked against
the roles their declared permission grants.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from luutru.api.app import create_app
from luutru.api.auth import iter_api_routes, other_routes
from luutru.api.roles import ROLE_PERMISSIONS, Perm, Role
from tests.api_helpers import bearer, make_accounts

ROLES = ["anonymous", "submitter", "archivist", "council", "approver", "researcher", "administrator"]
ALL = set(ROLES)
LOGGED_IN = ALL - {"anonymous"}
TRANSFER_READERS = {"submitter", "archivist", "administrator"}

# (method, path) → roles allowed, written out independently of the permission table.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/healthz"): ALL,
    ("POST", "/api/transfers"): {"submitter", "archivist"},
    ("GET", "/api/transfers"): TRANSFER_READERS,
    ("GET", "/api/transfers/{transfer_id}"): TRANSFER_READERS,
    ("GET", "/api/search"): ALL,
    ("GET", "/api/dossiers/{code}"): LOGGED_IN,
    ("GET", "/api/documents/{identifier}"): LOGGED_IN,
    ("GET", "/api/files/{file_id}"): LOGGED_IN,
    ("GET", "/api/dossiers/{code}/revisions"): LOGGED_IN,
    ("POST", "/api/dossiers/{code}/corrections"): {"archivist", "administrator"},
    ("POST", "/api/auth/login"): ALL,
    ("POST", "/api/auth/logout"): ALL,
    ("GET", "/api/me"): LOGGED_IN,
    ("POST", "/api/me/password"): LOGGED_IN,
    ("GET", "/api/me/tokens"): LOGGED_IN,
    ("POST", "/api/me/tokens"): LOGGED_IN,
    ("DELETE", "/api/me/tokens/{token_id}"): LOGGED_IN,
    ("GET", "/api/accounts"): {"administrator"},
    ("POST", "/api/accounts"): {"administrator"},
    ("GET", "/api/accounts/changes"): {"administrator"},
    ("POST", "/api/accounts/changes/{change_id}/confirm"): {"administrator"},
    ("POST", "/api/accounts/changes/{change_id}/reject"): {"administrator"},
    ("GET", "/api/accounts/{username}"): {"administrator"},
    ("PATCH", "/api/accounts/{username}"): {"administrator"},
    ("POST", "/api/accounts/{username}/password"): {"administrator"},
    ("GET", "/api/audit"): {"administrator"},
    ("GET", "/api/audit/verify"): {"administrator"},
    ("GET", "/api/fixity"): {"archivist", "administrator"},
    ("GET", "/auth/oidc/login"): ALL,
    ("GET", "/auth/oidc/callback"): ALL,
    ("GET", "/dang-nhap"): ALL,
    ("POST", "/dang-nhap"): ALL,
    ("POST", "/dang-xuat"): ALL,
    ("GET", "/"): ALL,
    ("GET", "/ho-so/{code}"): LOGGED_IN,
    ("GET", "/van-ban/{identifier}"): LOGGED_IN,
    ("GET", "/nop-luu"): TRANSFER_READERS,
    ("GET", "/nop-luu/{transfer_id}"): TRANSFER_READERS,
    ("GET", "/nhat-ky"): {"administrator"},
    ("GET", "/bao-quan"): {"archivist", "administrator"},
    ("GET", "/ui/disposal.js"): ALL,
    ("GET", "/tieu-huy"): {"archivist", "council", "approver"},
    ("GET", "/tieu-huy/{list_id}"): {"archivist", "council", "approver"},
    ("GET", "/tai-khoan"): {"administrator"},
    ("POST", "/tai-khoan"): {"administrator"},
    ("POST", "/tai-khoan/sua/{username}"): {"administrator"},
    ("POST", "/tai-khoan/thay-doi/{change_id}"): {"administrator"},
    ("GET", "/tai-khoan/mat-khau"): LOGGED_IN,
    ("POST", "/tai-khoan/mat-khau"): LOGGED_IN,
    ("GET", "/docs"): ALL,
    ("GET", "/redoc"): ALL,
    ("GET", "/ui/vendor/{name}"): ALL,
}
OTHER_AREAS = ("/api/disposal", "/api/retention", "/api/export", "/api/storage")
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _roles_granting(perm: Perm) -> set[str]:
    allowed = {r.value for r, perms in ROLE_PERMISSIONS.items() if perm in perms}
    if perm in (Perm.PUBLIC, Perm.SEARCH):
        allowed.add("anonymous")
    return allowed


@pytest.fixture
def client_and_tokens(services):
    tokens = make_accounts(services)
    app = create_app(services=services)
    return app, TestClient(app), tokens


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_declares_exactly_one_permission(client_and_tokens):
    app, _, _ = client_and_tokens
    missing, ours = [], set()
    assert set(other_routes(app)) <= FRAMEWORK_ROUTES, other_routes(app)
    routes = iter_api_routes(app)
    assert len(routes) >= len(EXPECTED)
    for path, route, perms in routes:
        assert len(perms) == 1, f"{sorted(route.methods)} {path} declares {perms or 'no permission'}"
        for method in route.methods - {"HEAD"}:
            key = (method, path)
            if not path.startswith(OTHER_AREAS):
                ours.add(key)
                if key not in EXPECTED:
                    missing.append(key)
    assert not missing, f"routes without an expected role table entry: {missing}"
    assert set(EXPECTED) <= ours, f"expected routes not in the app: {set(EXPECTED) - ours}"


def test_every_route_times_every_role(client_and_tokens):
    app, client, tokens = client_and_tokens
    problems = []
    checked = 0
    for path, route, perms in iter_api_routes(app):
        (perm,) = perms
        for method in sorted(route.methods - {"HEAD"}):
            expected = EXPECTED.get((method, path)) or _roles_granting(perm)
            for role in ROLES:
                headers = bearer(tokens[role]) if role != "anonymous" else {}
                r = client.request(method, _concrete(path), headers=headers, follow_redirects=False)
                checked += 1
                if role in expected:
                    if r.status_code in (401, 403):
                        problems.append(f"{role} denied {method} {path}: {r.status_code}")
                elif r.status_code != (401 if role == "anonymous" else 403):
                    problems.append(f"{role} not denied {method} {path}: {r.status_code}")
    assert not problems, "\n".join(problems)
    assert checked >= len(EXPECTED) * len(ROLES)


def test_permission_table_matches_the_roles_documented():
    # the table the docs describe: spot checks that would catch an accidental grant
    assert Perm.DISPOSAL_APPROVE in ROLE_PERMISSIONS[Role.APPROVER]
    assert Perm.DISPOSAL_APPROVE not in ROLE_PERMISSIONS[Role.ARCHIVIST]
    assert Perm.DISPOSAL_REVIEW in ROLE_PERMISSIONS[Role.COUNCIL]
    assert Perm.DISPOSAL_EXECUTE not in ROLE_PERMISSIONS[Role.APPROVER]
    assert Perm.ACCOUNTS_MANAGE not in ROLE_PERMISSIONS[Role.ARCHIVIST]
    assert not any(Perm.TRANSFERS_SUBMIT in ROLE_PERMISSIONS[r] for r in (Role.RESEARCHER, Role.COUNCIL))
