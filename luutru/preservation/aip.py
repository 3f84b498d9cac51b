"""Building an AIP: one BagIt bag per dossier.

Layout of a bag (see docs/architecture.md)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/metadata/dossier.json      dossier fields (Circular 02/2019) + service fields
    data/metadata/documents.json    document fields + their components
    data/metadata/premis.json       PREMIS events
    data/METS.xml, data/metadata/descriptive/EAD*.xml, data/metadata/preservation/PREMIS*.xml,
    data/schemas/, data/documentation/README.txt
                                    the same metadata as E-ARK CSIP METS + EAD 2002 + PREMIS 3.0
                                    (luutru/packaging/sip/aip_xml.py), so the AIP reads without luutru
    data/metadata/text/<id>.txt     extracted full text (for the index)
    data/objects/<document id>/<original file name>
    data/objects/<document id>/preservation/<name>   preservation copy (e.g. PDF/A-2b)

Payload files are copied and hashed in one pass; :mod:`luutru.packaging.bag` writes the
payload manifest from those hashes and has bagit-python write bag-info (with
Payload-Oxum) and the tag manifest, so a bag is read once, not twice.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from luutru import __version__
from luutru.packaging.bag import copy_file_hashing, link_file_hashing
from luutru.packaging.bag_seal import seal_bag, write_declaration
from luutru.packaging.sip.aip_xml import aip_xml_files
from luutru.packaging.sip.model import SipAgent
from luutru.policies.retention import is_permanent
from luutru.records.events import Event
from luutru.records.model import DocumentRecord, DossierRecord
from luutru.records.timeutil import iso_vn

CHUNK = 1024 * 1024
PROFILE = "luutru-aip/1"
AIP_CREATOR = SipAgent("luutru", "luutru", "software", role="CREATOR", version=__version__)


@dataclass
class Component:
    """One stored file of a document."""

    document: str
    role: str  # original | preservation | text
    path: str  # bag-relative, e.g. data/objects/<id>/x.pdf
    original_name: str
    size: int
    sha256: str
    mime: str | None = None
    puid: str | None = None
    format_name: str | None = None
    signature_status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def safe_component_name(name: str) -> str:
    """NFC file name without directory parts or characters unsafe in object keys."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    name = "".join("_" if c in '<>:"|?*\x00' or ord(c) < 32 else c for c in name)
    return name or "file"


