"""Index updates that failed, kept as ``index`` jobs in the one job queue (``jobs`` table).

Why here (the catalog layer) and not in :mod:`luutru.jobs`: ingest, reindex and
destruction sit below the jobs package and must queue or drop a retry in their own
transaction.  The rows are ordinary jobs, so a worker (scale-out) or the embedded runner
retries them with the queue's back-off, ``luutru jobs list --kind index`` shows them,
and ``luutru reindex --pending`` runs whatever is still pending at once.

One row per dossier: id ``index:<dossier code>`` (dossier codes are at most 30
characters, job ids 36).  A failed index step never fails or rolls back a stored AIP.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from luutru.catalog.jobs_models import Job
from luutru.records.status import JobStatus
from luutru.records.timeutil import iso_vn

KIND = "index"
PREFIX = KIND + ":"
#: Still to be indexed: waiting, being retried, or given up by the automatic retries.
PENDING = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)


def job_id(code: str) -> str:
    return PREFIX + code


def queue_retry(s: Session, code: str, error: str, *, max_attempts: int, delay: float = 30.0) -> None:
    """Record that indexing ``code`` failed; it is retried after ``delay`` seconds."""
    j = s.get(Job, job_id(code))
    now = time.time()
    event = {"at": iso_vn(), "event": "index_failed", "error": error[:300]}
    if j is None:
        s.add(Job(id=job_id(code), kind=KIND, payload={"dossier": code}, status=JobStatus.QUEUED, priority=0,
                  attempts=0, max_attempts=max_attempts, run_after=now + delay, created_at=iso_vn(), stage="",
                  done=0, total=0, error=error[:2000], history=[event]))
        return
    j.error = error[:2000]
    j.history = (list(j.history or []) + [event])[-50:]
    if j.status != JobStatus.RUNNING:  # a running retry records its own outcome
        j.status, j.attempts, j.run_after, j.finished_at = JobStatus.QUEUED, 0, now + delay, None


def drop(s: Session, code: str) -> None:
    """The dossier is indexed (or destroyed): nothing is pending for it any more."""
    s.execute(delete(Job).where(Job.id == job_id(code), Job.status != JobStatus.RUNNING))


def drop_many(s: Session, codes: list[str]) -> None:
    """:func:`drop` for many dossiers, in a few statements (an ingest's whole transfer)."""
    for i in range(0, len(codes), 500):
        ids = [job_id(c) for c in codes[i:i + 500]]
        s.execute(delete(Job).where(Job.id.in_(ids), Job.status != JobStatus.RUNNING))


def drop_all(s: Session) -> None:
    """A full reindex rebuilds every entry: no earlier retry is pending."""
    s.execute(delete(Job).where(Job.kind == KIND, Job.status != JobStatus.RUNNING))


def pending(s: Session, limit: int) -> list[str]:
    """Dossier codes still to index, oldest first (not those a worker is retrying now)."""
    q = (select(Job.payload).where(Job.kind == KIND, Job.status.in_([JobStatus.QUEUED, JobStatus.FAILED]))
         .order_by(Job.created_at, Job.id).limit(limit))
    return [str(p["dossier"]) for p in s.scalars(q)]


def count_pending(s: Session) -> int:
    return int(s.scalar(select(func.count()).where(Job.kind == KIND, Job.status.in_(list(PENDING)))) or 0)
