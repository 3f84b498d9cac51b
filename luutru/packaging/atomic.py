"""Atomic file writes, in one place.

A reader (or the next run after a crash) sees the old file or the complete new one,
never a part: the bytes go to a temporary file beside the target, are flushed to disk
(``fsync``), renamed over the target with one ``rename(2)``, and the directory entry is
flushed too so the rename itself survives a power cut.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


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
