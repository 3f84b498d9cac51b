"""The Storage protocol: where AIPs live.

An AIP is a BagIt bag stored under its id (the dossier code).  ``put_aip`` must be
atomic from a reader's point of view: ``has_aip``/``list_aips`` never show a partial
AIP, whatever crashes half-way.  Backends: ``local`` (directory, rename-based) and
``s3`` (objects + a completion marker written last); wrappers: ``replicated`` (every
AIP at every location) and ``encrypted`` (fixed-term AIPs under a per-AIP key).

Backends and wrappers implement the whole protocol, so callers never probe for a
method (no ``getattr``/``hasattr``): what only a wrapper really does has a plain
answer in a backend (:class:`PlainBackend`: one location, nothing encrypted, no key
to destroy — that one raises :class:`StorageError` saying so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Protocol, runtime_checkable

from luutru.packaging.bag import MANIFEST, bag_files, encode_path, sha256_stream
from luutru.packaging.ocfl import REVISIONS
from luutru.preservation.storage.locks import LockState
from luutru.records.errors import (
    AipNotFound,
    ChecksumMismatch,
    LockedError,
    StorageError,
)

__all__ = ["check_record_name", "AipNotFound", "ChecksumMismatch", "LockedError", "PlainBackend", "Storage", "StorageError",
           "StoredAip", "manifest_bytes", "revision_prefix", "revision_sources", "stored_manifest_sha256"]


@dataclass(frozen=True)
class StoredAip:
    aip_id: str
    location: str  # URL of the stored AIP
    files: int
    bytes: int


@runtime_checkable
class Storage(Protocol):
    url: str

    def put_aip(
        self,
        aip_id: str,
        bag_dir: Path,
        *,
        retain_until: date | None = None,
        legal_hold: bool = False,
    ) -> StoredAip:
        """Store a complete bag atomically, checking every SHA-256 against its manifest.

        Raises StorageError if ``aip_id`` exists.  ``retain_until`` (a date, Vietnam
        time, inclusive) and ``legal_hold`` protect it from deletion.
        """

    def has_aip(self, aip_id: str) -> bool: ...

    def list_aips(self) -> Iterator[str]:
        """Ids of complete AIPs only."""

    def list_files(self, aip_id: str) -> Iterator[str]:
        """Relative paths (POSIX) of every file of the bag, tag files included."""

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        """Stream one file of an AIP."""

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        """Copy the whole bag into ``dest`` (a new directory) and return it."""

    def delete_aip(self, aip_id: str, *, all_versions: bool = True) -> None:
        """Remove an AIP; raises :class:`LockedError` before its date or under a hold.

        ``all_versions`` also removes older object versions where the backend keeps
        them, so that the destroyed information is not recoverable.
        """

    def lock_state(self, aip_id: str) -> LockState:
        """Current retention date and hold of an AIP."""

    def extend_retention(self, aip_id: str, until: date) -> LockState:
        """Move the retention date later (never earlier: raises LockedError)."""

    def set_hold(self, aip_id: str, on: bool) -> LockState:
        """Put or lift a legal/disposal hold; a hold blocks deletion regardless of dates."""

    def repair_file(self, aip_id: str, relpath: str, src: BinaryIO, *, sha256: str) -> None:
        """Replace one damaged or missing file of a stored AIP with good bytes.

        The bytes are hashed while written and refused unless they match ``sha256``,
        so a repair can only restore the recorded content, never change it.
        """

    def remove_stray_file(self, aip_id: str, relpath: str) -> None:
        """Hide/remove a file that is not part of the bag (found by a fixity audit)."""

    def add_revision(self, aip_id: str, version: int, src_dir: Path) -> None:
        """Store the files of ``src_dir`` as ``revisions/v<version>/`` of a stored AIP.

        New objects only (nothing of the AIP is overwritten; under object lock they get the
        AIP's retention and hold); refused when that revision already exists.  The backend
        writes ``revisions/v<version>/manifest-sha256.txt`` (SHA-256 of the stored bytes)
        last: only then the revision counts (:mod:`luutru.packaging.ocfl`).
        """

    # -- what wrappers add; a backend answers for itself (see PlainBackend) ----------------

    @property
    def locations(self) -> "list[Storage]":
        """The physical locations holding the stored bytes (fixity audits and destruction
        work on each); a backend is its own one location."""

    def list_all_aips(self) -> Iterator[str]:
        """AIPs held at any location (``list_aips`` lists those complete everywhere)."""

    def is_encrypted(self, aip_id: str) -> bool:
        """Whether the stored AIP is encrypted under a key of its own."""

    def destroy_key(self, aip_id: str, *, reason: str, actor: str) -> None:
        """Destroy the AIP's data key (irreversible destruction); StorageError without one."""

    def stored_manifest_sha256(self, aip_id: str) -> dict[str, str]:
        """SHA-256 of the stored ``manifest-sha256.txt`` at every location holding the AIP."""

    def forget_cached(self, aip_id: str) -> None:
        """Drop whatever is cached about the AIP (after it was deleted location by location,
        or a refused transfer's staged ciphertext and in-memory key)."""

    def prepare_aip(self, aip_id: str, bag_dir: Path) -> None:
        """Do now, before the transfer is accepted, what ``put_aip`` of this sealed bag can
        do without storing anything (encrypt it); a no-op for storages that store bags as given."""

    def encrypt_staged(self, aip_id: str, relpath: str, src: Path, cipher_dir: Path,
                       progress: Callable[[int], None] | None = None) -> tuple[str, int] | None:
        """Encrypt a fixed-term record's staged plaintext into ``cipher_dir`` in the pass
        that hashes it; its (sha256, bytes), or None where the AIP is not stored encrypted
        (the caller hashes it itself).  ``put_aip`` then uses that ciphertext."""

    def sweep_incoming(self) -> int:
        """Remove leftovers of interrupted writes (only when no ingest runs); how many."""

    # -- records: small write-once objects beside the AIPs (audit-trail anchors) ---------

    def put_record(self, name: str, data: bytes, *, retain_until: date | None = None) -> None:
        """Write a small object once (StorageError if ``name`` exists), under retention
        until ``retain_until`` where the backend locks objects."""

    def get_record(self, name: str) -> bytes | None:
        """The bytes of record ``name``, or None when there is none."""

    def list_records(self, prefix: str) -> Iterator[str]:
        """Names of the records starting with ``prefix``, sorted."""


def revision_prefix(version: int) -> str:
    if version < 2:
        raise StorageError(f"revision {version}: revision 1 is the ingested bag; new revisions start at 2")
    return f"{REVISIONS}/v{version}/"


def revision_sources(src_dir: Path) -> list[str]:
    """Files of a revision to store (POSIX, relative to ``src_dir``), the stored manifest excepted."""
    return [r for r in bag_files(src_dir) if r != MANIFEST]


def manifest_bytes(hashes: dict[str, str]) -> bytes:
    """A SHA-256 manifest in the BagIt format, paths relative to the revision directory."""
    return "".join(f"{d}  {encode_path(rel)}\n" for rel, d in sorted(hashes.items())).encode("utf-8")


def stored_manifest_sha256(locations: "list[Storage]", aip_id: str) -> dict[str, str]:
    """SHA-256 of the stored manifest at each of ``locations`` that holds the AIP."""
    out = {}
    for loc in locations:
        if loc.has_aip(aip_id):
            with loc.open_file(aip_id, MANIFEST) as f:
                out[loc.url] = sha256_stream(f)[0]
    return out


_RECORD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}(/[A-Za-z0-9][A-Za-z0-9._-]{0,199}){0,3}")


