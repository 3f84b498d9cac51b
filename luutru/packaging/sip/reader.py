"""Read a 05/2025 SIP (zip or folder): verify it, and map it back to a :class:`SipPackage`.

What is checked, each problem one finding naming the file (and the field) concerned:

* the ZIP is safe to unpack (no absolute paths, no ``..``, no links) and holds one package;
* every METS, EAD and PREMIS document is well-formed and valid against the shipped schemas;
* every file a METS document declares exists, with the declared ``SIZE`` and SHA-256 ``CHECKSUM``
  (root METS → metadata, schemas, documentation and representation METS; representation METS →
  content files and their metadata), and no file in the package is undeclared;
* PREMIS fixity agrees with METS; every content file belongs to a described document and every
  document has an original;
* when the package carries the sender's catalogue fields, the 05/2025 elements written in EAD
  still say what those fields say (an edited EAD element is named with both values).
* the dossier EAD carries the 05/2025 elements at all (a plain E-ARK package is named as such).

What CSIP allows is not refused: packages from the E-ARK reference implementation (commons-ip) write
hrefs form-encoded (``+`` for a space) and files without ``GROUPID``; such a file belongs to the
document whose docId is exactly its ``data/<docId>/`` folder (see docs/sip-05-2025.md).

The reader never raises for bad input: it returns the findings, and the package as far as it
could be read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from luutru.records.findings import Finding, error, has_errors, warning
from luutru.packaging.sip import ead, mapping, premis
from luutru.packaging.sip.mets import FileRef, MetsInfo, read_mets
from luutru.packaging.sip.model import (
    ORIGINAL,
    REPRESENTATIONS,
    SipDocument,
    SipDossier,
    SipDossierFields,
    SipFile,
    SipPackage,
)
from luutru.packaging.sip.unpack import find_root, unpack
from luutru.packaging.sip.xmlschemas import EAD_NS, METS_NS, PREMIS_NS, parse_bytes, schema_errors

CHUNK = 1024 * 1024
ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
_BY_FOLDER = "folder:"  # a document named by the file's data/<docId>/ folder, not by GROUPID
ROLE_OF_REP = {rep: role for role, rep in REPRESENTATIONS.items()}
KIND_OF_ROOT = {f"{{{METS_NS}}}mets": "mets", f"{{{EAD_NS}}}ead": "ead", f"{{{PREMIS_NS}}}premis": "premis"}


@dataclass
class SipReadResult:
    package: SipPackage | None
    findings: list[Finding] = field(default_factory=list)
    root: Path | None = None  # the package folder (unpacked)

    @property
    def ok(self) -> bool:
        return self.package is not None and not has_errors(self.findings)


# -- checks ------------------------------------------------------------------------------------------


def _hash(path: Path, algorithm: str) -> tuple[str, int]:
    h = hashlib.new(algorithm)
    n = 0
    with open(path, "rb") as fh:
        while buf := fh.read(CHUNK):
            h.update(buf)
            n += len(buf)
    return h.hexdigest(), n


class _Reader:
    def __init__(self, root: Path):
        self.root = root
        self.findings: list[Finding] = []
        self.declared: set[str] = {"METS.xml"}

    def error(self, code: str, vi: str, en: str, **where: Any) -> None:
        self.findings.append(error(code, vi, en, **where))

    def rel(self, base: str, path: str) -> str | None:
        """Package-relative path of ``path`` (relative to folder ``base``), or None if it leaves the package."""
        p = PurePosixPath(base) / path if base else PurePosixPath(path)
        if p.is_absolute() or ".." in p.parts or not path:
            self.error("SIP_PATH_OUTSIDE", f"METS trỏ tới '{path}' nằm ngoài gói. Sửa: chỉ dùng đường dẫn tương đối trong gói.",
                     f"METS points to '{path}', outside the package. Fix: use relative paths inside the package only.",
                     file=path)
            return None
        if "+" in path and not (self.root / p).exists():
            # commons-ip (the E-ARK reference implementation) writes hrefs form-encoded, a space as
            # "+": a literal "+" is read first, the space only when no such file exists.
            spaced = PurePosixPath(base) / path.replace("+", " ") if base else PurePosixPath(path.replace("+", " "))
            if (self.root / spaced).exists():
                return spaced.as_posix()
        return p.as_posix()

    def xml(self, rel: str, expect: str) -> etree._Element | None:
        try:
            root = parse_bytes((self.root / rel).read_bytes())
        except etree.XMLSyntaxError as e:
            self.error("SIP_XML_MALFORMED", f"{rel} không phải XML hợp lệ ({e}). Sửa: lập lại gói.",
                     f"{rel} is not well-formed XML ({e}). Fix: rebuild the package.", file=rel)
            return None
        except OSError as e:
            self.error("SIP_FILE_MISSING", f"Không đọc được {rel} ({e}).", f"Cannot read {rel} ({e}).", file=rel)
            return None
        kind = KIND_OF_ROOT.get(root.tag)
        if kind != expect:
            self.error("SIP_XML_WRONG_KIND", f"{rel} không phải tài liệu {expect.upper()} (gốc {root.tag}).",
                     f"{rel} is not a {expect.upper()} document (root {root.tag}).", file=rel)
            return None
        problems = schema_errors(root, kind)
        if problems:
            self.error("SIP_XML_INVALID",
                     f"{rel} không hợp lệ theo lược đồ {kind.upper()}: {problems[0]}. Sửa: lập lại gói bằng phần mềm đúng chuẩn.",
                     f"{rel} does not validate against the {kind.upper()} schema: {problems[0]}. Fix: rebuild the package "
                     "with conforming software.", file=rel, details={"errors": problems[:20]})
            return None
        return root

    def verify(self, rel: str, ref: FileRef) -> bool:
        """Size and checksum of one declared file; True when it matches."""
        self.declared.add(rel)
        path = self.root / rel
        if not path.is_file():
            self.error("SIP_FILE_MISSING", f"Tệp {rel} được khai trong METS nhưng không có trong gói. Sửa: bổ sung tệp hoặc lập lại gói.",
                     f"File {rel} is declared in METS but missing from the package. Fix: add the file or rebuild the package.",
                     file=rel)
            return False
        algorithm = ALGORITHMS.get(ref.checksum_type.upper())
        if algorithm is None or not ref.checksum:
            self.error("SIP_CHECKSUM_MISSING", f"Tệp {rel}: METS không có mã băm dùng được (CHECKSUMTYPE '{ref.checksum_type}').",
                     f"File {rel}: METS gives no usable checksum (CHECKSUMTYPE '{ref.checksum_type}'). Fix: use SHA-256.",
                     file=rel)
            return False
        digest, size = _hash(path, algorithm)
        ok = True
        if ref.size is not None and ref.size != size:
            self.error("SIP_SIZE_MISMATCH", f"Tệp {rel}: kích thước {size} byte, METS khai {ref.size} byte. Tệp đã bị thay đổi sau khi đóng gói.",
                     f"File {rel}: {size} bytes, METS declares {ref.size}. The file changed after packaging.",
                     file=rel, details={"declared": ref.size, "actual": size})
            ok = False
        if digest != ref.checksum.lower():
            self.error("SIP_CHECKSUM_MISMATCH",
                     f"Tệp {rel}: mã băm {ref.checksum_type} là {digest}, METS khai {ref.checksum.lower()}. "
                     "Tệp hoặc METS đã bị sửa sau khi đóng gói. Sửa: yêu cầu bên giao nộp gửi lại gói.",
                     f"File {rel}: {ref.checksum_type} is {digest}, METS declares {ref.checksum.lower()}. The file or METS "
                     "was changed after packaging. Fix: ask the sender for the package again.",
                     file=rel, details={"declared": ref.checksum.lower(), "actual": digest})
            ok = False
        return ok

    def mets(self, rel: str) -> MetsInfo | None:
        root = self.xml(rel, "mets")
        return read_mets(root) if root is not None else None


def _compare(r: _Reader, kind: str, ident: str, written: Any, expected: Any, where: dict[str, Any]) -> None:
    """Name every 05/2025 element whose EAD value differs from what the sender's catalogue fields say."""
    spec = ead.DOSSIER_SPEC if kind == "dossier" else ead.DOCUMENT_SPEC
    for attr, name, _placement in spec:
        a, b = getattr(written, attr), getattr(expected, attr)
        if (a or None) != (b or None):
            r.error("SIP_EAD_FIELD_CHANGED",
                  f"{ident}: phần tử EAD '{name}' ghi '{a or ''}' nhưng mục lục gốc của bên giao nộp cho '{b or ''}'. "
                  "Mô tả đã bị sửa sau khi đóng gói. Sửa: yêu cầu bên giao nộp gửi lại gói.",
                  f"{ident}: EAD element '{name}' says '{a or ''}' but the sender's catalogue gives '{b or ''}'. "
                  "The description was edited after packaging. Fix: ask the sender for the package again.",
                  field=name, details={"ead": a, "catalogue": b}, **where)


