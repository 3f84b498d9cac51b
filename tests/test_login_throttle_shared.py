"""The login throttle counts per deployment, not per process (issue 16, item 3): two apps
over one catalog (as two uvicorn workers, or API and workers on PostgreSQL) share the
failures, the lock and its ``Retry-After``; the lock is answered before any hashing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import luutru.api.accounts as accounts_api
from luutru.api.app import create_app
from luutru.config import AuthSettings, Settings
from luutru.services import Services
from tests.api_helpers import PASSWORD, make_accounts


def _login(client: TestClient, user: str, password: str = PASSWORD) -> int:
    return client.post("/api/auth/login", json={"username": user, "password": password}).status_code


def test_two_server_processes_share_the_counts(tmp_path, database_url, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    first, second = Services(settings), Services(settings)  # two engines, two pools: as two processes
    try:
        make_accounts(first)
        auth = AuthSettings(login_max_failures=3, login_address_max_failures=100)
        a = TestClient(create_app(services=first, auth=auth))
        b = TestClient(create_app(services=second, auth=auth))
        assert _login(a, "researcher", "sai-1") == 401
        assert _login(b, "researcher", "sai-2") == 401
        assert _login(a, "researcher", "sai-3") == 401  # the third failure, across both: locked
        hashed: list[str] = []
        real = accounts_api.authenticate
        monkeypatch.setattr(accounts_api, "authenticate", lambda *a, **k: hashed.append("x") or real(*a, **k))
        for client in (b, a):
            r = client.post("/api/auth/login", json={"username": "researcher", "password": PASSWORD})
            assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= auth.login_lockout_seconds
        assert hashed == []  # refused before any password check
        assert _login(b, "archivist") == 200  # other accounts are not affected
    finally:
        first.close()
        second.close()


def test_address_hold_back_is_shared_too(tmp_path, database_url) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    first, second = Services(settings), Services(settings)
    try:
        make_accounts(first)
        auth = AuthSettings(login_max_failures=100, login_address_max_failures=4)
        a = TestClient(create_app(services=first, auth=auth))
        b = TestClient(create_app(services=second, auth=auth))
        for i, client in enumerate((a, b, a, b)):
            assert _login(client, f"nobody{i}", "sai") == 401
        assert _login(a, "researcher") == 429 and _login(b, "council") == 429
    finally:
        first.close()
        second.close()
