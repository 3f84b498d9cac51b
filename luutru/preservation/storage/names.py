"""Opaque stored names for the files of an encrypted AIP.

Why: a payload file's name often says what the record is ("QĐ kỷ luật Nguyễn Văn A.pdf").
Encrypting the bytes is not enough when the name stays in clear in every listing of the
storage, its replicas, an S3 bucket and every backup, where destruction of the key does
not reach.  So a file of an encrypted AIP is stored under a name derived from its real
path with HMAC-SHA-256 under a key derived from the AIP's data key:

    data/<32 hex>                  a payload file of the ingested bag
    revisions/vN/<32 hex>          a file of revision N
    luutru-names.enc               real payload names, encrypted (beside the encrypted tags)
    revisions/vN/luutru-names.enc  real names of revision N, encrypted

The name is deterministic (storing the same bag again gives the same names, so replicas
compare), reveals nothing without the key, and a reader holding the key finds a file
from its real path without reading any map.  The encrypted lists of real names give
``list_files`` its answer.  The real path stays the associated data of each file's
encryption (``crypto``), so a stored file cannot be passed off under another name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from luutru.packaging.ocfl import REVISIONS

NAMES = "luutru-names.enc"
NAMING = "hmac-sha256/1"  # the value of "names" in luutru-encryption.json


def _names_key(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"luutru-names/1").derive(key)


def unit_prefix(relpath: str) -> str:
    """``data/`` for the ingested payload, ``revisions/vN/`` for a file of revision N."""
    parts = relpath.split("/")
    if parts[0] == REVISIONS and len(parts) >= 3:
        return f"{REVISIONS}/{parts[1]}/"
    return "data/"


def opaque_name(key: bytes, relpath: str) -> str:
    """The stored name of the file whose real path (in the AIP) is ``relpath``."""
    real = unicodedata.normalize("NFC", relpath)
    digest = hmac.new(_names_key(key), real.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
    return unit_prefix(real) + digest


def names_file(prefix: str) -> str:
    """Where the encrypted list of real names of one unit (``data/``, ``revisions/vN/``) is stored."""
    return NAMES if prefix == "data/" else prefix + NAMES


def encode_names(names: list[str]) -> bytes:
    return json.dumps(sorted(names), ensure_ascii=False).encode("utf-8")


def decode_names(data: bytes) -> list[str]:
    names = json.loads(data)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("the list of stored names is damaged")
    return names
