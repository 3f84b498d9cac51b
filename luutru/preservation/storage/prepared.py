"""Encrypted bags prepared while the rest of the transfer is still being checked.

Why: an ingest stores nothing before every file is checked (one error refuses the whole
transfer), so encrypting the fixed-term bags waited for the last check, and then ran
while the check workers sat idle (issue 17: the store step was a third of an ingest of
signed PDFs).  A bag sealed during the checks can be encrypted then, into scratch, under
the data key held in memory (:mod:`.staged`): nothing is stored and no key is written.
``put_aip`` uses the prepared bag only when it is still exactly that bag under exactly
the key it stores; otherwise it encrypts again.  A refused transfer's prepared bags are
deleted with its in-memory keys (``forget_cached``).
"""

from __future__ import annotations

import hmac
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from luutru.packaging.held import read_file
from luutru.packaging.sealed import TAGMANIFEST


@dataclass(frozen=True)
class PreparedBag:
    enc: Path  # the encrypted bag, in scratch
    key: bytes  # the data key it is encrypted under
    sealed: bytes  # the plain bag's tag manifest when it was encrypted (names every digest)


def sealed_state(bag_dir: Path) -> bytes | None:
    """What identifies a sealed bag's content: its tag manifest, which lists the digests of
    the tag files, one of which is the payload manifest.  None when it has none."""
    try:
        return read_file(bag_dir, TAGMANIFEST)
    except OSError:
        return None


class PreparedBags:
    """The prepared encrypted bags of this process, by AIP id (one each)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bags: dict[str, PreparedBag] = {}

    def put(self, aip_id: str, bag: PreparedBag) -> None:
        with self._lock:
            old = self._bags.pop(aip_id, None)
            self._bags[aip_id] = bag
        if old is not None:
            shutil.rmtree(old.enc, ignore_errors=True)

    def take(self, aip_id: str, key: bytes, bag_dir: Path) -> Path | None:
        """The prepared bag of ``aip_id`` when it was encrypted from the bag now sealed at
        ``bag_dir`` under ``key``; the caller then owns it.  None otherwise (a stale one
        is deleted)."""
        with self._lock:
            bag = self._bags.pop(aip_id, None)
        if bag is None:
            return None
        sealed = sealed_state(bag_dir)
        if sealed is not None and bag.sealed == sealed and hmac.compare_digest(bag.key, key):
            return bag.enc
        shutil.rmtree(bag.enc, ignore_errors=True)
        return None

    def forget(self, aip_id: str) -> None:
        with self._lock:
            bag = self._bags.pop(aip_id, None)
        if bag is not None:
            shutil.rmtree(bag.enc, ignore_errors=True)
