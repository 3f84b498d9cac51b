"""Digests known from writing: a file hashed while this process wrote it is not hashed again.

Why: an ingest writes each payload byte once (into its staging bag) and computes its
SHA-256 in that same pass.  Storing the bag must not read and hash those bytes a second
time: local storage hard-links the staged file into place when this registry vouches
for its digest (:func:`written_digest`), and copies and hashes it otherwise.

A digest is vouched for only while the file is the very one that was written: same
device and inode, same size, same modification time (nanoseconds).  Any later write
changes the modification time, so a file altered after it was hashed is hashed again,
never trusted.  The registry is per process, bounded (oldest entries forgotten first),
and only ever an optimisation: a miss means one more hash pass, never a wrong answer.

:func:`start_writeback` asks the kernel to begin writing a range of a file to disk
without waiting (``sync_file_range(2)``), so that the ``fsync`` that makes a stored AIP
durable finds most of a large file already on disk instead of flushing gigabytes at
once after the copy.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

#: At most this many files remembered (a few MB of memory in a long-running server).
MAX_ENTRIES = 100_000
#: ``sync_file_range`` flag: start write-out of dirty pages, do not wait.
_SYNC_FILE_RANGE_WRITE = 2

_lock = threading.Lock()
_known: "OrderedDict[tuple[int, int], tuple[str, int, int]]" = OrderedDict()


def remember_written(path: Path | str, sha256: str, size: int) -> None:
    """Record that ``path`` (closed, complete) holds ``size`` bytes hashing to ``sha256``."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if st.st_size != size:
        return  # not what was hashed: vouch for nothing
    with _lock:
        _known[(st.st_dev, st.st_ino)] = (sha256, st.st_size, st.st_mtime_ns)
        _known.move_to_end((st.st_dev, st.st_ino))
        while len(_known) > MAX_ENTRIES:
            _known.popitem(last=False)


def written_digest(path: Path | str) -> tuple[str, int] | None:
    """(sha256, size) of ``path`` when this process hashed it while writing it and it
    has not changed since; None otherwise (the caller hashes it)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    with _lock:
        known = _known.get((st.st_dev, st.st_ino))
    if known is None or known[1] != st.st_size or known[2] != st.st_mtime_ns:
        return None
    return known[0], known[1]


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.sync_file_range  # Linux only
        fn.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
        return libc
    except (OSError, AttributeError):
        return None


def start_writeback(fd: int, offset: int, nbytes: int) -> None:
    """Begin writing ``nbytes`` at ``offset`` of ``fd`` to disk, without waiting (best effort)."""
    libc = _libc()
    if libc is not None and nbytes > 0:
        libc.sync_file_range(fd, offset, nbytes, _SYNC_FILE_RANGE_WRITE)
