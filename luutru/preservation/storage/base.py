"""The Storage protocol: where AIPs live.

An AIP is a BagIt bag stored under its id (the dossier code).  ``put_aip`` must be
atomic from a reader's point of view: ``has_aip``/``list_aips`` never show a partial
AIP, whatever crashes half-way.  Backends: ``local`` (directory, rename-based) and
``s3`` (objects + a completion marker written last).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol, runtime_checkable

from luutru.preservation.storage.locks import LockState
from luutru.records.errors import (
    AipNotFound,
    ChecksumMismatch,
    LockedError,
    StorageError,
)

__all__ = ["AipNotFound", "ChecksumMismatch", "LockedError", "Storage", "StorageError", "StoredAip"]


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
