"""Web pages of the destruction procedure: the lists, drafting from the eligible dossiers, one list.

The drafting table offers only the dossiers the eligibility rule allows today
(:func:`luutru.disposal.candidates.candidates`) and says why each other due dossier is
not offered; the reason for destruction is typed by the archivist, never pre-filled.
The actions themselves go to the JSON API (``/api/disposal/…``) from ``disposal.js``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

import luutru.disposal.listing as disposal
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.api.routes.ui import render
from luutru.disposal.candidates import candidates
from luutru.disposal.common import DisposalError
from luutru.records.timeutil import now_vn
from luutru.services import Services

router = APIRouter(include_in_schema=False)


@router.get("/tieu-huy", response_class=HTMLResponse)
def disposal_page(request: Request, year: int | None = None, svc: Services = Depends(get_services),
                  who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> Any:
    """Disposal lists; for archivists also the dossiers due by the end of a year, to draft a list."""
    eligible, others = None, None
    if who.can(Perm.DISPOSAL_PROPOSE):
        year = year or now_vn().year
        due = candidates(svc, year)
        eligible = [d for d in due if d["eligible"]]
        others = [d for d in due if not d["eligible"]]
    return render(request, "disposal_lists.html", {"lists": disposal.list_lists(svc), "due": eligible,
                                                   "not_eligible": others, "year": year,
                                                   "can_propose": who.can(Perm.DISPOSAL_PROPOSE)})


@router.get("/tieu-huy/{list_id}", response_class=HTMLResponse)
def disposal_list_page(list_id: str, request: Request, svc: Services = Depends(get_services),
                       who: Principal = Depends(require(Perm.DISPOSAL_READ))) -> Any:
    try:
        lst = disposal.show(svc, list_id)
    except DisposalError as e:
        raise HTTPException(404, {"message_vi": e.findings[0].message_vi, "message_en": e.findings[0].message_en}) from None
    return render(request, "disposal_list.html", {
        "l": lst, "can_review": who.can(Perm.DISPOSAL_REVIEW), "can_approve": who.can(Perm.DISPOSAL_APPROVE),
        "can_execute": who.can(Perm.DISPOSAL_EXECUTE)})


@router.get("/ui/disposal.js")
def disposal_js(_p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    return FileResponse(Path(__file__).resolve().parent.parent / "templates" / "disposal.js", media_type="text/javascript")
