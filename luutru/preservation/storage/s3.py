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
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterator
from urllib.parse import parse_qs, urlparse

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
)

from luutru.packaging.bag import (
    HashingReader,
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
    StorageError,
    StoredAip,
)
from luutru.preservation.storage.locks import (
    LockState,
    check_extension,
    date_of_instant,
    lock_instant,
)
from luutru.records.timeutil import iso_vn

MiB = 1024 * 1024
_MAX_PARTS = 9000  # S3 allows 10 000 parts; keep a margin
_CREDENTIAL_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "InvalidToken"}


def transfer_config(size: int | None = None) -> TransferConfig:
    """Multipart settings with bounded memory: at most a few chunks in flight.

    The chunk grows with the file so that even very large files stay under the
    part-count limit (8 MiB chunks up to ~70 GiB, larger beyond).
    """
    chunk = 8 * MiB
    if size:
        chunk = max(chunk, math.ceil(size / _MAX_PARTS / MiB) * MiB)
    config = TransferConfig(
        multipart_threshold=chunk,
        multipart_chunksize=chunk,
        max_concurrency=4,
        max_io_queue=8,
        use_threads=True,
    )
    # Not exposed by boto3's constructor, but honoured by the transfer manager: they
    # bound how many chunks of a non-seekable stream are held in memory.
    config.max_in_memory_upload_chunks = 6
    config.max_in_memory_download_chunks = 8
    return config


