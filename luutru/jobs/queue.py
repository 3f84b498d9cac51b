"""The job queue: a ``jobs`` table in the catalog database.

Taking a job is one short transaction:

* PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks the oldest runnable row that
  no other worker is looking at, then an ``UPDATE`` sets the lease.  Concurrent workers
  skip each other's rows instead of waiting or double-taking them.
* SQLite (embedded): one writer at a time; the ``UPDATE`` is conditional on the row
  being unchanged (compare-and-swap on status and lease token) and retried when the
  database is busy.

Runnable = ``queued`` and due, or ``running`` with an expired lease (its worker died).
Every later change by a worker is fenced by the lease token it got, so a worker that
lost its lease cannot overwrite what the new owner does.

Times of scheduling and leases come from an injected :class:`~luutru.jobs.clock.Clock`
(the system clock unless a test passes a :class:`~luutru.jobs.clock.ManualClock`), and
states are :class:`~luutru.records.status.JobStatus` values.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import OperationalError

from luutru.catalog.jobs_models import Job
from luutru.config import JobSettings
from luutru.jobs.clock import SYSTEM_CLOCK, Clock
from luutru.jobs.registry import UnknownKind, known_kinds
from luutru.records.status import JobStatus
from luutru.records.timeutil import iso_vn

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE,
                                            JobStatus.FAILED, JobStatus.CANCELLED)
TERMINAL = (DONE, FAILED, CANCELLED)
Progress = tuple[str, int, int]
_HISTORY_MAX = 50


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds the lease of."""

    id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    token: str
    worker: str


@dataclass(frozen=True)
class JobView:
    """What ``jobs list/show`` and the API show of a job."""

    id: str
    kind: str
    status: str
    attempts: int
    max_attempts: int
    worker: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    heartbeat_at: str | None
    stage: str
    done: int
    total: int
    payload: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def to_dict(self) -> dict[str, Any]:
        pct = round(100 * self.done / self.total, 1) if self.total else None
        return {"id": self.id, "kind": self.kind, "status": self.status, "attempts": self.attempts,
                "max_attempts": self.max_attempts, "worker": self.worker, "created_at": self.created_at,
                "started_at": self.started_at, "finished_at": self.finished_at, "heartbeat_at": self.heartbeat_at,
                "stage": self.stage, "done": self.done, "total": self.total, "percent": pct,
                "payload": self.payload, "result": self.result, "error": self.error, "history": self.history}


def _view(j: Job) -> JobView:
    # The plain stored value, also for a row changed in this session (still holding the enum).
    return JobView(j.id, j.kind, JobStatus(j.status).value, j.attempts, j.max_attempts, j.worker, j.created_at, j.started_at,
                   j.finished_at, j.heartbeat_at, j.stage, j.done, j.total, dict(j.payload or {}),
                   j.result, j.error or "", list(j.history or []))


def _hist(j: Job, event: str, **extra: Any) -> list[dict[str, Any]]:
    item = {"at": iso_vn(), "event": event, **{k: v for k, v in extra.items() if v is not None}}
    return (list(j.history or []) + [item])[-_HISTORY_MAX:]


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _dead_here(worker: str | None) -> bool:
    """Whether ``worker`` (as :func:`default_worker_name` names it) was a process of this
    host that no longer exists: its jobs need not wait for their lease to expire."""
    host, _, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _progress_values(progress: Progress | None) -> dict[str, Any]:
    if progress is None:
        return {}
    return {"stage": progress[0][:40], "done": int(progress[1]), "total": int(progress[2])}


