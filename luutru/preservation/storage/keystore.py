"""Data keys of encrypted AIPs, wrapped by a master key; destroying a key destroys the AIP.

Why: a fixed-term dossier may have copies we cannot reach at destruction time
(replicas, backups, object versions kept by a provider).  Its content is stored
encrypted under a data key of its own; destroying that one key (crypto-shredding)
makes every copy unreadable at once, wherever it is.

:class:`KeyStore` is the interface; :class:`FileKeyStore` is the embedded default: a
directory (``LUUTRU_HOME/keys`` unless ``LUUTRU_KEYSTORE_DIR`` says otherwise) holding

* ``master.key`` — 32 random bytes, created with mode 0600;
* ``keys/<aip id>.key`` — the AIP's data key wrapped with the master key (RFC 3394
  AES key wrap, from ``cryptography``);
* ``destroyed/<aip id>.json`` — when and why a key was destroyed, so that reading a
  stray copy later fails with a clear message instead of a bare error.

A KMS/HSM implementation keeps the master key outside the host and implements the same
four methods.  Keep backups of the key store *short-lived*: an old backup of the key
store together with an old copy of the data would undo a destruction.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from luutru.packaging.atomic import fsync_dir, write_atomic
from luutru.preservation.storage.base import StorageError
from luutru.records.timeutil import iso_vn

KEY_BYTES = 32
_SAFE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,127}$")


class KeyStoreError(StorageError):
    """The key store cannot do what was asked; the message says what to check."""


class KeyDestroyed(KeyStoreError):
    """The data key was destroyed: the AIP's content can no longer be decrypted (by design)."""


class KeyMissing(KeyStoreError):
    """No data key is known for an AIP that is stored encrypted."""


@dataclass(frozen=True)
class KeyState:
    key_id: str
    exists: bool
    destroyed_at: str | None = None
    reason: str | None = None


@runtime_checkable
class KeyStore(Protocol):
    """Per-AIP data keys.  ``create_key`` is idempotent while the key lives."""

    def create_key(self, key_id: str, *, key: bytes | None = None) -> bytes:
        """Return the data key of ``key_id``, creating it if there is none: ``key`` when
        given (made in memory while the AIP was staged, see ``staged.py``), else a new one.

        Raises :class:`KeyDestroyed` if a key of that id was destroyed: ids are never
        reused, so a destroyed dossier cannot silently come back.
        """

    def get_key(self, key_id: str) -> bytes:
        """The data key; raises :class:`KeyDestroyed` or :class:`KeyMissing`."""

    def destroy_key(self, key_id: str, *, reason: str = "", actor: str = "") -> None:
        """Irreversibly destroy the key (idempotent: destroying twice is fine)."""

    def state(self, key_id: str) -> KeyState: ...


def _check_id(key_id: str) -> str:
    if not _SAFE_ID.match(key_id or ""):
        raise KeyStoreError(f"invalid key id {key_id!r}")
    return key_id


