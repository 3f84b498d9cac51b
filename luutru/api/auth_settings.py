"""Settings of logins, sessions and OpenID Connect (``LUUTRU_*`` environment variables).

Separate from :class:`luutru.config.Settings` so the accounts area can grow its own
options; both read the same environment and ``.env`` file.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", env_file=".env", extra="ignore")

    session_hours: float = Field(default=12, description="How long a web login lasts")
    secure_cookies: bool = Field(default=False, description="Send cookies over HTTPS only (set behind TLS)")
    session_secret: str | None = Field(default=None, description="Signs the short-lived OIDC login state; "
                                       "default: a random key kept in LUUTRU_HOME/secrets/session.key")
    api_token: str | None = Field(default=None, description="Legacy shared bearer token: read-only, restricted "
                                  "records included (prefer per-user tokens: `luutru user token`)")
    oidc_issuer: str | None = Field(default=None, description="OpenID Connect issuer URL (discovery at "
                                    "<issuer>/.well-known/openid-configuration); unset = no OIDC login")
    oidc_metadata_url: str | None = Field(default=None, description="Discovery document URL if not under the issuer")
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid email profile"
    oidc_roles_claim: str = Field(default="luutru_roles", description="Claim with role names; absent = default role")
    oidc_agency_claim: str = Field(default="luutru_agency", description="Claim with a submitter's agency code")
    oidc_default_role: str = "researcher"
    oidc_label: str = Field(default="Đăng nhập một lần (SSO)", description="Text of the login button")

    @property
    def oidc_enabled(self) -> bool:
        return bool((self.oidc_issuer or self.oidc_metadata_url) and self.oidc_client_id)

    @property
    def oidc_discovery_url(self) -> str | None:
        if self.oidc_metadata_url:
            return self.oidc_metadata_url
        if self.oidc_issuer:
            return self.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
        return None
