"""Scratch space of one ingest, locked while in use.

An ingest assembles bags, unpacks zips and writes preservation copies under
``LUUTRU_HOME/work/ingest-<transfer id>/``.  The directory is paired with a lock file
held (``flock``) for the whole run, so when a process is killed its scratch space is
recognised as abandoned — its lock is free — and the next ingest sweeps it, while the
scratch space of an ingest still running elsewhere is left alone.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)
PREFIX = "ingest-"


class StagingBusy(RuntimeError):
    """The same transfer is being ingested by another process right now."""


class StagingArea:
    def __init__(self, work_dir: Path, transfer_id: str):
        self.work_dir = Path(work_dir)
        self.root = self.work_dir / f"{PREFIX}{transfer_id}"
        self.lock_path = self.work_dir / f"{PREFIX}{transfer_id}.lock"
        self._fd: int | None = None

    def __enter__(self) -> "StagingArea":
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

    def acquire(self) -> "StagingArea":
        """Take the lock and start from an empty directory; raises StagingBusy if taken."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StagingBusy(f"transfer {self.root.name} is being ingested by another process") from None
        self._fd = fd
        shutil.rmtree(self.root, ignore_errors=True)  # leftovers of an earlier, killed run of the same transfer
        self.root.mkdir()
        return self

    def release(self) -> None:
        """Remove the directory, then the lock."""
        self.clear()
        if self._fd is not None:
            try:
                self.lock_path.unlink(missing_ok=True)
            finally:
                os.close(self._fd)
                self._fd = None

    def clear(self) -> None:
        """Remove everything staged (e.g. to free space before reporting a full disk)."""
        shutil.rmtree(self.root, ignore_errors=True)


def sweep_abandoned(work_dir: Path) -> list[str]:
    """Remove scratch spaces of ingests that no longer run; returns their names."""
    removed: list[str] = []
    if not Path(work_dir).is_dir():
        return removed
    for entry in sorted(Path(work_dir).iterdir()):
        if not entry.name.startswith(PREFIX) or entry.suffix == ".lock":
            continue
        lock = entry.with_name(entry.name + ".lock")
        fd = None
        try:
            if lock.exists():
                fd = os.open(lock, os.O_RDWR)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # alive
            shutil.rmtree(entry, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(entry.name)
        except OSError as e:
            log.warning("could not sweep %s: %s", entry, e)
        finally:
            if fd is not None:
                os.close(fd)
    # lock files whose directory is already gone
    for lock in Path(work_dir).glob(f"{PREFIX}*.lock"):
        if not lock.with_suffix("").exists():
            fd = os.open(lock, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lock.unlink(missing_ok=True)
            except BlockingIOError:
                pass
            finally:
                os.close(fd)
    if removed:
        log.info("swept abandoned ingest scratch spaces: %s", ", ".join(removed))
    return removed
