"""Holds (lệnh giữ lại: inspection, litigation …): a held dossier is never destroyed.

A hold is recorded in the catalog and also set on the stored copies, so storage itself
refuses deletion.  Lifting the last hold releases the storage hold only for fixed-term
dossiers: a permanent dossier keeps the storage hold it was stored with.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import luutru.catalog.models as m
from luutru.catalog.disposal_models import Hold
from luutru.disposal.common import check_actor, record_event, refuse
from luutru.policies.retention import storage_hold_stays
from luutru.records.finding_codes.disposal import (
    DISPOSAL_UNKNOWN_DOSSIER,
    HOLD_REASON_MISSING,
    HOLD_UNKNOWN,
)
from luutru.records.timeutil import iso_vn
from luutru.services import Services


def active_holds(s: Session, code: str | None = None) -> list[Hold]:
    """Holds not lifted, of one dossier or of all."""
    q = select(Hold).where(Hold.lifted_at.is_(None))
    if code is not None:
        q = q.where(Hold.dossier_code == code)
    return list(s.scalars(q))


def place_hold(services: Services, code: str, *, actor: str, reason: str) -> dict[str, Any]:
    """Put a dossier on hold: it is excluded from destruction, and storage holds it too."""
    actor = check_actor(actor)
    if not (reason or "").strip():
        raise refuse(HOLD_REASON_MISSING, "Thiếu lý do giữ lại.", "The reason for the hold is missing.")
    with services.catalog.session() as s:
        d = s.get(m.Dossier, code)
        if d is None:
            raise refuse(DISPOSAL_UNKNOWN_DOSSIER, f"Không có hồ sơ {code}.", f"No dossier {code}.", dossier=code)
        h = Hold(dossier_code=code, reason=reason.strip(), placed_by=actor, placed_at=iso_vn())
        s.add(h)
        s.flush()
        record_event(s, "hold_placed", actor, dossier=code, hold_id=h.id, reason=reason)
        aip_id, hid = d.aip_id, h.id
    services.storage.set_hold(aip_id, True)
    return {"hold_id": hid, "dossier_code": code, "reason": reason, "placed_by": actor}


def lift_hold(services: Services, hold_id: int, *, actor: str, reason: str) -> dict[str, Any]:
    """Lift a hold; storage releases its hold when none is left and the dossier is fixed-term."""
    actor = check_actor(actor)
    with services.catalog.session() as s:
        h = s.get(Hold, int(hold_id))
        if h is None or h.lifted_at:
            raise refuse(HOLD_UNKNOWN, f"Không có lệnh giữ #{hold_id} đang hiệu lực.", f"No active hold #{hold_id}.")
        h.lifted_by, h.lifted_at, h.lift_reason = actor, iso_vn(), reason
        record_event(s, "hold_lifted", actor, dossier=h.dossier_code, hold_id=h.id, reason=reason)
        s.flush()
        code = h.dossier_code
        still = active_holds(s, code)
        d = s.get(m.Dossier, code)
    if d is not None and not still and not storage_hold_stays(d.retention_years):
        services.storage.set_hold(d.aip_id, False)
    return {"hold_id": int(hold_id), "dossier_code": code, "lifted_by": actor}


def list_holds(services: Services, *, active_only: bool = True) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        q = select(Hold).order_by(Hold.id)
        if active_only:
            q = q.where(Hold.lifted_at.is_(None))
        return [{"hold_id": h.id, "dossier_code": h.dossier_code, "reason": h.reason, "placed_by": h.placed_by,
                 "placed_at": h.placed_at, "lifted_by": h.lifted_by, "lifted_at": h.lifted_at} for h in s.scalars(q)]