class JobQueue:
    """Enqueue, take, renew and finish jobs in the catalog database."""

    def __init__(self, catalog: Any, settings: JobSettings | None = None, *, clock: Clock | None = None):
        self.catalog = catalog
        self.settings = settings or JobSettings()
        self.clock = clock or SYSTEM_CLOCK

    @property
    def dialect(self) -> str:
        return self.catalog.engine.dialect.name

    # -- producers -----------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any] | None = None, *, job_id: str | None = None,
                priority: int = 0, max_attempts: int | None = None, delay: float = 0.0) -> str:
        """Add a job; an existing ``job_id`` is not added twice (enqueue is idempotent)."""
        if kind not in known_kinds():
            raise UnknownKind(f"unknown job kind {kind!r}; known: {', '.join(known_kinds())}")
        job_id = job_id or str(uuid.uuid4())
        with self.catalog.session() as s:
            if s.get(Job, job_id) is not None:
                return job_id
            j = Job(id=job_id, kind=kind, payload=payload or {}, status=QUEUED, priority=priority, attempts=0,
                    max_attempts=max_attempts or self.settings.max_attempts, run_after=self.clock.now() + delay,
                    created_at=iso_vn(), stage="", done=0, total=0, error="", history=[])
            j.history = _hist(j, "queued")
            s.add(j)
        return job_id

    def retry(self, job_id: str) -> JobView:
        """Put a failed or cancelled job back in the queue with fresh attempts."""
        with self.catalog.session() as s:
            j = s.get(Job, job_id)
            if j is None:
                raise KeyError(job_id)
            if j.status not in (FAILED, CANCELLED):
                raise ValueError(f"job {job_id} is {j.status}; only failed or cancelled jobs can be retried")
            j.status, j.attempts, j.run_after, j.error = QUEUED, 0, self.clock.now(), ""
            j.lease_token = j.lease_expires = j.worker = None
            j.history = _hist(j, "retry")
            return _view(j)

    def cancel(self, job_id: str) -> JobView:
        """Cancel a job that has not started (a running job finishes its current try)."""
        with self.catalog.session() as s:
            j = s.get(Job, job_id)
            if j is None:
                raise KeyError(job_id)
            if j.status != QUEUED:
                raise ValueError(f"job {job_id} is {j.status}; only queued jobs can be cancelled")
            j.status, j.finished_at = CANCELLED, iso_vn()
            j.history = _hist(j, "cancelled")
            return _view(j)

    # -- readers -------------------------------------------------------------------------

    def get(self, job_id: str) -> JobView | None:
        with self.catalog.session() as s:
            j = s.get(Job, job_id)
            return _view(j) if j is not None else None

    def list(self, *, status: str | None = None, kind: str | None = None, limit: int = 50) -> list[JobView]:
        with self.catalog.session() as s:
            q = select(Job)
            if status:
                q = q.where(Job.status == status)
            if kind:
                q = q.where(Job.kind == kind)
            q = q.order_by(Job.created_at.desc(), Job.run_after.desc()).limit(limit)
            return [_view(j) for j in s.scalars(q)]

    def counts(self) -> dict[str, int]:
        with self.catalog.session() as s:
            return {st: n for st, n in s.execute(select(Job.status, func.count()).group_by(Job.status))}

    def unfinished(self) -> int:
        """How many jobs are queued or running (a start-up runner keeps going while any are)."""
        with self.catalog.session() as s:
            return int(s.scalar(select(func.count()).where(Job.status.in_([QUEUED, RUNNING]))) or 0)

    def expire_dead_local_leases(self) -> list[str]:
        """Start-up recovery: a running job whose worker was a process of this host that is
        gone (``kill -9`` of a single server) is made runnable now instead of when its
        lease runs out; returns the ids.  Other hosts' jobs wait for their leases."""
        now = self.clock.now()
        with self.catalog.session() as s:
            rows = s.execute(select(Job.id, Job.worker, Job.lease_token).where(
                Job.status == RUNNING, Job.lease_expires >= now)).all()
            dead = [(i, tok) for i, w, tok in rows if _dead_here(w)]
            for job_id, token in dead:
                s.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.lease_token == token)
                          .values(lease_expires=now - 1).execution_options(synchronize_session=False))
        return [i for i, _t in dead]

    # -- workers -------------------------------------------------------------------------

    def claim(self, worker: str, *, kinds: Iterable[str] | None = None,
              lease_seconds: float | None = None) -> ClaimedJob | None:
        """Take the next runnable job, or None.  Never hands one job to two workers."""
        lease = lease_seconds or self.settings.lease_seconds
        for attempt in range(50):
            try:
                got = self._claim_once(worker, list(kinds) if kinds else None, lease)
            except OperationalError as e:  # SQLite busy/snapshot conflict: try again
                if self.dialect != "sqlite":
                    raise
                log.debug("claim retry after %s", e)
                time.sleep(0.02 * (attempt + 1))
                continue
            if got is _AGAIN:
                continue
            return got  # type: ignore[return-value]
        return None

    def _claim_once(self, worker: str, kinds: list[str] | None, lease: float) -> "ClaimedJob | None | object":
        now = self.clock.now()
        with self.catalog.session() as s:
            runnable = or_(and_(Job.status == QUEUED, Job.run_after <= now),
                           and_(Job.status == RUNNING, Job.lease_expires < now))
            q = select(Job).where(runnable)
            if kinds:
                q = q.where(Job.kind.in_(kinds))
            q = q.order_by(Job.priority.desc(), Job.run_after, Job.id).limit(1)
            if self.dialect == "postgresql":
                q = q.with_for_update(skip_locked=True)
            j = s.scalars(q).first()
            if j is None:
                return None
            prev_status, prev_token = j.status, j.lease_token
            if prev_status == RUNNING and j.attempts >= j.max_attempts:
                # Its worker died on every try: stop crash-looping, let an operator look.
                s.execute(update(Job).where(Job.id == j.id, Job.status == RUNNING,
                                            Job.lease_token == prev_token).values(
                    status=FAILED, finished_at=iso_vn(), lease_token=None, lease_expires=None,
                    error=f"worker lost {j.attempts} times (last: {j.worker}); not retried automatically",
                    history=_hist(j, "lease_expired", worker=j.worker, final=True)))
                return _AGAIN
            token = str(uuid.uuid4())
            history = _hist(j, "lease_expired", worker=j.worker) if prev_status == RUNNING else list(j.history or [])
            history = (history + [{"at": iso_vn(), "event": "claimed", "worker": worker,
                                   "attempt": j.attempts + 1}])[-_HISTORY_MAX:]
            cond = [Job.id == j.id, Job.status == prev_status]
            cond.append(Job.lease_token == prev_token if prev_token is not None else Job.lease_token.is_(None))
            res = s.execute(update(Job).where(*cond).values(
                status=RUNNING, lease_token=token, lease_expires=now + lease, worker=worker,
                attempts=Job.attempts + 1, started_at=iso_vn(), heartbeat_at=iso_vn(), history=history,
                finished_at=None).execution_options(synchronize_session=False))
            if res.rowcount != 1:
                return _AGAIN  # someone else changed it between our read and write (SQLite)
            return ClaimedJob(j.id, j.kind, dict(j.payload or {}), j.attempts + 1, token, worker)

    def heartbeat(self, c: ClaimedJob, *, lease_seconds: float | None = None,
                  progress: Progress | None = None) -> bool:
        """Renew the lease (and record progress); False if the lease was lost."""
        lease = lease_seconds or self.settings.lease_seconds
        values: dict[str, Any] = {"lease_expires": self.clock.now() + lease, "heartbeat_at": iso_vn(),
                                  **_progress_values(progress)}
        with self.catalog.session() as s:
            res = s.execute(update(Job).where(Job.id == c.id, Job.lease_token == c.token, Job.status == RUNNING)
                            .values(**values).execution_options(synchronize_session=False))
            return res.rowcount == 1

    def complete(self, c: ClaimedJob, result: dict[str, Any] | None, *, progress: Progress | None = None) -> bool:
        """Record the outcome, with the last progress in the same transaction: a reader
        never sees the job done with the progress of an earlier heartbeat."""
        return self._finish(c, DONE, result=result, error="", progress=progress)

    def fail(self, c: ClaimedJob, error: str, *, retry: bool, result: dict[str, Any] | None = None) -> bool:
        """Record a failed try: back to the queue (with back-off) or ``failed`` for good."""
        return self._finish(c, FAILED, result=result, error=error, retry=retry)

    def _finish(self, c: ClaimedJob, status: JobStatus, *, result: dict[str, Any] | None, error: str,
                retry: bool = False, progress: Progress | None = None) -> bool:
        with self.catalog.session() as s:
            q = select(Job).where(Job.id == c.id, Job.lease_token == c.token, Job.status == RUNNING)
            if self.dialect == "postgresql":
                q = q.with_for_update()
            j = s.scalars(q).first()
            if j is None:
                log.warning("job %s: lease lost before finishing; result of this try discarded", c.id)
                return False
            j.lease_token = j.lease_expires = None
            j.result, j.error = result, error[-8000:]
            for k, v in _progress_values(progress).items():
                setattr(j, k, v)
            if status is FAILED and retry and j.attempts < j.max_attempts:
                j.status = QUEUED
                j.run_after = self.clock.now() + self.settings.retry_backoff_seconds * j.attempts
                j.history = _hist(j, "try_failed", worker=c.worker, error=error.splitlines()[-1][:300] if error else "")
            else:
                j.status, j.finished_at = status, iso_vn()
                j.history = _hist(j, status.value, worker=c.worker)
            return True


_AGAIN = object()
