"""Fixity audit: re-read stored AIPs, check every SHA-256, repair from a healthy copy.

Call::

    report = audit([primary, replica], sample=100, state=FixityState(catalog),
                   on_event=catalog.add_event)

For each AIP every location is read once, streaming, and each file hashed.  A copy is
*self-consistent* when its payload matches ``manifest-sha256.txt``, its tag files
match ``tagmanifest-sha256.txt`` and it holds nothing else.  The reference copy is the
self-consistent copy most locations agree with (the primary wins a tie); every copy is
then compared file by file with the reference, so a report names each missing,
mismatched, unreadable or unexpected file and where it is.  Damaged or missing copies
are repaired from the reference (``repair=True``): only bytes that hash to the
recorded SHA-256 are ever written.

Each AIP × location gets one PREMIS ``fixity check`` event, and each repair a
``recovery`` event; they go to ``on_event`` and into the report.

With a ``state`` (:class:`luutru.catalog.fixity_models.FixityState`: tables in the
catalog) the run is resumable — running the same selection again continues where it
stopped — and the last check of every AIP is kept for ``not_checked_since_days``.
"""

from __future__ import annotations

import enum
import json
import os
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

from luutru.packaging.bag import (
    TAGMANIFEST,
    nfc,
)
from luutru.preservation.storage.base import Storage, StorageError
from luutru.preservation.storage.verify import (
    FileProblem,
    ProblemKind,
    Scan,
    compare,
    scan_copy,
    self_check,
    verify_copy,
)
from luutru.records.events import FIXITY_CHECK, REPAIR, Event
from luutru.records.timeutil import iso_vn


class CopyStatus(str, enum.Enum):
    OK = "ok"
    DAMAGED = "damaged"  # some files bad, not repaired
    MISSING = "missing"  # the AIP is not at this location at all
    REPAIRED = "repaired"  # was damaged or missing, now verified good
    REPAIR_FAILED = "repair_failed"


@dataclass(frozen=True)
class CopyResult:
    """One AIP at one location."""

    location: str
    status: CopyStatus
    files: int = 0
    bytes: int = 0
    problems: tuple[FileProblem, ...] = ()  # as found, before any repair
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (CopyStatus.OK, CopyStatus.REPAIRED)


@dataclass(frozen=True)
class AipAudit:
    aip_id: str
    copies: tuple[CopyResult, ...]
    reference: str | None  # location the good copy was taken from; None if no copy was good

    @property
    def ok(self) -> bool:
        """Every location now holds a verified copy."""
        return all(c.ok for c in self.copies)

    @property
    def damaged(self) -> bool:
        """Some location was found damaged or missing (repaired or not)."""
        return any(c.status is not CopyStatus.OK for c in self.copies)


@dataclass(frozen=True)
class AuditReport:
    started: str
    finished: str
    locations: tuple[str, ...]
    aips: tuple[AipAudit, ...]
    events: tuple[Event, ...] = ()
    skipped: tuple[str, ...] = ()  # done earlier in a resumed run
    resumed: bool = False
    bytes_read: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """The bottom line: every audited AIP is whole at every location (after repairs)."""
        return all(a.ok for a in self.aips)

    @property
    def damaged(self) -> tuple[AipAudit, ...]:
        return tuple(a for a in self.aips if a.damaged)

    @property
    def repaired(self) -> tuple[AipAudit, ...]:
        return tuple(a for a in self.aips if a.damaged and a.ok)

    @property
    def unrepaired(self) -> tuple[AipAudit, ...]:
        return tuple(a for a in self.aips if not a.ok)


# -- reading one copy ----------------------------------------------------------------------


def _reference(scans: list[tuple[Storage, Scan]]) -> tuple[Storage, Scan] | None:
    good = [(s, sc) for s, sc in scans if sc.present and not self_check(sc)]
    if not good:
        return None
    votes: dict[str | None, int] = {}
    for _s, sc in good:
        votes[sc.digests.get(TAGMANIFEST)] = votes.get(sc.digests.get(TAGMANIFEST), 0) + 1
    best = max(votes.values())
    for s, sc in good:  # location order breaks ties: the primary first
        if votes[sc.digests.get(TAGMANIFEST)] == best:
            return s, sc
    return None


