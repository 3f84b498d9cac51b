"""JSON API of AIP revisions: list them, and correct metadata (a new revision).

A correction needs ``storage:manage`` (archivists), a reason, and is written to the
audit trail by :func:`luutru.preservation.corrections.correct_metadata`; refusals
answer 4xx with the findings.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import luutru.catalog.action_queue as action_queue
from luutru.api.access import may_see
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.catalog.queries import dossier_view
from luutru.packaging.ocfl import RevisionError
from luutru.preservation.corrections import correct_metadata
from luutru.preservation.revisions import history
from luutru.records.errors import AipNotFound, StorageError
from luutru.records.findings import Refused
from luutru.services import Services

router = APIRouter(tags=["revisions"])


class CorrectionIn(BaseModel):
    fields: dict[str, Any] = Field(..., description="trường → giá trị mới / field → new value")
    reason: str = Field(..., description="lý do hiệu đính / reason of the correction")
    document: str | None = Field(None, description="mã văn bản (hiệu đính một văn bản) / document identifier")


def _visible(svc: Services, who: Principal, code: str) -> None:
    view = dossier_view(svc.catalog, code, see_restricted=who.rights.see_restricted)
    if view is None or not may_see(who.rights, view["dossier"]["agency_code"]):
        raise HTTPException(404, "Không có hồ sơ này / no such dossier")


@router.get("/api/dossiers/{code}/revisions")
def api_revisions(code: str, svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.RECORDS_READ))) -> dict[str, Any]:
    """The revisions of a dossier's AIP (``records:read``): number, time, who, why; and its
    preservation actions (PDF/A, OCR jobs) with their state."""
    _visible(svc, who, code)
    with svc.catalog.session() as s:
        actions = action_queue.for_dossier(s, code)
    try:
        return {"code": code, "revisions": history(svc.storage, code), "actions": actions}
    except AipNotFound:
        raise HTTPException(404, "Không có AIP của hồ sơ này / no AIP for this dossier") from None


@router.post("/api/dossiers/{code}/corrections", status_code=201)
def api_correct(code: str, body: CorrectionIn, svc: Services = Depends(get_services),
                who: Principal = Depends(require(Perm.STORAGE_MANAGE))) -> Any:
    """Correct dossier (or document) metadata with a reason: revision N+1 (``storage:manage``)."""
    _visible(svc, who, code)
    try:
        c = correct_metadata(svc, code, fields=body.fields, reason=body.reason, actor=who.username,
                             document=body.document)
    except Refused as e:
        return JSONResponse(e.to_dict(), status_code=422)
    except (StorageError, RevisionError) as e:
        raise HTTPException(503, detail={"message_vi": f"Lỗi kho lưu trữ: {e}", "message_en": f"Storage error: {e}"})
    return c.to_dict()
