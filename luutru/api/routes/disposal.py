"""JSON API for retention and disposal: every step of the procedure, not only clicks in a UI.

The acting person is the authenticated caller (``principal.username``); each route
declares its permission.  Refusals answer 409 with the findings (code, Vietnamese and
English message saying how to fix, the dossier concerned).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import luutru.disposal.common as common
import luutru.disposal.execution as execution
import luutru.disposal.hold as hold
import luutru.disposal.listing as listing
import luutru.disposal.proposal as proposal
import luutru.disposal.tombstone as tombstone
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.api.views import RowId
from luutru.disposal.schedule import due_for_destruction
from luutru.preservation.storage.base import StorageError
from luutru.services import Services

router = APIRouter(tags=["disposal"])


class DraftIn(BaseModel):
    dossiers: dict[str, str] = Field(..., description="dossier code → reason for destruction")
    explanatory_note: str = Field(..., description="bản thuyết minh")
    title: str | None = None


class OpinionIn(BaseModel):
    opinion: str = Field(..., description="agree | disagree")
    comment: str = ""
    role: str = ""


class DecisionIn(BaseModel):
    decision_ref: str = Field(..., description="số quyết định")
    note: str = ""


class ReasonIn(BaseModel):
    reason: str


class HoldIn(BaseModel):
    dossier_code: str
    reason: str


def _refused(e: common.DisposalError) -> JSONResponse:
    status = 404 if any(f.code in ("DISPOSAL_LIST_UNKNOWN", "HOLD_UNKNOWN") for f in e.findings) else 409
    return JSONResponse(e.to_dict(), status_code=status)


def _call(fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except common.DisposalError as e:
        return _refused(e)
    except StorageError as e:
        raise HTTPException(503, detail={"message_vi": f"Lỗi kho lưu trữ: {e}", "message_en": f"Storage error: {e}"})


@router.get("/api/retention/due")
def retention_due(year: int = Query(..., ge=1900, le=9999), agency: str | None = None,
                  svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> list[dict[str, Any]]:
    """Dossiers whose retention ends by 31/12/``year`` (held ones excluded)."""

    with svc.catalog.session() as s:
        return [d.to_dict() for d in due_for_destruction(s, year, agency=agency)]


@router.get("/api/disposal/lists")
def lists(status: str | None = None, svc: Services = Depends(get_services),
          who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> Any:
    return listing.list_lists(svc, status)


@router.post("/api/disposal/lists", status_code=201)
def draft(body: DraftIn, svc: Services = Depends(get_services),
          who: Principal = Depends(require(Perm.DISPOSAL_PROPOSE))) -> Any:
    """Draft a list of expired records (the caller is the drafter)."""
    return _call(proposal.draft, svc, actor=who.username, dossiers=body.dossiers,
                 explanatory_note=body.explanatory_note, title=body.title)


@router.get("/api/disposal/lists/{list_id}")
def show(list_id: str, svc: Services = Depends(get_services),
         who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> Any:
    return _call(listing.show, svc, list_id)


@router.post("/api/disposal/lists/{list_id}/opinions")
def opinion(list_id: str, body: OpinionIn, svc: Services = Depends(get_services),
            who: Principal = Depends(require(Perm.DISPOSAL_REVIEW))) -> Any:
    return _call(proposal.add_opinion, svc, list_id, actor=who.username, opinion=body.opinion, comment=body.comment,
                 role=body.role)


@router.post("/api/disposal/lists/{list_id}/approve")
def approve(list_id: str, body: DecisionIn, svc: Services = Depends(get_services),
            who: Principal = Depends(require(Perm.DISPOSAL_APPROVE))) -> Any:
    """Approve (never by the drafter: 409 DISPOSAL_FOUR_EYES)."""
    return _call(proposal.approve, svc, list_id, actor=who.username, decision_ref=body.decision_ref, note=body.note)


@router.post("/api/disposal/lists/{list_id}/reject")
def reject(list_id: str, body: ReasonIn, svc: Services = Depends(get_services),
           who: Principal = Depends(require(Perm.DISPOSAL_APPROVE))) -> Any:
    return _call(proposal.reject, svc, list_id, actor=who.username, reason=body.reason)


@router.post("/api/disposal/lists/{list_id}/execute")
def execute(list_id: str, svc: Services = Depends(get_services),
            who: Principal = Depends(require(Perm.DISPOSAL_EXECUTE))) -> Any:
    """Destroy the dossiers of an approved list (irreversible); also resumes an interrupted run.

    Runs in the request: destruction lists are small and the caller must know the outcome.
    200 when executed, 500 with the saved state when a step failed (call again to resume).
    """
    rep = _call(execution.execute, svc, list_id, actor=who.username)
    if isinstance(rep, JSONResponse):
        return rep
    return JSONResponse(rep.to_dict(), status_code=200 if rep.ok else 500)


@router.post("/api/disposal/lists/{list_id}/resume")
def resume(list_id: str, svc: Services = Depends(get_services),
           who: Principal = Depends(require(Perm.DISPOSAL_EXECUTE))) -> Any:
    return execute(list_id, svc, who)


@router.get("/api/disposal/tombstones")
def tombstones(code: str | None = None, svc: Services = Depends(get_services),
               who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> Any:
    return tombstone.tombstones(svc, code)


@router.get("/api/disposal/holds")
def holds(all: bool = False, svc: Services = Depends(get_services),  # noqa: A002 - query name
          who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> Any:
    return hold.list_holds(svc, active_only=not all)


@router.post("/api/disposal/holds", status_code=201)
def place_hold(body: HoldIn, svc: Services = Depends(get_services),
               who: Principal = Depends(require(Perm.DISPOSAL_PROPOSE))) -> Any:
    return _call(hold.place_hold, svc, body.dossier_code, actor=who.username, reason=body.reason)


@router.post("/api/disposal/holds/{hold_id}/lift")
def lift_hold(hold_id: RowId, body: ReasonIn, svc: Services = Depends(get_services),
              who: Principal = Depends(require(Perm.DISPOSAL_APPROVE))) -> Any:
    """Lifting a hold is a decision: it needs the approver's permission."""
    return _call(hold.lift_hold, svc, hold_id, actor=who.username, reason=body.reason)
