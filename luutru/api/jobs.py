"""Ingest of uploaded transfers, through the job queue (:mod:`luutru.jobs`).

Each upload becomes an ``ingest`` job whose id is the transfer id.  In the embedded
mode a thread of the server runs it; in a scale-out deployment a worker process takes it
and this thread only waits for the outcome.  Progress comes from the job queue (written
with each heartbeat), the outcome from the catalog (``transfers`` row + report), so a
restart of the server loses neither the upload nor its result.

A submitter may only transfer records of their own agency: before ingest, the job reads
just the catalogue members of the zip and rejects the transfer (with a finding, like
any other rejection) when a dossier belongs to another agency.
"""

from __future__ import annotations

import shutil
import threading
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import luutru.catalog.models as m
import luutru.packaging.catalogue_locate as catalogue_locate
import luutru.packaging.zipsafe as zipsafe
import luutru.records.finding_codes.api as api_codes
from luutru.audit.trail import record_action
from luutru.ingest.report import DossierOutcome, IngestReport
from luutru.jobs import JobQueue, JobSettings, submit
from luutru.packaging.catalogue_reader import read_catalogue
from luutru.records.findings import finding
from luutru.records.timeutil import iso_vn
from luutru.services import Services

MAX_CATALOGUE_BYTES = 512 * 1024 * 1024


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


def foreign_dossiers(zip_path: Path, agency: str, work_dir: Path) -> list[tuple[str, str]] | None:
    """(dossier code, agency code) of catalogue rows not of ``agency``; None if no catalogue was found.

    Reads only the catalogue that ingest will read, chosen by the same function
    (:func:`catalogue_locate.locate` over the member names), so a decoy in ``__MACOSX/`` or
    a sub-folder cannot stand in for it (ingest refuses such a transfer with
    CATALOGUE_AMBIGUOUS).  Each member at most ``MAX_CATALOGUE_BYTES`` (declared, and
    enforced while copying), and nothing at all from an archive
    :func:`zipsafe.expansion_problems` refuses.
    """

    if not zipfile.is_zipfile(zip_path):
        return None
    tmp = work_dir / f"precheck-{uuid.uuid4().hex}"
    try:
        with zipfile.ZipFile(zip_path) as z:
            if zipsafe.expansion_problems(z):
                return None  # ingest refuses it with the findings; nothing is read here
            members = {zipsafe.member_path(i): i for i in z.infolist() if not i.is_dir()}
            loc = catalogue_locate.locate(members)
            chosen = [members[p] for p in loc.catalogue]
            if not chosen or any(zipsafe.member_problem(i) or i.file_size > MAX_CATALOGUE_BYTES for i in chosen):
                return None  # ingest reports the missing, unsafe or oversized catalogue
            tmp.mkdir(parents=True)
            for info in chosen:
                zipsafe.copy_member(z, info, tmp / zipsafe.member_path(info).name)
        raw = read_catalogue(tmp)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, zipsafe.MemberTooLarge,
            NotImplementedError, RuntimeError):
        return None  # ingest itself reports a corrupt or unreadable transfer
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = []
    for row in raw.dossiers:
        code = str(row.values.get("ma_ho_so") or "").strip()
        owner = str(row.values.get("ma_co_quan") or "").strip()
        if owner != agency or not code.startswith(agency + "."):
            out.append((code, owner))
    return out


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

    def _reject_foreign(self, st: JobState, agency: str, foreign: list[tuple[str, str]]) -> str:

        report = IngestReport(st.id, st.source, "zip", "rejected", st.started_at, finished_at=iso_vn())
        for code, owner in foreign:
            report.dossiers.append(DossierOutcome(code, "", "rejected", 0, errors=1))
            report.findings.append(finding(
                api_codes.AGENCY_NOT_PERMITTED,
                f"Hồ sơ {code} thuộc cơ quan '{owner}', nhưng tài khoản của bạn chỉ được nộp lưu cho cơ quan {agency}. "
                "Sửa: bỏ hồ sơ này khỏi gói, hoặc để cơ quan đó tự nộp lưu.",
                f"Dossier {code} belongs to agency '{owner}', but your account may only transfer records of {agency}. "
                "Fix: remove this dossier from the transfer, or have that agency submit it.",
                dossier=code or None, field="ma_co_quan"))
        with self.services.catalog.session() as s:
            s.merge(m.Transfer(id=st.id, source_name=st.source, kind="zip", received_at=st.started_at,
                               finished_at=report.finished_at, status="rejected", dossier_count=len(report.dossiers),
                               document_count=0, report=report.to_dict()))
        return "rejected"

    def _run(self, st: JobState, path: Path, cleanup: Path | None, agency: str | None) -> None:

        detail: dict[str, Any] = {"source": st.source}
        try:
            with self._run_lock:
                st.status = "running"
                foreign = foreign_dossiers(path, agency, self.services.settings.work_dir) if agency else None
                if foreign:
                    st.status = self._reject_foreign(st, agency or "", foreign)
                    detail["foreign_dossiers"] = [c for c, _ in foreign]
                else:
                    # Through the job queue: the upload survives a restart of the server, and in a
                    # scale-out deployment a worker process takes it (this thread only waits).

                    submit(self.services, "ingest", {"path": str(path), "transfer_id": st.id,
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