def check_record_name(name: str) -> str:
    """A record name: slash-separated plain parts (no ``..``, no leading dot or slash)."""
    if not _RECORD_NAME.fullmatch(name) or ".." in name:
        raise StorageError(f"invalid record name: {name!r}")
    return name


class PlainBackend:
    """The wrapper-level answers of one plain location (mixed into ``local`` and ``s3``)."""

    url: str

    @property
    def locations(self) -> list[Storage]:
        return [self]  # type: ignore[list-item]

    def list_all_aips(self) -> Iterator[str]:
        return self.list_aips()  # type: ignore[attr-defined,no-any-return]

    def is_encrypted(self, aip_id: str) -> bool:
        return False

    def prepare_aip(self, aip_id: str, bag_dir: Path) -> None:
        return None  # stored as given: nothing to prepare

    def destroy_key(self, aip_id: str, *, reason: str, actor: str) -> None:
        raise StorageError(f"AIP {aip_id} at {self.url} is stored unencrypted: it has no key to destroy; "
                           "delete every copy instead (delete_aip with all_versions=True)")

    def stored_manifest_sha256(self, aip_id: str) -> dict[str, str]:
        return stored_manifest_sha256(self.locations, aip_id)

    def forget_cached(self, aip_id: str) -> None:
        return None  # nothing is cached

    def encrypt_staged(self, aip_id: str, relpath: str, src: Path, cipher_dir: Path,
                       progress: Callable[[int], None] | None = None) -> tuple[str, int] | None:
        return None  # stored as given
