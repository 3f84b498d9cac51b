"""METS, EAD and PREMIS 3 inside a luutru AIP, beside the BagIt manifests.

An AIP is a BagIt bag whose payload luutru describes in JSON (``data/metadata/*.json``).  So that
the AIP is readable without luutru, the same content is also written in the standards, and the
bag's ``data/`` folder is laid out as an E-ARK CSIP package (``OAISPACKAGETYPE="AIP"``)::

    data/METS.xml                                   every payload file with SHA-256 and size
    data/metadata/descriptive/EAD.xml               the dossier (EAD 2002, 05/2025 elements + catalogue fields)
    data/metadata/descriptive/EAD_doc_<id>.xml      each document
    data/metadata/preservation/PREMIS.xml           entities, events, agents, rights (PREMIS 3.0)
    data/metadata/preservation/PREMIS_<role>.xml    the original / preservation files: fixity, size, format
    data/schemas/*.xsd                              the schemas
    data/documentation/README.txt                   what is where
    data/objects/<id>/...                           the files (unchanged; listed under Representations/<role>)

:func:`aip_xml_files` returns those files as bytes for the AIP builder to add to the payload
(and so to the BagIt manifest); it needs the hashes of the payload already written.
:func:`read_aip_xml` reads the catalogue fields and events back, for ``reindex``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from luutru.records.findings import Finding, error
from luutru.packaging.sip import ead, mapping, premis
from luutru.packaging.sip.mets import AIP_PROFILE, FileRef, MetsWriter, read_mets
from luutru.packaging.sip.model import (
    ORIGINAL,
    PRESERVATION,
    SipAgent,
    SipDocument,
    SipDossier,
    SipDossierFields,
    SipEvent,
    SipFile,
    SipRights,
)
from luutru.packaging.sip.xmlschemas import (
    PACKAGE_SCHEMAS,
    PREMIS_XSD,
    SCHEMA_DIR,
    parse_bytes,
    schema_errors,
    to_bytes,
)

SERVICE = "_service"
METS_PATH = "data/METS.xml"
EAD_PATH = "data/metadata/descriptive/EAD.xml"
PREMIS_PATH = "data/metadata/preservation/PREMIS.xml"
ROLES = (ORIGINAL, PRESERVATION)


class AipXmlError(Exception):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(f.message_en for f in findings))


def _cat(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != SERVICE}


def _checked(rel: str, root: etree._Element, kind: str) -> bytes:
    problems = schema_errors(root, kind)
    if problems:
        raise AipXmlError([error("AIP_XML_INVALID", f"{rel} không hợp lệ theo lược đồ {kind.upper()}: {problems[0]}.",
                                 f"{rel} does not validate against the {kind.upper()} schema: {problems[0]}.", file=rel)])
    return to_bytes(root)


class _Out:
    """The XML files written so far, and the hash and size of every file in the bag (payload and written)."""

    def __init__(self, hashes: dict[str, tuple[str, int]]):
        self.files: dict[str, bytes] = {}
        self.known: dict[str, tuple[str, int]] = dict(hashes)

    def put(self, rel: str, data: bytes) -> FileRef:
        self.files[rel] = data
        self.known[rel] = (hashlib.sha256(data).hexdigest(), len(data))
        return FileRef(rel[len("data/"):], "file", len(data), self.known[rel][0], "SHA-256", mime="text/xml")


def _component_file(comp: dict[str, Any], role: str) -> SipFile:
    """A stored component (original or preservation copy) as a package file."""
    return SipFile(name=PurePosixPath(comp["path"]).name, role=role, sha256=comp["sha256"], size=int(comp["size"]),
                   mime=comp.get("mime") or "application/octet-stream",
                   original_path=comp.get("original_name") if role == ORIGINAL else None,
                   format_name=comp.get("format_name"), puid=comp.get("puid"))


def _write_documents(out: _Out, mets: MetsWriter, documents: list[dict[str, Any]], fields: SipDossierFields,
                     created: str, agent: str) -> tuple[list[SipDocument], dict[str, list[tuple[str, str, SipFile]]]]:
    """Write each document's EAD; the documents, and their components by role as (docId, path in data/, file)."""
    docs: list[SipDocument] = []
    by_role: dict[str, list[tuple[str, str, SipFile]]] = {}
    for entry in sorted(documents, key=lambda d: (d.get("so_thu_tu") or 0, d.get("ma_dinh_danh_van_ban") or "")):
        dcat = _cat(entry)
        dfields = mapping.document_fields(dcat, fields)
        docs.append(SipDocument(dfields, [], dcat))
        rel = f"data/metadata/descriptive/EAD_doc_{dfields.doc_id}.xml"
        mets.add_dmd(out.put(rel, _checked(rel, ead.document_ead(dfields, dcat, created=created, agent=agent), "ead")))
        for comp in entry.get(SERVICE, {}).get("components", []):
            role = comp.get("role")
            if role not in ROLES:
                continue
            by_role.setdefault(role, []).append((dfields.doc_id, comp["path"][len("data/"):], _component_file(comp, role)))
    return docs, by_role


