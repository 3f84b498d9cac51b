"""Preservation actions of a dossier (PDF/A migration, OCR …), kept as jobs in the one
job queue (``jobs`` table), one row per dossier and kind: id ``<kind>:<dossier code>``.

Why here (the catalog layer): ingest queues them in its own run, below the jobs
package (as :mod:`luutru.catalog.index_retries` does for index retries).  Workers run
them with the queue's retries and back-off; :func:`for_dossier` says per dossier what is
pending, done or failed (ingest report, dossier page, ``luutru jobs list``).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luutru.catalog.jobs_models import Job
from luutru.records.status import JobStatus
from luutru.records.timeutil import iso_vn

#: Action kinds in the order they run on one dossier (each a job kind, see luutru.jobs.registry).
KINDS = ("pdfa", "ocr")
#: Below ordinary jobs (priority 0): an ingest, a reindex or a destruction asked for by a
#: person is not kept waiting behind background preservation work.
PRIORITY = -10


def job_id(kind: str, code: str) -> str:
    return f"{kind}:{code}"


def queue_action(s: Session, kind: str, code: str, *, max_attempts: int, delay: float = 0.0,
                 reason: str = "") -> bool:
    """Queue ``kind`` for dossier ``code`` unless it is already queued or done; True if queued."""
    jid = job_id(kind, code)
    j = s.get(Job, jid)
    event = {"at": iso_vn(), "event": "queued", "reason": reason[:300]}
    if j is None:
        s.add(Job(id=jid, kind=kind, payload={"dossier": code}, status=JobStatus.QUEUED, priority=PRIORITY,
                  attempts=0, max_attempts=max_attempts, run_after=time.time() + delay, created_at=iso_vn(), stage="", done=0,
                  total=0, error="", history=[event]))
        return True
    return False


def for_dossier(s: Session, code: str) -> list[dict[str, Any]]:
    """Every preservation action of a dossier with its state (queued, running, done, failed)."""
    rows = s.scalars(select(Job).where(Job.id.in_([job_id(k, code) for k in KINDS])))
    order = {k: i for i, k in enumerate(KINDS)}
    out = [{"kind": j.kind, "status": j.status, "attempts": j.attempts, "max_attempts": j.max_attempts,
            "error": j.error, "finished_at": j.finished_at, "result": j.result} for j in rows]
    return sorted(out, key=lambda a: order.get(a["kind"], 99))