def _write_new(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Create ``path`` holding ``data``, or raise FileExistsError; never a partial file.

    Written whole to a private temporary name, then linked into place (``link(2)`` fails
    when the name exists): a reader in another thread or process sees no file or the
    whole key, never the empty file an exclusive create shows before its write."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


#: Unwrapped data keys kept per key store (see ``get_key``).
UNWRAPPED_KEPT = 256


class FileKeyStore:
    """Wrapped data keys in a directory, master key in a 0600 file beside them."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.keys = self.root / "keys"
        self.destroyed = self.root / "destroyed"
        try:
            for d in (self.root, self.keys, self.destroyed):
                d.mkdir(parents=True, exist_ok=True)
                os.chmod(d, 0o700)
        except OSError as e:
            raise KeyStoreError(f"cannot create the key store at {self.root}: {e.strerror or e}") from e
        self._master: bytes | None = None
        self._unwrapped: dict[str, tuple[tuple[int, int, int], bytes]] = {}
        self._lock = threading.Lock()

    def _master_key(self) -> bytes:
        if self._master is not None:
            return self._master
        with self._lock:
            return self._load_master()

    def _load_master(self) -> bytes:
        if self._master is not None:
            return self._master
        path = self.root / "master.key"
        if not path.exists():
            try:
                _write_new(path, os.urandom(KEY_BYTES))
                fsync_dir(self.root)
            except FileExistsError:
                pass  # created concurrently
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise KeyStoreError(
                f"master key {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
        data = path.read_bytes()
        if len(data) != KEY_BYTES:
            raise KeyStoreError(f"master key {path} is damaged ({len(data)} bytes, expected {KEY_BYTES}); "
                                "restore it from the key store backup")
        self._master = data
        return data

    def _key_path(self, key_id: str) -> Path:
        return self.keys / f"{_check_id(key_id)}.key"

    def _tomb_path(self, key_id: str) -> Path:
        return self.destroyed / f"{_check_id(key_id)}.json"

    def state(self, key_id: str) -> KeyState:
        tomb = self._tomb_path(key_id)
        if tomb.exists():
            doc = json.loads(tomb.read_text("utf-8"))
            return KeyState(key_id, False, doc.get("destroyed_at"), doc.get("reason"))
        return KeyState(key_id, self._key_path(key_id).exists())

    def _raise_destroyed(self, st: KeyState) -> None:
        raise KeyDestroyed(
            f"Khóa dữ liệu của {st.key_id} đã bị hủy lúc {st.destroyed_at} ({st.reason or 'tiêu hủy'}): nội dung "
            f"không thể giải mã, theo thiết kế. / The data key of {st.key_id} was destroyed at {st.destroyed_at} "
            f"({st.reason or 'destruction'}): this copy can no longer be decrypted, by design.")

    def create_key(self, key_id: str, *, key: bytes | None = None) -> bytes:
        if key is not None and len(key) != KEY_BYTES:
            raise KeyStoreError(f"a data key is {KEY_BYTES} bytes, not {len(key)}")
        st = self.state(key_id)
        if st.destroyed_at:
            self._raise_destroyed(st)
        path = self._key_path(key_id)
        if path.exists():
            return self.get_key(key_id)
        key = key or os.urandom(KEY_BYTES)
        try:
            _write_new(path, aes_key_wrap(self._master_key(), key))
            fsync_dir(self.keys)
        except FileExistsError:
            return self.get_key(key_id)
        return key

    def get_key(self, key_id: str) -> bytes:
        st = self.state(key_id)
        if st.destroyed_at:
            self._raise_destroyed(st)
        path = self._key_path(key_id)
        try:
            info = os.stat(path)
            # The unwrapped key is reused while its file is the one it was read from:
            # storing and reading back one AIP asked for it once per file (49 reads and
            # unwraps per dossier).  A destroyed key has its tombstone (checked above, in
            # every process) and its file overwritten and removed, so it is never reused.
            stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
            with self._lock:
                hit = self._unwrapped.get(key_id)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            wrapped = path.read_bytes()
        except FileNotFoundError as e:
            raise KeyMissing(
                f"Không có khóa dữ liệu cho {key_id} trong kho khóa {self.root}. / No data key for {key_id} in the "
                f"key store {self.root}: point LUUTRU_KEYSTORE_DIR at the right key store or restore it.") from e
        try:
            key = aes_key_unwrap(self._master_key(), wrapped)
        except InvalidUnwrap as e:
            raise KeyStoreError(f"the data key of {key_id} does not unwrap with the master key of {self.root} "
                                "(wrong master key or damaged key file)") from e
        with self._lock:
            self._unwrapped.pop(key_id, None)
            while len(self._unwrapped) >= UNWRAPPED_KEPT:
                self._unwrapped.pop(next(iter(self._unwrapped)))
            self._unwrapped[key_id] = (stamp, key)
        return key

    def destroy_key(self, key_id: str, *, reason: str = "", actor: str = "") -> None:
        with self._lock:
            self._unwrapped.pop(key_id, None)
        path = self._key_path(key_id)
        tomb = self._tomb_path(key_id)
        if not tomb.exists():
            doc = {"key_id": key_id, "destroyed_at": iso_vn(), "reason": reason, "actor": actor}
            write_atomic(tomb, json.dumps(doc, ensure_ascii=False))
        if path.exists():
            # Overwrite in place before unlinking, so the wrapped key is not left in the
            # freed blocks of a plain file system.  (On copy-on-write or flash storage
            # the overwrite may land elsewhere: that is why the key is wrapped, and why
            # key store backups must be short-lived.)
            size = path.stat().st_size
            with open(path, "r+b") as f:
                f.write(os.urandom(size))
                f.flush()
                os.fsync(f.fileno())
                f.seek(0)
                f.write(b"\0" * size)
                f.flush()
                os.fsync(f.fileno())
            path.unlink()
        fsync_dir(self.keys)
        fsync_dir(self.destroyed)
