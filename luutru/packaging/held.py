"""Bag files held in memory instead of the scratch disk, until storage encrypts them.

Why: a fixed-term dossier is stored encrypted, so its metadata, full-text and tag files
were written in clear to the scratch bag, read back, encrypted into files of their own
and deleted: about 40 files created and deleted per dossier of ten documents.  On a
file system that keeps no journal (as on the benchmark machine), ext4 skips recently
deleted inodes when it allocates a new one, so that churn cost more kernel time than
the work itself (issue 17: 6–9 s of system time per 1,000 signed PDFs).  A held file is
written once, as ciphertext, by :func:`luutru.preservation.storage.bag_cipher.encrypt_bag`.

A held bag is its folder on disk (the originals, linked for the checks, and any file
too large to hold) plus the files registered here under that folder's path.  Only the
encrypting storage reads it that way; any other reader calls :func:`materialise` first,
which writes the files out, so a bag never looks incomplete to code that reads folders.

Memory is bounded twice: a bag holds at most :data:`BAG_LIMIT` bytes (a larger file goes
to disk as before), and the process at most :data:`TOTAL_LIMIT` (a bag that does not fit
is written to disk whole).  Entries are dropped with their scratch (:func:`release`,
:func:`release_under`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

#: Bytes one bag may hold in memory; a file that would pass it is written to disk.
BAG_LIMIT = 8 << 20
#: Bytes every held bag of the process may hold together (peak RSS goal: < 300 MiB).
TOTAL_LIMIT = 64 << 20

_lock = threading.Lock()
_held: dict[str, "HeldBag"] = {}
_total = 0


@dataclass
class HeldBag:
    """The files of one sealed bag kept in memory, and every digest its manifests give."""

    files: dict[str, bytes]  # bag-relative POSIX path → content
    digests: dict[str, str] = field(default_factory=dict)  # nfc(path) → sha256, payload and tags

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.files.values())


def _key(root: Path | str) -> str:
    return os.path.abspath(root)


def hold(root: Path, bag: HeldBag) -> bool:
    """Register ``bag`` as the in-memory part of the bag at ``root``; False (nothing held)
    when the process's budget has no room for it: the caller writes it to disk."""
    global _total
    k, n = _key(root), bag.size
    with _lock:
        old = _held.get(k)
        room = TOTAL_LIMIT - _total + (old.size if old is not None else 0)
        if n > room:
            return False
        if old is not None:
            _total -= old.size
        _held[k] = bag
        _total += n
    return True


def held_bag(root: Path | str) -> HeldBag | None:
    """The in-memory part of the bag at ``root``, if it has one."""
    with _lock:
        return _held.get(_key(root))


def release(root: Path | str) -> None:
    """Forget the bag at ``root`` (its scratch is being removed)."""
    global _total
    with _lock:
        old = _held.pop(_key(root), None)
        if old is not None:
            _total -= old.size


def release_under(folder: Path | str) -> None:
    """Forget every bag inside ``folder`` (a transfer's scratch space)."""
    prefix = _key(folder) + os.sep
    with _lock:
        keys = [k for k in _held if k.startswith(prefix)]
    for k in keys:
        release(k)


def read_file(root: Path | str, rel: str) -> bytes:
    """A file of the bag at ``root``: held in memory, else on disk (OSError if neither)."""
    bag = held_bag(root)
    if bag is not None and rel in bag.files:
        return bag.files[rel]
    return (Path(root) / rel).read_bytes()


def held_bytes() -> int:
    """Bytes held by the process now (for tests and the benchmark)."""
    with _lock:
        return _total


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (bag-relative paths) under ``root``, one mkdir per folder."""
    made: set[Path] = set()
    for rel, data in files.items():
        p = root / rel
        if p.parent not in made:
            p.parent.mkdir(parents=True, exist_ok=True)
            made.add(p.parent)
        p.write_bytes(data)


def materialise(root: Path) -> None:
    """Write the held files of the bag at ``root`` to disk and forget them: the folder is
    then the whole bag, for any reader."""
    bag = held_bag(root)
    if bag is None:
        return
    write_files(Path(root), bag.files)
    release(root)