def read_sip(source: Path, workdir: Path) -> SipReadResult:
    """Verify and read a package from a ZIP (unpacked under ``workdir``) or a folder (read in place)."""
    source = Path(source)
    if source.is_file():
        folder, problems = unpack(source, Path(workdir) / "sip")
        if folder is None:
            return SipReadResult(None, problems)
    else:
        folder = source
    root = find_root(folder)
    if root is None:
        return SipReadResult(None, [error("SIP_NO_METS", f"Không tìm thấy METS.xml của gói trong {source.name}. Sửa: gói phải có "
                                       "một thư mục <OBJID>/ chứa METS.xml.",
                                       f"No package METS.xml found in {source.name}. Fix: the package must hold one "
                                       "<OBJID>/ folder with METS.xml.", file=source.name)])
    r = _Reader(root)
    pkg = _read(r)
    for p in sorted(root.rglob("*")):
        if p.is_symlink() or (p.is_file() and p.relative_to(root).as_posix() not in r.declared):
            rel = p.relative_to(root).as_posix()
            r.error("SIP_FILE_UNDECLARED", f"Tệp {rel} có trong gói nhưng không được khai trong METS. Sửa: lập lại gói.",
                  f"File {rel} is in the package but not declared in any METS. Fix: rebuild the package.", file=rel)
    return SipReadResult(pkg, r.findings, root)


