"""METS, EAD and PREMIS rewritten for each revision that changes an AIP's metadata.

Revision 1 carries the XML the AIP builder wrote (:mod:`luutru.packaging.sip.aip_xml`), so
the AIP reads without luutru.  A later revision that changes the metadata JSON (a
correction, events of a fixity audit or a transfer confirmation, a new preservation copy)
would otherwise leave the standards describing the AIP as it was ingested: an archive
reading the OCFL export or METS would see the old title, miss the later events and not
know the new copies.  :func:`xml_changes` builds the XML of the new logical state with
the same writer and returns only the files whose bytes change, to be stored in the same
revision.

Files added by later revisions are named in ``documents.json`` by their stored path
(``revisions/vN/content/<logical path>``); the XML names them by their logical path, as
the OCFL state (and so the export) has them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from luutru.packaging.ocfl import REVISIONS, FileDigests, digests
from luutru.packaging.sip.aip_xml import METS_PATH, aip_xml_files
from luutru.preservation.aip import AIP_CREATOR

DOSSIER_JSON = "data/metadata/dossier.json"
DOCUMENTS_JSON = "data/metadata/documents.json"
PREMIS_JSON = "data/metadata/premis.json"
XML_INPUTS = (DOSSIER_JSON, DOCUMENTS_JSON, PREMIS_JSON)


def logical_path(path: str) -> str:
    """``revisions/vN/content/data/...`` → ``data/...``; a logical path unchanged."""
    if path.startswith(REVISIONS + "/"):
        parts = path.split("/", 3)
        if len(parts) == 4 and parts[2] == "content":
            return parts[3]
    return path


def is_generated(path: str) -> bool:
    """A payload file the XML writer makes (and so rewrites), never an input to it."""
    return (path == METS_PATH or path == "data/documentation/README.txt"
            or path.startswith(("data/metadata/descriptive/", "data/schemas/"))
            or (path.startswith("data/metadata/preservation/") and path.endswith(".xml")))


def _logical_documents(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for doc in documents:
        service = dict(doc.get("_service") or {})
        service["components"] = [{**c, "path": logical_path(c["path"])} for c in service.get("components", [])
                                 if c.get("path")]
        out.append({**doc, "_service": service})
    return out


def xml_changes(state: dict[str, str], changes: dict[str, bytes | None], read: Callable[[str], bytes],
                stream: Callable[[str], FileDigests]) -> dict[str, bytes]:
    """The METS/EAD/PREMIS files to store with ``changes``, or nothing.

    ``state``: logical path → SHA-512 of the revision the change starts from; ``read`` reads a
    logical file of that revision, ``stream`` gives the digests of one (without holding it).
    Nothing is rewritten when no metadata JSON changes, or when the AIP never had the XML
    (built before AIPs carried it: its first revision stays what it was).
    """
    if METS_PATH not in state or not any(p in changes for p in XML_INPUTS):
        return {}

    def current(path: str) -> Any:
        data = changes.get(path)
        return json.loads(data if data is not None else read(path))

    dossier, events = current(DOSSIER_JSON), current(PREMIS_JSON)
    documents = _logical_documents(current(DOCUMENTS_JSON))
    known = {c["path"]: (c["sha256"], int(c["size"])) for d in documents for c in d["_service"]["components"]
             if c.get("sha256") and c.get("size") is not None}
    hashes: dict[str, tuple[str, int]] = {}
    for path in sorted(set(state) | {p for p, b in changes.items() if b is not None}):
        if not path.startswith("data/") or is_generated(path) or (path in changes and changes[path] is None):
            continue
        if path in changes:
            d = digests(changes[path] or b"")
            hashes[path] = (d.sha256, d.size)
        elif path in known:
            hashes[path] = known[path]
        else:
            d = stream(path)
            hashes[path] = (d.sha256, d.size)
    created = (dossier.get("_service") or {}).get("ingested_at") or ""
    files = aip_xml_files(dossier.get("ma_ho_so") or "", dossier, documents, events, hashes,
                          created=created, creator=AIP_CREATOR)
    return {p: b for p, b in files.items() if state.get(p) != hashlib.sha512(b).hexdigest()}
