"""S3-compatible object storage (MinIO, Ceph RGW, AWS) through boto3.

Layout under ``s3://bucket/prefix``::

    <prefix>/aips/<aip_id>/<relpath>      one object per file of the bag
    <prefix>/complete/<aip_id>.json        completion marker, written last

Only AIPs with a marker exist for readers (``has_aip``, ``list_aips``, ``open_file``),
so a crash half-way through ``put_aip`` leaves nothing visible; the leftovers are
removed (or hidden behind delete markers when locked) by the next ``put_aip`` of the
same id.

Every object is uploaded through a hashing, non-seekable reader, so boto3 streams it
in multipart chunks of bounded size and the SHA-256 is computed in that same pass;
it must equal the bag manifest before the object is locked.  Downloads stream the
same way through a hashing writer.

Retention uses S3 Object Lock in COMPLIANCE mode on every object version (and the
marker); a legal hold blocks deletion regardless of dates.  The bucket must be
created with Object Lock enabled (which also enables versioning).

The bucket calls (client, errors, listings, locks, uploads) are in :mod:`.s3_bucket`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterator
from urllib.parse import parse_qs, urlparse

from luutru.config import StorageSettings
from luutru.packaging.bag import (
    MANIFEST,
    HashingWriter,
    bag_files,
    check_digest,
    expected_digests,
    nfc,
)
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
from luutru.preservation.storage.locks import (
    LockState,
    check_extension,
    date_of_instant,
)
from luutru.preservation.storage.s3_bucket import S3Bucket, transfer_config
from luutru.records.timeutil import iso_vn

__all__ = ["S3Storage", "transfer_config"]


class S3Storage(PlainBackend):
    """AIPs as objects in one bucket under an optional prefix."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        client: Any | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        require_lock: bool = True,
    ):
        if not bucket:
            raise StorageError("S3 storage URL needs a bucket: s3://<bucket>/<prefix>")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.require_lock = require_lock
        self.endpoint_url = endpoint_url
        self.url = f"s3://{bucket}/{self.prefix}".rstrip("/")
        self.objects = S3Bucket(bucket, self.url, client=client, endpoint_url=endpoint_url, region=region,
                                require_lock=require_lock)
        self.client = self.objects.client

    @classmethod
    def from_url(cls, url: str, settings: StorageSettings | None = None) -> "S3Storage":
        """``s3://bucket/prefix[?endpoint_url=...&region=...&object_lock=required|optional]``.

        Endpoint and region default to ``settings.s3_endpoint_url``/``s3_region``
        (``LUUTRU_S3_ENDPOINT_URL``, ``LUUTRU_S3_REGION``);
        credentials come from the standard AWS environment variables or profile.
        """
        u = urlparse(url)
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        endpoint = q.get("endpoint_url") or (settings.s3_endpoint_url if settings else None)
        region = q.get("region") or (settings.s3_region if settings else None)
        lock = q.get("object_lock", "required")
        if lock not in ("required", "optional"):
            raise StorageError(f"object_lock must be 'required' or 'optional' in {url}")
        return cls(u.netloc, u.path, endpoint_url=endpoint, region=region, require_lock=lock == "required")

    # -- keys and errors ---------------------------------------------------------------

    def _check_id(self, aip_id: str) -> None:
        if not aip_id or "/" in aip_id or aip_id in (".", "..") or aip_id.startswith("."):
            raise StorageError(f"invalid AIP id: {aip_id!r}")

    def _aip_prefix(self, aip_id: str) -> str:
        self._check_id(aip_id)
        return f"{self.prefix}aips/{aip_id}/"

    def _key(self, aip_id: str, relpath: str) -> str:
        if relpath.startswith("/") or ".." in relpath.split("/"):
            raise StorageError(f"path escapes the AIP: {relpath}")
        return self._aip_prefix(aip_id) + relpath

    def _marker(self, aip_id: str) -> str:
        self._check_id(aip_id)
        return f"{self.prefix}complete/{aip_id}.json"

    def _upload(self, src: BinaryIO, key: str, size: int | None) -> tuple[str, int, str | None]:
        """Stream one object (hashing it on the way); one seam for every upload of this store."""
        return self.objects.upload(src, key, size)

    def check_bucket(self) -> bool:
        """Check the bucket is reachable and, when required, versioned with Object Lock."""
        return self.objects.check_bucket()

    # -- Storage protocol --------------------------------------------------------------

    def has_aip(self, aip_id: str) -> bool:
        return self.objects.head(self._marker(aip_id)) is not None

    def _read_marker(self, aip_id: str) -> dict[str, Any]:
        body = self.objects.get_body(self._marker(aip_id), f"reading the completion marker of {aip_id}")
        if body is None:
            raise AipNotFound(aip_id)
        return json.loads(body.read())

    def list_aips(self) -> Iterator[str]:
        base = f"{self.prefix}complete/"
        for obj in self.objects.list_keys(base):
            name = obj["Key"][len(base) :]
            if name.endswith(".json") and "/" not in name:
                yield name[: -len(".json")]

    def list_files(self, aip_id: str) -> Iterator[str]:
        if not self.has_aip(aip_id):
            raise AipNotFound(aip_id)
        base = self._aip_prefix(aip_id)
        for obj in self.objects.list_keys(base):
            yield obj["Key"][len(base) :]

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        if not self.has_aip(aip_id):
            raise AipNotFound(aip_id)
        key = self._key(aip_id, relpath)
        body = self.objects.get_body(key, f"reading {key}")
        if body is None:
            raise AipNotFound(f"{aip_id}/{relpath}")
        return body  # type: ignore[no-any-return]

    def put_aip(
        self,
        aip_id: str,
        bag_dir: Path,
        *,
        retain_until: date | None = None,
        legal_hold: bool = False,
    ) -> StoredAip:
        self.objects.check_bucket()
        self.objects.need_lock(retain_until, legal_hold)
        marker = self._marker(aip_id)
        if self.objects.head(marker) is not None:
            raise StorageError(f"AIP {aip_id} already exists in {self.url}")
        bag_dir = Path(bag_dir)
        expected = expected_digests(bag_dir)
        self._clear_leftovers(aip_id)
        state = LockState(retain_until, legal_hold)
        record: dict[str, dict[str, Any]] = {}
        total = 0
        written: list[tuple[str, str | None]] = []
        try:
            for rel in bag_files(bag_dir):
                path = bag_dir / rel
                key = self._key(aip_id, rel)
                with open(path, "rb") as f:
                    digest, n, version = self._upload(f, key, path.stat().st_size)
                written.append((key, version))
                check_digest(aip_id, rel, expected.get(nfc(rel)), digest, self.url)
                self.objects.apply_lock(key, version, state)
                record[rel] = {"sha256": digest, "bytes": n, "version_id": version}
                total += n
        except ChecksumMismatch:
            self._clear_leftovers(aip_id)
            raise
        doc = {
            "aip_id": aip_id,
            "stored_at": iso_vn(),
            "retain_until": retain_until.isoformat() if retain_until else None,
            "legal_hold": legal_hold,
            "files": record,
        }
        body = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        version = self.objects.put_bytes(marker, body, f"writing the completion marker of {aip_id}")
        self.objects.apply_lock(marker, version, state)
        return StoredAip(aip_id, f"{self.url}/aips/{aip_id}", len(record), total)

    def _clear_leftovers(self, aip_id: str) -> None:
        """Remove objects of an interrupted put (no marker); hide locked ones."""
        versions = [v for v in self.objects.list_versions(self._aip_prefix(aip_id))]
        if not versions:
            return
        self.objects.delete_versions(versions, f"cleaning leftovers of {aip_id}")
        # Whatever is still current (locked) gets a delete marker: invisible to listings.
        for obj in self.objects.list_keys(self._aip_prefix(aip_id)):
            self.objects.delete_object(obj["Key"], f"hiding leftover {obj['Key']}")

    def fetch_aip(self, aip_id: str, dest: Path) -> Path:
        doc = self._read_marker(aip_id)
        dest = Path(dest)
        if dest.exists():
            raise StorageError(f"fetch destination {dest} already exists")
        for rel, meta in doc["files"].items():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            key = self._key(aip_id, rel)
            with open(target, "wb") as f:
                writer = HashingWriter(f)
                if not self.objects.download(key, writer, meta.get("bytes"), f"downloading {key}"):
                    raise AipNotFound(f"{aip_id}/{rel} is missing from {self.url}")
            check_digest(aip_id, rel, meta["sha256"], writer.hexdigest(), self.url)
        for rel in self.list_files(aip_id):  # revisions written after the marker (checked by their manifest)
            if rel not in doc["files"]:
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with self.open_file(aip_id, rel) as src, open(target, "wb") as out:
                    out.write(src.read())
        return dest

    # -- locks -------------------------------------------------------------------------

    def lock_state(self, aip_id: str) -> LockState:
        head = self.objects.head(self._marker(aip_id))
        if head is None:
            raise AipNotFound(aip_id)
        until = head.get("ObjectLockRetainUntilDate")
        if isinstance(until, str):
            until = datetime.fromisoformat(until.replace("Z", "+00:00"))
        return LockState(
            date_of_instant(until) if until else None,
            head.get("ObjectLockLegalHoldStatus") == "ON",
        )

    def _current_keys(self, aip_id: str) -> list[str]:
        return [o["Key"] for o in self.objects.list_keys(self._aip_prefix(aip_id))] + [self._marker(aip_id)]

    def extend_retention(self, aip_id: str, until: date) -> LockState:
        current = self.lock_state(aip_id)
        check_extension(current, until, aip_id)
        self.objects.need_lock(until, False)
        for key in self._current_keys(aip_id):
            self.objects.apply_lock(key, None, LockState(until, False))
        return LockState(until, current.legal_hold)

    def set_hold(self, aip_id: str, on: bool) -> LockState:
        current = self.lock_state(aip_id)
        self.objects.need_lock(None, True)
        for key in self._current_keys(aip_id):
            self.objects.set_legal_hold(key, on)
        return LockState(current.retain_until, bool(on))

    def delete_aip(self, aip_id: str, *, all_versions: bool = True) -> None:
        marker = self._marker(aip_id)
        if self.objects.head(marker) is None:
            raise AipNotFound(aip_id)
        state = self.lock_state(aip_id)
        if state.blocks_deletion():
            raise LockedError(f"AIP {aip_id} in {self.url} cannot be deleted: {state.reason()}")
        if not all_versions:
            for key in [marker] + self._current_keys(aip_id)[:-1]:
                self.objects.delete_object(key, f"deleting {key}")
            return
        versions = list(self.objects.list_versions(marker)) + list(self.objects.list_versions(self._aip_prefix(aip_id)))
        versions = [v for v in versions if v["Key"] == marker or v["Key"].startswith(self._aip_prefix(aip_id))]
        # Check every version first: refuse before removing anything.
        blocked = []
        for v in versions:
            if v["IsDeleteMarker"]:
                continue
            h = self.objects.head(v["Key"], v["VersionId"]) or {}
            until = h.get("ObjectLockRetainUntilDate")
            vs = LockState(date_of_instant(until) if until else None, h.get("ObjectLockLegalHoldStatus") == "ON")
            if vs.blocks_deletion():
                blocked.append(f"{v['Key']} ({vs.reason()})")
        if blocked:
            raise LockedError(
                f"AIP {aip_id} in {self.url} cannot be deleted: {len(blocked)} object version(s) are still "
                f"locked, e.g. {blocked[0]}"
            )
        # The marker goes first so the AIP disappears at once for readers.
        markers = [v for v in versions if v["Key"] == marker]
        rest = [v for v in versions if v["Key"] != marker]
        failed = self.objects.delete_versions(markers, f"deleting {aip_id}") + self.objects.delete_versions(
            rest, f"deleting {aip_id}"
        )
        if failed:
            raise LockedError(f"the object store refused to delete {len(failed)} version(s) of {aip_id}: {failed[:5]}")

    # -- repair ------------------------------------------------------------------------

    def repair_file(self, aip_id: str, relpath: str, src: BinaryIO, *, sha256: str) -> None:
        state = self.lock_state(aip_id)
        key = self._key(aip_id, relpath)
        digest, _n, version = self._upload(src, key, None)
        if digest != sha256:
            if version:
                self.objects.delete_versions([{"Key": key, "VersionId": version}], f"undoing a bad repair of {key}")
            raise ChecksumMismatch(
                f"repair of {aip_id}/{relpath} refused: the source bytes hash to {digest}, not {sha256}"
            )
        self.objects.apply_lock(key, version, state)

    def remove_stray_file(self, aip_id: str, relpath: str) -> None:
        key = self._key(aip_id, relpath)
        self.objects.delete_object(key, f"removing stray {key}")  # a delete marker when versioned

    def add_revision(self, aip_id: str, version: int, src_dir: Path) -> None:
        """New objects under the AIP's lock and hold; the revision's manifest is uploaded last."""
        prefix = revision_prefix(version)
        state = self.lock_state(aip_id)
        if self.objects.head(self._key(aip_id, prefix + MANIFEST)) is not None:
            raise StorageError(f"revision v{version} of {aip_id} already exists in {self.url}")
        hashes = {}
        for rel in revision_sources(src_dir):
            key = self._key(aip_id, prefix + rel)
            if self.objects.head(key) is not None:  # never a new version over an existing object
                raise StorageError(f"revision v{version} of {aip_id} is being written by another process ({key})")
            path = src_dir / rel
            with open(path, "rb") as f:
                digest, _n, vid = self._upload(f, key, path.stat().st_size)
            self.objects.apply_lock(key, vid, state)
            hashes[rel] = digest
        key = self._key(aip_id, prefix + MANIFEST)
        vid = self.objects.put_bytes(key, manifest_bytes(hashes), f"writing {key}")
        self.objects.apply_lock(key, vid, state)

    def sweep_incoming(self) -> int:
        """Nothing to sweep: leftovers of an interrupted put have no completion marker, so
        they are invisible, and the next put of the same id removes them."""
        return 0

    # -- records ---------------------------------------------------------------------------

    def put_record(self, name: str, data: bytes, *, retain_until: date | None = None) -> None:
        """One object under ``records/``, written once, in COMPLIANCE until ``retain_until``
        when the bucket has Object Lock."""
        key = f"{self.prefix}records/{check_record_name(name)}"
        if self.objects.head(key) is not None:
            raise StorageError(f"record {name} already exists in {self.url}")
        version = self.objects.put_bytes(key, data, f"writing record {name}")
        if retain_until is not None and self.objects.check_bucket():
            self.objects.apply_lock(key, version, LockState(retain_until, False))

    def get_record(self, name: str) -> bytes | None:
        key = f"{self.prefix}records/{check_record_name(name)}"
        body = self.objects.get_body(key, f"reading record {name}")
        return None if body is None else bytes(body.read())

    def list_records(self, prefix: str) -> Iterator[str]:
        base = f"{self.prefix}records/"
        yield from sorted(o["Key"][len(base):] for o in self.objects.list_keys(base + prefix))
