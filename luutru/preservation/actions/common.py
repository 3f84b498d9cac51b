"""What every preservation action shares: reading originals, checking that text survived,
and writing the results as one new AIP revision (then catalog and index)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luutru.catalog.records import AipMetadata, load_aip_metadata
from luutru.packaging.ocfl import digests, planned_path
from luutru.preservation.aip import safe_component_name
from luutru.preservation.commit import index, record
from luutru.preservation.revisions import DOCUMENTS_JSON, append_events, json_bytes, reader
from luutru.records.events import Event
from luutru.services import Services

#: Share of the original's words a copy must keep (extraction differs in spacing and
#: hyphenation, never in the words themselves when the text layer is intact).
TEXT_KEPT = 0.98
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class NewFile:
    """One file an action adds to a document (a preservation copy, an OCR text)."""

    document: str
    role: str  # preservation | text
    logical: str  # path in the AIP's logical state (revision inventory)
    data: bytes
    original_name: str
    mime: str | None = None
    format_name: str | None = None
    puid: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def words(text: str | None) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(unicodedata.normalize("NFC", text or "")))


def text_kept(original: str | None, copy: str | None) -> float:
    """Share (0–1) of the original's words found in the copy's extracted text."""
    a, b = words(original), words(copy)
    total = sum(a.values())
    if total == 0:
        return 1.0
    return sum(min(n, b[w]) for w, n in a.items()) / total


def originals(meta: AipMetadata) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(document, original component) of every document of an AIP."""
    out = []
    for doc in meta.documents:
        for comp in doc.get("_service", {}).get("components", []):
            if comp.get("role") == "original":
                out.append((doc, comp))
    return out


def components_of(doc: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [c for c in doc.get("_service", {}).get("components", []) if c.get("role") == role]


def fetch(services: Services, code: str, comp: dict[str, Any], dest_dir: Path) -> Path:
    """Copy one stored component into ``dest_dir`` (decrypted when the AIP is encrypted)."""
    dest = dest_dir / safe_component_name(comp.get("original_name") or Path(comp["path"]).name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with services.storage.open_file(code, comp["path"]) as src, open(dest, "wb") as out:
        while chunk := src.read(1024 * 1024):
            out.write(chunk)
    return dest


def _component(f: NewFile, path: str) -> dict[str, Any]:
    d = digests(f.data)
    return {"document": f.document, "role": f.role, "path": path, "original_name": f.original_name,
            "size": d.size, "sha256": d.sha256, "mime": f.mime, "puid": f.puid, "format_name": f.format_name,
            "signature_status": None, "extra": f.extra}


def write_results(services: Services, code: str, files: list[NewFile], events: list[Event], *,
                  message: str) -> int:
    """One new revision: the new files, ``documents.json`` naming them, the events; then
    catalog rows and index entry from the stored AIP.  A file replaces the document's
    component of the same role in the new revision (earlier revisions keep theirs)."""
    revs = reader(services.storage, code)
    n = revs.head + 1
    documents = json.loads(revs.read(DOCUMENTS_JSON))
    extra: dict[str, bytes] = {}
    by_doc = {d.get("ma_dinh_danh_van_ban"): d for d in documents}
    for f in files:
        doc = by_doc[f.document]
        path = planned_path(n, f.logical)
        comps = [c for c in doc["_service"].get("components", []) if c.get("role") != f.role]
        doc["_service"]["components"] = comps + [_component(f, path)]
        extra[f.logical] = f.data
    if files:
        extra[DOCUMENTS_JSON] = json_bytes(documents)
    rev = append_events(services.storage, code, [e.to_dict() for e in events], message=message, user="luutru",
                        work_dir=services.settings.work_dir, extra=extra, version=n)
    meta = record(services, code)
    index(services, code, meta)
    return rev or revs.head


def head(services: Services, code: str) -> AipMetadata:
    return load_aip_metadata(services.storage, code)


def logical_of(path: str) -> str:
    """The logical path of a stored component path (``revisions/vN/content/X`` → ``X``)."""
    return path.split("/content/", 1)[1] if path.startswith("revisions/") else path


def replace_files(services: Services, code: str, changes: dict[str, bytes], events: list[dict[str, Any]], *,
                  message: str) -> int:
    """A new revision in which the components stored at ``changes``' paths get new bytes
    (e.g. renewed signature evidence); the earlier revisions keep the old bytes."""
    revs = reader(services.storage, code)
    n = revs.head + 1
    documents = json.loads(revs.read(DOCUMENTS_JSON))
    extra: dict[str, bytes] = {}
    for path, data in changes.items():
        logical = logical_of(path)
        d = digests(data)
        comps = [c for doc in documents for c in doc.get("_service", {}).get("components", []) if c["path"] == path]
        if not comps:
            raise ValueError(f"{code}: no component is stored at {path}")
        for c in comps:
            c.update(path=planned_path(n, logical), size=d.size, sha256=d.sha256)
        extra[logical] = data
    extra[DOCUMENTS_JSON] = json_bytes(documents)
    rev = append_events(services.storage, code, events, message=message, user="luutru",
                        work_dir=services.settings.work_dir, extra=extra, version=n)
    index(services, code, record(services, code))
    return rev or n
