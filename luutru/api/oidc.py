"""OpenID Connect login for deployments with an identity provider (authlib).

Configured by ``LUUTRU_OIDC_ISSUER`` (or ``LUUTRU_OIDC_METADATA_URL``),
``LUUTRU_OIDC_CLIENT_ID``, ``LUUTRU_OIDC_CLIENT_SECRET``; see
:class:`luutru.config.AuthSettings`.  The authorization-code flow with PKCE
and a nonce runs through authlib; the login state lives in a short-lived signed cookie
(Starlette ``SessionMiddleware``).  On return the user is found by issuer + subject, or
created with the roles from the ``LUUTRU_OIDC_ROLES_CLAIM`` claim (default role
otherwise); from then on the login is an ordinary web session.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select

import luutru.api.accounts as accounts
from luutru.catalog.accounts_models import User
from luutru.config import AuthSettings, Settings


def session_secret(auth: AuthSettings, settings: Settings) -> str:
    """The configured secret, or a random one kept (0600) in LUUTRU_HOME/secrets/session.key."""
    if auth.session_secret:
        return auth.session_secret
    path = Path(settings.home_dir) / "secrets" / "session.key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def oauth_client(auth: AuthSettings) -> Any:
    """The authlib client for the configured provider (created once per settings object)."""
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    oauth.register(name="idp", client_id=auth.oidc_client_id, client_secret=auth.oidc_client_secret,
                   server_metadata_url=auth.oidc_discovery_url,
                   client_kwargs={"scope": auth.oidc_scopes, "code_challenge_method": "S256"})
    return oauth.create_client("idp")


def _claim_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[,\s]+", value) if v]
    return [str(v) for v in value]


def username_from_claims(claims: dict[str, Any]) -> str:
    base = str(claims.get("preferred_username") or str(claims.get("email") or "").split("@")[0] or claims["sub"])
    name = re.sub(r"[^a-z0-9._@-]+", "-", base.lower()).strip("-.") or "user"
    return name[:56]


def user_from_claims(services: Any, auth: AuthSettings, claims: dict[str, Any]) -> dict[str, Any]:
    """The local account for an identity: found by issuer|subject, else created; roles follow the claim."""
    subject = f"{claims.get('iss') or auth.oidc_issuer}|{claims['sub']}"[:255]
    roles = _claim_list(claims.get(auth.oidc_roles_claim))
    agency = claims.get(auth.oidc_agency_claim)
    with services.catalog.session() as s:
        u = s.scalar(select(User).where(User.oidc_subject == subject))
        existing = u.username if u else None
    if existing is None:
        base = username_from_claims(claims)
        name, n = base, 1
        while accounts.get_user(services, name) is not None:
            n += 1
            name = f"{base}-{n}"
        return accounts.create_user(services, name, roles=roles or [auth.oidc_default_role], agency_code=agency,
                                    display_name=str(claims.get("name") or name), email=claims.get("email"),
                                    oidc_subject=subject, actor="oidc")
    if roles:
        return accounts.update_user(services, existing, roles=roles, agency_code=agency, actor="oidc")
    return accounts.get_user(services, existing) or {}
