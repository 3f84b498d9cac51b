"""Ingest of uploaded transfers, through the job queue (:mod:`luutru.jobs`).

Each upload becomes an ``ingest`` job whose id is the transfer id.  In the embedded
mode a thread of the server runs it; in a scale-out deployment a worker process takes it
and this thread only waits for the outcome.  Progress comes from the job queue (written
with each heartbeat), the outcome from the catalog (``transfers`` row + report), so a
restart of the server loses neither the upload nor its result.

A submitter may only transfer records of their own agency: the ingest gets the agency
and reports each dossier of another agency as a finding among every other finding
(:func:`luutru.policies.submission.agency_scope`), so the submitter sees all problems at once.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luutru.audit.trail import record_action
from luutru.jobs import JobQueue, JobSettings, submit
from luutru.records.timeutil import iso_vn
from luutru.services import Services



def _upload_job_settings(services: Services) -> JobSettings:
    """Uploads go to worker processes only when the deployment says it runs them
    (``LUUTRU_JOBS_MODE=workers``, as the scale-out compose file does); otherwise the
    server runs them itself, whatever the database — an upload must never wait for a
    worker that does not exist."""
    js = services.settings.jobs
    return js if js.mode == "workers" else js.model_copy(update={"mode": "in_process"})


@dataclass
class JobState:
    id: str
    source: str
    status: str = "queued"  # queued | running | accepted | rejected | failed
    stage: str = ""
    done: int = 0
    total: int = 0
    started_at: str = field(default_factory=iso_vn)
    actor: str = "anonymous"

    def to_dict(self) -> dict[str, Any]:
        pct = round(100 * self.done / self.total, 1) if self.total else None
        return {"id": self.id, "source": self.source, "status": self.status, "stage": self.stage,
                "done": self.done, "total": self.total, "percent": pct, "started_at": self.started_at}


class IngestJobs:
    def __init__(self, services: Services):
        self.services = services
        self.jobs: dict[str, JobState] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()  # one ingest at a time in embedded mode

    def submit(self, job_id: str, path: Path, source: str, cleanup: Path | None = None, *,
               actor: str = "anonymous", agency: str | None = None) -> JobState:
        """Start ingesting ``path``; ``agency`` limits the transfer to that agency's dossiers."""
        st = JobState(job_id, source, actor=actor)
        with self._lock:
            self.jobs[job_id] = st
        t = threading.Thread(target=self._run, args=(st, path, cleanup, agency), daemon=True, name=f"ingest-{job_id}")
        t.start()
        return st

    def _run(self, st: JobState, path: Path, cleanup: Path | None, agency: str | None) -> None:

        detail: dict[str, Any] = {"source": st.source}
        try:
            with self._run_lock:
                st.status = "running"
                # Through the job queue: the upload survives a restart of the server, and in a
                # scale-out deployment a worker process takes it (this thread only waits).
                submit(self.services, "ingest", {"path": str(path), "transfer_id": st.id, "agency": agency,
                                                 "cleanup": str(cleanup) if cleanup else None},
                       job_id=st.id, wait=True, settings=_upload_job_settings(self.services))
                cleanup = None  # the job removes the upload once it is decided
                view = JobQueue(self.services.catalog).get(st.id)
                result = (view.result if view else None) or {}
                st.status = result.get("status") or (view.status if view else "failed")
                detail.update(counts=result.get("counts"), dossiers=list(result.get("dossiers", {})))
        except Exception as e:  # noqa: BLE001 - ingest already reports; this guards the thread
            st.status = "failed"
            detail["error"] = repr(e)[:500]
        finally:
            if cleanup is not None:
                shutil.rmtree(cleanup, ignore_errors=True)
            try:
                record_action(self.services, st.actor, "transfer.ingest", f"transfer:{st.id}", st.status, detail)
            except Exception:  # noqa: BLE001 - the outcome is in the catalog either way
                pass

    def get(self, job_id: str) -> JobState | None:
        """The job's state, with its progress as the job queue last recorded it (the job may
        run in this process, in a worker, or in an earlier run of the server)."""
        st = self.jobs.get(job_id)
        try:
            view = JobQueue(self.services.catalog).get(job_id)
        except Exception:  # noqa: BLE001 - progress is a convenience; the report is in the catalog
            view = None
        if view is None:
            return st
        if st is None:
            st = JobState(job_id, str(view.payload.get("path", "")).rsplit("/", 1)[-1], started_at=view.created_at)
        if view.stage:
            st.stage, st.done, st.total = view.stage, view.done, view.total
        if st.status in ("queued", "running") and not view.terminal:
            st.status = "running" if view.status == "running" else "queued"
        return st