# -- repairing -----------------------------------------------------------------------------


def _repair(loc: Storage, ref: Storage, aip_id: str, present: bool, problems: list[FileProblem],
            expected: dict[str, str], ref_names: dict[str, str], work_dir: Path | None) -> str:
    """Bring one copy back to the reference; returns a description of what was done."""
    if not present:
        lock = ref.lock_state(aip_id)
        with tempfile.TemporaryDirectory(prefix="luutru-repair-", dir=work_dir) as tmp:
            bag = ref.fetch_aip(aip_id, Path(tmp) / "bag")
            loc.put_aip(aip_id, bag, retain_until=lock.retain_until, legal_hold=lock.legal_hold)
        return f"copied the whole AIP from {ref.url}"
    done = []
    for p in problems:
        key = nfc(p.relpath)
        if p.kind is ProblemKind.UNEXPECTED:
            loc.remove_stray_file(aip_id, p.relpath)
            done.append(f"removed stray {p.relpath}")
            continue
        source_name = ref_names.get(key, p.relpath)
        target = source_name if p.kind is ProblemKind.MISSING else p.relpath
        with ref.open_file(aip_id, source_name) as src:
            loc.repair_file(aip_id, target, src, sha256=expected[key])
        done.append(f"restored {p.relpath}")
    return f"from {ref.url}: " + "; ".join(done)


def _event(etype: str, aip_id: str, loc: str, outcome: str, detail: str, **extra: object) -> Event:
    return Event(etype, aip_id, outcome, detail, {"location": loc, **extra})


def audit_aip(
    locations: Sequence[Storage],
    aip_id: str,
    *,
    repair: bool = True,
    work_dir: Path | None = None,
) -> tuple[AipAudit, list[Event], int]:
    """Audit (and repair) one AIP at every location; returns (result, events, bytes read)."""
    scans = [(s, scan_copy(s, aip_id)) for s in locations]
    read = sum(sc.bytes for _s, sc in scans)
    ref = _reference(scans)
    events: list[Event] = []
    copies: list[CopyResult] = []
    expected: dict[str, str] = {}
    if ref is not None:
        expected = {k: d for k, d in ref[1].digests.items() if d is not None}
    for storage, scan in scans:
        if not scan.present:
            problems: list[FileProblem] = []
            status = CopyStatus.MISSING
            detail = scan.error or f"AIP {aip_id} is missing at {storage.url}"
        else:
            problems = compare(scan, expected, set()) if ref is not None else self_check(scan)
            status = CopyStatus.DAMAGED if problems else CopyStatus.OK
            detail = (f"{len(scan.digests)} files verified" if not problems
                      else f"{len(problems)} damaged file(s): " + ", ".join(
                          f"{p.relpath} ({p.kind.value})" for p in problems[:10]))
        events.append(_event(
            FIXITY_CHECK, aip_id, storage.url, "success" if status is CopyStatus.OK else "failure", detail,
            files=len(scan.digests), bytes=scan.bytes, problems=[p.to_dict() for p in problems],
        ))
        error = ""
        if status is not CopyStatus.OK and repair and ref is not None and storage is not ref[0]:
            try:
                what = _repair(storage, ref[0], aip_id, scan.present, problems, expected, ref[1].names, work_dir)
                after = verify_copy(storage, aip_id, expected)
                if after:
                    status, error = CopyStatus.REPAIR_FAILED, "still damaged after repair: " + ", ".join(
                        f"{p.relpath} ({p.kind.value})" for p in after[:10])
                else:
                    status = CopyStatus.REPAIRED
                events.append(_event(REPAIR, aip_id, storage.url,
                                     "success" if status is CopyStatus.REPAIRED else "failure",
                                     what if not error else f"{what}; {error}", source=ref[0].url))
            except StorageError as e:
                status, error = CopyStatus.REPAIR_FAILED, str(e)
                events.append(_event(REPAIR, aip_id, storage.url, "failure", f"repair failed: {e}",
                                     source=ref[0].url))
        elif status is not CopyStatus.OK and ref is None:
            error = "no location holds a copy that matches its manifests; nothing to repair from"
        copies.append(CopyResult(storage.url, status, len(scan.digests), scan.bytes, tuple(problems), error))
    return AipAudit(aip_id, tuple(copies), ref[0].url if ref else None), events, read


