"""Accounts, sessions and the API under attack (issue 16, docs/security.md): login
throttling, token and session lifetimes, revocation, no self-grant, events and reports
within access rights, security headers, CSRF, body bounds, ids and upload names, and a
busy catalog pool answering 503."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import luutru.api.accounts as accounts
import luutru.catalog.models as m
from luutru.api.app import create_app
from luutru.api.throttle import LoginThrottle
from luutru.audit.trail import list_events
from luutru.catalog.accounts_models import ApiToken, WebSession
from luutru.config import AuthSettings, LimitSettings, Settings
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import Services
from tests.api_helpers import PASSWORD, bearer, make_accounts, seed_records


@pytest.fixture
def tokens(services):
    return make_accounts(services)


def _client(services, **auth):
    return TestClient(create_app(services=services, auth=AuthSettings(**auth)))


def _login(client, user, password=PASSWORD, **kw):
    return client.post("/api/auth/login", json={"username": user, "password": password}, **kw)


# ---------------------------------------------------------------- login throttling


def test_account_lockout_and_address_hold_back_answer_429_with_retry_after(services, tokens):
    client = _client(services, login_max_failures=3, login_address_max_failures=6)
    assert [_login(client, "researcher", "sai-mat-khau").status_code for _ in range(3)] == [401, 401, 401]
    r = _login(client, "researcher")  # the right password, but the account is locked
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "message_en" in r.json()["detail"]
    assert _login(client, "archivist").status_code == 200  # another account from the same address
    for name in ("x1", "x2", "x3"):
        _login(client, name, "sai-mat-khau")
    assert _login(client, "council").status_code == 429  # the address is held back now


def test_throttle_tables_stay_bounded(services):
    auth = AuthSettings(login_max_failures=2, login_address_max_failures=2)
    throttle = LoginThrottle(auth, services.catalog, max_keys=50)
    for i in range(400):
        throttle.failed(f"user{i}", f"10.0.{i // 2 // 250}.{i // 2 % 250}")  # each address twice: locked
    failures, locks = throttle.accounts.rows()
    assert failures <= 50 * 2 and locks == 0
    failures, locks = throttle.addresses.rows()
    assert failures <= 50 * 2 and 0 < locks <= 50


def test_full_check_queue_answers_503_without_hashing(services, tokens):
    app = create_app(services=services, auth=AuthSettings(login_concurrency=1, login_queue=0))
    with TestClient(app) as client:
        client.portal.call(app.state.throttle.limiter.acquire_on_behalf_of, "test")  # the one check slot is busy
        r = client.post("/api/auth/login", json={"username": "researcher", "password": PASSWORD})
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        client.portal.call(app.state.throttle.limiter.release_on_behalf_of, "test")
        assert client.post("/api/auth/login", json={"username": "researcher", "password": PASSWORD}).status_code == 200


def test_own_password_change_checks_the_current_one_and_ends_every_credential(services, tokens):
    client = _client(services)
    assert _login(client, "researcher").status_code == 200
    r = client.post("/api/me/password", json={"current_password": "sai", "new_password": "mật-khẩu-mới-99"})
    assert r.status_code == 403
    r = client.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "mật-khẩu-mới-99"})
    assert r.status_code == 200
    assert client.get("/api/me").status_code == 401  # the session ended
    assert client.get("/api/me", headers=bearer(tokens["researcher"])).status_code == 401  # the token too


# ---------------------------------------------------------------- lifetimes and revocation


def test_tokens_expire_are_capped_and_stop_when_idle(services, tokens):
    client = _client(services, token_days=30, token_idle_days=7)
    token, info = accounts.create_token(services, "researcher", days=3650)
    assert info["expires_at"] <= iso_vn(now_vn() + timedelta(days=services.settings.auth.token_days, minutes=1))
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    with services.catalog.session() as s:
        s.get(ApiToken, info["id"]).last_used_at = iso_vn(now_vn() - timedelta(days=8))
    assert client.get("/api/me", headers=bearer(token)).status_code == 401  # idle 8 days > 7
    token, info = accounts.create_token(services, "researcher")
    with services.catalog.session() as s:  # a token of the first version: no expiry, made long ago
        t = s.get(ApiToken, info["id"])
        t.expires_at, t.created_at = None, iso_vn(now_vn() - timedelta(days=31))
        t.last_used_at = iso_vn(now_vn())
    assert client.get("/api/me", headers=bearer(token)).status_code == 401


def test_sessions_end_when_idle_and_never_outlive_their_lifetime(services, tokens):
    client = _client(services, session_idle_minutes=30, session_hours=8)
    assert _login(client, "researcher").status_code == 200
    with services.catalog.session() as s:
        ws = s.scalars(select(WebSession).where(WebSession.username == "researcher")).one()
        assert ws.expires_at <= iso_vn(now_vn() + timedelta(minutes=31))  # idle bound, not 8 hours
        ws.created_at = iso_vn(now_vn() - timedelta(hours=7, minutes=59, seconds=58))
    assert client.get("/api/me").status_code == 200  # slides, but only to created + 8 h
    with services.catalog.session() as s:
        ws = s.scalars(select(WebSession).where(WebSession.username == "researcher")).one()
        assert ws.expires_at <= iso_vn(now_vn() + timedelta(seconds=5))
        ws.expires_at = iso_vn(now_vn() - timedelta(seconds=1))
    assert client.get("/api/me").status_code == 401


def test_role_or_grant_change_revokes_tokens_and_sessions(services, tokens):
    client = _client(services)
    assert _login(client, "researcher").status_code == 200
    accounts.update_user(services, "researcher", roles=["researcher"])  # no change: nothing ends
    assert client.get("/api/me").status_code == 200
    admin = bearer(tokens["administrator"])
    r = client.patch("/api/accounts/researcher_granted", headers=admin, json={"restricted_access": False})
    assert r.status_code == 200
    assert client.get("/api/me", headers=bearer(tokens["researcher_granted"])).status_code == 401
    accounts.update_user(services, "researcher", roles=["researcher", "council"], actor="cli:root")
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers=bearer(tokens["researcher"])).status_code == 401


# ---------------------------------------------------------------- no self-grant, a second administrator


def test_administrator_cannot_grant_itself_and_needs_a_second_for_sensitive_changes(services, tokens):
    client = _client(services)
    accounts.create_user(services, "admin2", roles=["administrator"], password=PASSWORD, actor="cli:root")
    a1, a2 = bearer(tokens["administrator"]), bearer(accounts.create_token(services, "admin2")[0])
    for change in ({"restricted_access": True}, {"roles": ["administrator", "approver"]}):
        assert client.patch("/api/accounts/administrator", headers=a1, json=change).status_code == 403
    assert client.post("/api/accounts/administrator/password", headers=a1,
                       json={"new_password": "mật-khẩu-khác-1"}).status_code == 403
    # a second account with the approver role: pending until another administrator confirms
    r = client.post("/api/accounts", headers=a1, json={"username": "tay-sai", "roles": ["approver", "council"],
                                                        "password": "mật-khẩu-tay-sai"})
    assert r.status_code == 202
    change = r.json()["pending"]["id"]
    assert "password_hash" not in r.text and accounts.get_user(services, "tay-sai") is None
    assert client.post(f"/api/accounts/changes/{change}/confirm", headers=a1).status_code == 403
    assert [c["id"] for c in client.get("/api/accounts/changes", headers=a2).json()] == [change]
    assert client.post(f"/api/accounts/changes/{change}/confirm", headers=a2).status_code == 200
    assert accounts.get_user(services, "tay-sai")["roles"] == ["approver", "council"]
    assert accounts.authenticate(services, "tay-sai", "mật-khẩu-tay-sai") is not None
    # a grant for admin2 asked by admin2's colleague cannot be confirmed by admin2 itself
    r = client.patch("/api/accounts/admin2", headers=a1, json={"restricted_access": True})
    assert r.status_code == 202
    assert client.post(f"/api/accounts/changes/{r.json()['pending']['id']}/confirm", headers=a2).status_code == 403
    # taking over a sensitive account by its password waits too; a researcher's does not
    assert client.post("/api/accounts/approver/password", headers=a1,
                       json={"new_password": "mật-khẩu-chiếm-1"}).status_code == 202
    assert accounts.authenticate(services, "approver", "mật-khẩu-chiếm-1") is None
    assert client.post("/api/accounts/researcher/password", headers=a1,
                       json={"new_password": "mật-khẩu-mới-77"}).status_code == 200


# ---------------------------------------------------------------- nothing leaks through events or reports


@pytest.fixture
def seeded(services, tokens, tmp_path):
    return seed_records(services, tmp_path)


def test_events_of_a_public_dossier_do_not_show_its_restricted_documents(services, tokens, seeded):
    client = _client(services)
    hidden = seeded["restricted_doc"]
    r = client.get(f"/api/dossiers/{seeded['public']}", headers=bearer(tokens["researcher"]))
    assert r.status_code == 200 and r.json()["events"]
    assert hidden not in r.text and "0002.pdf" not in r.text
    granted = client.get(f"/api/dossiers/{seeded['public']}", headers=bearer(tokens["researcher_granted"]))
    assert hidden in granted.text and len(granted.json()["events"]) > len(r.json()["events"])
    assert _login(client, "researcher").status_code == 200
    page = client.get(f"/ho-so/{seeded['public']}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and hidden not in page.text and "0002.pdf" not in page.text


def test_transfer_report_withholds_restricted_titles_from_an_administrator_without_the_grant(services, tokens,
                                                                                               seeded):
    client = _client(services)
    with services.catalog.session() as s:
        transfer_id = s.scalars(select(m.Transfer.id)).first()
    title = "thanh tra công vụ về việc khiếu nại đất đai"
    r = client.get(f"/api/transfers/{transfer_id}", headers=bearer(tokens["administrator"]))
    assert r.status_code == 200 and title not in r.text
    rows = {d["code"]: d for d in r.json()["report"]["dossiers"]}
    assert rows[seeded["restricted"]]["title_withheld"] is True and rows[seeded["public"]]["title"]
    assert title in client.get(f"/api/transfers/{transfer_id}", headers=bearer(tokens["archivist"])).text


# ---------------------------------------------------------------- headers, CSRF, bounds


def test_security_headers_and_a_script_nonce_per_page(services, tokens):
    client = _client(services)
    assert _login(client, "archivist").status_code == 200
    r = client.get("/nop-luu", headers={"Accept": "text/html"})
    csp = r.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in r.text and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split(
        "style-src")[0]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin" and "strict-transport-security" not in r.headers
    api = client.get("/api/me")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "max-age=" in _client(services, secure_cookies=True).get("/api/me").headers["strict-transport-security"]


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Referer": "https://evil.example/trap.html"}, {"Origin": "null"}])
def test_login_forms_refuse_cross_site_posts(services, tokens, headers):
    client = _client(services)
    r = client.post("/dang-nhap", data={"username": "researcher", "password": PASSWORD}, headers=headers,
                    follow_redirects=False)
    assert r.status_code == 403 and "luutru_session" not in r.headers.get("set-cookie", "")
    assert _login(client, "researcher", headers=headers).status_code == 403
    ok = client.post("/dang-nhap", data={"username": "researcher", "password": PASSWORD},
                     headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert ok.status_code == 303


def test_request_bodies_are_bounded_with_413(services, tokens, tmp_path):
    svc = Services(Settings(home=tmp_path / "small", database_url=services.settings.db_url,
                            max_upload_bytes=20_000, limits=LimitSettings(max_request_bytes=4096)))
    client = TestClient(create_app(services=svc, auth=AuthSettings()))
    r = client.post("/api/auth/login", content=b'{"username": "' + b"a" * 10_000 + b'", "password": "x"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "message_en" in r.json()["detail"]
    big = io.BytesIO(b"PK" + b"\0" * 50_000)
    r = client.post("/api/transfers", files={"file": ("big.zip", big, "application/zip")},
                    headers=bearer(tokens["archivist"]))
    assert r.status_code == 413

    def chunks():  # no Content-Length: cut off while streaming
        for _ in range(10):
            yield b"x" * 1000

    r = client.post("/api/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    svc.close()


@pytest.mark.parametrize("path,status", [("/api/files/99999999999999999999999", 422), ("/api/files/0", 422),
                                         ("/api/files/2147483647", 404), ("/api/files/9223372036854775807", 422),
                                         ("/api/audit?before=99999999999999999999999", 422),
                                         ("/api/audit?limit=-5", 422)])
def test_ids_out_of_range_are_refused_not_crashed(services, tokens, path, status):
    client = _client(services)
    who = "administrator" if path.startswith("/api/audit") else "archivist"
    assert client.get(path, headers=bearer(tokens[who])).status_code == status


@pytest.mark.parametrize("name", ["..", "a\0b.zip", "x" * 300 + ".zip", "../../etc/passwd", "C:\\tmp\\a.zip", "."])
def test_hostile_upload_names_are_sanitised(services, tokens, name):
    client = TestClient(create_app(services=services, auth=AuthSettings()), raise_server_exceptions=False)
    r = client.post("/api/transfers", files={"file": (name, io.BytesIO(b"not a zip"), "application/zip")},
                    headers=bearer(tokens["archivist"]))
    assert r.status_code == 202, r.text
    source = list_events(services, action="transfer.upload")[0]["detail"]["source"]
    assert source not in ("", ".", "..") and "/" not in source and "\\" not in source and "\0" not in source
    assert len(source.encode()) <= 180


def test_an_exhausted_catalog_pool_answers_503_with_retry_after(tmp_path, database_url):
    svc = Services(Settings(home=tmp_path / "home", database_url=database_url,
                            limits=LimitSettings(database_pool_size=1, database_pool_timeout_s=0.2)))
    make_accounts(svc)
    token = accounts.create_token(svc, "researcher")[0]
    client = TestClient(create_app(services=svc, auth=AuthSettings()), raise_server_exceptions=False)
    held = [svc.catalog.engine.connect() for _ in range(2)]  # pool_size 1 + overflow 1
    try:
        r = client.get("/api/me", headers=bearer(token))
        assert r.status_code == 503 and r.headers["Retry-After"]
    finally:
        for c in held:
            c.close()
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    svc.close()
