"""Errors of storing and reading AIPs, shared by every layer that touches stored bags.

They live in the lowest layer because the bag reader (``luutru.packaging.bag``), the
storage backends and the areas above them raise and catch the same types: a checksum
mismatch found while reading a manifest is the same problem wherever it is found.
"""

from __future__ import annotations


class StorageError(Exception):
    """A storage operation failed; the message says what to check."""


class AipNotFound(StorageError):
    """No complete AIP is stored under that id."""


class LockedError(StorageError):
    """Refused because a retention lock or a hold protects the AIP."""


class ChecksumMismatch(StorageError):
    """Bytes read or written do not match the bag manifest."""
