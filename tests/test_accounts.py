"""Accounts: argon2 passwords, hashed API tokens, session cookies, roles, CLI and OIDC.

OpenID Connect is tested against a stand-in discovery document served on 127.0.0.1:
the redirect to the provider and the mapping of claims to accounts.  The full round trip
with a real identity provider cannot be run here.
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

import luutru.api.accounts as accounts
from luutru.api.accounts import AccountError
from luutru.api.app import create_app
from luutru.audit.trail import list_events
from luutru.catalog.accounts_models import ApiToken, User
from luutru.config import AuthSettings
from tests.api_helpers import PASSWORD, bearer, make_accounts
from tests.factory import AGENCY


@pytest.fixture
def client(services):
    make_accounts(services)
    return TestClient(create_app(services=services, auth=AuthSettings()))


def test_passwords_are_argon2_hashes_and_tokens_are_stored_hashed(services):
    accounts.create_user(services, "lan", roles=["researcher"], password="mật-khẩu-dài-1")
    token, info = accounts.create_token(services, "lan", label="script")
    with services.catalog.session() as s:
        u = s.get(User, "lan")
        t = s.get(ApiToken, info["id"])
        assert u.password_hash.startswith("$argon2id$") and "mật-khẩu" not in u.password_hash
        assert token not in t.token_hash and len(t.token_hash) == 64
    assert accounts.authenticate(services, "lan", "mật-khẩu-dài-1")["username"] == "lan"
    assert accounts.authenticate(services, "lan", "wrong-password") is None
    assert accounts.authenticate(services, "nobody", "whatever-123") is None
    assert accounts.user_for_token(services, token)["username"] == "lan"
    accounts.revoke_token(services, info["id"])
    assert accounts.user_for_token(services, token) is None


def test_role_rules_are_enforced(services):
    with pytest.raises(AccountError, match="agency code"):
        accounts.create_user(services, "s1", roles=["submitter"], password="long-enough-1")
    with pytest.raises(AccountError, match="no other role"):
        accounts.create_user(services, "s2", roles=["submitter", "researcher"], agency_code=AGENCY, password="long-enough-1")
    with pytest.raises(AccountError, match="Unknown role"):
        accounts.create_user(services, "s3", roles=["king"], password="long-enough-1")
    with pytest.raises(AccountError, match="at least 8"):
        accounts.create_user(services, "s4", roles=["researcher"], password="short")
    u = accounts.create_user(services, "a1", roles=["archivist", "council"], password="long-enough-1")
    assert u["roles"] == ["archivist", "council"]


def test_expired_and_revoked_tokens_are_refused(client, services):
    token, info = accounts.create_token(services, "researcher", days=1)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    with services.catalog.session() as s:
        s.get(ApiToken, info["id"]).expires_at = "2020-01-01T00:00:00+07:00"
    assert client.get("/api/me", headers=bearer(token)).status_code == 401


def test_session_login_logout_and_password_change(client, services):
    r = client.post("/api/auth/login", json={"username": "researcher", "password": "wrong"})
    assert r.status_code == 401
    r = client.post("/api/auth/login", json={"username": "Researcher", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["roles"] == ["researcher"]
    cookie = r.headers["set-cookie"]
    assert "luutru_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = client.get("/api/me").json()
    assert me["username"] == "researcher" and me["rights"] == {"see_restricted": False, "agencies": None,
                                                                 "restricted_agencies": None}
    # a new password ends every open session
    assert client.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "mật-khẩu-mới-99"}).json()
    assert client.get("/api/me").status_code == 401
    assert client.post("/api/auth/login", json={"username": "researcher", "password": "mật-khẩu-mới-99"}).status_code == 200
    client.post("/api/auth/logout")
    assert client.get("/api/me").status_code == 401
    logins = [(e["actor"], e["outcome"]) for e in list_events(services, action="auth.login")]
    assert logins[-1] == ("researcher", "denied") and logins.count(("researcher", "success")) == 2


def test_cross_site_post_with_the_session_cookie_is_refused(client):
    client.post("/api/auth/login", json={"username": "researcher", "password": PASSWORD})
    r = client.post("/api/me/tokens", json={"label": "x"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert client.post("/api/me/tokens", json={"label": "x"}, headers={"Origin": "http://testserver"}).status_code == 201


def test_administrator_manages_accounts_and_every_change_is_audited(client, services):
    admin = bearer(accounts.create_token(services, "administrator")[0])
    accounts.create_user(services, "admin2", roles=["administrator"], password=PASSWORD, actor="test")
    admin2 = bearer(accounts.create_token(services, "admin2")[0])
    r = client.post("/api/accounts", headers=admin, json={"username": "hoa", "roles": ["researcher"],
                                                           "password": "mật-khẩu-hoa-1"})
    assert r.status_code == 201
    r = client.patch("/api/accounts/hoa", headers=admin, json={"restricted_access": True})
    assert r.status_code == 202 and r.json()["pending"]["changes"] == {"restricted_access": True}
    r = client.post(f"/api/accounts/changes/{r.json()['pending']['id']}/confirm", headers=admin2)
    assert r.json()["restricted_access"] is True
    r = client.post("/api/accounts", headers=admin, json={"username": "xuan", "roles": ["submitter"]})
    assert r.status_code == 400 and "agency" in r.json()["detail"]["message_en"]
    assert client.get("/api/accounts", headers=bearer(accounts.create_token(services, "archivist")[0])).status_code == 403
    ev = [(e["actor"], e["action"], e["object"]) for e in list_events(services, obj="user:hoa")]
    assert ev == [("admin2", "account.update", "user:hoa"), ("admin2", "account.change_confirm", "user:hoa"),
                  ("administrator", "account.change_request", "user:hoa"),
                  ("administrator", "account.create", "user:hoa")]
    assert list_events(services, obj="user:hoa")[0]["detail"] == {"restricted_access": True}


def test_cli_user_commands(services, settings, monkeypatch):
    from luutru.cli.main import app

    monkeypatch.setenv("LUUTRU_HOME", str(settings.home))
    monkeypatch.setenv("LUUTRU_DATABASE_URL", settings.db_url)
    run = CliRunner().invoke
    r = run(app, ["user", "add", "thu", "-r", "submitter", "--agency", AGENCY, "--password-stdin"], input="mật-khẩu-thu-1\n")
    assert r.exit_code == 0, r.output
    r = run(app, ["user", "add", "bad", "-r", "submitter", "--password-stdin"], input="mật-khẩu-thu-1\n")
    assert r.exit_code == 1 and "agency code" in r.output
    assert '"agency_code": "000.00.31.H57"' in run(app, ["user", "list", "--json"]).stdout
    token = run(app, ["user", "token", "thu", "--label", "máy nộp lưu"]).stdout.strip().splitlines()[-1]
    assert token.startswith("lt_")
    assert run(app, ["user", "passwd", "thu", "--password-stdin"], input="mật-khẩu-mới-2\n").exit_code == 0
    assert accounts.authenticate(services, "thu", "mật-khẩu-mới-2") is not None
    client = TestClient(create_app(services=services))
    assert client.get("/api/me", headers=bearer(token)).status_code == 401  # a new password revokes tokens
    token = run(app, ["user", "token", "thu", "--label", "máy nộp lưu"]).stdout.strip().splitlines()[-1]
    me = client.get("/api/me", headers=bearer(token)).json()
    assert me["roles"] == ["submitter"] and me["rights"]["restricted_agencies"] == [AGENCY]
    actors = {e["actor"] for e in list_events(services, obj="user:thu")}
    assert len(actors) == 1 and actors.pop().startswith("cli")


# ---------------------------------------------------------------- OpenID Connect


@pytest.fixture
def fake_idp():
    """A discovery document on 127.0.0.1 (no real identity provider is reachable here)."""
    import uvicorn
    from fastapi import FastAPI

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}"
    idp = FastAPI()

    @idp.get("/.well-known/openid-configuration")
    def discovery() -> dict:
        return {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks", "userinfo_endpoint": f"{issuer}/userinfo",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"]}

    server = uvicorn.Server(uvicorn.Config(idp, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.02)
    yield issuer
    server.should_exit = True
    th.join(5)


def test_oidc_login_redirects_to_the_provider_with_code_flow_pkce_and_nonce(services, fake_idp):
    auth = AuthSettings(oidc_issuer=fake_idp, oidc_client_id="luutru-web", oidc_client_secret="s3cret",
                        session_secret="test-secret-for-state-cookie")
    client = TestClient(create_app(services=services, auth=auth))
    page = client.get("/dang-nhap").text
    assert 'id="oidc-login"' in page
    r = client.get("/auth/oidc/login", params={"next": "/nop-luu"}, follow_redirects=False)
    assert r.status_code == 302
    loc = urlparse(r.headers["location"])
    assert f"{loc.scheme}://{loc.netloc}{loc.path}" == f"{fake_idp}/authorize"
    q = {k: v[0] for k, v in parse_qs(loc.query).items()}
    assert q["client_id"] == "luutru-web" and q["response_type"] == "code"
    assert q["redirect_uri"] == "http://testserver/auth/oidc/callback"
    assert set(q["scope"].split()) == {"openid", "email", "profile"}
    assert q["state"] and q["nonce"] and q["code_challenge_method"] == "S256" and q["code_challenge"]
    assert "luutru_oidc" in r.headers["set-cookie"]  # the login state, signed
    # a callback without the provider's answer is refused, not a traceback
    bad = client.get("/auth/oidc/callback", params={"state": "forged", "code": "x"})
    assert bad.status_code == 401


def test_oidc_is_off_unless_configured(client):
    assert client.get("/auth/oidc/login", follow_redirects=False).status_code == 404
    assert 'id="oidc-login"' not in client.get("/dang-nhap").text


def test_oidc_claims_map_to_accounts_and_roles_follow_the_provider(services):
    from luutru.api.oidc import user_from_claims

    auth = AuthSettings(oidc_issuer="https://idp.example.gov.vn", oidc_client_id="x")
    claims = {"iss": "https://idp.example.gov.vn", "sub": "abc-123", "preferred_username": "Nguyen.Van.A",
              "email": "a@example.gov.vn", "name": "Nguyễn Văn A"}
    u = user_from_claims(services, auth, claims)
    assert u["username"] == "nguyen.van.a" and u["roles"] == ["researcher"] and u["oidc"] is True
    u2 = user_from_claims(services, auth, {**claims, "luutru_roles": ["submitter"], "luutru_agency": AGENCY})
    assert u2["username"] == "nguyen.van.a" and u2["roles"] == ["submitter"] and u2["agency_code"] == AGENCY
    other = user_from_claims(services, auth, {**claims, "sub": "zzz"})  # same name, other person
    assert other["username"] == "nguyen.van.a-2"
    with services.catalog.session() as s:
        assert len(s.scalars(select(User)).all()) == 2
