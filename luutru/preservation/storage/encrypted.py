"""A Storage wrapper that keeps fixed-term AIPs encrypted, each under its own data key.

Why: destruction of a fixed-term dossier must leave nothing recoverable, also in copies
the service cannot reach (replicas, backups, old object versions).  With one data key
per AIP, destroying the key (see :mod:`.keystore`) makes every copy unreadable.
Permanent dossiers are stored as they are: they must stay readable for ever and are
never destroyed.

What is stored for an encrypted AIP (a valid BagIt bag over the ciphertext, so fixity
audits of the stored bytes need no key)::

    bagit.txt  bag-info.txt (Payload-Oxum of the ciphertext)
    manifest-sha256.txt  tagmanifest-sha256.txt    over the stored (encrypted) bytes
    luutru-encryption.json                         scheme, segment size, key id
    luutru-plain-tags.enc                          the original tag files, encrypted
    luutru-names.enc                               the real payload names, encrypted
    data/<32 hex>                                  every payload file, encrypted (crypto.py),
                                                   under an opaque name (names.py)

AIPs stored before opaque names (no ``"names"`` in ``luutru-encryption.json``) keep their
payload under the real names and are read as they are; their new revisions too.

Readers see the original bag: ``list_files``/``open_file``/``fetch_aip`` return the
original tag files and decrypted payload, so catalog loading, downloads and reindex
work unchanged.  Fixity audits go to the stored bags (``locations``).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import shutil
import tempfile
import threading
import uuid
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from luutru.config import Settings
from luutru.packaging.bag import MANIFEST, nfc, read_manifest
from luutru.packaging.held import held_bag, materialise
from luutru.packaging.ocfl import REVISIONS
from luutru.preservation.storage.bag_cipher import (
    ENC_INFO,
    PLAIN_TAGS,
    SCHEME,
    encrypt_bag,
    fixed_term,
)
from luutru.preservation.storage.base import (
    AipNotFound,
    ChecksumMismatch,
    Storage,
    StorageError,
    StoredAip,
    revision_prefix,
    revision_sources,
    stored_manifest_sha256,
)
from luutru.preservation.storage.crypto import (
    SEGMENT,
    DecryptionError,
    decrypt_bytes,
    encrypt_bytes,
    encrypt_stream,
    open_decrypting,
)
from luutru.preservation.storage.keystore import FileKeyStore, KeyStore
from luutru.preservation.storage.locks import LockState
from luutru.preservation.storage.names import (
    NAMES,
    NAMING,
    decode_names,
    encode_names,
    names_file,
    opaque_name,
)
from luutru.preservation.storage.prepared import PreparedBag, PreparedBags, sealed_state
from luutru.preservation.storage.staged import StagedCiphers

__all__ = ["ENC_INFO", "PLAIN_TAGS", "SCHEME", "EncryptedStorage", "wrap_storage"]
_STORED_ONLY = (ENC_INFO, PLAIN_TAGS, NAMES)


class EncryptedStorage:
    """Storage protocol over ``inner``; encrypts fixed-term AIPs on ``put_aip``."""

    #: New AIPs store their files under opaque names; False writes the earlier layout
    #: (real names), which stays readable: tests of that compatibility set it.
    opaque_names = True
    #: Bags whose metadata is held in memory (luutru.packaging.held) are read as such.
    reads_held_bags = True

    def __init__(self, inner: Storage, keystore: KeyStore, *, work_dir: Path | None = None):
        self.inner = inner
        self.keystore = keystore
        self.work_dir = Path(work_dir) if work_dir else None
        self.url = inner.url
        self._info: dict[str, dict[str, Any] | None] = {}
        self._lock = threading.Lock()
        self._staged = StagedCiphers()
        self._prepared = PreparedBags()

    # The stored locations, for fixity audits of the stored (encrypted) bytes.
    @property
    def locations(self) -> list[Storage]:
        return self.inner.locations

    def list_all_aips(self) -> Iterator[str]:
        return self.inner.list_all_aips()

    def sweep_incoming(self) -> int:
        return self.inner.sweep_incoming()

    # Records (audit-trail anchors) hold no record content: stored as they are.
    def put_record(self, name: str, data: bytes, *, retain_until: date | None = None) -> None:
        self.inner.put_record(name, data, retain_until=retain_until)

    def get_record(self, name: str) -> bytes | None:
        return self.inner.get_record(name)

    def list_records(self, prefix: str) -> Iterator[str]:
        return self.inner.list_records(prefix)

    # -- what is encrypted ---------------------------------------------------------------

    def encryption_info(self, aip_id: str) -> dict[str, Any] | None:
        """The AIP's encryption record, or None when it is stored in plain form."""
        with self._lock:
            if aip_id in self._info:
                return self._info[aip_id]
        try:
            with self.inner.open_file(aip_id, ENC_INFO) as f:
                info: dict[str, Any] | None = json.loads(f.read())
        except AipNotFound:
            if not self.inner.has_aip(aip_id):
                raise
            info = None
        with self._lock:
            self._info[aip_id] = info
        return info

    def is_encrypted(self, aip_id: str) -> bool:
        return self.encryption_info(aip_id) is not None

    def forget_cached(self, aip_id: str) -> None:
        """Also drops a dossier's staged key, ciphertext list and prepared bag (a refused transfer's)."""
        self._staged.forget(aip_id)
        self._prepared.forget(aip_id)
        self._forget_info(aip_id)

    def _forget_info(self, aip_id: str) -> None:
        with self._lock:
            self._info.pop(aip_id, None)

    def encrypt_staged(self, aip_id: str, relpath: str, src: Path, cipher_dir: Path,
                       progress: Callable[[int], None] | None = None) -> tuple[str, int] | None:
        """Encrypt a fixed-term record's staged plaintext now, in the pass that hashes it
        (:mod:`.staged`); None when it will not be stored by this call's AIP (already stored,
        key destroyed, bad id): the caller hashes it as before."""
        try:
            if self.inner.has_aip(aip_id):
                return None
            st = self.keystore.state(aip_id)
            if st.destroyed_at:
                return None
            key = self._staged.key(aip_id, self.keystore.get_key(aip_id) if st.exists else None)
        except StorageError:
            return None
        return self._staged.encrypt(aip_id, key, relpath, src, cipher_dir, progress)

    def destroy_key(self, aip_id: str, *, reason: str, actor: str) -> None:
        """Destroy the AIP's data key: every copy of it, anywhere, becomes unreadable."""
        info = self.encryption_info(aip_id)
        if info is None:
            raise StorageError(f"AIP {aip_id} is stored unencrypted: it has no key to destroy")
        self.keystore.destroy_key(info.get("key_id", aip_id), reason=reason, actor=actor)
        self.forget_cached(aip_id)

    def _opaque(self, aip_id: str) -> bool:
        """Whether the encrypted AIP stores its files under opaque names (names.py)."""
        info = self.encryption_info(aip_id)
        return info is not None and info.get("names") == NAMING

    def _real_names(self, aip_id: str, prefix: str, key: bytes) -> list[str]:
        """Real paths (in the AIP) of the files of one unit (``data/`` or ``revisions/vN/``)."""
        stored = names_file(prefix)
        with self.inner.open_file(aip_id, stored) as f:
            sealed = f.read()
        try:
            names = decode_names(decrypt_bytes(sealed, key, stored))
        except (DecryptionError, ValueError) as e:
            raise StorageError(f"AIP {aip_id}: its list of file names cannot be read: {e}") from e
        return names if prefix == "data/" else [prefix + n for n in names]

    def stored_name(self, aip_id: str, relpath: str) -> str:
        """Where the AIP's file ``relpath`` is stored (its opaque name, or itself): the path
        that ``repair_file`` and the stored manifests use."""
        if relpath.startswith(("data/", REVISIONS + "/")) and not _stored_plain(relpath) and self._opaque(aip_id):
            return opaque_name(self._key(aip_id), relpath)
        return relpath

    def _key(self, aip_id: str) -> bytes:
        info = self.encryption_info(aip_id)
        assert info is not None
        return self.keystore.get_key(info.get("key_id", aip_id))

    def _plain_tags(self, aip_id: str) -> dict[str, bytes]:
        # Not cached: decrypted content stays in memory no longer than one call.
        with self.inner.open_file(aip_id, PLAIN_TAGS) as f:
            sealed = f.read()
        try:
            doc = json.loads(decrypt_bytes(sealed, self._key(aip_id), PLAIN_TAGS))
        except DecryptionError as e:
            raise StorageError(f"AIP {aip_id}: its encrypted tag files cannot be decrypted: {e}") from e
        return {name: text.encode("utf-8") for name, text in doc.items()}

    # -- writing -------------------------------------------------------------------------

    def put_aip(self, aip_id: str, bag_dir: Path, *, retain_until: date | None = None,
                legal_hold: bool = False) -> StoredAip:
        bag_dir = Path(bag_dir)
        self._forget_info(aip_id)
        if not fixed_term(bag_dir):
            materialise(bag_dir)  # stored as it is: the folder must be the whole bag
            return self.inner.put_aip(aip_id, bag_dir, retain_until=retain_until, legal_hold=legal_hold)
        pending = self._staged.take(aip_id)  # encrypted while staged: that key, if none is stored
        key = self.keystore.create_key(aip_id, key=pending.key if pending else None)
        enc = self._prepared.take(aip_id, key, bag_dir)  # encrypted during the checks
        try:
            if enc is None:
                enc = self._scratch(bag_dir)
                staged = pending.files if pending and hmac.compare_digest(pending.key, key) else {}
                encrypt_bag(aip_id, bag_dir, enc, key, opaque_names=self.opaque_names, staged=staged,
                            held=held_bag(bag_dir))
            return self.inner.put_aip(aip_id, enc, retain_until=retain_until, legal_hold=legal_hold)
        finally:
            if enc is not None:
                shutil.rmtree(enc, ignore_errors=True)
            self._forget_info(aip_id)

    def _scratch(self, bag_dir: Path) -> Path:
        parent = self.work_dir or bag_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".enc-{uuid.uuid4().hex[:8]}-", dir=parent))

    def prepare_aip(self, aip_id: str, bag_dir: Path) -> None:
        """Encrypt a sealed fixed-term bag now, before the transfer is accepted, under its
        data key held in memory; ``put_aip`` then only stores it (:mod:`.prepared`).  Does
        nothing when there is no such key; on a failure nothing is left, and the error is
        the caller's to log (``put_aip`` meets it again and reports it)."""
        pending = self._staged.peek(aip_id)
        if pending is None or not fixed_term(Path(bag_dir)):
            return
        sealed, enc = sealed_state(Path(bag_dir)), self._scratch(Path(bag_dir))  # the state it is prepared from
        try:
            encrypt_bag(aip_id, Path(bag_dir), enc, pending.key, opaque_names=self.opaque_names, staged=pending.files,
                        held=held_bag(bag_dir))
        except BaseException:
            shutil.rmtree(enc, ignore_errors=True)
            raise
        self._prepared.put(aip_id, PreparedBag(enc, pending.key, sealed))

    def add_revision(self, aip_id: str, version: int, src_dir: Path) -> None:
        """A revision of an encrypted AIP is encrypted under the same data key, so destroying
        that key makes every revision unreadable too."""
        if not self.is_encrypted(aip_id):
            return self.inner.add_revision(aip_id, version, src_dir)
        key = self._key(aip_id)
        prefix = revision_prefix(version)
        parent = self.work_dir or Path(src_dir).parent
        parent.mkdir(parents=True, exist_ok=True)
        enc = Path(tempfile.mkdtemp(prefix=f".enc-rev-{uuid.uuid4().hex[:8]}-", dir=parent))
        try:
            opaque = self._opaque(aip_id)
            rels = revision_sources(Path(src_dir))
            for rel in rels:
                target = enc / (opaque_name(key, prefix + rel)[len(prefix):] if opaque else rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(Path(src_dir) / rel, "rb") as src, open(target, "wb") as dst:
                    encrypt_stream(src, dst, key, nfc(prefix + rel))
            if opaque:
                (enc / NAMES).write_bytes(encrypt_bytes(encode_names([nfc(r) for r in rels]), key,
                                                        names_file(prefix)))
            return self.inner.add_revision(aip_id, version, enc)
        finally:
            shutil.rmtree(enc, ignore_errors=True)

    # -- reading -------------------------------------------------------------------------

    def has_aip(self, aip_id: str) -> bool:
        return self.inner.has_aip(aip_id)

    def list_aips(self) -> Iterator[str]:
        return self.inner.list_aips()

    def list_files(self, aip_id: str) -> Iterator[str]:
        if not self.is_encrypted(aip_id):
            return self.inner.list_files(aip_id)
        tags = self._plain_tags(aip_id)
        stored = [r for r in self.inner.list_files(aip_id) if r.startswith(("data/", REVISIONS + "/"))]
        if not self._opaque(aip_id):
            return iter(sorted(stored) + sorted(tags))
        key = self._key(aip_id)
        payload = self._real_names(aip_id, "data/", key)
        for rel in stored:
            if _stored_plain(rel):  # each revision: its stored manifest, its real names
                payload.append(rel)
            elif rel.startswith(REVISIONS + "/") and rel.endswith("/" + NAMES) and rel.count("/") == 2:
                payload += self._real_names(aip_id, rel[: -len(NAMES)], key)
        return iter(sorted(payload) + sorted(tags))

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        if not self.is_encrypted(aip_id):
            return self.inner.open_file(aip_id, relpath)
        if _stored_plain(relpath):  # a revision's manifest of its stored (encrypted) bytes
            return self.inner.open_file(aip_id, relpath)
        if not relpath.startswith(("data/", REVISIONS + "/")):
            tags = self._plain_tags(aip_id)
            if relpath not in tags:
                raise AipNotFound(f"{aip_id}/{relpath}")
            return io.BytesIO(tags[relpath])
        key = self._key(aip_id)
        raw = self.inner.open_file(aip_id, self.stored_name(aip_id, relpath))
        try:
            return open_decrypting(raw, key, nfc(relpath))
        except DecryptionError as e:
            raw.close()
            raise StorageError(f"AIP {aip_id}: {e}") from e

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        if not self.is_encrypted(aip_id):
            return self.inner.fetch_aip(aip_id, dest)
        dest = Path(dest)
        if dest.exists():
            raise StorageError(f"fetch destination {dest} already exists")
        tags = self._plain_tags(aip_id)

        want = read_manifest(lambda rel: tags[rel].decode("utf-8"))
        try:
            for rel in self.list_files(aip_id):
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with self.open_file(aip_id, rel) as src, open(target, "wb") as out:
                    if rel.startswith("data/"):
                        h = hashlib.sha256()
                        while chunk := src.read(SEGMENT):
                            h.update(chunk)
                            out.write(chunk)
                        if want.get(rel) not in (None, h.hexdigest()):
                            raise ChecksumMismatch(f"{aip_id}/{rel}: decrypted bytes do not match the manifest")
                    else:
                        shutil.copyfileobj(src, out)
        except (StorageError, DecryptionError) as e:
            shutil.rmtree(dest, ignore_errors=True)
            if isinstance(e, DecryptionError):
                raise StorageError(f"AIP {aip_id}: {e}") from e
            raise
        return dest

    def stored_manifest_sha256(self, aip_id: str) -> dict[str, str]:
        """SHA-256 of the stored manifest at every location holding the AIP (for tombstones)."""
        return stored_manifest_sha256(self.locations, aip_id)

    # -- locks and deletion: the stored AIP's own ------------------------------------------

    def lock_state(self, aip_id: str) -> LockState:
        return self.inner.lock_state(aip_id)

    def extend_retention(self, aip_id: str, until: date) -> LockState:
        return self.inner.extend_retention(aip_id, until)

    def set_hold(self, aip_id: str, on: bool) -> LockState:
        return self.inner.set_hold(aip_id, on)

    def delete_aip(self, aip_id: str, *, all_versions: bool = True) -> None:
        try:
            self.inner.delete_aip(aip_id, all_versions=all_versions)
        finally:
            self.forget_cached(aip_id)

    def repair_file(self, aip_id: str, relpath: str, src: BinaryIO, *, sha256: str) -> None:
        """Repairs restore stored bytes: they go to the inner storage (ciphertext, stored manifest)."""
        self.inner.repair_file(aip_id, relpath, src, sha256=sha256)

    def remove_stray_file(self, aip_id: str, relpath: str) -> None:
        self.inner.remove_stray_file(aip_id, relpath)


def _stored_plain(relpath: str) -> bool:
    parts = relpath.split("/")
    return len(parts) == 3 and parts[0] == REVISIONS and parts[2] == MANIFEST


def wrap_storage(storage: Storage, settings: Settings) -> EncryptedStorage:
    """What ``Services.storage`` returns: the configured storage behind encryption."""
    return EncryptedStorage(storage, FileKeyStore(settings.keystore_path), work_dir=settings.work_dir)