def _root_refs(r: _Reader, info: MetsInfo) -> tuple[str | None, str | None, dict[str, str]]:
    """Verify the root METS's files; the dossier EAD, the package PREMIS and each representation's METS."""
    dossier_ead = package_premis = None
    rep_mets: dict[str, str] = {}
    for ref in info.refs:
        rel = r.rel("", ref.path)
        # A file that fails its check is still read, so that what it declares is checked too
        # and one edit gives one finding, not a cascade of "undeclared" files.
        if rel is None or (not r.verify(rel, ref) and not (r.root / rel).is_file()):
            continue
        if ref.kind == "dmd" and ref.mdtype == "EAD" and dossier_ead is None:
            dossier_ead = rel
        elif ref.kind == "amd" and ref.mdtype == "PREMIS" and package_premis is None:
            package_premis = rel
        elif ref.kind == "mets":
            rep_mets[PurePosixPath(rel).parent.name] = rel
    return dossier_ead, package_premis, rep_mets


def _rep_metadata(r: _Reader, base: str, rinfo: MetsInfo,
                  documents: dict[str, SipDocument]) -> dict[str, premis.PremisFile]:
    """Verify a representation's metadata files: its documents' EAD go into ``documents``; its PREMIS files are returned."""
    pfiles: dict[str, premis.PremisFile] = {}
    for ref in rinfo.refs:
        rel = r.rel(base, ref.path)
        if rel is None or (not r.verify(rel, ref) and not (r.root / rel).is_file()):
            continue
        if ref.kind == "dmd" and ref.mdtype == "EAD":
            droot = r.xml(rel, "ead")
            if droot is not None:
                dfields, dcat = ead.read_document_ead(droot)
                documents[dfields.doc_id] = SipDocument(dfields, [], dcat)
        elif ref.kind == "amd" and ref.mdtype == "PREMIS":
            proot = r.xml(rel, "premis")
            if proot is not None:
                pfiles = premis.read_representation_premis(proot)
    return pfiles


