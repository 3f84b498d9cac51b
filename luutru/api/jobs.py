"""In-process ingest jobs for the embedded mode: one background thread per upload.

The job's progress lives in memory (for the progress bar); its outcome lives in the
catalog (``transfers`` row + report), so a restart loses only the progress figures.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..context import Services
from ..records.timeutil import iso_vn


@dataclass
class JobState:
    id: str
    source: str
    status: str = "queued"  # queued | running | accepted | rejected | failed
    stage: str = ""
    done: int = 0
    total: int = 0
    started_at: str = field(default_factory=iso_vn)

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

    def submit(self, job_id: str, path: Path, source: str, cleanup: Path | None = None) -> JobState:
        st = JobState(job_id, source)
        with self._lock:
            self.jobs[job_id] = st
        t = threading.Thread(target=self._run, args=(st, path, cleanup), daemon=True, name=f"ingest-{job_id}")
        t.start()
        return st

    def _run(self, st: JobState, path: Path, cleanup: Path | None) -> None:
        from ..ingest.pipeline import ingest

        def progress(stage: str, done: int, total: int) -> None:
            st.stage, st.done, st.total = stage, done, total

        try:
            with self._run_lock:
                st.status = "running"
                report = ingest(path, self.services, progress=progress, transfer_id=st.id)
            st.status = report.status
        except Exception:  # noqa: BLE001 - ingest already reports; this guards the thread
            st.status = "failed"
        finally:
            if cleanup is not None:
                shutil.rmtree(cleanup, ignore_errors=True)

    def get(self, job_id: str) -> JobState | None:
        return self.jobs.get(job_id)
