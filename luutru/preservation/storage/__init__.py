"""Storage backends behind one protocol; pick one by URL with :func:`open_storage`."""

from __future__ import annotations

from .base import Storage, StorageError, AipNotFound, StoredAip


def open_storage(url: str, settings: object | None = None) -> Storage:
    """``file:///path`` → local directory; ``s3://bucket/prefix`` → S3-compatible."""
    if url.startswith("file://") or url.startswith("/"):
        from .local import LocalStorage

        return LocalStorage.from_url(url)
    if url.startswith("s3://"):
        from .s3 import S3Storage  # type: ignore[import-not-found]

        return S3Storage.from_url(url, settings)
    raise StorageError(f"unsupported storage URL: {url}")


__all__ = ["Storage", "StorageError", "AipNotFound", "StoredAip", "open_storage"]
