"""Storage backends behind one protocol; pick one by URL with :func:`open_storage`."""

from __future__ import annotations

from luutru.preservation.storage.base import (
    AipNotFound,
    Storage,
    StorageError,
    StoredAip,
)
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.storage.s3 import S3Storage


def open_storage(url: str, settings: object | None = None) -> Storage:
    """``file:///path`` → local directory; ``s3://bucket/prefix`` → S3-compatible."""
    if url.startswith("file://") or url.startswith("/"):

        return LocalStorage.from_url(url)
    if url.startswith("s3://"):

        return S3Storage.from_url(url, settings)
    raise StorageError(f"unsupported storage URL: {url}")


__all__ = ["Storage", "StorageError", "AipNotFound", "StoredAip", "open_storage"]
