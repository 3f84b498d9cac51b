"""Local directory storage: the embedded default.

Layout: ``<root>/aips/<aip_id>/`` holds one bag.  A new AIP is first assembled in
``<root>/.incoming/<random>/`` on the same file system, flushed to disk, then renamed
into place in one ``rename(2)``: readers see no AIP or a complete one.  Leftovers in
``.incoming`` after a crash are never visible and are swept by :meth:`sweep_incoming`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import unquote, urlparse

from .base import AipNotFound, StorageError, StoredAip


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
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


class LocalStorage:
    """AIPs as directories under ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.url = self.root.resolve().as_uri() if self.root.exists() else self.root.absolute().as_uri()
        self.aips = self.root / "aips"
        self.incoming = self.root / ".incoming"
        try:
            self.aips.mkdir(parents=True, exist_ok=True)
            self.incoming.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"cannot create storage directory {self.root}: {e}") from e

    @classmethod
    def from_url(cls, url: str) -> "LocalStorage":
        if url.startswith("file://"):
            return cls(Path(unquote(urlparse(url).path)))
        return cls(Path(url))

    def _dir(self, aip_id: str) -> Path:
        if not aip_id or "/" in aip_id or aip_id in (".", "..") or aip_id.startswith("."):
            raise StorageError(f"invalid AIP id: {aip_id!r}")
        return self.aips / aip_id

    def put_aip(self, aip_id: str, bag_dir: Path) -> StoredAip:
        final = self._dir(aip_id)
        if final.exists():
            raise StorageError(f"AIP {aip_id} already exists in {self.url}")
        tmp = self.incoming / f"{aip_id}.{uuid.uuid4().hex}"
        try:
            shutil.copytree(bag_dir, tmp)
            _fsync_tree(tmp)
            os.rename(tmp, final)  # atomic on one file system; fails if final appeared meanwhile
            dfd = os.open(self.aips, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StorageError(f"could not store AIP {aip_id} in {self.url}: {e.strerror or e}") from e
        files = 0
        size = 0
        for p in final.rglob("*"):
            if p.is_file():
                files += 1
                size += p.stat().st_size
        return StoredAip(aip_id, final.as_uri(), files, size)

    def has_aip(self, aip_id: str) -> bool:
        return self._dir(aip_id).is_dir()

    def list_aips(self) -> Iterator[str]:
        for p in sorted(self.aips.iterdir()):
            if p.is_dir():
                yield p.name

    def list_files(self, aip_id: str) -> Iterator[str]:
        d = self._dir(aip_id)
        if not d.is_dir():
            raise AipNotFound(aip_id)
        for p in sorted(d.rglob("*")):
            if p.is_file():
                yield p.relative_to(d).as_posix()

    def path_of(self, aip_id: str, relpath: str) -> Path:
        d = self._dir(aip_id)
        p = (d / relpath).resolve()
        if not p.is_relative_to(d.resolve()):
            raise StorageError(f"path escapes the AIP: {relpath}")
        return p

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        p = self.path_of(aip_id, relpath)
        if not p.is_file():
            raise AipNotFound(f"{aip_id}/{relpath}")
        return open(p, "rb")

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        d = self._dir(aip_id)
        if not d.is_dir():
            raise AipNotFound(aip_id)
        shutil.copytree(d, dest)
        return dest

    def delete_aip(self, aip_id: str) -> None:
        d = self._dir(aip_id)
        if not d.is_dir():
            raise AipNotFound(aip_id)
        # Move out of sight first so a crash never leaves a half-deleted visible AIP.
        trash = self.incoming / f"deleting.{aip_id}.{uuid.uuid4().hex}"
        os.rename(d, trash)
        shutil.rmtree(trash)

    def sweep_incoming(self) -> int:
        """Remove leftovers of interrupted writes; returns how many were removed."""
        n = 0
        for p in self.incoming.iterdir():
            shutil.rmtree(p, ignore_errors=True)
            n += 1
        return n
