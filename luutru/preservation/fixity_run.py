"""Running a fixity audit against the configured storage and recording it in the catalog.

The audit itself (:mod:`luutru.preservation.fixity`) is storage-only; this module binds
it to a :class:`Services`: which locations, that its resumable state and last checks
live in the catalog (:class:`~luutru.catalog.fixity_models.FixityState`), and that
every fixity/repair event lands in the catalog's event table.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from luutru.catalog.fixity_models import FixityState
from luutru.catalog.records import add_events
from luutru.preservation.audit_anchor import anchor_quietly
from luutru.preservation.event_log import store_events
from luutru.preservation.fixity import AuditReport, audit
from luutru.records.events import Event
from luutru.services import Services

log = logging.getLogger(__name__)

#: Where the first version kept the audit state (a SQLite file of its own).
OLD_STATE_FILE = "fixity-state.sqlite"


def import_old_state(state: FixityState, home: Path) -> int:
    """Carry the last checks of the old state file into the catalog, once (the file is
    renamed ``*.imported``), so ``not_checked_since_days`` keeps its memory."""
    path = home / OLD_STATE_FILE
    if not path.is_file():
        return 0
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT aip_id, checked_at, ok FROM checks").fetchall()
    except sqlite3.DatabaseError as e:
        log.warning("%s: not imported (%s)", path, e)
        rows = []
    finally:
        db.close()
    for aip_id, checked_at, ok in rows:
        state.record_check(aip_id, checked_at, bool(ok))
    path.rename(path.with_name(path.name + ".imported"))
    return len(rows)


def run_audit(services: Services, *, aip_ids: list[str] | None = None, sample: int | None = None,
              not_checked_since_days: int | None = None, repair: bool = True,
              progress: Callable[[int, int, str], None] | None = None) -> AuditReport:
    state = FixityState(services.catalog)
    import_old_state(state, services.settings.home_dir)

    by_aip: dict[str, list[dict[str, Any]]] = {}

    def record(ev: Event) -> None:
        with services.catalog.session() as s:
            add_events(s, ev.object, [ev.to_dict()])  # the event object is the AIP id = dossier code
        by_aip.setdefault(ev.object, []).append(ev.to_dict())

    rep = audit(services.storage, aip_ids=aip_ids or None, sample=sample,
                not_checked_since_days=not_checked_since_days, on_event=record, progress=progress,
                state=state, repair=repair, work_dir=services.settings.work_dir)
    # Into each AIP too (a new revision), so reindex keeps them; after the audit, so the
    # audit read the AIP as it was.
    for aip_id, events in by_aip.items():
        if services.storage.has_aip(aip_id):
            store_events(services, aip_id, events, message="fixity audit", user="luutru", catalog=False)
    anchor_quietly(services)  # the periodic audit also anchors the audit trail in storage
    return rep


def report_dict(rep: AuditReport) -> dict[str, Any]:
    d = asdict(rep)
    d["ok"] = rep.ok
    d["damaged"] = [a.aip_id for a in rep.damaged]
    d["repaired"] = [a.aip_id for a in rep.repaired]
    d["unrepaired"] = [a.aip_id for a in rep.unrepaired]
    return d
