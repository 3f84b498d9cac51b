"""Fixity audit state in the catalog: the last check of every AIP and resumable runs.

Why in the catalog (it was a SQLite file of its own): one place for everything the
service must remember, backed up and shared like the rest — with several hosts on
PostgreSQL, an audit interrupted on one host resumes on another, and
``not_checked_since_days`` sees every host's checks.  Not derived from the AIPs, so
``reindex`` leaves these tables alone.

:class:`FixityState` is what :func:`luutru.preservation.fixity.audit` takes as
``state``; each call is one short transaction, so an interrupted run keeps every AIP
it finished.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from sqlalchemy import JSON, Boolean, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base
from luutru.records.timeutil import iso_vn, now_vn


class FixityCheck(Base):
    """The last audit of one AIP (all locations): when, and whether it ended whole."""

    __tablename__ = "fixity_checks"
    aip_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    checked_at: Mapped[str] = mapped_column(String(40))
    ok: Mapped[bool] = mapped_column(Boolean)


class FixityRun(Base):
    """One audit run: its selection (to resume the same one) and the planned AIP ids."""

    __tablename__ = "fixity_runs"
    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    selection_sha256: Mapped[str] = mapped_column(String(64), index=True)
    selection: Mapped[str] = mapped_column(Text)
    plan: Mapped[list[str]] = mapped_column(JSON)
    started_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class FixityRunDone(Base):
    """An AIP a run has finished (skipped when the run is resumed)."""

    __tablename__ = "fixity_run_done"
    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    aip_id: Mapped[str] = mapped_column(String(100), primary_key=True)


class FixityState:
    """Resumable runs and last checks, kept in the catalog (``catalog`` is a ``Catalog``)."""

    def __init__(self, catalog: Any):
        self.catalog = catalog

    def open_run(self, selection: str, plan: Callable[[], list[str]]) -> tuple[str, list[str], set[str], bool]:
        """Resume the unfinished run with the same selection, or start a new one."""
        key = hashlib.sha256(selection.encode("utf-8")).hexdigest()
        with self.catalog.session() as s:
            run = s.scalars(select(FixityRun).where(FixityRun.selection_sha256 == key, FixityRun.selection == selection,
                                                    FixityRun.finished_at.is_(None))
                            .order_by(FixityRun.started_at.desc())).first()
            if run is not None:
                done = set(s.scalars(select(FixityRunDone.aip_id).where(FixityRunDone.run_id == run.run_id)))
                return run.run_id, list(run.plan), done, True
        ids = plan()
        run_id = uuid.uuid4().hex
        with self.catalog.session() as s:
            s.add(FixityRun(run_id=run_id, selection_sha256=key, selection=selection, plan=ids, started_at=iso_vn()))
        return run_id, ids, set(), False

    def mark_done(self, run_id: str, aip_id: str, ok: bool) -> None:
        with self.catalog.session() as s:
            if s.get(FixityRunDone, (run_id, aip_id)) is None:
                s.add(FixityRunDone(run_id=run_id, aip_id=aip_id))
            s.merge(FixityCheck(aip_id=aip_id, checked_at=iso_vn(), ok=bool(ok)))

    def finish(self, run_id: str) -> None:
        with self.catalog.session() as s:
            run = s.get(FixityRun, run_id)
            if run is not None:
                run.finished_at = iso_vn()

    def record_check(self, aip_id: str, checked_at: str, ok: bool) -> None:
        """Keep an earlier check (imported), unless a newer one is recorded."""
        with self.catalog.session() as s:
            have = s.get(FixityCheck, aip_id)
            if have is None:
                s.add(FixityCheck(aip_id=aip_id, checked_at=checked_at, ok=bool(ok)))
            elif datetime.fromisoformat(have.checked_at) < datetime.fromisoformat(checked_at):
                have.checked_at, have.ok = checked_at, bool(ok)

    def not_checked_since(self, ids: Iterable[str], days: int) -> list[str]:
        ids = list(ids)
        cutoff = now_vn() - timedelta(days=days)
        last: dict[str, datetime] = {}
        with self.catalog.session() as s:
            for i in range(0, len(ids), 500):
                for aip_id, at in s.execute(select(FixityCheck.aip_id, FixityCheck.checked_at)
                                            .where(FixityCheck.aip_id.in_(ids[i:i + 500]))):
                    last[aip_id] = datetime.fromisoformat(at)
        return [i for i in ids if i not in last or last[i] < cutoff]

    def close(self) -> None:
        return None  # sessions are per call

