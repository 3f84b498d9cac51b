"""Fixed-term records encrypted while they are staged: their plaintext is read once.

Why (issue 17, goal 2): an ingest hashed a fixed-term record's plaintext while staging
it, then read and hashed it again when storage encrypted it.  Here the staging pass
itself computes the plaintext's SHA-256 (for the manifest and the declared checksum),
the AES-GCM ciphertext and the ciphertext's SHA-256 (on a second thread, see
:func:`~luutru.preservation.storage.crypto.encrypt_stream`), and ``put_aip`` later
renames that ciphertext into the encrypted bag instead of encrypting again.

What still holds before acceptance:

* **Nothing is stored.**  The ciphertext is scratch in the transfer's staging area
  (removed with it); the data key of a dossier not yet stored lives in this process's
  memory only, never in the key store, until ``put_aip`` stores the AIP (the key store
  then keeps that key).  A refused transfer, or a crash, leaves no key and so nothing
  any scratch leftover could be decrypted with.  A dossier whose key is already in the
  key store (a put cut short earlier) is encrypted under that key, so a retry gives
  the same bytes.
* **Only a verified match is adopted.**  ``put_aip`` takes a staged ciphertext only if
  the key is the one stored, the staged plaintext is the same file unchanged (device,
  inode, size, modification time), its digest is the manifest's, and the ciphertext
  file is unchanged since it was written.  Anything else is encrypted as before: a
  miss costs one more pass, never a wrong AIP.
"""

from __future__ import annotations

import hmac
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from luutru.packaging.atomic import FLUSH_EVERY_BYTES, flush_later
from luutru.packaging.bag import nfc
from luutru.packaging.direct_write import open_output
from luutru.preservation.storage.crypto import encrypt_stream

#: Dossiers staged and not yet stored, at most (a refused transfer's entries are forgotten
#: by ``forget_cached``; this bound only caps what a crashed caller could leave behind).
MAX_PENDING = 256

Stamp = tuple[int, int, int, int]


def _stamp(path: Path) -> Stamp:
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


@dataclass(frozen=True)
class StagedFile:
    """One payload file encrypted while staged."""

    cipher: Path
    plain_sha: str
    plain_size: int
    cipher_sha: str
    cipher_size: int
    source: Stamp  # the staged plaintext, when it was read
    written: Stamp  # the ciphertext file, when it was closed


@dataclass
class _Pending:
    key: bytes
    files: dict[str, StagedFile] = field(default_factory=dict)  # NFC bag path → its ciphertext


class _Counting:
    """A read-only stream reporting progress (bytes read) to the staging step."""

    def __init__(self, raw: BinaryIO, progress: Callable[[int], None] | None):
        self._raw, self._progress = raw, progress

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if self._progress and data:
            self._progress(len(data))
        return data

    def readinto(self, b: bytearray | memoryview) -> int:
        """Into the encryption's reused buffers (``crypto.encrypt_stream``): no new bytes per read."""
        n = self._raw.readinto(b)  # type: ignore[attr-defined]
        if self._progress and n:
            self._progress(n)
        return n or 0


class StagedCiphers:
    """Keys and ciphertexts of dossiers being staged, per ``EncryptedStorage``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, _Pending] = OrderedDict()

    def key(self, aip_id: str, stored_key: bytes | None) -> bytes:
        """The key to encrypt ``aip_id``'s staged files under: the key store's when it has
        one (``stored_key``), else one made now and kept in memory only."""
        with self._lock:
            p = self._pending.get(aip_id)
            if p is None or (stored_key is not None and not hmac.compare_digest(p.key, stored_key)):
                p = self._pending[aip_id] = _Pending(stored_key or os.urandom(32))
            self._pending.move_to_end(aip_id)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
            return p.key

    def encrypt(self, aip_id: str, key: bytes, relpath: str, src: Path, cipher_dir: Path,
                progress: Callable[[int], None] | None = None) -> tuple[str, int]:
        """Encrypt the staged plaintext ``src`` (bag path ``relpath``) into ``cipher_dir``;
        returns the plaintext's (sha256, bytes)."""
        cipher_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            n = len(self._pending[aip_id].files) if aip_id in self._pending else 0
        dst = cipher_dir / f"{n:06d}.enc"
        source = _stamp(src)
        # (a file left here by an attempt that failed was never listed: open_output replaces it)
        with open(src, "rb", buffering=0) as fh, open_output(dst, os.fstat(fh.fileno()).st_size) as out:
            psha, pn, csha, cn = encrypt_stream(_Counting(fh, progress), out, key, nfc(relpath))
        staged = StagedFile(dst, psha, pn, csha, cn, source, _stamp(dst))
        if cn >= FLUSH_EVERY_BYTES:  # the rest of it, while the checks run: put_aip's fsync finds it clean
            flush_later(dst)
        with self._lock:
            p = self._pending.get(aip_id)
            if p is not None and p.key is key:
                p.files[nfc(relpath)] = staged
        return psha, pn

    def peek(self, aip_id: str) -> _Pending | None:
        """What is staged for ``aip_id`` so far, left in place (see :mod:`.prepared`)."""
        with self._lock:
            p = self._pending.get(aip_id)
            return None if p is None else _Pending(p.key, dict(p.files))

    def take(self, aip_id: str) -> _Pending | None:
        """What was staged for ``aip_id`` (used up: a second put encrypts on its own)."""
        with self._lock:
            return self._pending.pop(aip_id, None)

    def forget(self, aip_id: str) -> None:
        with self._lock:
            self._pending.pop(aip_id, None)


def adopt(staged: StagedFile | None, plain: Path, target: Path, expected: str | None) -> StagedFile | None:
    """Move a staged ciphertext to ``target`` when it is still exactly the encryption of
    ``plain`` with the manifest's digest ``expected``; None (nothing moved) otherwise."""
    if staged is None or expected is None or staged.plain_sha != expected:
        return None
    try:
        if _stamp(plain) != staged.source or _stamp(staged.cipher) != staged.written:
            return None
        os.rename(staged.cipher, target)  # same file system: the staging area and the work dir
    except OSError:
        return None
    return staged
