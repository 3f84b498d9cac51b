"""Tombstones: what remains of a destroyed dossier (never touched by reindex).

Code, title, dates, retention and its end, document count, list and reason, the
approval chain, the SHA-256 of the plaintext manifest and of the stored manifest at
each location, who destroyed it and when, and the minutes id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luutru.catalog.disposal_models import DisposalItem, DisposalList, Tombstone
from luutru.disposal.listing import approvals
from luutru.services import Services


def write_tombstone(s: Session, lst: DisposalList, it: DisposalItem, snap: dict[str, Any], *, actor: str,
                    at: str) -> None:
    """Write the tombstone of ``it`` from its snapshot, once (a resumed run finds it written)."""
    code = it.dossier_code
    if s.get(Tombstone, code) is not None:
        return
    s.add(Tombstone(
        dossier_code=code, aip_id=snap["aip_id"], agency_code=snap.get("agency_code", lst.agency_code),
        year=snap.get("year"), title=snap.get("title", ""), start_date=snap.get("start_date"),
        end_date=snap.get("end_date"), retention_years=snap.get("retention_years"),
        retention_end=snap.get("retention_end"), documents=snap.get("documents", 0), list_id=lst.id,
        reason=it.reason, approvals=approvals(s, lst), manifest_sha256=snap.get("manifest_sha256"),
        stored_manifest_sha256=snap.get("stored_manifest_sha256") or {},
        crypto_shredded=bool(snap.get("encrypted")), destroyed_by=actor, destroyed_at=at))


def link_minutes(s: Session, list_id: str, minutes_id: str) -> None:
    """Every tombstone of a list names the minutes that record the destruction."""
    for t in s.scalars(select(Tombstone).where(Tombstone.list_id == list_id)):
        t.minutes_aip_id = minutes_id


def is_tombstoned(s: Session, code: str) -> bool:
    """True when ``code`` names a destroyed dossier."""
    return s.get(Tombstone, code) is not None


def tombstones(services: Services, code: str | None = None) -> list[dict[str, Any]]:
    """Every tombstone (or the one of ``code``), oldest destruction first."""
    with services.catalog.session() as s:
        q = select(Tombstone).order_by(Tombstone.destroyed_at)
        if code:
            q = q.where(Tombstone.dossier_code == code)
        return [{c.name: getattr(t, c.key) for c in Tombstone.__table__.columns} for t in s.scalars(q)]
