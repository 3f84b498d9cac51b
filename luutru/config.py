"""The one ``Settings`` of the program, from the environment (``LUUTRU_*``) or a ``.env`` file.

The embedded defaults need no server: a SQLite catalog, a local object store and a
tantivy index, all under ``LUUTRU_HOME``.  Scale-out swaps each by URL.

Sections are nested models (``settings.storage``, ``settings.jobs``, ``settings.auth``)
that keep the environment names the program always had (``LUUTRU_STORAGE_URL``,
``LUUTRU_JOBS_MODE``, ``LUUTRU_SESSION_HOURS`` …).  Every ``LUUTRU_*`` variable is read
here and nowhere else; the rest of the program gets a ``Settings`` (usually through
:class:`luutru.services.Services`).  Flat keyword arguments of the first version
(``Settings(storage_url=…, replica_urls=[…])``) still work: they are moved into their
section.
"""

from __future__ import annotations

import hashlib

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ENV = dict(env_file=".env", extra="ignore")


def _alias(name: str, env: str) -> AliasChoices:
    """Accept the field name as a keyword and the historical variable in the environment."""
    return AliasChoices(name, env)


class StorageSettings(BaseSettings):
    """Where AIPs live (``LUUTRU_STORAGE_URL``, ``LUUTRU_REPLICA_URLS``, ``LUUTRU_S3_*``)."""

    model_config = SettingsConfigDict(env_prefix="LUUTRU_", populate_by_name=True, **_ENV)  # type: ignore[typeddict-item]

    url: str | None = Field(default=None, validation_alias=_alias("url", "LUUTRU_STORAGE_URL"),
                            description="file:///path or s3://bucket/prefix; default <home>/storage")
    replica_urls: list[str] = Field(default_factory=list, description="Extra storage locations")
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    keystore_dir: Path | None = Field(default=None, description="File key store (LUUTRU_KEYSTORE_DIR); default outside the home: ~/.local/state/luutru/keys-<hash of the home path>")
    anchor_retain_days: int = Field(default=3650, ge=1, description="Object-lock days of each audit-trail "
                                    "anchor written to storage (evidence that the trail was not rewritten)")


class JobSettings(BaseSettings):
    """The job queue and workers (``LUUTRU_JOBS_*``)."""

    model_config = SettingsConfigDict(env_prefix="LUUTRU_JOBS_", **_ENV)  # type: ignore[typeddict-item]

    mode: Literal["auto", "in_process", "workers"] = Field(
        default="auto",
        description="auto: in-process on SQLite, worker processes on PostgreSQL")
    lease_seconds: float = Field(default=60.0, description="A job whose worker is silent this long is taken again")
    heartbeat_seconds: float = Field(default=10.0, description="How often a running job renews its lease")
    progress_seconds: float = Field(default=1.0, description="Progress is written at most this often "
                                    "(and always at the end of a stage)")
    poll_seconds: float = Field(default=1.0, description="How often an idle worker looks for work")
    max_attempts: int = Field(default=3, description="Tries before a job is marked failed")
    retry_backoff_seconds: float = Field(default=30.0, description="Delay before a failed try is run again")
    index_max_attempts: int = Field(default=100, description="Tries of a queued index update before it is "
                                    "left for `luutru reindex --pending`")
    kinds: str = Field(default="", description="Extra job kinds: 'kind=module:function,…'")


class AuthSettings(BaseSettings):
    """Logins, sessions and OpenID Connect (``LUUTRU_*``)."""

    model_config = SettingsConfigDict(env_prefix="LUUTRU_", **_ENV)  # type: ignore[typeddict-item]

    session_hours: float = Field(default=12, gt=0, description="How long a web login lasts at most")
    session_idle_minutes: float = Field(default=60, gt=0, description="A web login unused this long ends")
    token_days: int = Field(default=90, ge=1, description="Lifetime of an API token (the longest one may ask for)")
    token_idle_days: int = Field(default=30, ge=1, description="An API token unused this long stops working")
    login_max_failures: int = Field(default=5, ge=1, description="Failed logins of one account before it is locked")
    login_address_max_failures: int = Field(default=20, ge=1, description="Failed logins from one client address "
                                            "before it is held back")
    login_window_seconds: float = Field(default=900, gt=0, description="Failures older than this are forgotten")
    login_lockout_seconds: float = Field(default=900, gt=0, description="How long a locked account or address waits")
    login_concurrency: int = Field(default=2, ge=1, description="Password checks run at once (argon2 is costly)")
    login_queue: int = Field(default=16, ge=0, description="Logins waiting for a check before 503 is answered")
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


