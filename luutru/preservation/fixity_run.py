"""Running a fixity audit against the configured storage and recording it in the catalog.

The audit itself (:mod:`luutru.preservation.fixity`) is storage-only; this module binds
it to a :class:`Services`: which locations, where the resumable state lives, and that
every fixity/repair event lands in the catalog's event table.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Callable

from luutru.catalog.records import add_events
from luutru.preservation.fixity import AuditReport, audit
from luutru.records.events import Event
from luutru.services import Services


def run_audit(services: Services, *, aip_ids: list[str] | None = None, sample: int | None = None,
              not_checked_since_days: int | None = None, repair: bool = True,
              progress: Callable[[int, int, str], None] | None = None) -> AuditReport:
    storage = services.storage

    def record(ev: Event) -> None:
        with services.catalog.session() as s:
            add_events(s, ev.object, [ev.to_dict()])  # the event object is the AIP id = dossier code

    return audit(storage, aip_ids=aip_ids or None, sample=sample, not_checked_since_days=not_checked_since_days,
                 on_event=record, progress=progress, state_path=services.settings.home_dir / "fixity-state.sqlite",
                 repair=repair, work_dir=services.settings.work_dir)


def report_dict(rep: AuditReport) -> dict[str, Any]:
    d = asdict(rep)
    d["ok"] = rep.ok
    d["damaged"] = [a.aip_id for a in rep.damaged]
    d["repaired"] = [a.aip_id for a in rep.repaired]
    d["unrepaired"] = [a.aip_id for a in rep.unrepaired]
    return d
