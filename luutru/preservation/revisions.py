"""Writing new revisions of a stored AIP (OCFL versions, see :mod:`luutru.packaging.ocfl`).

Every change after ingest goes through :func:`write_revision`: events recorded later
(fixity checks, transfer confirmations), metadata corrections, preservation copies.
Revision 1 (the ingested bag) and every earlier revision stay as they are; a revision
adds new objects only, so it works under object lock, and an encrypted AIP's revisions
are encrypted under the AIP's own key (destroying it destroys every revision).

``premis.json`` of each revision holds *all* events so far, so ``reindex`` restores
every event from the newest revision alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from pathlib import Path
from typing import Any, Iterable

from luutru.packaging.ocfl import (
    INVENTORY,
    REVISIONS,
    SIDECAR,
    FileDigests,
    RevisionReader,
    digests,
    first_inventory,
    inventory_bytes,
    next_inventory,
    sidecar_bytes,
)
from luutru.packaging.sip.aip_xml import METS_PATH
from luutru.preservation.revision_xml import (  # noqa: F401 (re-exported)
    DOCUMENTS_JSON,
    DOSSIER_JSON,
    PREMIS_JSON,
    xml_changes,
)
from luutru.preservation.storage.base import Storage, StorageError
from luutru.records.timeutil import iso_vn

log = logging.getLogger(__name__)

ATTEMPTS = 3  # a concurrent writer took the same revision number: read again and retry


def json_bytes(obj: Any) -> bytes:
    """The JSON form of AIP metadata files (as :class:`luutru.preservation.aip.AipBuilder` writes them)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8")


def reader(storage: Storage, aip_id: str) -> RevisionReader:
    def raw(rel: str) -> bytes:
        with storage.open_file(aip_id, rel) as fh:
            return fh.read()

    return RevisionReader(raw, storage.list_files(aip_id))


def _stream_digests(storage: Storage, aip_id: str, rel: str) -> FileDigests:
    h512, h256, n = hashlib.sha512(), hashlib.sha256(), 0
    with storage.open_file(aip_id, rel) as fh:
        while chunk := fh.read(1024 * 1024):
            h512.update(chunk)
            h256.update(chunk)
            n += len(chunk)
    return FileDigests(h512.hexdigest(), h256.hexdigest(), n)


def _bag_inventory(storage: Storage, aip_id: str, names: Iterable[str]) -> dict[str, Any]:
    """Revision 1 as an OCFL version: every file of the ingested bag, read once (SHA-512)."""
    files = {rel: _stream_digests(storage, aip_id, rel) for rel in names if not rel.startswith("revisions/")}
    with storage.open_file(aip_id, DOSSIER_JSON) as fh:
        created = (json.loads(fh.read()).get("_service") or {}).get("ingested_at") or iso_vn()
    return first_inventory(aip_id, files, created)


def _xml_for(storage: Storage, aip_id: str, revs: RevisionReader, prev: dict[str, Any],
             changes: dict[str, bytes | None]) -> dict[str, bytes]:
    """The METS/EAD/PREMIS files the revision rewrites (:mod:`.revision_xml`)."""
    head = prev["versions"][prev["head"]]["state"]
    state = {p: digest for digest, paths in head.items() for p in paths}
    stored = revs.paths() if revs.inventory is not None else {p: p for p in state}
    return xml_changes(state, changes, revs.read, lambda p: _stream_digests(storage, aip_id, stored[p]))


def write_revision(storage: Storage, aip_id: str, changes: dict[str, bytes | None], *, message: str, user: str,
                   work_dir: Path | None = None, version: int | None = None) -> int:
    """Store ``changes`` (logical path → new bytes, None removes) as the next revision; its number.

    ``version``: exactly this revision or a :class:`StorageError` (for changes that name
    their own stored paths, see :func:`luutru.packaging.ocfl.planned_path`).
    """
    if not changes:
        raise ValueError("a revision needs at least one change")
    for attempt in range(ATTEMPTS):
        names = list(storage.list_files(aip_id))
        revs = reader(storage, aip_id)
        n = revs.head + 1
        if version is not None and version != n:
            raise StorageError(f"AIP {aip_id} is at revision v{revs.head}: revision v{version} cannot be written now")
        prev = revs.inventory or _bag_inventory(storage, aip_id, names)
        changes = {**changes, **_xml_for(storage, aip_id, revs, prev, changes)}
        inv, to_store = next_inventory(prev, {p: (digests(b) if b is not None else None) for p, b in changes.items()},
                                       created=iso_vn(), message=message, user=user)
        if work_dir is not None:
            work_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="luutru-rev-", dir=work_dir) as tmp:
            root = Path(tmp)
            for path in to_store:
                target = root / "content" / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(changes[path] or b"")
            data = inventory_bytes(inv)
            (root / INVENTORY).write_bytes(data)
            (root / SIDECAR).write_bytes(sidecar_bytes(data))
            try:
                storage.add_revision(aip_id, n, root)
                return n
            except StorageError as e:
                if attempt == ATTEMPTS - 1 or version is not None:
                    raise
                log.info("revision v%d of %s not written (%s); reading again", n, aip_id, e)
    raise AssertionError("unreachable")


def append_events(storage: Storage, aip_id: str, events: list[dict[str, Any]], *, message: str, user: str,
                  work_dir: Path | None = None, extra: dict[str, bytes] | None = None,
                  version: int | None = None) -> int | None:
    """Write events (PREMIS, as dicts) into a new revision's ``premis.json``; None if all are there.

    ``extra``: other logical files changed in the same revision (a correction, a new copy).
    """
    revs = reader(storage, aip_id)
    current: list[dict[str, Any]] = json.loads(revs.read(PREMIS_JSON))
    known = {e.get("event_id") for e in current}
    new = [e for e in events if e.get("event_id") not in known]
    if not new and not extra:
        return None
    changes: dict[str, bytes | None] = dict(extra or {})
    changes[PREMIS_JSON] = json_bytes(current + new)
    return write_revision(storage, aip_id, changes, message=message, user=user, work_dir=work_dir, version=version)


def xml_revision(revs: RevisionReader) -> int:
    """The revision whose content holds the head's ``data/METS.xml`` (1 until a revision rewrites it)."""
    if revs.inventory is None:
        return 1
    stored = revs.paths().get(METS_PATH, "")
    if stored.startswith(REVISIONS + "/v"):
        return int(stored.split("/")[1][1:])
    return 1


def history(storage: Storage, aip_id: str) -> list[dict[str, Any]]:
    """Every revision of an AIP: number, created, message, user."""
    return reader(storage, aip_id).versions()