class LimitSettings(BaseSettings):
    """Bounds on what a transfer from outside may make the server do (issue 16, docs/security.md).

    Checked before anything is written or allocated: a zip's central directory before
    extraction, a catalogue row by row while it is streamed.
    """

    model_config = SettingsConfigDict(env_prefix="LUUTRU_", **_ENV)  # type: ignore[typeddict-item]

    zip_max_total_bytes: int = Field(default=64 * 1024**3, ge=1, description="Sum of the members' "
                                     "uncompressed sizes a zip may declare (a transfer of PDFs barely compresses)")
    zip_max_ratio: float = Field(default=200.0, gt=1, description="Uncompressed/compressed ratio a large member may have")
    zip_ratio_min_bytes: int = Field(default=1024**2, ge=0, description="Members smaller than this skip the ratio check")
    zip_max_members: int = Field(default=200_000, ge=1, description="Members (files and folders) in a zip")
    zip_max_depth: int = Field(default=32, ge=1, description="Folder levels of a member path")
    catalogue_max_rows: int = Field(default=100_000, ge=1, description="Rows of one catalogue sheet or CSV file")
    catalogue_max_columns: int = Field(default=200, ge=1, description="Columns of one catalogue sheet or CSV file")
    catalogue_max_cell_chars: int = Field(default=32_767, ge=1, description="Characters in one catalogue cell "
                                          "(Excel's own limit)")
    max_request_bytes: int = Field(default=1024**2, ge=1024, description="Body of any request but a transfer "
                                   "upload (JSON, forms); larger answers 413")
    database_pool_size: int = Field(default=10, ge=1, description="Catalog connections kept per process")
    database_pool_timeout_s: float = Field(default=10.0, gt=0, description="Wait for a free catalog connection "
                                           "before answering 503")


class SigningSettings(BaseSettings):
    """Signatures that last and what the archive signs (``LUUTRU_TSA_URL``, ``LUUTRU_ORG_*``;
    docs/operations.md).  The passphrase and PIN come from a file (or the environment),
    never from the command line."""

    model_config = SettingsConfigDict(env_prefix="LUUTRU_", **_ENV)  # type: ignore[typeddict-item]

    tsa_url: str | None = Field(default=None, description="RFC 3161 time-stamping authority; unset = no "
                                "long-term evidence at ingest and no timestamp on issued documents")
    evidence_timeout_s: float = Field(default=30.0, gt=0, description="Per request to the TSA and OCSP/CRL servers")
    timestamp_renew_days: int = Field(default=365, ge=1, description="Renew an archive timestamp when its TSA "
                                      "certificate ends within this many days")
    org_pkcs12: Path | None = Field(default=None, description="The archive's organisation certificate and key")
    org_pkcs12_passphrase_file: Path | None = Field(default=None, description="File holding its passphrase")
    org_pkcs12_passphrase: str | None = Field(default=None, description="Its passphrase (prefer the file)")
    org_pkcs11_module: Path | None = Field(default=None, description="PKCS#11 library (token or HSM) instead of PKCS#12")
    org_pkcs11_token: str | None = Field(default=None, description="PKCS#11 token label")
    org_pkcs11_key_label: str | None = None
    org_pkcs11_cert_label: str | None = None
    org_pkcs11_pin_file: Path | None = Field(default=None, description="File holding the token's user PIN")


