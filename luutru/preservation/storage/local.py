"""Local directory storage: the embedded default.

Layout: ``<root>/aips/<aip_id>/`` holds one bag.  A new AIP is first assembled in
``<root>/.incoming/<random>/`` on the same file system, flushed to disk, then renamed
into place in one ``rename(2)``: readers see no AIP or a complete one.  Leftovers in
``.incoming`` after a crash are never visible and are swept by :meth:`sweep_incoming`.

Every file is hashed (SHA-256) while it is copied and compared with the bag manifest.
Stored files are made read-only, and ``<root>/locks/<aip_id>.json`` records the
retention date and hold; :meth:`LocalStorage.delete_aip` refuses before the date or
under a hold, the same rule S3 Object Lock enforces in the object store.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import uuid
from datetime import date
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import unquote, urlparse

from luutru.packaging.atomic import fsync_dir, fsync_tree, write_atomic
from luutru.packaging.bag import (
    MANIFEST,
    bag_files,
    check_digest,
    copy_hashing,
    expected_digests,
    nfc,
)
from luutru.packaging.written import take_written_digest
from luutru.preservation.storage.base import (
    AipNotFound,
    ChecksumMismatch,
    LockedError,
    PlainBackend,
    StorageError,
    StoredAip,
    check_record_name,
    manifest_bytes,
    revision_prefix,
    revision_sources,
)
from luutru.preservation.storage.locks import LockState, check_extension
from luutru.records.timeutil import iso_vn

_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
_WRITABLE = (0o644, 0o755)  # files, directories: a copy handed out, or a tree about to be removed


def _chmod_tree(path: Path, mode: int, dir_mode: int | None = None) -> None:
    for dirpath, _dirs, files in os.walk(path):
        if dir_mode is not None:
            os.chmod(dirpath, dir_mode)
        for name in files:
            os.chmod(os.path.join(dirpath, name), mode)


def _link_or_copy(src: Path, target: Path, expected: str | None) -> tuple[str, int]:
    """Put one file of a bag into the AIP being assembled; returns (sha256, bytes).

    A file this process hashed while writing it, unchanged since and matching the
    manifest, is hard-linked (same file system: the staging area of an ingest, the
    encrypted bag): no second copy and no second hash of its bytes.  Anything else is
    copied and hashed in one pass.  Making the AIP read-only then also covers the
    linked inode, and the ``syncfs``/``fsync`` before the rename makes it durable.
    """
    known = take_written_digest(src)
    if known is not None and expected is not None and known[0] == expected:
        try:
            os.link(src, target, follow_symlinks=False)
            return known
        except OSError:
            pass  # another file system, or links not allowed: copy
    with open(src, "rb") as fsrc, open(target, "wb") as fdst:
        return copy_hashing(fsrc, fdst)


def _plain_path(aip_dir: str, relpath: str) -> tuple[str, int] | None:
    """(``aip_dir/relpath``, its ``lstat`` mode) when no part is ``.``, ``..``, empty or a
    symbolic link (the AIP directory included): it cannot lead out of the AIP, so it need
    not be resolved (an ``lstat`` per component of the absolute path).  None otherwise:
    the caller resolves the path and checks where it leads."""
    if not relpath or "\0" in relpath:
        return None
    cur = aip_dir
    parts = relpath.split("/")
    try:
        mode = os.lstat(cur).st_mode
        if stat.S_ISLNK(mode):
            return None
        for part in parts:
            if part in ("", ".", ".."):
                return None
            cur = cur + "/" + part
            mode = os.lstat(cur).st_mode
            if stat.S_ISLNK(mode):
                return None
    except OSError:
        return None  # missing: the resolving path reports it, as before
    return cur, mode


class LocalStorage(PlainBackend):
    """AIPs as directories under ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.url = self.root.resolve().as_uri() if self.root.exists() else self.root.absolute().as_uri()
        self.aips = self.root / "aips"
        self.incoming = self.root / ".incoming"
        self.locks = self.root / "locks"
        try:
            self.aips.mkdir(parents=True, exist_ok=True)
            self.incoming.mkdir(parents=True, exist_ok=True)
            self.locks.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"cannot create storage directory {self.root}: {e}") from e
        self._aips_real = self.aips.resolve()

    @classmethod
    def from_url(cls, url: str) -> "LocalStorage":
        if url.startswith("file://"):
            return cls(Path(unquote(urlparse(url).path)))
        return cls(Path(url))

    def _dir(self, aip_id: str) -> Path:
        if not aip_id or "/" in aip_id or aip_id in (".", "..") or aip_id.startswith("."):
            raise StorageError(f"invalid AIP id: {aip_id!r}")
        return self.aips / aip_id

    def put_aip(
        self,
        aip_id: str,
        bag_dir: Path,
        *,
        retain_until: date | None = None,
        legal_hold: bool = False,
    ) -> StoredAip:
        final = self._dir(aip_id)
        if final.exists():
            raise StorageError(f"AIP {aip_id} already exists in {self.url}")
        bag_dir = Path(bag_dir)
        expected = expected_digests(bag_dir)
        tmp = self.incoming / f"{aip_id}.{uuid.uuid4().hex}"
        files = 0
        size = 0
        try:
            tmp.mkdir()
            rels, made = bag_files(bag_dir), {tmp}  # one walk; each directory made once (issue 17)
            for rel in rels:
                target = tmp / rel
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                digest, n = _link_or_copy(bag_dir / rel, target, expected.get(nfc(rel)))
                check_digest(aip_id, rel, expected.get(nfc(rel)), digest, self.url)
                os.chmod(target, _READ_ONLY)  # read-only before it is made durable and renamed in
                files += 1
                size += n
            missing = set(expected) - {nfc(r) for r in rels}
            if missing:
                raise StorageError(f"bag {bag_dir} lacks files its manifest lists: {sorted(missing)[:10]}")
            fsync_tree(tmp, size)
            # The lock is in place before the AIP becomes visible.
            self._write_lock(aip_id, LockState(retain_until, legal_hold), event="stored")
            os.rename(tmp, final)  # atomic on one file system; fails if final appeared meanwhile
            fsync_dir(self.aips)
        except (OSError, StorageError) as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if not final.exists():
                self._lock_path(aip_id).unlink(missing_ok=True)
            if isinstance(e, StorageError):
                raise
            raise StorageError(f"could not store AIP {aip_id} in {self.url}: {e.strerror or e}") from e
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
        # os.walk and plain strings: pathlib's rglob cost an audit more than hashing small AIPs
        base = str(d)
        cut = len(base) + 1
        found = []
        for dirpath, _dirs, names in os.walk(base):
            for name in names:
                full = os.path.join(dirpath, name)
                if os.path.isfile(full):
                    found.append(full[cut:])
        return iter(sorted(found, key=lambda rel: rel.split("/")))

    def path_of(self, aip_id: str, relpath: str) -> Path:
        d = self._dir(aip_id)
        fast = _plain_path(str(d), relpath)
        if fast is not None:
            return Path(fast[0])
        p = (d / relpath).resolve()
        # the storage root is resolved once (not again for every file an audit reads); an
        # AIP directory that is itself a symlink is refused, as any link out of the AIP
        if not p.is_relative_to(self._aips_real / aip_id):
            raise StorageError(f"path escapes the AIP: {relpath}")
        return p

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        fast = _plain_path(str(self._dir(aip_id)), relpath)
        if fast is not None and stat.S_ISREG(fast[1]):
            return open(fast[0], "rb")
        p = self.path_of(aip_id, relpath)
        if not p.is_file():
            raise AipNotFound(f"{aip_id}/{relpath}")
        return open(p, "rb")

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        d = self._dir(aip_id)
        if not d.is_dir():
            raise AipNotFound(aip_id)
        shutil.copytree(d, dest)
        _chmod_tree(dest, *_WRITABLE)
        return dest

    # -- locks -------------------------------------------------------------------------

    def _lock_path(self, aip_id: str) -> Path:
        self._dir(aip_id)  # validates the id
        return self.locks / f"{aip_id}.json"

    def _write_lock(self, aip_id: str, state: LockState, *, event: str) -> None:
        path = self._lock_path(aip_id)
        history = []
        if path.exists():
            history = json.loads(path.read_text("utf-8")).get("history", [])
        history.append(
            {
                "at": iso_vn(),
                "event": event,
                "retain_until": state.retain_until.isoformat() if state.retain_until else None,
                "legal_hold": state.legal_hold,
            }
        )
        doc = {
            "aip_id": aip_id,
            "retain_until": state.retain_until.isoformat() if state.retain_until else None,
            "legal_hold": state.legal_hold,
            "history": history,
        }
        write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1))

    def lock_state(self, aip_id: str) -> LockState:
        if not self.has_aip(aip_id):
            raise AipNotFound(aip_id)
        path = self._lock_path(aip_id)
        if not path.exists():
            return LockState()
        try:
            doc = json.loads(path.read_text("utf-8"))
            until = date.fromisoformat(doc["retain_until"]) if doc.get("retain_until") else None
            return LockState(until, bool(doc.get("legal_hold")))
        except (ValueError, KeyError, TypeError) as e:
            # A damaged lock record must never make an AIP deletable: treat it as held.
            raise LockedError(f"lock record {path} is unreadable ({e}); repair it before changing {aip_id}") from e

    def extend_retention(self, aip_id: str, until: date) -> LockState:
        current = self.lock_state(aip_id)
        check_extension(current, until, aip_id)
        new = LockState(until, current.legal_hold)
        self._write_lock(aip_id, new, event="retention extended")
        return new

    def set_hold(self, aip_id: str, on: bool) -> LockState:
        current = self.lock_state(aip_id)
        new = LockState(current.retain_until, bool(on))
        self._write_lock(aip_id, new, event="hold on" if on else "hold off")
        return new

    def delete_aip(self, aip_id: str, *, all_versions: bool = True) -> None:
        d = self._dir(aip_id)
        if not d.is_dir():
            raise AipNotFound(aip_id)
        state = self.lock_state(aip_id)
        if state.blocks_deletion():
            raise LockedError(f"AIP {aip_id} in {self.url} cannot be deleted: {state.reason()}")
        # Move out of sight first so a crash never leaves a half-deleted visible AIP.
        trash = self.incoming / f"deleting.{aip_id}.{uuid.uuid4().hex}"
        os.rename(d, trash)
        _chmod_tree(trash, *_WRITABLE)
        shutil.rmtree(trash)
        self._lock_path(aip_id).unlink(missing_ok=True)

    # -- repair ------------------------------------------------------------------------

    def repair_file(self, aip_id: str, relpath: str, src: BinaryIO, *, sha256: str) -> None:
        d = self._dir(aip_id)
        if not d.is_dir():
            raise AipNotFound(aip_id)
        target = self.path_of(aip_id, relpath)
        tmp = self.incoming / f"repair.{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as dst:
                digest, _n = copy_hashing(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
            if digest != sha256:
                raise ChecksumMismatch(
                    f"repair of {aip_id}/{relpath} refused: the source bytes hash to {digest}, not {sha256}"
                )
            os.chmod(tmp, _READ_ONLY)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            fsync_dir(target.parent)
        finally:
            tmp.unlink(missing_ok=True)

    def remove_stray_file(self, aip_id: str, relpath: str) -> None:
        target = self.path_of(aip_id, relpath)
        if target.is_file():
            target.unlink()

    def add_revision(self, aip_id: str, version: int, src_dir: Path) -> None:
        """Assembled in ``.incoming`` with its manifest, then renamed into place in one step."""
        prefix = revision_prefix(version)
        final = self._dir(aip_id) / prefix.rstrip("/")
        if not self.has_aip(aip_id):
            raise AipNotFound(aip_id)
        tmp = self.incoming / f"{aip_id}.rev{version}.{uuid.uuid4().hex}"
        try:
            tmp.mkdir()
            hashes = {}
            for rel in revision_sources(src_dir):
                target = tmp / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(src_dir / rel, "rb") as src, open(target, "wb") as dst:
                    hashes[rel] = copy_hashing(src, dst)[0]
            (tmp / MANIFEST).write_bytes(manifest_bytes(hashes))
            _chmod_tree(tmp, _READ_ONLY)
            fsync_tree(tmp)
            final.parent.mkdir(exist_ok=True)
            os.rename(tmp, final)  # fails when the revision exists (a concurrent writer won)
            fsync_dir(final.parent)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StorageError(f"could not store revision v{version} of {aip_id} in {self.url}: "
                               f"{e.strerror or e}") from e

    def sweep_incoming(self) -> int:
        """Remove leftovers of interrupted writes; returns how many were removed."""
        n = 0
        for p in self.incoming.iterdir():
            if p.is_dir():
                _chmod_tree(p, *_WRITABLE)
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            n += 1
        return n

    def _record_path(self, name: str) -> Path:
        return self.root / "records" / check_record_name(name)

    def put_record(self, name: str, data: bytes, *, retain_until: date | None = None) -> None:
        """Written once, read-only (a folder has no lock dates: ``retain_until`` is for S3)."""
        final = self._record_path(name)
        tmp = self.incoming / f"record.{uuid.uuid4().hex}"
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(tmp, data, mode=0o444)
            os.link(tmp, final)  # fails if the record exists: never overwritten
            fsync_dir(final.parent)
        except FileExistsError as e:
            raise StorageError(f"record {name} already exists in {self.url}") from e
        except OSError as e:
            raise StorageError(f"could not write record {name} in {self.url}: {e.strerror or e}") from e
        finally:
            tmp.unlink(missing_ok=True)

    def get_record(self, name: str) -> bytes | None:
        p = self._record_path(name)
        return p.read_bytes() if p.is_file() else None

    def list_records(self, prefix: str) -> Iterator[str]:
        base = self.root / "records"
        if not base.is_dir():
            return
        for p in sorted(base.rglob("*")):
            name = p.relative_to(base).as_posix()
            if p.is_file() and name.startswith(prefix):
                yield name
