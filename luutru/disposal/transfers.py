"""Transfers to a historical archive, as far as destruction is concerned.

A dossier that had to go to a historical archive may only be destroyed once the
archive's receipt is on file.  Permanent dossiers must always be transferred (and are
never destroyed anyway); a fixed-term dossier only when it was flagged.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from luutru.catalog.disposal_models import DossierTransfer
from luutru.disposal.common import check_actor, record_event
from luutru.policies.retention import must_transfer
from luutru.records.timeutil import iso_vn
from luutru.services import Services


def transfer_confirmed(s: Session, code: str) -> bool:
    """True when a historical archive confirmed receipt of the dossier (a receipt is on file)."""
    t = s.get(DossierTransfer, code)
    return bool(t is not None and t.confirmed_at)


def transfer_required(s: Session, code: str, retention_years: int | None) -> bool:
    """Whether the dossier must reach a historical archive first (policies.retention.must_transfer)."""
    return must_transfer(retention_years, s.get(DossierTransfer, code) is not None)


def flag_transfer(services: Services, code: str, *, actor: str, archive: str | None = None) -> None:
    """Mark a fixed-term dossier as one that must go to a historical archive first."""
    actor = check_actor(actor)
    with services.catalog.session() as s:
        t = s.get(DossierTransfer, code)
        if t is None:
            s.add(DossierTransfer(dossier_code=code, archive=archive, flagged_by=actor, flagged_at=iso_vn()))
        record_event(s, "transfer_flagged", actor, dossier=code, archive=archive)


def confirm_transfer(services: Services, code: str, *, receipt_id: str, actor: str, archive: str | None = None) -> None:
    """Record the historical archive's receipt (normally done by the transfer-out step)."""
    actor = check_actor(actor)
    with services.catalog.session() as s:
        t = s.get(DossierTransfer, code)
        if t is None:
            t = DossierTransfer(dossier_code=code)
            s.add(t)
        t.receipt_id, t.confirmed_at, t.archive = receipt_id, iso_vn(), archive or t.archive
        record_event(s, "transfer_confirmed", actor, dossier=code, receipt_id=receipt_id)