#: Flat keywords of the first version and the section they belong to now.
_STORAGE_KEYS = {"storage_url": "url", "replica_urls": "replica_urls", "s3_endpoint_url": "s3_endpoint_url",
                 "s3_region": "s3_region", "keystore_dir": "keystore_dir"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", **_ENV)  # type: ignore[typeddict-item]

    home: Path = Field(default=Path("./luutru-data"), description="Where embedded data lives")
    lang: Literal["vi", "en"] = Field(default="vi", description="Language of command-line labels (LUUTRU_LANG): "
                                      "vi (default) or en")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in home")
    search_url: str | None = Field(default=None, description="tantivy:///path, http(s)://elasticsearch:9200[/prefix] or opensearch+http(s)://opensearch:9200[/prefix]")
    trust_roots: Path | None = Field(default=None, description="PEM bundle or directory of trusted CA certs")
    verapdf: str | None = Field(default=None, description="Path to the veraPDF CLI; found on PATH if unset")
    siegfried: str | None = Field(default=None, description="Path to Siegfried's sf (PRONOM format "
                                  "identification); found on PATH if unset")
    retention_schedule: Path | None = Field(default=None, description="An agency's own retention schedule (YAML)")
    signature_policy: Path | None = Field(default=None, description="Signature policy (YAML); default the bundled one")
    format_policy: Path | None = Field(default=None, description="Format policy (YAML); default the bundled one")
    disposal_council_quorum: int = Field(default=1, ge=1, description="Distinct council members who must agree")
    transfer_policy: Path | None = Field(default=None, description="An agency's own transfer-out policy (YAML)")
    ghostscript: str = "gs"
    pdf_timeout_s: float = 60.0
    max_upload_bytes: int = 50 * 1024**3
    fault_at: str | None = Field(default=None, description="Test hook: crash (exit 137) at this named "
                                 "checkpoint, as kill -9 would (tests/test_faults.py)")
    storage: StorageSettings = Field(default_factory=StorageSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    signing: SigningSettings = Field(default_factory=SigningSettings)

    @model_validator(mode="before")
    @classmethod
    def _flat_storage_keys(cls, data: Any) -> Any:
        """``Settings(storage_url=…, replica_urls=[…])`` as in the first version."""
        if not isinstance(data, dict) or not (set(data) & set(_STORAGE_KEYS)):
            return data
        data = dict(data)
        given = {new: data.pop(old) for old, new in _STORAGE_KEYS.items() if old in data}
        section = data.get("storage")
        if isinstance(section, StorageSettings):
            section = section.model_dump()
        data["storage"] = StorageSettings(**{**dict(section or {}), **given})
        return data

    @cached_property
    def home_dir(self) -> Path:
        p = self.home.expanduser().resolve()
        p.mkdir(mode=0o700, parents=True, exist_ok=True)  # catalog, reports, index: not world-readable
        return p

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home_dir / 'catalog.sqlite'}"

    @property
    def storage_location(self) -> str:
        """URL of the primary storage location."""
        return self.storage.url or (self.home_dir / "storage").as_uri()

    @property
    def keystore_path(self) -> Path:
        """Directory of the file key store (per-AIP keys of encrypted storage).

        Outside LUUTRU_HOME by default, so that a backup of the home (catalog, reports,
        local storage) never holds the keys that decrypt what was destroyed since:
        ``~/.local/state/luutru/keys-<hash of the home's path>``.  A home made before
        this rule keeps its ``keys/`` folder (``luutru status`` warns about it).
        """
        if self.storage.keystore_dir:
            return Path(self.storage.keystore_dir).expanduser()
        if self.keystore_in_home:
            return self.home_dir / "keys"
        digest = hashlib.sha256(str(self.home_dir).encode("utf-8")).hexdigest()[:16]
        return Path("~/.local/state/luutru").expanduser() / f"keys-{digest}"

    @property
    def keystore_in_home(self) -> bool:
        """True when the key store lives inside LUUTRU_HOME (a home made before the rule,
        or configured so): a backup of the home then undoes crypto-shredding."""
        if self.storage.keystore_dir:
            return self.home_dir in Path(self.storage.keystore_dir).expanduser().resolve().parents
        return (self.home_dir / "keys" / "master.key").exists()

    @property
    def search(self) -> str:
        return self.search_url or "tantivy://" + str(self.home_dir / "index")

    @property
    def work_dir(self) -> Path:
        """Scratch space on the same file system as local storage (for atomic renames)."""
        p = self.home_dir / "work"
        p.mkdir(parents=True, exist_ok=True)
        return p


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