class AipBuilder:
    """Assembles one dossier's bag in a staging directory, then seals it."""

    def __init__(self, staging: Path, dossier: DossierRecord, transfer_id: str):
        self.root = Path(staging)
        if self.root.exists():
            shutil.rmtree(self.root)
        (self.root / "data" / "objects").mkdir(parents=True)
        (self.root / "data" / "metadata").mkdir(parents=True)
        self.dossier = dossier
        self.transfer_id = transfer_id
        self.components: list[Component] = []
        self.events: list[Event] = []
        self.documents: list[DocumentRecord] = []
        self._hashes: dict[str, tuple[str, int]] = {}  # bag path → (sha256, size)
        self._encrypted_later = not is_permanent(dossier.retention)  # see add_original
        self._dirs: set[Path] = set()

    def _obj_path(self, document: str, name: str, sub: str | None = None) -> str:
        parts = ["data", "objects", document] + ([sub] if sub else []) + [safe_component_name(name)]
        return "/".join(parts)

    def add_original(self, doc: DocumentRecord, src: Path, progress: Callable[[int], None] | None = None) -> Component:
        """Stage one original, hashing it in the same pass.

        A fixed-term record is stored encrypted: its staged plaintext is only read (by
        the checks, then by the encryption), so the sender's file is hard-linked and
        hashed instead of copied — written once, as ciphertext.  A permanent record is
        copied (its staged copy is what storage links into the AIP), as is any file
        that cannot be linked."""
        rel = self._obj_path(doc.identifier, doc.path)
        linked = link_file_hashing(src, self.root / rel, progress) if self._encrypted_later else None
        sha, size = linked or copy_file_hashing(src, self.root / rel, progress, durable=False)
        self._hashes[rel] = (sha, size)
        comp = Component(doc.identifier, "original", rel, doc.path, size, sha)
        self.components.append(comp)
        return comp

    def original_path(self, comp: Component) -> Path:
        return self.root / comp.path

    def add_derivative(self, document: str, src: Path, role: str = "preservation", **meta: Any) -> Component:
        rel = self._obj_path(document, src.name, role)
        sha, size = copy_file_hashing(src, self.root / rel, durable=False)
        self._hashes[rel] = (sha, size)
        comp = Component(document, role, rel, src.name, size, sha, **meta)
        self.components.append(comp)
        return comp

    def add_text(self, document: str, text: str) -> Component:
        rel = f"data/metadata/text/{document}.txt"
        self._write_payload(rel, text.encode("utf-8"))
        sha, size = self._hashes[rel]
        comp = Component(document, "text", rel, f"{document}.txt", size, sha, mime="text/plain")
        self.components.append(comp)
        return comp

    def _write_payload(self, rel: str, data: bytes) -> None:
        """Write a file of the bag being built; no fsync: the bag is scratch until storage
        copies it and makes that copy durable (``Storage.put_aip``)."""
        p = self.root / rel
        if p.parent not in self._dirs:  # one mkdir per folder, not per file
            p.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(p.parent)
        p.write_bytes(data)
        self._hashes[rel] = (hashlib.sha256(data).hexdigest(), len(data))

    def _json(self, rel: str, obj: Any) -> None:
        self._write_payload(rel, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8"))

    def seal(self, ingested_at: str | None = None) -> Path:
        """Write metadata, events and manifests; return the bag directory."""
        ingested_at = ingested_at or iso_vn()
        d = self.dossier
        dossier_meta = dict(d.fields)
        dossier_meta.update({
            "_service": {
                "transfer_id": self.transfer_id,
                "ingested_at": ingested_at,
                "retention_years": d.retention.years,
                "access_regime": d.access.value,
                "agent": f"luutru {__version__}",
            }
        })
        docs = []
        by_doc: dict[str, list[dict[str, Any]]] = {}
        for c in self.components:
            by_doc.setdefault(c.document, []).append(c.to_dict())
        for doc in sorted(self.documents, key=lambda x: x.sequence):
            entry = dict(doc.fields)
            entry["_service"] = {
                "access_regime": doc.access.value,
                "reliability": doc.reliability.value,
                "components": by_doc.get(doc.identifier, []),
            }
            docs.append(entry)
        self._json("data/metadata/dossier.json", dossier_meta)
        self._json("data/metadata/documents.json", docs)
        events = [e.to_dict(copy=False) for e in self.events]  # only read: JSON and XML below
        self._json("data/metadata/premis.json", events)
        # The same in the standards, so the AIP is readable without luutru (docs/sip-05-2025.md).
        for rel, data in aip_xml_files(d.code, dossier_meta, docs, events, self._hashes, created=ingested_at,
                                       creator=AIP_CREATOR).items():
            self._write_payload(rel, data)
        self._write_bag(d, ingested_at)
        return self.root

    def _write_bag(self, d: DossierRecord, ingested_at: str) -> None:
        write_declaration(self.root, ingested_at[:10])
        seal_bag(self.root, self._hashes, {
            "Source-Organization": d.agency_name,
            "Organization-Address": d.agency_code,
            "External-Identifier": d.code,
            "External-Description": d.title[:1000],
            "Bag-Group-Identifier": d.agency_code,
            "Internal-Sender-Identifier": self.transfer_id,
            "Bagging-Date": ingested_at[:10],
            "Bag-Software-Agent": f"luutru {__version__}",
            "BagIt-Profile-Identifier": PROFILE,
        })