def _rep_files(r: _Reader, rep: str, base: str, rinfo: MetsInfo,
               pfiles: dict[str, premis.PremisFile], *, only: bool = False) -> list[tuple[str, SipFile]]:
    """A representation's content files with their METS group, checked against PREMIS fixity.

    CSIP leaves representation names free: ``rep1`` holds originals and ``rep2`` preservation
    copies (luutru's names); the only representation of a package holds originals whatever its name."""
    role = ROLE_OF_REP.get(rep) or (ORIGINAL if only else None)
    files: list[tuple[str, SipFile]] = []
    for ref in rinfo.refs:
        if ref.kind != "file":
            continue
        rel = r.rel(base, ref.path)
        if rel is None:
            continue
        if role is None:
            r.findings.append(warning("SIP_REPRESENTATION_UNKNOWN",
                                      f"Biểu diễn '{rep}' không phải rep1 (bản gốc) hay rep2 (bản bảo quản): tệp {rel} không được nhận.",
                                      f"Representation '{rep}' is neither rep1 (originals) nor rep2 (preservation copies): "
                                      f"file {rel} is not taken.", file=rel))
            continue
        pf = pfiles.get(ref.path)
        if pf is not None and pf.sha256 and pf.sha256 != ref.checksum.lower():
            r.error("SIP_PREMIS_FIXITY_MISMATCH", f"Tệp {rel}: mã băm trong PREMIS ({pf.sha256}) khác METS ({ref.checksum.lower()}).",
                  f"File {rel}: the PREMIS digest ({pf.sha256}) differs from METS ({ref.checksum.lower()}).", file=rel)
        # Without GROUPID (packages from tools that cannot write it, e.g. commons-ip), a file in
        # data/<folder>/ belongs to the document whose docId is exactly that folder's name.
        parts = PurePosixPath(ref.path).parts
        group = ref.group or (f"{_BY_FOLDER}{parts[1]}" if len(parts) > 2 and parts[0] == "data" else "")
        files.append((group, SipFile(
            name=PurePosixPath(rel).name, role=role, sha256=ref.checksum.lower(), size=ref.size or 0,
            mime=ref.mime, source=r.root / rel, original_path=(pf.original_name or None) if pf else None,
            format_name=(pf.format_name or None) if pf else None,
            format_version=(pf.format_version or None) if pf else None,
            puid=(pf.puid or None) if pf else None, file_id=ref.ident)))
    return files


def _attach_files(r: _Reader, code: str, documents: dict[str, SipDocument],
                  files: list[tuple[str, SipFile]]) -> list[SipDocument]:
    """Give each file to its document; the documents in order, each one checked to have an original."""
    for group, f in files:
        doc = documents.get(group.removeprefix(_BY_FOLDER))
        if doc is None and (not group or group.startswith(_BY_FOLDER)):
            r.error("SIP_FILE_NO_DOCUMENT",
                    f"Tệp {f.name} không gắn với tài liệu nào: METS không có GROUPID là mã định danh (docId) của một "
                    "EAD_doc, và thư mục data/<docId>/ chứa tệp không mang docId nào. Gói 05/2025 mô tả từng tài liệu "
                    "bằng một EAD và gắn tệp với nó.",
                    f"File {f.name} is linked to no document: its METS entry has no GROUPID naming the docId of an "
                    "EAD_doc, and its data/<docId>/ folder names none. A 05/2025 package describes each document in "
                    "an EAD and links its files to it.",
                    dossier=code, file=f.name)
            continue
        if doc is None:
            r.error("SIP_FILE_NO_DOCUMENT", f"Tệp {f.name} (GROUPID '{group}') không thuộc tài liệu nào được mô tả trong EAD.",
                  f"File {f.name} (GROUPID '{group}') belongs to no document described in EAD.", dossier=code, file=f.name)
            continue
        doc.files.append(f)
    ordered = sorted(documents.values(), key=lambda d: (d.fields.sequence, d.doc_id))
    for doc in ordered:
        if not any(f.role == ORIGINAL for f in doc.files):
            r.error("SIP_DOCUMENT_NO_FILE", f"Tài liệu {doc.doc_id} không có tệp gốc trong gói.",
                  f"Document {doc.doc_id} has no original file in the package.", dossier=code, document=doc.doc_id)
    return ordered


