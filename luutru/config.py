"""Settings from the environment (``LUUTRU_*``) or a ``.env`` file.

The embedded defaults need no server: a SQLite catalog, a local object store and a
tantivy index, all under ``LUUTRU_HOME``.  Scale-out swaps each by URL.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("./luutru-data"), description="Where embedded data lives")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in home")
    storage_url: str | None = Field(default=None, description="file:///path or s3://bucket/prefix")
    replica_urls: list[str] = Field(default_factory=list, description="Extra storage locations")
    search_url: str | None = Field(default=None, description="tantivy:///path or http(s)://elasticsearch")
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    trust_roots: Path | None = Field(default=None, description="PEM bundle or directory of trusted CA certs")
    verapdf: str | None = Field(default=None, description="Path to the veraPDF CLI; found on PATH if unset")
    retention_schedule: Path | None = Field(default=None, description="An agency's own retention schedule (YAML)")
    keystore_dir: Path | None = Field(default=None, description="File key store; default <home>/keys")
    ghostscript: str = "gs"
    pdf_timeout_s: float = 60.0
    max_upload_bytes: int = 50 * 1024**3

    @cached_property
    def home_dir(self) -> Path:
        p = self.home.expanduser().resolve()
        p.mkdir(parents=True, exist_ok=True)
        return p

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home_dir / 'catalog.sqlite'}"

    @property
    def storage(self) -> str:
        return self.storage_url or (self.home_dir / "storage").as_uri()

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