class S3Storage:
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
        if client is None:
            config = Config(
                retries={"max_attempts": 5, "mode": "standard"},
                max_pool_connections=16,
                s3={"addressing_style": "path"} if endpoint_url else {},
            )
            try:
                client = boto3.session.Session().client(
                    "s3", endpoint_url=endpoint_url, region_name=region or "us-east-1", config=config
                )
            except (BotoCoreError, ValueError) as e:
                raise StorageError(f"cannot set up the S3 client for {self.url}: {e}") from e
        self.client = client
        self._lock_enabled: bool | None = None

    @classmethod
    def from_url(cls, url: str, settings: object | None = None) -> "S3Storage":
        """``s3://bucket/prefix[?endpoint_url=...&region=...&object_lock=required|optional]``.

        Endpoint and region default to ``settings.s3_endpoint_url``/``s3_region``;
        credentials come from the standard AWS environment variables or profile.
        """
        u = urlparse(url)
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        endpoint = q.get("endpoint_url") or getattr(settings, "s3_endpoint_url", None)
        region = q.get("region") or getattr(settings, "s3_region", None)
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

    def _error(self, e: Exception, doing: str) -> StorageError:
        """Turn a boto error into a StorageError that says what to check."""
        where = f"bucket {self.bucket!r}" + (f" at {self.endpoint_url}" if self.endpoint_url else "")
        if isinstance(e, NoCredentialsError):
            return StorageError(
                f"{doing}: no S3 credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE) for the service account"
            )
        if isinstance(e, EndpointConnectionError):
            return StorageError(f"{doing}: cannot reach the S3 endpoint for {where}; check LUUTRU_S3_ENDPOINT_URL")
        if isinstance(e, ClientError):
            code = str(e.response.get("Error", {}).get("Code", ""))
            msg = e.response.get("Error", {}).get("Message", "")
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in _CREDENTIAL_CODES:
                return StorageError(
                    f"{doing}: the S3 endpoint rejected the credentials ({code}) for {where}; check "
                    "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
                )
            if code == "NoSuchBucket" or (code in ("404", "NotFound") and "bucket" in doing):
                return StorageError(
                    f"{doing}: {where} does not exist; create it with versioning and Object Lock enabled"
                )
            if code in ("AccessDenied", "403", "Forbidden") or status == 403:
                return StorageError(
                    f"{doing}: access denied to {where} ({msg or code}); check the credentials "
                    "(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and that the account may "
                    "read, write, and set retention and legal holds in this bucket"
                )
            return StorageError(f"{doing}: S3 error {code or status} on {where}: {msg}")
        return StorageError(f"{doing} on {self.url}: {e}")

    # -- bucket checks -----------------------------------------------------------------

    def check_bucket(self) -> bool:
        """Check the bucket is reachable and, when required, versioned with Object Lock.

        Returns whether Object Lock is enabled.  Runs once per instance.
        """
        if self._lock_enabled is not None:
            return self._lock_enabled
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as e:
            if e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403:
                # HEAD answers carry no error code; a listing tells bad keys from missing rights.
                try:
                    self.client.list_objects_v2(Bucket=self.bucket, MaxKeys=1)
                except (ClientError, BotoCoreError) as e2:
                    raise self._error(e2, "checking the bucket") from e2
            raise self._error(e, "checking the bucket") from e
        except BotoCoreError as e:
            raise self._error(e, "checking the bucket") from e
        try:
            versioning = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status")
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, "reading the bucket versioning") from e
        try:
            conf = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = conf.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "ObjectLockConfigurationNotFoundError":
                raise self._error(e, "reading the bucket Object Lock configuration") from e
            enabled = False
        except BotoCoreError as e:
            raise self._error(e, "reading the bucket Object Lock configuration") from e
        if self.require_lock and versioning != "Enabled":
            raise StorageError(
                f"bucket {self.bucket!r} has no versioning; AIP storage needs a versioned bucket with "
                "Object Lock (create the bucket with Object Lock enabled), or use ?object_lock=optional "
                "for a test store"
            )
        if self.require_lock and not enabled:
            raise StorageError(
                f"bucket {self.bucket!r} has no Object Lock; Object Lock can only be chosen when a bucket is "
                "created: create a new bucket with Object Lock enabled and move the AIPs there"
            )
        self._lock_enabled = enabled
        return enabled

    def _need_lock(self, retain_until: date | None, legal_hold: bool) -> None:
        if (retain_until is not None or legal_hold) and not self.check_bucket():
            raise StorageError(
                f"bucket {self.bucket!r} has no Object Lock, so retention dates and holds cannot be kept; "
                "create the bucket with Object Lock enabled"
            )

    # -- small helpers -----------------------------------------------------------------

    def _head(self, key: str, version_id: str | None = None) -> dict[str, Any] | None:
        kw: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kw["VersionId"] = version_id
        try:
            return self.client.head_object(**kw)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "NoSuchVersion"):
                return None
            raise self._error(e, f"reading {key}") from e
        except BotoCoreError as e:
            raise self._error(e, f"reading {key}") from e

    def _list_keys(self, prefix: str) -> Iterator[dict[str, Any]]:
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                yield from page.get("Contents", [])
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, f"listing {prefix}") from e

    def _list_versions(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Every version and delete marker under ``prefix`` (``IsDeleteMarker`` added)."""
        try:
            pages = self.client.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for v in page.get("Versions", []):
                    yield {**v, "IsDeleteMarker": False}
                for m in page.get("DeleteMarkers", []):
                    yield {**m, "IsDeleteMarker": True}
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, f"listing versions of {prefix}") from e

    def _apply_lock(self, key: str, version_id: str | None, state: LockState) -> None:
        kw: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kw["VersionId"] = version_id
        try:
            if state.retain_until is not None:
                self.client.put_object_retention(
                    **kw,
                    Retention={"Mode": "COMPLIANCE", "RetainUntilDate": lock_instant(state.retain_until)},
                )
            if state.legal_hold:
                self.client.put_object_legal_hold(**kw, LegalHold={"Status": "ON"})
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, f"locking {key}") from e

    def _upload(self, src: BinaryIO, key: str, size: int | None) -> tuple[str, int, str | None]:
        """Stream ``src`` to ``key``; returns (sha256, bytes, version id)."""
        reader = HashingReader(src)
        try:
            self.client.upload_fileobj(reader, self.bucket, key, Config=transfer_config(size))
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, f"uploading {key}") from e
        head = self._head(key)
        version = head.get("VersionId") if head else None
        if version == "null":
            version = None
        return reader.hexdigest(), reader.bytes, version

    def _delete_versions(self, versions: list[dict[str, Any]], doing: str) -> list[str]:
        """Delete the given versions in batches; returns keys that could not be deleted."""
        failed: list[str] = []
        for i in range(0, len(versions), 1000):
            batch = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions[i : i + 1000]]
            try:
                r = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            except (ClientError, BotoCoreError) as e:
                raise self._error(e, doing) from e
            failed += [f"{err['Key']} ({err.get('Code')})" for err in r.get("Errors", [])]
        return failed

    # -- Storage protocol --------------------------------------------------------------

    def has_aip(self, aip_id: str) -> bool:
        return self._head(self._marker(aip_id)) is not None

    def _read_marker(self, aip_id: str) -> dict[str, Any]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._marker(aip_id))["Body"].read()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise AipNotFound(aip_id) from e
            raise self._error(e, f"reading the completion marker of {aip_id}") from e
        except BotoCoreError as e:
            raise self._error(e, f"reading the completion marker of {aip_id}") from e
        return json.loads(body)

    def list_aips(self) -> Iterator[str]:
        base = f"{self.prefix}complete/"
        for obj in self._list_keys(base):
            name = obj["Key"][len(base) :]
            if name.endswith(".json") and "/" not in name:
                yield name[: -len(".json")]

    def list_files(self, aip_id: str) -> Iterator[str]:
        if not self.has_aip(aip_id):
            raise AipNotFound(aip_id)
        base = self._aip_prefix(aip_id)
        for obj in self._list_keys(base):
            yield obj["Key"][len(base) :]

    def open_file(self, aip_id: str, relpath: str) -> BinaryIO:
        if not self.has_aip(aip_id):
            raise AipNotFound(aip_id)
        key = self._key(aip_id, relpath)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise AipNotFound(f"{aip_id}/{relpath}") from e
            raise self._error(e, f"reading {key}") from e
        except BotoCoreError as e:
            raise self._error(e, f"reading {key}") from e

    def put_aip(
        self,
        aip_id: str,
        bag_dir: Path,
        *,
        retain_until: date | None = None,
        legal_hold: bool = False,
    ) -> StoredAip:
        self.check_bucket()
        self._need_lock(retain_until, legal_hold)
        marker = self._marker(aip_id)
        if self._head(marker) is not None:
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
                self._apply_lock(key, version, state)
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
        try:
            r = self.client.put_object(Bucket=self.bucket, Key=marker, Body=body, ContentType="application/json")
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, f"writing the completion marker of {aip_id}") from e
        self._apply_lock(marker, r.get("VersionId"), state)
        return StoredAip(aip_id, f"{self.url}/aips/{aip_id}", len(record), total)

    def _clear_leftovers(self, aip_id: str) -> None:
        """Remove objects of an interrupted put (no marker); hide locked ones."""
        versions = [v for v in self._list_versions(self._aip_prefix(aip_id))]
        if not versions:
            return
        self._delete_versions(versions, f"cleaning leftovers of {aip_id}")
        # Whatever is still current (locked) gets a delete marker: invisible to listings.
        for obj in self._list_keys(self._aip_prefix(aip_id)):
            try:
                self.client.delete_object(Bucket=self.bucket, Key=obj["Key"])
            except (ClientError, BotoCoreError) as e:
                raise self._error(e, f"hiding leftover {obj['Key']}") from e

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
                try:
                    self.client.download_fileobj(
                        self.bucket, key, writer, Config=transfer_config(meta.get("bytes"))
                    )
                except ClientError as e:
                    if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                        raise AipNotFound(f"{aip_id}/{rel} is missing from {self.url}") from e
                    raise self._error(e, f"downloading {key}") from e
                except BotoCoreError as e:
                    raise self._error(e, f"downloading {key}") from e
            check_digest(aip_id, rel, meta["sha256"], writer.hexdigest(), self.url)
        return dest

    # -- locks -------------------------------------------------------------------------

    def lock_state(self, aip_id: str) -> LockState:
        head = self._head(self._marker(aip_id))
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
        return [o["Key"] for o in self._list_keys(self._aip_prefix(aip_id))] + [self._marker(aip_id)]

    def extend_retention(self, aip_id: str, until: date) -> LockState:
        current = self.lock_state(aip_id)
        check_extension(current, until, aip_id)
        self._need_lock(until, False)
        for key in self._current_keys(aip_id):
            self._apply_lock(key, None, LockState(until, False))
        return LockState(until, current.legal_hold)

    def set_hold(self, aip_id: str, on: bool) -> LockState:
        current = self.lock_state(aip_id)
        self._need_lock(None, True)
        for key in self._current_keys(aip_id):
            try:
                self.client.put_object_legal_hold(
                    Bucket=self.bucket, Key=key, LegalHold={"Status": "ON" if on else "OFF"}
                )
            except (ClientError, BotoCoreError) as e:
                raise self._error(e, f"setting the hold on {key}") from e
        return LockState(current.retain_until, bool(on))

    def delete_aip(self, aip_id: str, *, all_versions: bool = True) -> None:
        marker = self._marker(aip_id)
        if self._head(marker) is None:
            raise AipNotFound(aip_id)
        state = self.lock_state(aip_id)
        if state.blocks_deletion():
            raise LockedError(f"AIP {aip_id} in {self.url} cannot be deleted: {state.reason()}")
        if not all_versions:
            for key in [marker] + self._current_keys(aip_id)[:-1]:
                try:
                    self.client.delete_object(Bucket=self.bucket, Key=key)
                except (ClientError, BotoCoreError) as e:
                    raise self._error(e, f"deleting {key}") from e
            return
        versions = list(self._list_versions(marker)) + list(self._list_versions(self._aip_prefix(aip_id)))
        versions = [v for v in versions if v["Key"] == marker or v["Key"].startswith(self._aip_prefix(aip_id))]
        # Check every version first: refuse before removing anything.
        blocked = []
        for v in versions:
            if v["IsDeleteMarker"]:
                continue
            h = self._head(v["Key"], v["VersionId"]) or {}
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
        failed = self._delete_versions(markers, f"deleting {aip_id}") + self._delete_versions(
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
                self._delete_versions([{"Key": key, "VersionId": version}], f"undoing a bad repair of {key}")
            raise ChecksumMismatch(
                f"repair of {aip_id}/{relpath} refused: the source bytes hash to {digest}, not {sha256}"
            )
        self._apply_lock(key, version, state)

    def remove_stray_file(self, aip_id: str, relpath: str) -> None:
        key = self._key(aip_id, relpath)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)  # a delete marker when versioned
        except (ClientError, BotoCoreError) as e:
            raise self._error(e, f"removing stray {key}") from e
