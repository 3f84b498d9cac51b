"""Digests of the bags this process sealed, so that storing one does not read it again.

:func:`luutru.packaging.bag_seal.seal_bag` knows every digest of the bag it writes;
:func:`luutru.packaging.bag.expected_digests` used to open the same bag with
bagit-python right after (reading each manifest line with a ``realpath``), twice per
encrypted dossier.  An entry answers only while both manifests are still the files the
seal wrote (same inode, size and modification time); anything else reads the bag.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

#: The SHA-256 manifests every bag of the service has (also :mod:`luutru.packaging.bag`'s names).
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"

#: Digests of bags sealed by this process, by directory, with the identity of their two
#: manifests when sealed; bounded.  See :func:`luutru.packaging.bag.expected_digests`.
_SEALED: dict[str, tuple[tuple[int, ...], dict[str, str]]] = {}
_SEALED_MAX = 256
_SEALED_LOCK = threading.Lock()


def _manifests_stamp(root: Path) -> tuple[int, ...] | None:
    try:
        a, b = os.stat(root / MANIFEST), os.stat(root / TAGMANIFEST)
    except OSError:
        return None
    return (a.st_ino, a.st_size, a.st_mtime_ns, b.st_ino, b.st_size, b.st_mtime_ns)


def remember_sealed(root: Path, digests: dict[str, str]) -> None:
    stamp = _manifests_stamp(root)
    if stamp is None:
        return
    with _SEALED_LOCK:
        if len(_SEALED) >= _SEALED_MAX:
            _SEALED.pop(next(iter(_SEALED)))
        _SEALED[os.path.abspath(root)] = (stamp, digests)


def sealed_digests(root: Path) -> dict[str, str] | None:
    with _SEALED_LOCK:
        hit = _SEALED.get(os.path.abspath(root))
    if hit is None or _manifests_stamp(root) != hit[0]:
        return None
    return dict(hit[1])
