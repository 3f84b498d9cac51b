"""The ``jobs`` table: long work (ingest, audit, reindex, destruction, export) queued in
the catalog database and taken by worker processes.

Why in the catalog: the scale-out set already shares one PostgreSQL database, so a
table there is the queue (``SELECT … FOR UPDATE SKIP LOCKED``) and no broker is needed;
the embedded SQLite mode uses the same table and runs the jobs in-process.

Leases: a running job holds ``lease_token`` until ``lease_expires`` (epoch seconds,
renewed by the worker's heartbeat).  A job whose worker died is taken again once the
lease has expired; every update by a worker is fenced by its token, so a worker that
lost its lease can no longer change the job.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    # Scheduling and leases in epoch seconds (comparable across dialects and hosts);
    # the ISO 8601 +07:00 columns below are for people.
    run_after: Mapped[float] = mapped_column(Float, default=0.0)
    lease_expires: Mapped[float | None] = mapped_column(Float, nullable=True)
    lease_token: Mapped[str | None] = mapped_column(String(36), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    heartbeat_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    finished_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    stage: Mapped[str] = mapped_column(String(40), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


Index("ix_jobs_pick", Job.status, Job.priority, Job.run_after)
