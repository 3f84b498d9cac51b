"""Digests known from writing: a file hashed while this process wrote it is not hashed again.

Why: an ingest writes each payload byte once (into its staging bag) and computes its
SHA-256 in that same pass.  Storing the bag must not read and hash those bytes a second
time: local storage hard-links the staged file into place when this registry vouches
for its digest (:func:`take_written_digest`), and copies and hashes it otherwise.

A digest is vouched for only while the file is the very one that was written: same
device and inode, same size, same modification time (nanoseconds).  Any later write
changes the modification time, so a file altered after it was hashed is hashed again,
never trusted (within the file system's timestamp granularity: the registry serves
files written into this process's own scratch space, where nothing else writes).  The registry is per process, bounded (oldest entries forgotten first),
and only ever an optimisation: a miss means one more hash pass, never a wrong answer.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

#: At most this many files remembered (a few MB of memory in a long-running server).
MAX_ENTRIES = 100_000

_lock = threading.Lock()
_known: OrderedDict[tuple[int, int], tuple[str, int, int]] = OrderedDict()


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


def take_written_digest(path: Path | str) -> tuple[str, int] | None:
    """(sha256, size) of ``path`` when this process hashed it while writing it and it
    has not changed since; None otherwise (the caller hashes it).

    The entry is used up: the file is about to be linked into storage, and a second
    store of the same bag (a replica) must make a copy of its own, never a second link
    to the same bytes."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    with _lock:
        known = _known.pop((st.st_dev, st.st_ino), None)
    if known is None or known[1] != st.st_size or known[2] != st.st_mtime_ns:
        return None
    return known[0], known[1]
