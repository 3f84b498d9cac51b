"""Read views of the procedure: a list with its items, events and approval chain; all lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luutru.catalog.disposal_models import (
    DisposalEvent,
    DisposalItem,
    DisposalList,
    DisposalOpinion,
)
from luutru.disposal.common import get_list
from luutru.records.status import DisposalListStatus
from luutru.services import Services


def opinions(s: Session, list_id: str) -> list[DisposalOpinion]:
    """Every opinion recorded on a list, oldest first."""
    return list(s.scalars(select(DisposalOpinion).where(DisposalOpinion.list_id == list_id)
                          .order_by(DisposalOpinion.id)))


def latest_opinions(s: Session, list_id: str) -> dict[str, DisposalOpinion]:
    """The latest opinion of each council member (the one that counts)."""
    return {o.member.casefold(): o for o in opinions(s, list_id)}


def approvals(s: Session, lst: DisposalList) -> dict[str, Any]:
    """The approval chain as the minutes and tombstones keep it."""
    rejected = lst.status == DisposalListStatus.REJECTED
    return {
        "drafted": {"by": lst.drafted_by, "at": lst.drafted_at},
        "opinions": [{"member": o.member, "role": o.role, "opinion": o.opinion, "comment": o.comment, "at": o.at}
                     for o in opinions(s, lst.id)],
        "decided": {"by": lst.decided_by, "at": lst.decided_at, "decision_ref": lst.decision_ref,
                    "note": lst.decision_note, "outcome": DisposalListStatus.REJECTED.value if rejected else
                    (DisposalListStatus.APPROVED.value if lst.decided_by else None)},
        "executed": {"by": lst.executed_by, "at": lst.executed_at},
    }


def show(services: Services, list_id: str) -> dict[str, Any]:
    """One list: header, approval chain, list steps, each dossier with its state and steps, every event."""
    with services.catalog.session() as s:
        lst = get_list(s, list_id)
        items = list(s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id).order_by(DisposalItem.id)))
        events = list(s.scalars(select(DisposalEvent).where(DisposalEvent.list_id == list_id)
                                .order_by(DisposalEvent.id)))
        return {
            "id": lst.id, "agency_code": lst.agency_code, "agency_name": lst.agency_name, "title": lst.title,
            "explanatory_note": lst.explanatory_note, "status": lst.status, "approvals": approvals(s, lst),
            "steps": lst.steps or {}, "minutes_aip_id": lst.minutes_aip_id, "last_error": lst.last_error,
            "items": [{"dossier_code": i.dossier_code, "reason": i.reason, "state": i.state, "steps": i.steps or {},
                       "note": i.note, **{k: v for k, v in (i.snapshot or {}).items() if k != "tombstone"}}
                      for i in items],
            "events": [{"action": e.action, "actor": e.actor, "at": e.at, "dossier_code": e.dossier_code,
                        "detail": e.detail} for e in events],
        }


def list_lists(services: Services, status: str | None = None) -> list[dict[str, Any]]:
    """Every list (optionally of one status), oldest first, with its dossier count."""
    with services.catalog.session() as s:
        q = select(DisposalList).order_by(DisposalList.drafted_at)
        if status:
            q = q.where(DisposalList.status == status)
        out = []
        for lst in s.scalars(q):
            n = s.scalar(select(func.count()).select_from(DisposalItem).where(DisposalItem.list_id == lst.id))
            out.append({"id": lst.id, "agency_code": lst.agency_code, "status": lst.status, "dossiers": n,
                        "drafted_by": lst.drafted_by, "drafted_at": lst.drafted_at, "decided_by": lst.decided_by,
                        "executed_at": lst.executed_at, "minutes_aip_id": lst.minutes_aip_id})
        return out
