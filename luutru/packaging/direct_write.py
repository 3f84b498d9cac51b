"""Writing a large new file around the page cache (``O_DIRECT``), in aligned blocks.

Why: a buffered write copies every byte into page-cache pages first.  On the benchmark
machine that copy into freshly allocated pages was the largest single cost of storing a
large encrypted file (issue 17: ``copy_folio_from_iter_atomic``, about a quarter of the
ingest's CPU for a 1 GiB file, and the slowest part whenever the virtual machine had
handed its free memory back).  With ``O_DIRECT`` the disk reads the bytes from one
reused, aligned buffer, and the data is on the device when ``write`` returns; the
storage's final ``fsync`` then flushes little more than the file's metadata.

Only whole blocks go through ``O_DIRECT``; the tail (less than a block) is written
through the page cache.  Where the file system refuses ``O_DIRECT`` (tmpfs, some
network file systems), at the open or at a write, the writer goes on buffered, so the
result is always the same bytes.
"""

from __future__ import annotations

import errno
import fcntl
import mmap
import os
from pathlib import Path
from typing import BinaryIO

from luutru.packaging.atomic import FlushingWriter

#: Bytes per direct write: a multiple of every block size in use, large enough that the
#: per-write latency of the device is amortised.
BLOCK = 4 * 1024 * 1024
#: Files from this size on are written direct (several blocks: the buffered tail is small).
DIRECT_FROM_BYTES = 16 * BLOCK


def open_output(path: Path, size: int) -> BinaryIO:
    """A new scratch file at ``path`` (a leftover there is the caller's and replaced) for
    about ``size`` bytes: written direct when large (:func:`open_direct`), else buffered
    and flushed as it grows (:class:`luutru.packaging.atomic.FlushingWriter`)."""
    Path(path).unlink(missing_ok=True)
    if size >= DIRECT_FROM_BYTES:
        return open_direct(path)
    return FlushingWriter(open(path, "wb"))  # type: ignore[return-value]


def open_direct(path: Path) -> BinaryIO:
    """A new file at ``path`` (which must not exist) opened for writing, direct when the
    file system allows it (:class:`DirectWriter`), else buffered and flushed as it grows."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    direct = getattr(os, "O_DIRECT", 0)
    if direct:
        try:
            return DirectWriter(os.open(path, flags | direct, 0o644))  # type: ignore[return-value]
        except OSError as e:
            if e.errno != errno.EINVAL:
                raise  # not a refusal of O_DIRECT (the file exists, no space...): the caller's to handle
            # Refused by the file system, which may have created the file first: it did not
            # exist before (O_EXCL), so it is ours to remove before writing it the ordinary way.
            Path(path).unlink(missing_ok=True)
    return FlushingWriter(open(os.open(path, flags, 0o644), "wb"))  # type: ignore[return-value]


class DirectWriter:
    """A write-only stream over a descriptor opened with ``O_DIRECT``: bytes gather in a
    page-aligned buffer of :data:`BLOCK` bytes, each full buffer is one direct write."""

    def __init__(self, fd: int):
        self._fd = fd
        try:
            self._buf = mmap.mmap(-1, BLOCK)  # anonymous memory: page-aligned, as O_DIRECT needs
        except BaseException:
            os.close(fd)
            raise
        self._view = memoryview(self._buf)
        self._fill = 0
        self._failed = False
        self.closed = False

    def fileno(self) -> int:
        return self._fd

    def write(self, data: bytes | bytearray | memoryview) -> int:
        mv = memoryview(data).cast("B")
        n = len(mv)
        try:
            while mv:
                take = min(BLOCK - self._fill, len(mv))
                self._view[self._fill:self._fill + take] = mv[:take]
                self._fill += take
                mv = mv[take:]
                if self._fill == BLOCK:
                    self._write_all(self._view)
                    self._fill = 0
        except BaseException:
            self._failed = True  # close() then writes nothing more
            raise
        return n

    def _write_all(self, view: memoryview) -> None:
        while view:
            try:
                done = os.write(self._fd, view)
            except OSError as e:
                if e.errno != errno.EINVAL or not self._buffered():
                    raise
                continue  # refused only now (or after a short write, now unaligned): on, buffered
            view = view[done:]

    def _buffered(self) -> bool:
        """Turn O_DIRECT off for the rest of the file; False when it was already off."""
        flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
        if not flags & os.O_DIRECT:
            return False
        fcntl.fcntl(self._fd, fcntl.F_SETFL, flags & ~os.O_DIRECT)
        return True

    def flush(self) -> None:
        return None  # whole blocks are already written; the tail waits for close

    def close(self) -> None:
        """Write the tail through the page cache (it is not a whole block) and close."""
        if self.closed:
            return
        self.closed = True
        try:
            if self._fill and not self._failed:
                self._buffered()
                self._write_all(self._view[:self._fill])
        finally:
            self._view.release()
            self._buf.close()
            os.close(self._fd)

    def __enter__(self) -> "DirectWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
