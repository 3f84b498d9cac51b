"""A staged file that is only read: a hard link to the sender's file, read once.

Why: a fixed-term record is stored encrypted, so its staged plaintext is only read (by
the checks, and by the pass that hashes and encrypts it): linking the sender's file
costs no copy.  The link is made first (:func:`link_for_reading`), so the checks can
read it while :func:`read_linked` hashes (or encrypts) it; the file must not change in
between: its size and modification time are compared before and after the read, and
a file that changed is unlinked (the caller copies it instead).  Never remembered as
written by this process (:mod:`.written`), so storage never links the sender's file
itself into an AIP.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from luutru.packaging.atomic import FLUSH_EVERY_BYTES, flush_later
from luutru.packaging.bag import COPY_CHUNK, read_buffer
from luutru.packaging.direct_write import open_output
from luutru.packaging.written import remember_written

#: reads the linked file once: (sha256, bytes) of what it read, or None when it did not read it
Reader = Callable[[Path], "tuple[str, int] | None"]


@dataclass(frozen=True)
class Linked:
    path: Path
    src: Path
    before: tuple[int, int, int, int]  # device, inode, size, modification time (ns) of ``src`` when linked


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def link_for_reading(src: Path, dst: Path) -> Linked | None:
    """Hard-link ``src`` at ``dst``; None when it cannot be linked (another file system)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        st = os.stat(src)
        os.link(src, dst)
    except OSError:
        return None
    return Linked(dst, src, _stamp(st))


def read_linked(linked: Linked, progress: Callable[[int], None] | None = None, *,
                read: Reader | None = None) -> tuple[str, int] | None:
    """Hash the linked file, or ``read`` it (a pass that also encrypts it,
    ``Storage.encrypt_staged``, or copies it over the link; when that returns None, not
    having read it, the file is hashed); None, and the staged file removed, when the
    sender's file changed (or was replaced) since it was linked."""
    dst = linked.path
    try:
        got = read(dst) if read is not None else None
        got = got or hash_file(dst, progress)
        after = _stamp(os.stat(linked.src))
    except OSError:
        dst.unlink(missing_ok=True)
        raise
    if after != linked.before or got[1] != after[2]:
        dst.unlink(missing_ok=True)  # changed while it was read: not the bytes hashed
        return None
    return got


def link_file_hashing(src: Path, dst: Path, progress: Callable[[int], None] | None = None, *,
                      read: Reader | None = None) -> tuple[str, int] | None:
    """Link and read at once (see the module docstring); None when the caller must copy."""
    linked = link_for_reading(src, dst)
    return None if linked is None else read_linked(linked, progress, read=read)


def hash_file(path: Path, progress: Callable[[int], None] | None = None) -> tuple[str, int]:
    h, n, view = hashlib.sha256(), 0, read_buffer(COPY_CHUNK)
    with open(path, "rb", buffering=0) as fh:
        while k := fh.readinto(view):
            h.update(view[:k])
            n += k
            if progress:
                progress(k)
    return h.hexdigest(), n


def copy_flushed(src: Path, dst: Path, progress: Callable[[int], None] | None = None) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` hashing it (remembered as written: storage links the copy
    into the AIP); a large copy is flushed to disk in the background as it is written."""
    h, n, view = hashlib.sha256(), 0, read_buffer(COPY_CHUNK)
    with open(src, "rb", buffering=0) as fh, open_output(dst, os.fstat(fh.fileno()).st_size) as out:
        while k := fh.readinto(view):
            h.update(view[:k])
            out.write(view[:k])
            n += k
            if progress:
                progress(k)
    if n >= FLUSH_EVERY_BYTES:
        flush_later(dst)
    digest = h.hexdigest()
    remember_written(dst, digest, n)
    return digest, n
