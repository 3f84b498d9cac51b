"""The bucket side of the S3 backend: client set-up, error translation, bucket checks,
object heads, listings (current and every version), locks, streaming uploads and
batched version deletes.

Split from :mod:`.s3` so that module holds only the AIP layout and the Storage
protocol; nothing here knows what an AIP is.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, BinaryIO, Iterator

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
)

from luutru.packaging.bag import HashingReader
from luutru.preservation.storage.base import StorageError
from luutru.preservation.storage.locks import LockState, lock_instant

MiB = 1024 * 1024
_MAX_PARTS = 9000  # S3 allows 10 000 parts; keep a margin
_CREDENTIAL_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "InvalidToken"}
_MISSING = ("404", "NoSuchKey", "NotFound", "NoSuchVersion")


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


def _make_client(url: str, endpoint_url: str | None, region: str | None) -> Any:
    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=16,
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    try:
        return boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region or "us-east-1", config=config
        )
    except (BotoCoreError, ValueError) as e:
        raise StorageError(f"cannot set up the S3 client for {url}: {e}") from e


class S3Bucket:
    """One bucket through boto3, every failure turned into a :class:`StorageError` that
    says what to check."""

    def __init__(self, bucket: str, url: str, *, client: Any | None = None, endpoint_url: str | None = None,
                 region: str | None = None, require_lock: bool = True):
        self.bucket = bucket
        self.url = url
        self.endpoint_url = endpoint_url
        self.require_lock = require_lock
        self.client = client if client is not None else _make_client(url, endpoint_url, region)
        self._lock_enabled: bool | None = None

    def error(self, e: Exception, doing: str) -> StorageError:
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
                    raise self.error(e2, "checking the bucket") from e2
            raise self.error(e, "checking the bucket") from e
        except BotoCoreError as e:
            raise self.error(e, "checking the bucket") from e
        try:
            versioning = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status")
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, "reading the bucket versioning") from e
        try:
            conf = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = conf.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "ObjectLockConfigurationNotFoundError":
                raise self.error(e, "reading the bucket Object Lock configuration") from e
            enabled = False
        except BotoCoreError as e:
            raise self.error(e, "reading the bucket Object Lock configuration") from e
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

    def need_lock(self, retain_until: date | None, legal_hold: bool) -> None:
        if (retain_until is not None or legal_hold) and not self.check_bucket():
            raise StorageError(
                f"bucket {self.bucket!r} has no Object Lock, so retention dates and holds cannot be kept; "
                "create the bucket with Object Lock enabled"
            )

    def head(self, key: str, version_id: str | None = None) -> dict[str, Any] | None:
        kw: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kw["VersionId"] = version_id
        try:
            return self.client.head_object(**kw)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "NoSuchVersion"):
                return None
            raise self.error(e, f"reading {key}") from e
        except BotoCoreError as e:
            raise self.error(e, f"reading {key}") from e

    def list_keys(self, prefix: str) -> Iterator[dict[str, Any]]:
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                yield from page.get("Contents", [])
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, f"listing {prefix}") from e

    def list_versions(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Every version and delete marker under ``prefix`` (``IsDeleteMarker`` added)."""
        try:
            pages = self.client.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for v in page.get("Versions", []):
                    yield {**v, "IsDeleteMarker": False}
                for m in page.get("DeleteMarkers", []):
                    yield {**m, "IsDeleteMarker": True}
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, f"listing versions of {prefix}") from e

    def apply_lock(self, key: str, version_id: str | None, state: LockState) -> None:
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
            raise self.error(e, f"locking {key}") from e

    def upload(self, src: BinaryIO, key: str, size: int | None) -> tuple[str, int, str | None]:
        """Stream ``src`` to ``key``; returns (sha256, bytes, version id)."""
        reader = HashingReader(src)
        try:
            self.client.upload_fileobj(reader, self.bucket, key, Config=transfer_config(size))
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, f"uploading {key}") from e
        head = self.head(key)
        version = head.get("VersionId") if head else None
        if version == "null":
            version = None
        return reader.hexdigest(), reader.bytes, version

    def delete_versions(self, versions: list[dict[str, Any]], doing: str) -> list[str]:
        """Delete the given versions in batches; returns keys that could not be deleted."""
        failed: list[str] = []
        for i in range(0, len(versions), 1000):
            batch = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions[i : i + 1000]]
            try:
                r = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            except (ClientError, BotoCoreError) as e:
                raise self.error(e, doing) from e
            failed += [f"{err['Key']} ({err.get('Code')})" for err in r.get("Errors", [])]
        return failed

    def delete_object(self, key: str, doing: str) -> None:
        """Delete the current version (a delete marker when versioned)."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, doing) from e

    def get_body(self, key: str, doing: str) -> Any | None:
        """The streaming body of ``key``, or None when it does not exist."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise self.error(e, doing) from e
        except BotoCoreError as e:
            raise self.error(e, doing) from e

    def download(self, key: str, writer: BinaryIO, size: int | None, doing: str) -> bool:
        """Stream ``key`` into ``writer``; False when it does not exist."""
        try:
            self.client.download_fileobj(self.bucket, key, writer, Config=transfer_config(size))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise self.error(e, doing) from e
        except BotoCoreError as e:
            raise self.error(e, doing) from e
        return True

    def put_bytes(self, key: str, body: bytes, doing: str) -> str | None:
        """Write a small object in one request; returns its version id."""
        try:
            r = self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, doing) from e
        return r.get("VersionId")  # type: ignore[no-any-return]

    def set_legal_hold(self, key: str, on: bool) -> None:
        try:
            self.client.put_object_legal_hold(Bucket=self.bucket, Key=key, LegalHold={"Status": "ON" if on else "OFF"})
        except (ClientError, BotoCoreError) as e:
            raise self.error(e, f"setting the hold on {key}") from e
