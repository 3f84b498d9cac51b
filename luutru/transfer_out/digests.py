"""The two hashes per dossier that both sides compute, and so can compare.

The receiving archive builds its own AIPs (its own ids, times and events), so AIP
manifests cannot be compared across archives.  What must survive the transfer is (a)
the bytes of every original file at its catalogue path — ``content_sha256`` — and (b)
every catalogue field — ``metadata_sha256``, over the RFC 8785 canonical JSON of the
fields.  The sender computes both from what it packs, the receiver from what it stored.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Mapping, Sequence

import rfc8785

from luutru.catalog.records import AipMetadata

# Not part of the record: the service block, and which circular the catalogue was read as
# (a 02/2019 dossier re-read from the exported 05/2025 catalogue is the same record).
NOT_HASHED = ("_service", "catalogue_version")


def catalogue_fields(d: Mapping[str, Any]) -> dict[str, Any]:
    """The catalogue fields of a dossier or document of an AIP (without the service block)."""
    return {k: v for k, v in d.items() if k not in NOT_HASHED}


def content_digest(documents: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 over ``identifier \\t catalogue path \\t file SHA-256`` lines, sorted by identifier."""
    lines = "".join(f"{i}\t{p}\t{s.lower()}\n" for i, p, s in sorted(documents))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def metadata_digest(dossier: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of every catalogue field of a dossier and its documents."""
    body = {"dossier": catalogue_fields(dossier),
            "documents": sorted((catalogue_fields(d) for d in documents),
                                key=lambda d: str(d.get("ma_dinh_danh_van_ban")))}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def original_component(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The component of a document of an AIP that is the original file (None if it has none)."""
    for comp in doc.get("_service", {}).get("components", []):
        if comp.get("role") == "original":
            return comp
    return None


def stored_digests(meta: AipMetadata) -> tuple[str, str]:
    """(content, metadata) digests of a dossier as an archive stored it (used by the receiver)."""
    triples = []
    for doc in meta.documents:
        comp = original_component(doc) or {}
        triples.append((doc["ma_dinh_danh_van_ban"], doc.get("duong_dan_tep") or "", comp.get("sha256") or ""))
    return content_digest(triples), metadata_digest(meta.dossier, meta.documents)
