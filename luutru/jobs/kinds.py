"""The built-in job kinds: thin adapters from a job payload to the area's function."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.jobs.registry import JobContext, JobFailed
from luutru.preservation.actions.ocr import run_ocr
from luutru.preservation.actions.pdfa import ActionFailed, ActionReport, migrate
from luutru.preservation.reindex import reindex
from luutru.services import Services

# Report codes of a failed ingest that a retry will not cure without an operator.
_NOT_RETRYABLE = {"DISK_FULL"}


def ingest_job(services: Services, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """payload: ``path`` (folder/.zip/bag readable by every worker), optional
    ``transfer_id`` (default: the job id), ``cleanup`` (removed once accepted or
    rejected) and ``agency`` (a submitter's own agency: dossiers of others are refused).  Idempotent: a re-run after a crash completes without duplicates."""

    path = Path(payload["path"])
    if not path.exists():
        raise JobFailed(f"transfer not found: {path} (it must be on storage shared by the API and the workers)")
    report = ingest(path, services, progress=ctx.progress, transfer_id=payload.get("transfer_id") or ctx.job_id,
                    agency=payload.get("agency") or None)
    result = {"transfer_id": report.transfer_id, "status": report.status, "counts": report.counts(),
              "dossiers": {d.code: d.status for d in report.dossiers}}
    if report.status == "failed":
        codes = [f.code for f in report.findings if f.is_error]
        msg = "; ".join(f"{f.code}: {f.message_en}" for f in report.findings if f.is_error)[:2000]
        if _NOT_RETRYABLE & set(codes):
            raise JobFailed(msg, result)
        raise RuntimeError(msg)  # transient (storage/database): retried with back-off
    if payload.get("cleanup"):
        _remove(Path(payload["cleanup"]))
    return result


def _remove(p: Path) -> None:
    if p.is_dir():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def index_job(services: Services, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """payload: ``dossier``.  Index one stored dossier again after an index failure; a
    failure raises, so the queue retries it with back-off (``luutru reindex --pending``
    runs what is left at once).  A dossier destroyed meanwhile has nothing to index."""
    code = str(payload["dossier"])
    if not services.storage.has_aip(code):
        return {"dossier": code, "indexed": False, "reason": "not stored (destroyed meanwhile)"}
    meta = load_aip_metadata(services.storage, code)
    services.index.index_dossier(meta.dossier, meta.documents, meta.texts)
    ctx.progress("index", 1, 1)
    return {"dossier": code, "indexed": True}


def reindex_job(services: Services, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """payload: optional ``catalog`` / ``index`` booleans (both default true)."""

    rep = reindex(services, progress=ctx.progress, catalog=payload.get("catalog", True),
                  index=payload.get("index", True))
    return {"aips": rep.aips, "documents": rep.documents, "failed": rep.failed, "index_failed": rep.index_failed}


def _action(report_of: Callable[[Services, str], ActionReport], services: Services, payload: dict[str, Any],
            ctx: JobContext) -> dict[str, Any]:
    code = str(payload["dossier"])
    if not services.storage.has_aip(code):
        return {"dossier": code, "skipped": "not stored (destroyed meanwhile)"}
    try:
        rep = report_of(services, code)
    except ActionFailed as e:
        raise JobFailed(str(e)) from e
    ctx.progress(rep.kind, 1, 1)
    if rep.failed:  # the files done are stored (a revision); the failed ones are tried again
        raise RuntimeError("; ".join(f"{d}: {why}" for d, why in rep.failed.items())[:2000])
    return rep.to_dict()


def pdfa_job(services: Services, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """payload: ``dossier``.  PDF/A-2b copies (Ghostscript, veraPDF) as a new AIP revision."""
    return _action(migrate, services, payload, ctx)


def ocr_job(services: Services, payload: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """payload: ``dossier``.  Vietnamese OCR of scans without text as a new AIP revision."""
    return _action(run_ocr, services, payload, ctx)
