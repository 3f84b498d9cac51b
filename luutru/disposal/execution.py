"""Execution: destroy every dossier of an approved list, irreversibly and resumably.

Per dossier, each step persisted (``disposal_items.steps``) before the next:

1. last check (hold, lock, transfer): a dossier that fails it is *withheld*;
2. ``key_destroyed`` — its data key: from here no copy anywhere (replica, backup, old
   object version) can be decrypted;
3. ``storage`` — the AIP at every location, every object version;
4. ``index_removed`` — its search entries;
5. ``catalog_removed`` + ``tombstone_written`` — catalog rows out (SQLite
   ``secure_delete``) and the tombstone in, one transaction.

Then, for the list: the search index rebuilt from storage, the minutes stored, the
catalog compacted.  A crash at any point leaves the list ``executing`` and the dossier
``destroying`` with its finished steps; ``resume`` (the same function) finishes the
rest.  Fault-injection checkpoints: ``destroy_after_key``, ``destroy_after_storage``,
``destroy_after_index``, ``destroy_after_catalog``, ``destroy_after_index_purge``,
``destroy_after_minutes``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select

import luutru.catalog.index_retries as index_retries
import luutru.catalog.models as m
import luutru.disposal.lifecycle as lc
from luutru.catalog.disposal_models import DisposalItem, DisposalList
from luutru.catalog.records import delete_dossier_rows
from luutru.disposal.common import (
    check_actor,
    denials_recorded,
    get_list,
    locations,
    record_event,
)
from luutru.disposal.compaction import compact_catalog, purge_index, secure_delete
from luutru.disposal.eligibility import check_dossier
from luutru.disposal.listing import show
from luutru.disposal.minutes import store_minutes
from luutru.disposal.proposal import parties, snapshot
from luutru.disposal.tombstone import link_minutes, write_tombstone
from luutru.preservation.audit_anchor import anchor_quietly
from luutru.records.status import DisposalItemState, DisposalListStatus
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import FaultInjected, Services

log = logging.getLogger(__name__)


@dataclass
class ExecutionReport:
    list_id: str
    status: str
    destroyed: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)
    minutes_aip_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == DisposalListStatus.EXECUTED

    def to_dict(self) -> dict[str, Any]:
        return {"list_id": self.list_id, "status": self.status, "destroyed": self.destroyed,
                "withheld": self.withheld, "minutes_aip_id": self.minutes_aip_id, "error": self.error}


def execute(services: Services, list_id: str, *, actor: str) -> ExecutionReport:
    """Destroy every dossier of an approved list, step by step; also resumes an interrupted run."""
    actor = check_actor(actor)
    with denials_recorded(services, actor, "execute", list_id):
        item_ids = _start(services, list_id, actor)
    if item_ids is None:
        return report(services, list_id)
    try:
        for item_id in item_ids:
            destroy_item(services, list_id, item_id, actor)
        _finish_list(services, list_id, actor)
        anchor_quietly(services)  # the destruction's trail is fixed outside the database at once
    except FaultInjected:
        raise
    except Exception as e:  # noqa: BLE001 - recorded on the list; resume continues from the saved steps
        log.exception("disposal %s failed", list_id)
        with services.catalog.session() as s:
            lst = get_list(s, list_id)
            lst.last_error = f"{type(e).__name__}: {e}"[:4000]
            record_event(s, "execution_failed", actor, list_id=list_id, error=lst.last_error)
    return report(services, list_id)


resume = execute


def _start(services: Services, list_id: str, actor: str) -> list[int] | None:
    """Move the list to ``executing``; its item ids, or None when it was already executed."""
    with services.catalog.session() as s:
        lst = get_list(s, list_id)
        state = DisposalListStatus(lst.status)
        if state is DisposalListStatus.EXECUTED:
            return None
        new = lc.execute(list_id, state, actor, parties(s, lst))
        first = state is DisposalListStatus.APPROVED
        if first:
            lst.executed_by, lst.executed_at = actor, iso_vn()
        lst.status, lst.last_error = new.value, None
        record_event(s, "execution_started" if first else "execution_resumed", actor, list_id=list_id)
        return [i.id for i in s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id)
                                        .order_by(DisposalItem.id))]


def report(services: Services, list_id: str) -> ExecutionReport:
    """Where the execution of a list stands."""
    with services.catalog.session() as s:
        lst = get_list(s, list_id)
        rep = ExecutionReport(list_id, lst.status, minutes_aip_id=lst.minutes_aip_id, error=lst.last_error)
        for it in s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id).order_by(DisposalItem.id)):
            if it.state == DisposalItemState.DESTROYED:
                rep.destroyed.append(it.dossier_code)
            elif it.state == DisposalItemState.WITHHELD:
                rep.withheld[it.dossier_code] = it.note or ""
        return rep


def _step(services: Services, item_id: int, name: str, value: Any, actor: str, list_id: str, code: str) -> None:
    """Persist one finished step (its own transaction) and record it as an event."""
    with services.catalog.session() as s:
        it = s.get(DisposalItem, item_id)
        assert it is not None
        it.steps = {**(it.steps or {}), name: value}
        record_event(s, f"destroy:{name}", actor, list_id=list_id, dossier=code, value=value)


def _begin(services: Services, list_id: str, item_id: int, actor: str) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """Last look before anything irreversible; ``(code, steps, snapshot)`` to go on, None when done or withheld.

    A hold, a lock or a missing receipt that appeared after approval withholds the
    dossier (it stays on record); otherwise the snapshot is completed with what storage
    says (manifest hashes per location, encrypted or not) and the item is ``destroying``.
    """
    with services.catalog.session() as s:
        it = s.get(DisposalItem, item_id)
        assert it is not None
        code, state, steps, snap = it.dossier_code, DisposalItemState(it.state), dict(it.steps or {}), dict(it.snapshot or {})
        if lc.item_done(state):
            return None
        if state is DisposalItemState.PENDING:
            problems = check_dossier(services, s, code, list_id=list_id)
            if problems:
                it.state = lc.item(code, state, lc.ItemAction.WITHHOLD).value
                it.note = "; ".join(f"{p.code}: {p.message_en}" for p in problems)
                record_event(s, "withheld", actor, list_id=list_id, dossier=code,
                             findings=[p.to_dict() for p in problems])
                return None
            d = s.get(m.Dossier, code)
            assert d is not None
            snap.update(snapshot(d))
            snap["stored_manifest_sha256"] = services.storage.stored_manifest_sha256(d.aip_id)
            snap["encrypted"] = services.storage.is_encrypted(d.aip_id)
            it.snapshot = snap
            it.state = lc.item(code, state, lc.ItemAction.START).value
            record_event(s, "destruction_started", actor, list_id=list_id, dossier=code)
    return code, steps, snap


def destroy_item(services: Services, list_id: str, item_id: int, actor: str) -> None:
    """Every step for one dossier, skipping those already done."""
    begun = _begin(services, list_id, item_id, actor)
    if begun is None:
        return
    code, steps, snap = begun
    aip_id = snap["aip_id"]
    if "key_destroyed" not in steps:
        if snap.get("encrypted"):
            services.storage.destroy_key(aip_id, reason=f"tiêu hủy theo danh mục {list_id}", actor=actor)
            value: Any = iso_vn()
        else:
            value = "not encrypted: deletion only"
        _step(services, item_id, "key_destroyed", value, actor, list_id, code)
    services.checkpoint("destroy_after_key")
    _delete_copies(services, item_id, aip_id, dict(steps.get("storage") or {}), actor, list_id, code)
    services.checkpoint("destroy_after_storage")
    if "index_removed" not in steps:
        services.index.delete_dossier(code)  # residue in old segments goes with the rebuild at the end
        _step(services, item_id, "index_removed", iso_vn(), actor, list_id, code)
    services.checkpoint("destroy_after_index")
    if "catalog_removed" not in steps:
        _remove_from_catalog(services, list_id, item_id, snap, actor)
    services.checkpoint("destroy_after_catalog")


def _delete_copies(services: Services, item_id: int, aip_id: str, done: dict[str, Any], actor: str, list_id: str,
                   code: str) -> None:
    """Every object version at every storage location, each location recorded when done."""
    for loc in locations(services):
        if loc.url in done:
            continue
        if loc.has_aip(aip_id):
            loc.delete_aip(aip_id, all_versions=True)
        done[loc.url] = iso_vn()
        _step(services, item_id, "storage", dict(done), actor, list_id, code)
    services.storage.forget_cached(aip_id)


def _remove_from_catalog(services: Services, list_id: str, item_id: int, snap: dict[str, Any], actor: str) -> None:
    """Catalog rows out, tombstone in, item ``destroyed``: one transaction."""
    with services.catalog.session() as s:
        secure_delete(s)
        lst = get_list(s, list_id)
        it = s.get(DisposalItem, item_id)
        assert it is not None
        code = it.dossier_code
        delete_dossier_rows(s, code)
        s.execute(delete(m.Event).where(m.Event.dossier_code == code))
        index_retries.drop(s, code)
        now = iso_vn()
        write_tombstone(s, lst, it, snap, actor=actor, at=now)
        it.steps = {**(it.steps or {}), "catalog_removed": now, "tombstone_written": now}
        it.state = lc.item(code, DisposalItemState(it.state), lc.ItemAction.FINISH).value
        record_event(s, "destroyed", actor, list_id=list_id, dossier=code, manifest_sha256=snap.get("manifest_sha256"))


def _list_step(services: Services, list_id: str, name: str, value: Any, actor: str) -> None:
    with services.catalog.session() as s:
        lst = get_list(s, list_id)
        lst.steps = {**(lst.steps or {}), name: value}
        record_event(s, f"list:{name}", actor, list_id=list_id, value=value)


def _finish_list(services: Services, list_id: str, actor: str) -> None:
    """The list's own steps: index rebuilt, minutes stored, catalog compacted; then ``executed``."""
    with services.catalog.session() as s:
        steps = dict(get_list(s, list_id).steps or {})
        destroyed = s.scalar(select(func.count()).select_from(DisposalItem).where(
            DisposalItem.list_id == list_id, DisposalItem.state == DisposalItemState.DESTROYED.value)) or 0
    if "index_purged" not in steps:
        if destroyed:
            purge_index(services)
        _list_step(services, list_id, "index_purged", iso_vn() if destroyed else "nothing destroyed", actor)
    services.checkpoint("destroy_after_index_purge")
    if "minutes_stored" not in steps:
        _store_minutes(services, list_id, actor)
    services.checkpoint("destroy_after_minutes")
    if "catalog_compacted" not in steps:
        _list_step(services, list_id, "catalog_compacted", compact_catalog(services), actor)
    with services.catalog.session() as s:
        lst = get_list(s, list_id)
        lst.status = lc.finish(list_id, DisposalListStatus(lst.status)).value
        record_event(s, "executed", actor, list_id=list_id, minutes=lst.minutes_aip_id)


def _store_minutes(services: Services, list_id: str, actor: str) -> None:
    with services.catalog.session() as s:
        lst = get_list(s, list_id)
        if not lst.minutes_aip_id:
            lst.minutes_aip_id = _minutes_id(s, lst)
        minutes_id = lst.minutes_aip_id
    store_minutes(services, show(services, list_id), minutes_id)
    with services.catalog.session() as s:
        link_minutes(s, list_id, minutes_id)
    _list_step(services, list_id, "minutes_stored", minutes_id, actor)


def _minutes_id(s: Any, lst: DisposalList) -> str:
    prefix = f"BBH-{lst.agency_code}-{now_vn().strftime('%Y%m%d')}-"
    taken = set(s.scalars(select(DisposalList.minutes_aip_id).where(DisposalList.minutes_aip_id.like(prefix + "%"))))
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
