"""The Storage protocol: where AIPs live.

An AIP is a BagIt bag stored under its id (the dossier code).  ``put_aip`` must be
atomic from a reader's point of view: ``has_aip``/``list_aips`` never show a partial
AIP, whatever crashes half-way.  Backends: ``local`` (directory, rename-based) and
``s3`` (objects + a completion marker written last).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol, runtime_checkable


class StorageError(Exception):
    """A storage operation failed; the message says what to check."""


class AipNotFound(StorageError):
    pass


@dataclass(frozen=True)
class StoredAip:
    aip_id: str
    location: str  # URL of the stored AIP
    files: int
    bytes: int


@runtime_checkable
class Storage(Protocol):
    url: str

    def put_aip(self, aip_id: str, bag_dir: Path) -> StoredAip:
        """Store a complete bag atomically. Raises StorageError if ``aip_id`` exists."""

    def has_aip(self, aip_id: str) -> bool: ...

    def list_aips(self) -> Iterator[str]:
        """Ids of complete AIPs only."""

    def list_files(self, aip_id: str) -> Iterator[str]:
        """Relative paths (POSIX) of every file of the bag, tag files included."""

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        """Stream one file of an AIP."""

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        """Copy the whole bag into ``dest`` (a new directory) and return it."""

    def delete_aip(self, aip_id: str) -> None:
        """Remove an AIP (respecting locks/holds where the backend has them)."""
