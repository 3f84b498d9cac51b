"""Settings of the job queue and workers (``LUUTRU_JOBS_*``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class JobSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUUTRU_JOBS_", env_file=".env", extra="ignore")

    mode: Literal["auto", "in_process", "workers"] = Field(
        default="auto",
        description="auto: in-process on SQLite, worker processes on PostgreSQL")
    lease_seconds: float = Field(default=60.0, description="A job whose worker is silent this long is taken again")
    heartbeat_seconds: float = Field(default=10.0, description="How often a running job renews its lease")
    poll_seconds: float = Field(default=1.0, description="How often an idle worker looks for work")
    max_attempts: int = Field(default=3, description="Tries before a job is marked failed")
    retry_backoff_seconds: float = Field(default=30.0, description="Delay before a failed try is run again")
    kinds: str = Field(default="", description="Extra job kinds: 'kind=module:function,…'")
