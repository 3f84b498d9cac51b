"""Several storage locations behaving as one: every AIP is kept at every location.

``put_aip`` writes to every location, then re-reads each copy and compares every
SHA-256 with the bag manifest.  An AIP counts as stored only when every location has
it and every copy verifies; otherwise ``put_aip`` raises :class:`ReplicationError`
naming the failing locations, and calling it again completes only what is missing.
Reads go to the primary and fall back to the replicas in order.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Sequence

from luutru.packaging.bag import expected_digests, nfc, sha256_stream
from luutru.preservation.storage.base import (
    AipNotFound,
    LockedError,
    Storage,
    StorageError,
    StoredAip,
    stored_manifest_sha256,
)
from luutru.preservation.storage.locks import LockState
from luutru.preservation.storage.verify import verify_copy


class ReplicationError(StorageError):
    """Some locations do not hold a verified copy; ``failures`` maps location URL → reason."""

    def __init__(self, aip_id: str, failures: dict[str, str]):
        self.aip_id = aip_id
        self.failures = failures
        lines = "; ".join(f"{url}: {why}" for url, why in failures.items())
        super().__init__(f"AIP {aip_id} is not stored at every location ({lines}); run put_aip again or an audit to complete it")


class ReplicatedStorage:
    """A primary location plus replicas, behind the Storage protocol."""

    def __init__(self, primary: Storage, replicas: Sequence[Storage]):
        self.primary = primary
        self.replicas = list(replicas)
        self._locations: list[Storage] = [primary, *self.replicas]
        urls = [s.url for s in self._locations]
        if len(set(urls)) != len(urls):
            raise StorageError(f"the same storage location is listed twice: {urls}")
        self.url = primary.url

    @property
    def locations(self) -> list[Storage]:
        """The primary, then the replicas."""
        return list(self._locations)

    # -- writing -----------------------------------------------------------------------

    def put_aip(
        self,
        aip_id: str,
        bag_dir: Path,
        *,
        retain_until: date | None = None,
        legal_hold: bool = False,
    ) -> StoredAip:
        present = {s.url: s.has_aip(aip_id) for s in self.locations}
        if all(present.values()):
            raise StorageError(f"AIP {aip_id} already exists at every location")
        expected = expected_digests(Path(bag_dir))
        for tm in Path(bag_dir).glob("tagmanifest-*.txt"):  # tag manifests do not list themselves
            with open(tm, "rb") as f:
                expected[nfc(tm.name)] = sha256_stream(f)[0]
        failures: dict[str, str] = {}
        result: StoredAip | None = None
        for s in self.locations:
            try:
                if not present[s.url]:
                    stored = s.put_aip(aip_id, bag_dir, retain_until=retain_until, legal_hold=legal_hold)
                    if s is self.primary:
                        result = stored
                problems = verify_copy(s, aip_id, expected)
                if problems:
                    failures[s.url] = "verification failed: " + ", ".join(
                        f"{p.relpath} ({p.kind.value})" for p in problems[:10]
                    )
            except StorageError as e:
                failures[s.url] = str(e)
        if failures:
            raise ReplicationError(aip_id, failures)
        if result is None:
            files = list(self.primary.list_files(aip_id))
            result = StoredAip(aip_id, self.primary.url, len(files), -1)
        return result

    # -- reading (primary first, then replicas) ----------------------------------------

    def _first(self, what: str, fn):  # type: ignore[no-untyped-def]
        errors = []
        for s in self.locations:
            try:
                return fn(s)
            except StorageError as e:
                errors.append(f"{s.url}: {e}")
        raise AipNotFound(f"{what} is not readable at any location ({'; '.join(errors)})")

    def has_aip(self, aip_id: str) -> bool:
        """True only when every location holds the AIP (the rule for 'stored')."""
        return all(s.has_aip(aip_id) for s in self.locations)

    def list_aips(self) -> Iterator[str]:
        """AIPs held at every location."""
        common: set[str] | None = None
        for s in self.locations:
            ids = set(s.list_aips())
            common = ids if common is None else common & ids
        yield from sorted(common or ())

    def list_all_aips(self) -> Iterator[str]:
        """AIPs held at any location (what an audit should look at)."""
        found: set[str] = set()
        for s in self.locations:
            found.update(s.list_all_aips())
        yield from sorted(found)

    def list_files(self, aip_id: str) -> Iterator[str]:
        return iter(self._first(aip_id, lambda s: list(s.list_files(aip_id))))

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        return self._first(f"{aip_id}/{relpath}", lambda s: s.open_file(aip_id, relpath))

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        def fetch(s: Storage) -> Path:
            try:
                return s.fetch_aip(aip_id, dest)
            except StorageError:
                shutil.rmtree(dest, ignore_errors=True)
                raise

        return self._first(aip_id, fetch)

    # -- locks (applied everywhere) -----------------------------------------------------

    def lock_state(self, aip_id: str) -> LockState:
        return self._first(aip_id, lambda s: s.lock_state(aip_id))

    def extend_retention(self, aip_id: str, until: date) -> LockState:
        states = [s.extend_retention(aip_id, until) for s in self.locations if s.has_aip(aip_id)]
        return states[0] if states else LockState()

    def set_hold(self, aip_id: str, on: bool) -> LockState:
        states = [s.set_hold(aip_id, on) for s in self.locations if s.has_aip(aip_id)]
        return states[0] if states else LockState()

    def delete_aip(self, aip_id: str, *, all_versions: bool = True) -> None:
        holders = [s for s in self.locations if s.has_aip(aip_id)]
        if not holders:
            raise AipNotFound(aip_id)
        # Refuse before touching anything if any copy is still protected.
        for s in holders:
            state = s.lock_state(aip_id)
            if state.blocks_deletion():
                raise LockedError(f"AIP {aip_id} cannot be deleted: at {s.url} {state.reason()}")
        for s in holders:
            s.delete_aip(aip_id, all_versions=all_versions)

    def repair_file(self, aip_id: str, relpath: str, src: BinaryIO, *, sha256: str) -> None:
        raise StorageError("repair one location at a time: pass ReplicatedStorage to fixity.audit")

    def remove_stray_file(self, aip_id: str, relpath: str) -> None:
        raise StorageError("repair one location at a time: pass ReplicatedStorage to fixity.audit")

    # -- the rest of the protocol ------------------------------------------------------

    def add_revision(self, aip_id: str, version: int, src_dir: Path) -> None:
        """At every location holding the AIP (primary first); any failure is reported."""
        failures: dict[str, str] = {}
        for s in self.locations:
            try:
                s.add_revision(aip_id, version, src_dir)
            except StorageError as e:
                failures[s.url] = str(e)
        if failures:
            raise ReplicationError(aip_id, failures)

    def is_encrypted(self, aip_id: str) -> bool:
        return False  # copies are stored as given; encryption wraps the replicated set

    def destroy_key(self, aip_id: str, *, reason: str, actor: str) -> None:
        raise StorageError(f"AIP {aip_id} is replicated unencrypted: it has no key to destroy; "
                           "delete every copy instead (delete_aip with all_versions=True)")

    def stored_manifest_sha256(self, aip_id: str) -> dict[str, str]:
        return stored_manifest_sha256(self.locations, aip_id)

    def forget_cached(self, aip_id: str) -> None:
        for s in self.locations:
            s.forget_cached(aip_id)

    def prepare_aip(self, aip_id: str, bag_dir: Path) -> None:
        return None  # copies are stored as given; encryption wraps the replicated set

    def encrypt_staged(self, aip_id: str, relpath: str, src: Path, cipher_dir: Path,
                       progress: Callable[[int], None] | None = None) -> tuple[str, int] | None:
        return None  # copies are stored as given; encryption wraps the replicated set

    def sweep_incoming(self) -> int:
        return sum(s.sweep_incoming() for s in self.locations)

    # -- records: written at every location, read from the first that has them ------------

    def put_record(self, name: str, data: bytes, *, retain_until: date | None = None) -> None:
        failures: dict[str, str] = {}
        for s in self.locations:
            if s.get_record(name) == data:
                continue  # already there (a retry after one location failed)
            try:
                s.put_record(name, data, retain_until=retain_until)
            except StorageError as e:
                failures[s.url] = str(e)
        if failures:
            raise ReplicationError(name, failures)

    def get_record(self, name: str) -> bytes | None:
        for s in self.locations:
            data = s.get_record(name)
            if data is not None:
                return data
        return None

    def list_records(self, prefix: str) -> Iterator[str]:
        return iter(sorted({n for s in self.locations for n in s.list_records(prefix)}))