def _check_catalogue(r: _Reader, d_fields: SipDossierFields, d_cat: dict[str, Any],
                     ordered: list[SipDocument]) -> dict[str, Any]:
    """The sender's catalogue fields (luutru packages) must still agree with the EAD elements;
    a package from another system gets catalogue fields mapped from the elements. Returns the dossier's."""
    code = d_fields.file_code
    if d_cat:
        _compare(r, "dossier", code, d_fields, mapping.dossier_fields(d_cat), {"dossier": code})
    else:
        d_cat = mapping.catalogue_from_dossier(d_fields)
    for doc in ordered:
        if doc.catalogue:
            _compare(r, "document", doc.doc_id, doc.fields, mapping.document_fields(doc.catalogue, d_fields),
                     {"dossier": code, "document": doc.doc_id})
        else:
            original = next((f for f in doc.files if f.role == ORIGINAL), None)
            path = str(PurePosixPath(original.source).relative_to(r.root)) if original and isinstance(original.source, Path) else None
            doc.catalogue = mapping.catalogue_from_document(doc.fields, code, path)
    return d_cat


def _not_05_2025(r: _Reader, rel: str, ead_root: etree._Element) -> None:
    """A dossier EAD without the 05/2025 elements (a package from a plain E-ARK tool): one finding that
    says what the EAD does hold; its plain ``unitid`` is not taken for a dossier code (never guessed)."""
    ns = {"e": EAD_NS}
    unitid = (ead_root.findtext("e:archdesc/e:did/e:unitid", "", ns) or "").strip()
    title = (ead_root.findtext("e:archdesc/e:did/e:unittitle", "", ns) or "").strip()
    r.error("SIP_EAD_NOT_05_2025",
            f"{rel} mô tả hồ sơ không theo Thông tư 05/2025: không có fileCode (mã hồ sơ) trong @encodinganalog "
            f"(unitid '{unitid}', unittitle '{title}'). Sửa: mô tả hồ sơ và từng tài liệu theo 05/2025 "
            "(docs/sip-05-2025.md) hoặc nộp bằng mẫu mục lục.",
            f"{rel} does not describe the dossier per Circular 05/2025: no fileCode (dossier code) in @encodinganalog "
            f"(unitid '{unitid}', unittitle '{title}'). Fix: describe the dossier and each document per 05/2025 "
            "(docs/sip-05-2025.md) or submit with the catalogue template.",
            file=rel, field="fileCode", details={"unitid": unitid, "unittitle": title})


def _read(r: _Reader) -> SipPackage | None:
    info = r.mets("METS.xml")
    if info is None:
        return None
    if info.package_type and info.package_type != "SIP":
        r.findings.append(warning("SIP_NOT_SIP", f"Gói có OAISPACKAGETYPE '{info.package_type}', không phải SIP.",
                                  f"The package's OAISPACKAGETYPE is '{info.package_type}', not SIP.", file="METS.xml"))
    dossier_ead, package_premis, rep_mets = _root_refs(r, info)
    if dossier_ead is None:
        r.error("SIP_NO_EAD", "METS gốc không trỏ tới EAD.xml của hồ sơ (dmdSec MDTYPE='EAD').",
              "The root METS points to no dossier EAD.xml (dmdSec MDTYPE='EAD').", file="METS.xml")
        return None
    ead_root = r.xml(dossier_ead, "ead")
    if ead_root is None:
        return None
    d_fields, d_cat = ead.read_dossier_ead(ead_root)
    if not d_fields.file_code:
        _not_05_2025(r, dossier_ead, ead_root)
    events, rights = [], None
    if package_premis:
        proot = r.xml(package_premis, "premis")
        if proot is not None:
            pp = premis.read_package_premis(proot)
            events, rights = pp.events, pp.rights

    documents: dict[str, SipDocument] = {}
    files: list[tuple[str, SipFile]] = []
    for rep, mets_rel in sorted(rep_mets.items()):
        base = str(PurePosixPath(mets_rel).parent)
        rinfo = r.mets(mets_rel)
        if rinfo is None:
            continue
        pfiles = _rep_metadata(r, base, rinfo, documents)
        files.extend(_rep_files(r, rep, base, rinfo, pfiles, only=len(rep_mets) == 1))

    ordered = _attach_files(r, d_fields.file_code, documents, files)
    d_cat = _check_catalogue(r, d_fields, d_cat, ordered)
    dossier = SipDossier(d_fields, ordered, events, rights, d_cat)
    return SipPackage(dossier, objid=info.objid, created=info.created, label=info.label,
                      agents=[a for a in info.agents])
