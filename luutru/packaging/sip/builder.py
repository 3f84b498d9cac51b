"""Build a 05/2025 SIP_hoso on E-ARK CSIP/SIP 2.0.4 from a :class:`SipPackage`.

Tree (one dossier per package; ``<OBJID>`` is ``uuid-{UUID}``)::

    <OBJID>/
      METS.xml                                         root METS: agents, EAD + PREMIS refs, schemas, representations
      metadata/descriptive/EAD.xml                     the dossier (EAD 2002, 05/2025 elements)
      metadata/preservation/PREMIS.xml                 entities, events, agents, rights (PREMIS 3.0)
      representations/rep1/METS.xml                    originals
      representations/rep1/data/<docId>/<file>
      representations/rep1/metadata/descriptive/EAD_doc_<docId>.xml
      representations/rep1/metadata/preservation/PREMIS_rep1.xml
      representations/rep2/...                         preservation copies (PDF/A), when there are any
      schemas/{mets.xsd, xlink.xsd, DILCISExtensionMETS.xsd, DILCISExtensionSIPMETS.xsd, ead.xsd, premis-v3-0.xsd}

zipped as ``<sequence>_<OBJID>.zip`` with the ``<OBJID>/`` folder at its root.

Every file is copied while hashed and compared with the SHA-256 and size the caller declared;
every XML document is validated against its schema before it is written.  Any problem raises
:class:`SipBuildError` with findings and leaves nothing behind: the package is assembled in a
``.partial`` folder and only renamed (or zipped) into place when complete.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from luutru.records.findings import Finding, error
from luutru.records.timeutil import iso_vn
from luutru.packaging.sip import ead, premis
from luutru.packaging.sip.mets import FileRef, MetsWriter
from luutru.packaging.sip.model import (
    ORIGINAL,
    REPRESENTATIONS,
    SipAgent,
    SipEvent,
    SipFile,
    SipPackage,
    Source,
)
from luutru.packaging.sip.xmlschemas import PACKAGE_SCHEMAS, PREMIS_XSD, SCHEMA_DIR, schema_errors, to_bytes

CHUNK = 1024 * 1024
EAD_DOSSIER = "metadata/descriptive/EAD.xml"
PREMIS_PACKAGE = "metadata/preservation/PREMIS.xml"


class SipBuildError(Exception):
    """The package could not be built; ``findings`` say what and how to fix it."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(f.message_en for f in findings))


@dataclass
class BuiltSip:
    objid: str
    path: Path  # the zip (or the folder when not zipped)
    sha256: str  # of the zip; empty for a folder
    size: int
    mets_sha256: str  # of the root METS.xml: names the package's content


def safe_name(name: str) -> str:
    """NFC file name without directory parts or characters unsafe in ZIP members and URLs."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    name = "".join("_" if c in '<>:"|?*%#\x00' or ord(c) < 32 else c for c in name)
    return name or "file"


def _copy(src: Source, dst: Path) -> tuple[str, int]:
    """Copy bytes, a file, or a stream opened by a callable, hashing on the way (memory stays flat)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    n = 0
    with open(dst, "wb") as out:
        if isinstance(src, bytes):
            out.write(src)
            h.update(src)
            n = len(src)
        else:
            with (open(src, "rb") if isinstance(src, Path) else src()) as fh:
                while buf := fh.read(CHUNK):
                    h.update(buf)
                    out.write(buf)
                    n += len(buf)
        out.flush()
        os.fsync(out.fileno())
    return h.hexdigest(), n


class _Tree:
    """The package folder being written; remembers each file's hash and size."""

    def __init__(self, root: Path):
        self.root = root
        self.hashes: dict[str, tuple[str, int]] = {}

    def write_xml(self, rel: str, doc: etree._Element, kind: str) -> FileRef:
        problems = schema_errors(doc, kind)
        if problems:
            raise SipBuildError([error(
                "SIP_XML_INVALID",
                f"{rel} không hợp lệ theo lược đồ {kind.upper()}: {problems[0]}. Đây là lỗi của phần mềm: báo cho quản trị.",
                f"{rel} does not validate against the {kind.upper()} schema: {problems[0]}. This is a software fault: "
                "report it to the administrator.", file=rel, details={"errors": problems[:20]})])
        return self.write_bytes(rel, to_bytes(doc), "text/xml")

    def write_bytes(self, rel: str, data: bytes, mime: str) -> FileRef:
        sha, size = _copy(data, self.root / rel)
        self.hashes[rel] = (sha, size)
        return FileRef(rel, "file", size, sha, "SHA-256", mime=mime)

    def copy(self, rel: str, src: Source) -> tuple[str, int]:
        sha, size = _copy(src, self.root / rel)
        self.hashes[rel] = (sha, size)
        return sha, size


