"""Atomic file writes, in one place.

A reader (or the next run after a crash) sees the old file or the complete new one,
never a part: the bytes go to a temporary file beside the target, are flushed to disk
(``fsync``), renamed over the target with one ``rename(2)``, and the directory entry is
flushed too so the rename itself survives a power cut.
"""

from __future__ import annotations

import ctypes
import os
import threading
import uuid
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (a rename or unlink in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_beside(path: Path) -> Path:
    """A fresh temporary name in the target's directory (same file system: rename is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")


def replace(tmp: Path, path: Path) -> None:
    """Move a complete ``tmp`` over ``path`` and flush the directory."""
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Write ``data`` (``str`` is written as UTF-8) to ``path`` atomically and durably."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = temp_beside(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


#: From this many files on, one ``syncfs`` replaces one ``fsync`` per file and directory.
SYNCFS_FROM_FILES = 8


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs  # noqa: B018 - Linux only
        return libc
    except (OSError, AttributeError):
        return None


def _syncfs(path: Path) -> bool:
    """Flush the whole file system holding ``path`` with one ``syncfs(2)`` (Linux).

    Why: an AIP of a few dozen small files cost one ``fsync`` per file and directory,
    each its own journal commit (about 12 per document).  ``syncfs`` makes every file
    and directory entry written so far durable at once, and reports write-back errors
    (Linux ≥ 5.8).  False where it does not exist: the caller fsyncs file by file.
    """
    libc = _libc()
    if libc is None:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
        return True
    finally:
        os.close(fd)


#: ... and only below this many bytes: ``syncfs`` also flushes every other dirty file of
#: the file system (an ingest's staged plaintext of a large encrypted file, say), which
#: for a large AIP costs far more than one ``fsync`` per file of its own.
SYNCFS_UP_TO_BYTES = 64 * 1024 * 1024


def fsync_tree(root: Path, total_bytes: int | None = None) -> None:
    """Make every file and directory under ``root`` durable before it is renamed into place.

    ``total_bytes`` (the size of the files, when the caller knows it): a large tree is
    flushed file by file."""
    walked = list(os.walk(root))
    few_bytes = total_bytes is None or total_bytes <= SYNCFS_UP_TO_BYTES
    if few_bytes and sum(len(files) for _d, _s, files in walked) >= SYNCFS_FROM_FILES and _syncfs(root):
        return
    for dirpath, _dirs, files in walked:
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        dfd = os.open(dirpath, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


#: A large scratch file that storage will make durable is flushed to disk in the
#: background every this many bytes while it is written (and once complete), so the disk
#: writes overlap the work that produces the bytes and the final ``fsync`` (``fsync_tree``)
#: finds the file clean.  Only an optimisation: durability is still that final fsync.
FLUSH_EVERY_BYTES = 64 * 1024 * 1024


class FlushingWriter:
    """A write-only stream over ``raw`` starting a background ``fsync`` every
    :data:`FLUSH_EVERY_BYTES` (one at a time, on a descriptor of its own).  It owns
    ``raw``: closing it (or leaving its ``with`` block) closes ``raw``."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._since = 0
        self._busy: threading.Thread | None = None

    def write(self, data: bytes) -> int:
        n = self._raw.write(data)
        self._since += len(data)
        if self._since >= FLUSH_EVERY_BYTES and (self._busy is None or not self._busy.is_alive()):
            self._since = 0
            self._busy = _start_fsync(os.dup(self._raw.fileno()))
        return n

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> "FlushingWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def flush_later(path: Path) -> None:
    """Start flushing a complete file to disk in the background."""
    try:
        _start_fsync(os.open(path, os.O_RDONLY))
    except OSError:
        pass  # already moved or removed: nothing to flush


def _start_fsync(fd: int) -> threading.Thread:
    t = threading.Thread(target=_fsync_and_close, args=(fd,), name="early-flush", daemon=True)
    t.start()
    return t


def _fsync_and_close(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:
        pass  # an optimisation only: the final fsync reports a real failure
    finally:
        os.close(fd)
