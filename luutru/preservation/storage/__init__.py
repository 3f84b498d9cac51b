"""Storage backends behind one protocol; pick one by URL with :func:`open_storage`."""

from __future__ import annotations

from luutru.config import Settings
from luutru.preservation.storage.base import (
    AipNotFound,
    Storage,
    StorageError,
    StoredAip,
)
from luutru.preservation.storage.encrypted import wrap_storage
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.storage.replicated import ReplicatedStorage
from luutru.preservation.storage.s3 import S3Storage


def open_stack(settings: Settings) -> Storage:
    """The storage a deployment works with: the primary location, its replicas, and
    encryption of fixed-term AIPs under per-AIP keys (irreversible destruction)."""
    primary = open_storage(settings.storage_location, settings)
    inner: Storage = primary
    if settings.storage.replica_urls:
        inner = ReplicatedStorage(primary, [open_storage(u, settings) for u in settings.storage.replica_urls])
    return wrap_storage(inner, settings)


def open_storage(url: str, settings: Settings | None = None) -> Storage:
    """``file:///path`` → local directory; ``s3://bucket/prefix`` → S3-compatible (endpoint
    and region from ``settings.storage`` unless the URL names them)."""
    if url.startswith("file://") or url.startswith("/"):
        return LocalStorage.from_url(url)
    if url.startswith("s3://"):
        return S3Storage.from_url(url, settings.storage if settings is not None else None)
    raise StorageError(f"unsupported storage URL: {url}")


__all__ = ["Storage", "StorageError", "AipNotFound", "StoredAip", "open_stack", "open_storage"]
