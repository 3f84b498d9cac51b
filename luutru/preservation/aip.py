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
import os
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from luutru import __version__
from luutru.packaging.bag import copy_file_hashing
from luutru.packaging.bag_seal import seal_bag, tag_files, write_declaration
from luutru.packaging.held import BAG_LIMIT, HeldBag, hold, release, write_files
from luutru.packaging.linked import (
    Linked,
    copy_flushed,
    link_file_hashing,
    link_for_reading,
    read_linked,
)
from luutru.packaging.sip.aip_xml import aip_xml_files
from luutru.packaging.sip.model import SipAgent
from luutru.policies.retention import is_permanent
from luutru.records.events import Event
from luutru.records.model import DocumentRecord, DossierRecord
from luutru.records.timeutil import iso_vn

CHUNK = 1024 * 1024
#: ``Storage.encrypt_staged`` bound to one AIP: (bag path, staged file, cipher dir, progress)
EncryptStaged = Callable[[str, Path, Path, "Callable[[int], None] | None"], "tuple[str, int] | None"]
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


def _copy_over(link: Path, progress: Callable[[int], None] | None) -> tuple[str, int]:
    """Copy (and hash) a linked file, then put the copy in the link's place in one rename:
    a check that opened the link reads the same bytes (the caller verifies the sender's
    file did not change), and the sender's file itself never goes into an AIP."""
    tmp = link.with_name(f".{link.name}.copy")
    try:
        got = copy_flushed(link, tmp, progress)
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return got


def safe_component_name(name: str) -> str:
    """NFC file name without directory parts or characters unsafe in object keys."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    name = "".join("_" if c in '<>:"|?*\x00' or ord(c) < 32 else c for c in name)
    return name or "file"


class AipBuilder:
    """Assembles one dossier's bag in a staging directory, then seals it."""

    def __init__(self, staging: Path, dossier: DossierRecord, transfer_id: str, *,
                 encrypt: EncryptStaged | None = None, hold: bool = False):
        """``encrypt``: the storage's ``encrypt_staged`` for this dossier, so that a
        fixed-term original is encrypted in the pass that hashes it (see add_original).
        ``hold``: the storage reads bags held in memory (``reads_held_bags``), so a
        fixed-term dossier's metadata is never written in clear (luutru.packaging.held)."""
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
        self._encrypt = encrypt
        self._unread: list[tuple[Component, Linked]] = []  # linked, read by read_deferred
        # An encrypted dossier's metadata, text and tag files stay in memory until storage
        # encrypts them (luutru.packaging.held): bag path → bytes; None: written to disk.
        self._held: dict[str, bytes] | None = {} if hold and self._encrypted_later else None
        self.cipher_dir = self.root.parent / ".cipher" / self.root.name  # scratch, beside the bag

    def _obj_path(self, document: str, name: str, sub: str | None = None) -> str:
        parts = ["data", "objects", document] + ([sub] if sub else []) + [safe_component_name(name)]
        return "/".join(parts)

    def add_original(self, doc: DocumentRecord, src: Path, progress: Callable[[int], None] | None = None, *,
                     defer: bool = False) -> Component:
        """Stage one original, hashing it in the same pass.

        A fixed-term record is stored encrypted: its staged plaintext is only read (by
        the checks), so the sender's file is hard-linked instead of copied and, in one
        read, hashed and encrypted into ``cipher_dir`` (``encrypt``; storage moves that
        ciphertext into the AIP once the transfer is accepted) — read once, written
        once, as ciphertext.  ``defer``: that read waits for :meth:`read_deferred` (the
        checks can read the link meanwhile); the component's digest is empty until then.
        A permanent record is copied (its staged copy is what storage links into the
        AIP), as is any file that cannot be linked; with ``defer`` it is linked first (the
        checks read the link) and the copy, made by :meth:`read_deferred`, replaces it."""
        rel = self._obj_path(doc.identifier, doc.path)
        comp = Component(doc.identifier, "original", rel, doc.path, 0, "")
        self.components.append(comp)
        linked = link_for_reading(src, self.root / rel) if self._encrypted_later or defer else None
        if linked is not None and defer:
            self._unread.append((comp, linked))
            return comp
        got = self._read(comp, linked, progress) if linked is not None else None
        if got is None and linked is not None:  # changed while read: copied, as a file that cannot be linked
            got = link_file_hashing(src, self.root / rel, progress)
        self._digest(comp, *(got or copy_file_hashing(src, self.root / rel, progress, durable=False)))
        return comp

    def read_deferred(self, progress: Callable[[int], None] | None = None) -> list[tuple[Component, bool]]:
        """Read the originals staged by ``add_original(defer=True)``: each component with
        whether it was read unchanged (False: the sender's file changed since it was linked;
        the component has no digest and the dossier must not be stored)."""
        done = []
        for comp, linked in self._unread:
            got = self._read(comp, linked, progress)
            if got is not None:
                self._digest(comp, *got)
            done.append((comp, got is not None))
        self._unread = []
        return done

    def _read(self, comp: Component, linked: Linked, progress: Callable[[int], None] | None) -> tuple[str, int] | None:
        if not self._encrypted_later:  # stored as it is: the copy storage will link into the AIP
            return read_linked(linked, progress, read=lambda p: _copy_over(p, progress))
        encrypt = self._encrypt
        if encrypt is None:
            return read_linked(linked, progress)
        return read_linked(linked, progress, read=lambda p: encrypt(comp.path, p, self.cipher_dir, progress))

    def _digest(self, comp: Component, sha: str, size: int) -> None:
        comp.sha256, comp.size = sha, size
        self._hashes[comp.path] = (sha, size)

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
        copies it and makes that copy durable (``Storage.put_aip``).  A bag to be stored
        encrypted keeps the file in memory while it stays under ``held.BAG_LIMIT``."""
        self._hashes[rel] = (hashlib.sha256(data).hexdigest(), len(data))
        held = self._held
        if held is not None:
            held.pop(rel, None)  # sealed again: the new content replaces the old
            if sum(map(len, held.values())) + len(data) <= BAG_LIMIT:
                held[rel] = data
                return
        p = self.root / rel
        if p.parent not in self._dirs:  # one mkdir per folder, not per file
            p.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(p.parent)
        p.write_bytes(data)

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
        info = self._bag_info(d, ingested_at)
        if self._held:
            tags, digests = tag_files(self._hashes, info, ingested_at[:10])
            if hold(self.root, HeldBag({**self._held, **tags}, digests)):
                return
            release(self.root)  # no room in memory: the whole bag on disk
            write_files(self.root, self._held)
            self._held = None
        write_declaration(self.root, ingested_at[:10])
        seal_bag(self.root, self._hashes, info)

    def _bag_info(self, d: DossierRecord, ingested_at: str) -> dict[str, str]:
        return {
            "Source-Organization": d.agency_name,
            "Organization-Address": d.agency_code,
            "External-Identifier": d.code,
            "External-Description": d.title[:1000],
            "Bag-Group-Identifier": d.agency_code,
            "Internal-Sender-Identifier": self.transfer_id,
            "Bagging-Date": ingested_at[:10],
            "Bag-Software-Agent": f"luutru {__version__}",
            "BagIt-Profile-Identifier": PROFILE,
        }