def _rel_to(ref: FileRef, base: str) -> FileRef:
    """The same reference, with its path relative to ``base`` (a representation folder)."""
    return FileRef(str(PurePosixPath(ref.path).relative_to(base)), ref.kind, ref.size, ref.checksum,
                   ref.checksum_type, mime=ref.mime, ident=ref.ident, group=ref.group, created=ref.created)


def build_sip(pkg: SipPackage, out_dir: Path, *, zip_package: bool = True, creator: SipAgent) -> BuiltSip:
    """Write ``pkg`` under ``out_dir`` (as ``<seq>_<OBJID>.zip``, or the ``<OBJID>/`` folder)."""
    created = pkg.created or iso_vn()
    pkg.created = created
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / f".{pkg.objid}.partial"
    if partial.exists():
        shutil.rmtree(partial)
    tree = _Tree(partial / pkg.objid)
    try:
        _write(pkg, tree, created, creator)
        if zip_package:
            target = out_dir / pkg.zip_name()
            tmp = out_dir / f".{pkg.zip_name()}.partial"
            _zip(tree.root, pkg.objid, tmp)
            sha, size = _copy_hash(tmp)
            os.replace(tmp, target)
            return BuiltSip(pkg.objid, target, sha, size, tree.hashes["METS.xml"][0])
        target = out_dir / pkg.objid
        if target.exists():
            raise SipBuildError([error(
                "SIP_TARGET_EXISTS", f"Thư mục {target} đã có. Sửa: chọn thư mục khác hoặc xóa gói cũ.",
                f"{target} already exists. Fix: choose another folder or remove the old package.", file=str(target))])
        os.replace(tree.root, target)
        total = sum(s for _h, s in tree.hashes.values())
        return BuiltSip(pkg.objid, target, "", total, tree.hashes["METS.xml"][0])
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _copy_hash(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while buf := fh.read(CHUNK):
            h.update(buf)
            n += len(buf)
    return h.hexdigest(), n


def _zip(root: Path, objid: str, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, f"{objid}/{p.relative_to(root).as_posix()}")


# Content files of one representation: (docId, path in rep, file, FileRef relative to the rep).
_RepEntries = list[tuple[str, str, SipFile, FileRef]]


def _write_documentation(pkg: SipPackage, tree: _Tree, created: str) -> list[FileRef]:
    """Copy the schemas and the documentation (a README when none is given); the documentation's references."""
    for name in PACKAGE_SCHEMAS:
        tree.copy(f"schemas/{name}", SCHEMA_DIR / name)
    docs = dict(pkg.documentation) or {"README.txt": _readme(pkg, created)}
    doc_refs = []
    for name, src in sorted(docs.items()):
        rel = f"documentation/{safe_name(name)}"
        sha, size = tree.copy(rel, src)
        doc_refs.append(FileRef(rel, "file", size, sha, "SHA-256", mime=_mime(name)))
    return doc_refs


def _copy_file(tree: _Tree, file_code: str, doc_id: str, f: SipFile, rep: str, name: str,
               created: str, problems: list[Finding]) -> FileRef | None:
    """Copy one content file into its representation and check it is still what was stored; None (and a finding) if not."""
    rel_in_rep = f"data/{safe_name(doc_id)}/{name}"
    try:
        sha, size = tree.copy(f"representations/{rep}/{rel_in_rep}", f.source)
    except OSError as e:
        problems.append(error(
            "SIP_FILE_UNREADABLE", f"Không đọc được tệp {f.name} của tài liệu {doc_id}: {e}.",
            f"Cannot read file {f.name} of document {doc_id}: {e}.",
            dossier=file_code, document=doc_id, file=f.name))
        return None
    if sha != f.sha256.lower() or size != f.size:
        problems.append(error(
            "SIP_FILE_CHANGED",
            f"Tệp {f.name} của tài liệu {doc_id} khác với bản đã lưu (SHA-256 {sha}, {size} byte; "
            f"đã ghi {f.sha256}, {f.size} byte). Sửa: chạy kiểm tra toàn vẹn (fixity) và khôi phục bản sao.",
            f"File {f.name} of document {doc_id} differs from what was stored (SHA-256 {sha}, {size} bytes; "
            f"recorded {f.sha256}, {f.size} bytes). Fix: run a fixity check and repair from a replica.",
            dossier=file_code, document=doc_id, file=f.name))
        return None
    return FileRef(rel_in_rep, "file", size, sha, "SHA-256", mime=f.mime, ident=f.file_id,
                   group=doc_id, created=created)


def _copy_content(pkg: SipPackage, tree: _Tree, created: str) -> dict[str, _RepEntries]:
    """Copy every content file into its representation; raises :class:`SipBuildError` with every problem found."""
    dossier = pkg.dossier
    problems: list[Finding] = []
    reps: dict[str, _RepEntries] = {}
    doc_ids = [d.doc_id for d in dossier.documents]
    if len(set(doc_ids)) != len(doc_ids):
        raise SipBuildError([error("SIP_DUPLICATE_DOCUMENT", "Hồ sơ có mã định danh tài liệu trùng nhau.",
                                   "The dossier has duplicate document identifiers.", dossier=dossier.file_code)])
    for doc in dossier.documents:
        used: set[str] = set()
        for f in doc.files:
            rep = REPRESENTATIONS.get(f.role)
            if rep is None or f.source is None:
                problems.append(error(
                    "SIP_FILE_UNUSABLE", f"Tệp {f.name} của tài liệu {doc.doc_id}: vai trò '{f.role}' hoặc nguồn không dùng được.",
                    f"File {f.name} of document {doc.doc_id}: role '{f.role}' or its source is unusable.",
                    dossier=dossier.file_code, document=doc.doc_id, file=f.name))
                continue
            name = safe_name(f.name)
            while name in used:
                name = f"_{name}"
            used.add(name)
            ref = _copy_file(tree, dossier.file_code, doc.doc_id, f, rep, name, created, problems)
            if ref is not None:
                reps.setdefault(rep, []).append((doc.doc_id, ref.path, f, ref))
    if problems:
        raise SipBuildError(problems)
    if REPRESENTATIONS[ORIGINAL] not in reps:
        raise SipBuildError([error("SIP_NO_FILES", f"Hồ sơ {dossier.file_code} không có tệp gốc nào.",
                                   f"Dossier {dossier.file_code} has no original files.", dossier=dossier.file_code)])
    return reps


def _write_representation(pkg: SipPackage, tree: _Tree, rep: str, entries: _RepEntries, created: str,
                          creator: SipAgent, agent_label: str) -> FileRef:
    """Write one representation's metadata (document EAD for originals, PREMIS) and its METS; the METS's reference."""
    base = f"representations/{rep}"
    # CSIP1: a representation METS's OBJID is the name of its representation folder.
    rep_mets = MetsWriter(rep, rep, created, schema_prefix="../../schemas/", root=False)
    rep_mets.add_agent(creator)
    if rep == REPRESENTATIONS[ORIGINAL]:
        for doc in pkg.dossier.documents:
            rel = f"{base}/metadata/descriptive/EAD_doc_{safe_name(doc.doc_id)}.xml"
            ref = tree.write_xml(rel, ead.document_ead(doc.fields, doc.catalogue, created=created, agent=agent_label), "ead")
            rep_mets.add_dmd(_rel_to(ref, base))
    prem = premis.representation_premis(rep, [(d, r, f) for d, r, f, _ref in entries], f"../../../../schemas/{PREMIS_XSD}")
    ref = tree.write_xml(f"{base}/metadata/preservation/PREMIS_{rep}.xml", prem, "premis")
    rep_mets.add_amd(_rel_to(ref, base))
    for _d, _r, _f, fref in entries:
        rep_mets.add_file("Data", fref)
    return tree.write_xml(f"{base}/METS.xml", rep_mets.build(), "mets")


def submitting_agents(pkg: SipPackage, creator: SipAgent) -> list[SipAgent]:
    """The package's agents after the software, with the submitting agent E-ARK SIP15–20 require.

    SIP15 (MUST, 1..1): the organisation submitting the package, ``ROLE="CREATOR"`` with ``TYPE``
    ORGANIZATION or INDIVIDUAL. luutru submits from the agency's own archive, so when the package
    names no submitter, the submitter is the agency that formed the dossier (organName and its
    code, as in the profile's example ``metsHdrElementExample1``).
    """
    agents = [a for a in pkg.agents if a.identifier != creator.identifier]
    if not any(a.role == "CREATOR" and a.agent_type != "software" for a in agents):
        f = pkg.dossier.fields
        if f.agency_code or f.agency_name:
            agents.insert(0, SipAgent(f.agency_code or f.agency_name, f.agency_name or f.agency_code,
                                      "organization", role="CREATOR"))
    return agents


def _write(pkg: SipPackage, tree: _Tree, created: str, creator: SipAgent) -> None:
    dossier = pkg.dossier
    agents = [creator] + submitting_agents(pkg, creator)
    agent_label = f"{creator.name} {creator.version or ''}".strip()
    doc_refs = _write_documentation(pkg, tree, created)
    reps = _copy_content(pkg, tree, created)

    root_mets = MetsWriter(pkg.objid, pkg.label or dossier.fields.title[:200], created, schema_prefix="schemas/", root=True)
    for a in agents:
        root_mets.add_agent(a)
    for rep in sorted(reps):
        root_mets.add_representation(rep, _write_representation(pkg, tree, rep, reps[rep], created, creator, agent_label))

    ref = tree.write_xml(EAD_DOSSIER, ead.dossier_ead(dossier.fields, dossier.catalogue, created=created, agent=agent_label), "ead")
    root_mets.add_dmd(ref)
    creation = SipEvent(event_id=str(_uuid_for(pkg.objid)), event_type=premis.PACKAGE_CREATION, event_datetime=created,
                        object=pkg.objid, outcome="success",
                        detail=f"SIP_hoso built for submission {pkg.submission_id}".strip(), agent=agent_label)
    with_creation = type(dossier)(dossier.fields, dossier.documents, dossier.events + [creation], dossier.rights,
                                  dossier.catalogue)
    ref = tree.write_xml(PREMIS_PACKAGE, premis.package_premis(with_creation, agents, f"../../schemas/{PREMIS_XSD}"), "premis")
    root_mets.add_amd(ref)
    for ref in doc_refs:
        root_mets.add_file("Documentation", ref)
    for name in PACKAGE_SCHEMAS:
        sha, size = tree.hashes[f"schemas/{name}"]
        root_mets.add_file("Schemas", FileRef(f"schemas/{name}", "file", size, sha, "SHA-256", mime="text/xml"))
    tree.write_xml("METS.xml", root_mets.build(), "mets")


def _mime(name: str) -> str:
    return {".pdf": "application/pdf", ".txt": "text/plain", ".json": "application/json", ".xml": "text/xml",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}.get(
        PurePosixPath(name).suffix.lower(), "application/octet-stream")


def _readme(pkg: SipPackage, created: str) -> bytes:
    """A short note for people opening the package without luutru (used when no documentation is given)."""
    d = pkg.dossier
    lines = [
        "Gói tin nộp lưu (SIP_hoso) theo Thông tư 05/2025/TT-BNV, cấu trúc E-ARK CSIP/SIP 2.0.4",
        "Submission information package (SIP_hoso) per Circular 05/2025/TT-BNV, E-ARK CSIP/SIP 2.0.4 structure",
        "",
        f"OBJID: {pkg.objid}",
        f"Mã hồ sơ / dossier code: {d.file_code}",
        f"Tiêu đề / title: {d.fields.title}",
        f"Số tài liệu / documents: {len(d.documents)}",
        f"Lập lúc / created: {created}",
        "",
        "METS.xml: cấu trúc và mã băm SHA-256 của mọi tệp / structure and SHA-256 of every file",
        "metadata/descriptive/EAD.xml: mô tả hồ sơ (EAD 2002) / dossier description",
        "metadata/preservation/PREMIS.xml: sự kiện bảo quản (PREMIS 3.0) / preservation events",
        "representations/rep1: bản gốc / originals; representations/rep2: bản bảo quản / preservation copies",
        "schemas/: lược đồ XML / XML schemas",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _uuid_for(objid: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"luutru:sip:{objid}"))
