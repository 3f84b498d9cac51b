"""Events recorded after ingest go into the AIP (a new revision) as well as the catalog.

The catalog's event table is derived: ``reindex`` drops it and rebuilds it from each
AIP's newest ``premis.json``.  So fixity checks, repairs, transfer confirmations and
corrections are written into the AIP as a new revision (:mod:`.revisions`); when storage
cannot take them now, the caller gets an ``EVENTS_NOT_STORED`` warning and the events
stay in the catalog (:func:`store_pending` writes them later).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

import luutru.catalog.models as m
import luutru.records.finding_codes.preservation as fc
from luutru.catalog.records import add_events
from luutru.preservation.revisions import append_events, reader
from luutru.records.errors import StorageError
from luutru.records.findings import Finding, finding
from luutru.services import Services

log = logging.getLogger(__name__)


def store_events(services: Services, aip_id: str, events: list[dict[str, Any]], *, message: str, user: str,
                 catalog: bool = True) -> Finding | None:
    """Record ``events`` of one AIP in the catalog (unless ``catalog`` is False) and in a new revision."""
    if catalog:
        with services.catalog.session() as s:
            add_events(s, aip_id, events)
    try:
        append_events(services.storage, aip_id, events, message=message, user=user,
                      work_dir=services.settings.work_dir)
        return None
    except (StorageError, OSError, ValueError) as e:
        log.warning("events of %s not written into the AIP: %s", aip_id, e)
        return finding(fc.EVENTS_NOT_STORED,
                       f"Sự kiện bảo quản của hồ sơ {aip_id} chưa ghi được vào AIP ({e}); vẫn có trong CSDL.",
                       f"Preservation events of dossier {aip_id} could not be written into its AIP ({e}); "
                       "they are in the catalog meanwhile.", dossier=aip_id, details={"error": str(e)[:2000]})


def store_pending(services: Services, aip_id: str, *, user: str = "luutru") -> int | None:
    """Write the catalog's events of an AIP that its newest revision lacks (after an
    ``EVENTS_NOT_STORED`` warning); returns the new revision number or None."""
    with services.catalog.session() as s:
        rows = list(s.scalars(select(m.Event).where(m.Event.dossier_code == aip_id)))
        events = [{"event_id": r.id, "event_type": r.event_type, "object": r.object, "outcome": r.outcome,
                   "detail": r.detail, "outcome_detail": r.outcome_detail, "agent": r.agent,
                   "event_datetime": r.event_datetime} for r in rows]
    reader(services.storage, aip_id)  # raises AipNotFound for an unknown AIP
    return append_events(services.storage, aip_id, events, message="events recorded in the catalog",
                         user=user, work_dir=services.settings.work_dir)
