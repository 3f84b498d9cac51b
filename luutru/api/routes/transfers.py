"""JSON API of transfers: upload a .zip, follow its ingest, list the latest ones.

An upload is streamed to ``LUUTRU_HOME/work/upload-<id>/`` in chunks (refused with 413
past ``max_upload_bytes``) and handed to :class:`luutru.api.jobs.IngestJobs`, which runs
the ingest through the job queue; the caller polls ``/api/transfers/{id}``.
"""

from __future__ import annotations

import shutil
import uuid
from typing import Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile

import luutru.catalog.models as m
from luutru.api.access import may_see_transfer, note_submission, report_for, transfer_ids_of
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.audit.trail import record_action
from luutru.packaging.zipsafe import upload_name
from luutru.records.status import Outcome, TransferStatus
from luutru.services import Services

router = APIRouter(tags=["transfers"])
UPLOAD_CHUNK = 1024 * 1024
NO_SUCH_TRANSFER = "Không có gói nộp lưu này / no such transfer"


@router.post("/api/transfers", status_code=202)
async def post_transfer(request: Request, file: UploadFile = File(...),
                        svc: Services = Depends(get_services),
                        who: Principal = Depends(require(Perm.TRANSFERS_SUBMIT))) -> dict[str, Any]:
    """Upload a transfer as a .zip; ingest runs in the background. Poll the returned URL.

    Permission ``transfers:submit``.  A submitter's transfer may hold only dossiers of
    their own agency; others are rejected with finding ``AGENCY_NOT_PERMITTED``."""
    job_id = str(uuid.uuid4())
    up_dir = svc.settings.work_dir / f"upload-{job_id}"
    up_dir.mkdir(parents=True)
    name = upload_name(file.filename)
    target = up_dir / name
    size = 0
    try:
        with open(target, "wb") as out:
            while chunk := await file.read(UPLOAD_CHUNK):
                size += len(chunk)
                if size > svc.settings.max_upload_bytes:
                    raise HTTPException(413, "Gói quá lớn / transfer too large")
                out.write(chunk)
    except BaseException:
        shutil.rmtree(up_dir, ignore_errors=True)
        record_action(svc, who, "transfer.upload", f"transfer:{job_id}", Outcome.FAILURE, {"source": name, "bytes": size})
        raise
    note_submission(svc, job_id, who)
    record_action(svc, who, "transfer.upload", f"transfer:{job_id}", Outcome.SUCCESS, {"source": name, "bytes": size})
    st = request.app.state.jobs.submit(job_id, target, name, cleanup=up_dir, actor=who.username,
                                       agency=who.agency_code if who.is_submitter else None)
    return {"id": job_id, "status": st.status, "bytes": size, "url": f"/api/transfers/{job_id}"}


@router.get("/api/transfers/{transfer_id}")
def get_transfer(transfer_id: str, request: Request, svc: Services = Depends(get_services),
                 who: Principal = Depends(require(Perm.TRANSFERS_READ))) -> dict[str, Any]:
    """Status, progress and (when done) the full report with every finding (``transfers:read``;
    a submitter sees only the transfers they submitted)."""
    if not may_see_transfer(svc, who, transfer_id):
        raise HTTPException(404, NO_SUCH_TRANSFER)
    st = request.app.state.jobs.get(transfer_id)
    with svc.catalog.session() as s:
        row = s.get(m.Transfer, transfer_id)
        out: dict[str, Any] = {"id": transfer_id}
        if st is not None:
            out["progress"] = st.to_dict()
            out["status"] = st.status
        if row is not None:
            out["status"] = row.status if row.status != TransferStatus.RUNNING or st is None else st.status
            out["source"] = row.source_name
            out["received_at"] = row.received_at
            out["report"] = report_for(svc, who.rights, row.report)
    if st is None and len(out) == 1:
        raise HTTPException(404, NO_SUCH_TRANSFER)
    return out


@router.get("/api/transfers")
def list_transfers(svc: Services = Depends(get_services),
                   who: Principal = Depends(require(Perm.TRANSFERS_READ))) -> list[dict[str, Any]]:
    """Latest transfers (a submitter: their own)."""
    with svc.catalog.session() as s:
        q = s.query(m.Transfer)
        if who.is_submitter:
            q = q.filter(m.Transfer.id.in_(transfer_ids_of(svc, who.username) or [""]))
        rows = q.order_by(m.Transfer.received_at.desc()).limit(200).all()
        return [{"id": r.id, "source": r.source_name, "status": r.status, "received_at": r.received_at,
                 "dossiers": r.dossier_count, "documents": r.document_count} for r in rows]