# -- state (resumability, last checks) -------------------------------------------------------


class AuditState(Protocol):
    """Where runs and last checks are kept (the catalog: ``FixityState``)."""

    def open_run(self, selection: str, plan: Callable[[], list[str]]) -> tuple[str, list[str], set[str], bool]:
        """(run id, planned ids, ids already done, resumed?) for this selection."""

    def mark_done(self, run_id: str, aip_id: str, ok: bool) -> None: ...

    def finish(self, run_id: str) -> None: ...

    def not_checked_since(self, ids: Iterable[str], days: int) -> list[str]: ...


# -- the audit -----------------------------------------------------------------------------


def _locations(locations: Sequence[Storage] | Storage) -> list[Storage]:
    if isinstance(locations, Storage):  # a backend, or a wrapper over several locations
        return list(locations.locations)
    return list(locations)


def _plan(locs: list[Storage], explicit: list[str] | None, days: int | None, sample: int | None,
          seed: int | None, state: AuditState | None) -> list[str]:
    """The AIP ids a new run checks, in order."""
    if explicit is not None:
        ids = explicit
    else:
        found: set[str] = set()
        for s in locs:
            found.update(s.list_aips())
        ids = sorted(found)
    if days is not None and state is not None:
        ids = state.not_checked_since(ids, days)
    if sample is not None and sample < len(ids):
        ids = sorted(random.Random(seed).sample(ids, sample))
    return ids


def audit(
    locations: Sequence[Storage] | Storage,
    *,
    aip_ids: Iterable[str] | None = None,
    sample: int | None = None,
    not_checked_since_days: int | None = None,
    on_event: Callable[[Event], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    state: AuditState | None = None,
    repair: bool = True,
    work_dir: Path | None = None,
    seed: int | None = None,
) -> AuditReport:
    """Audit stored AIPs at every location; repair damaged copies from a healthy one.

    Selection: ``aip_ids`` (explicit), else every AIP found at any location, narrowed
    to those not checked for ``not_checked_since_days`` (needs ``state``) and/or
    to a random ``sample`` of that many.  ``progress(done, total, aip_id)`` is called
    after each AIP; ``on_event`` receives every PREMIS event as it happens.
    """
    locs = _locations(locations)
    if not locs:
        raise StorageError("audit needs at least one storage location")
    if not_checked_since_days is not None and state is None:
        raise StorageError("not_checked_since_days needs a state (the catalog, where the last checks are kept)")
    if sample is not None and sample < 0:
        raise StorageError(f"sample must be a positive number of AIPs, not {sample}")
    started, t0 = iso_vn(), time.monotonic()
    explicit = sorted(set(aip_ids)) if aip_ids is not None else None

    def plan() -> list[str]:
        return _plan(locs, explicit, not_checked_since_days, sample, seed, state)

    selection = json.dumps({"ids": explicit, "sample": sample, "days": not_checked_since_days,
                            "locations": [s.url for s in locs]}, sort_keys=True)
    run_id, ids, done, resumed = state.open_run(selection, plan) if state is not None else ("", plan(), set(), False)
    results: list[AipAudit] = []
    events: list[Event] = []
    read = 0
    todo = [i for i in ids if i not in done]
    with ThreadPoolExecutor(max(1, min(os.cpu_count() or 1, len(todo)))) as pool:  # reads and hashes release the GIL
        found = pool.map(lambda aip_id: audit_aip(locs, aip_id, repair=repair, work_dir=work_dir), todo)
        for n, (aip_id, (result, evs, nbytes)) in enumerate(zip(todo, found), 1):  # recorded here, in order
            for ev in evs:
                events.append(ev)
                if on_event is not None:
                    on_event(ev)
            results.append(result)
            read += nbytes
            if state is not None:
                state.mark_done(run_id, aip_id, result.ok)
            if progress is not None:
                progress(len(done) + n, len(ids), aip_id)
    if state is not None:
        state.finish(run_id)
    return AuditReport(started=started, finished=iso_vn(), locations=tuple(s.url for s in locs),
                       aips=tuple(results), events=tuple(events), skipped=tuple(i for i in ids if i in done),
                       resumed=resumed, bytes_read=read, seconds=time.monotonic() - t0)