def _declare_files(mets: MetsWriter, known: dict[str, tuple[str, int]],
                   by_role: dict[str, list[tuple[str, str, SipFile]]], created: str) -> None:
    """Every payload file, once, in METS: metadata files are already there, the rest by what it is."""
    described = {r.path for _i, r in mets.dmd} | {r.path for _i, r in mets.amd}
    role_of = {p: role for role, items in by_role.items() for _d, p, _f in items}
    group_of = {p: d for items in by_role.values() for d, p, _f in items}
    mime_of = {p: f.mime for items in by_role.values() for _d, p, f in items}
    for rel in sorted(known):
        if rel == METS_PATH:
            continue
        p = rel[len("data/"):]
        if p in described:
            continue
        sha, size = known[rel]
        if p in role_of:
            use = "Representations"
            ref = FileRef(p, "file", size, sha, "SHA-256", mime=mime_of[p], group=group_of[p], created=created,
                          role=role_of[p])
        elif p.startswith("schemas/"):
            use, ref = "Schemas", FileRef(p, "file", size, sha, "SHA-256", mime="text/xml")
        else:
            use = "Documentation"
            mime = "application/json" if p.endswith(".json") else "text/plain"
            ref = FileRef(p, "file", size, sha, "SHA-256", mime=mime)
        mets.add_file(use, ref)


@lru_cache(maxsize=None)
def _schema(name: str) -> bytes:
    """A packaged schema's bytes, read once per process (every AIP carries the same ones)."""
    return (SCHEMA_DIR / name).read_bytes()


def aip_xml_files(aip_id: str, dossier: dict[str, Any], documents: list[dict[str, Any]], events: list[dict[str, Any]],
                  hashes: dict[str, tuple[str, int]], *, created: str, creator: SipAgent) -> dict[str, bytes]:
    """The METS/EAD/PREMIS/schema/README files of an AIP (bag-relative path → bytes).

    ``hashes`` maps every payload file already in the bag (``data/...``) to (sha256, size).
    """
    cat = _cat(dossier)
    fields = mapping.dossier_fields(cat)
    agent = f"{creator.name} {creator.version or ''}".strip()
    out = _Out(hashes)
    put = out.put

    mets = MetsWriter(f"urn:uuid:{aip_id}" if not aip_id.startswith("urn:") else aip_id, fields.title[:200], created,
                      schema_prefix="schemas/", root=True, package_type="AIP", profile=AIP_PROFILE)
    mets.add_agent(creator)
    if fields.agency_code:
        mets.add_agent(SipAgent(fields.agency_code, fields.agency_name, "organization", role="ARCHIVIST"))

    docs, by_role = _write_documents(out, mets, documents, fields, created, agent)
    mets.add_dmd(put(EAD_PATH, _checked(EAD_PATH, ead.dossier_ead(fields, cat, created=created, agent=agent), "ead")))

    dossier_sip = SipDossier(fields, docs, [SipEvent.from_dict(e) for e in events],
                             SipRights(fields.mode, mapping.MODE_LABELS.get(fields.mode, "")), cat)
    mets.add_amd(put(PREMIS_PATH, _checked(
        PREMIS_PATH, premis.package_premis(dossier_sip, [creator], f"../../schemas/{PREMIS_XSD}"), "premis")))
    for role in ROLES:
        if role in by_role:
            rel = f"data/metadata/preservation/PREMIS_{role}.xml"
            mets.add_amd(put(rel, _checked(rel, premis.representation_premis(
                role, by_role[role], f"../../schemas/{PREMIS_XSD}"), "premis")))
    for name in PACKAGE_SCHEMAS:
        put(f"data/schemas/{name}", _schema(name))
    readme = ("AIP luutru: túi BagIt; thư mục data/ theo cấu trúc E-ARK CSIP (METS.xml, EAD 2002, PREMIS 3.0).\n"
              "luutru AIP: a BagIt bag whose data/ folder follows E-ARK CSIP (METS.xml, EAD 2002, PREMIS 3.0).\n"
              "objects/<document id>/: original and preservation files; metadata/: EAD, PREMIS and luutru JSON;\n"
              "schemas/: XML schemas.\n").encode()
    put("data/documentation/README.txt", readme)

    _declare_files(mets, out.known, by_role, created)
    out.files[METS_PATH] = _checked(METS_PATH, mets.build(), "mets")
    return out.files


@dataclass
class AipXml:
    dossier: dict[str, Any]
    documents: list[dict[str, Any]]
    events: list[dict[str, Any]]
    findings: list[Finding]


def read_aip_xml(read: Callable[[str], bytes]) -> AipXml:
    """Catalogue fields and events from an AIP's METS/EAD/PREMIS (``read(bag path) -> bytes``).

    Each declared metadata file is checked against its METS size and SHA-256; problems are findings.
    """
    findings: list[Finding] = []
    info = read_mets(parse_bytes(read(METS_PATH)))
    dossier: dict[str, Any] = {}
    documents: list[tuple[int, str, dict[str, Any]]] = []
    events: list[dict[str, Any]] = []
    for ref in info.refs:
        if ref.kind not in ("dmd", "amd"):
            continue
        rel = f"data/{ref.path}"
        data = read(rel)
        if hashlib.sha256(data).hexdigest() != ref.checksum or len(data) != ref.size:
            findings.append(error("AIP_XML_CHANGED", f"{rel} khác với METS của AIP (mã băm hoặc kích thước).",
                                  f"{rel} differs from the AIP's METS (checksum or size).", file=rel))
            continue
        root = parse_bytes(data)
        if ref.kind == "dmd":
            if PurePosixPath(rel).name == "EAD.xml":
                _fields, dossier = ead.read_dossier_ead(root)
            else:
                dfields, dcat = ead.read_document_ead(root)
                documents.append((dfields.sequence, dfields.doc_id, dcat))
        elif rel == PREMIS_PATH:
            events = [e.to_dict() for e in premis.read_package_premis(root).events]
    return AipXml(dossier, [c for _s, _i, c in sorted(documents)], events, findings)
