"""Catalogue ↔ files: every listed file present, every present file listed, names safe.

Vietnamese file names arrive in NFC from Windows and in NFD from macOS.  A listed name
matches a file on disk when both are equal after NFC normalisation; two files on disk
whose names differ only by normalisation are a conflict (they would be one name on
another system).  Paths in the catalogue must stay inside the transfer.
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import luutru.packaging.zipsafe as zipsafe
import luutru.records.finding_codes.ingest as fc
from luutru.records.findings import Finding, finding
from luutru.records.model import DocumentRecord

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class FileMatch:
    document: DocumentRecord
    disk_path: Path  # real path on disk (may be NFD)
    relpath: str  # NFC relative path, as listed
    size: int


@dataclass
class FilesCheck:
    matches: dict[str, FileMatch] = field(default_factory=dict)  # document identifier → match
    findings: list[Finding] = field(default_factory=list)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def unsafe_listed_path(path: str) -> str | None:
    """Why a catalogue path is unsafe, or None (the same rule as for zip members)."""
    return zipsafe.unsafe_path(path)


def scan_files(root: Path) -> list[str]:
    """Relative POSIX paths of regular files under root, as on disk (not normalised)."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.is_symlink() or not p.is_file():
                continue  # reported by the source scan
            out.append(p.relative_to(root).as_posix())
    return out


def _name_conflicts(by_nfc: dict[str, list[str]]) -> list[Finding]:
    """Files on disk whose names are equal once NFC-normalised."""
    return [finding(
        fc.FILE_NAME_CONFLICT,
        f"Các tệp {', '.join(repr(n) for n in names)} có cùng tên khi chuẩn hóa Unicode (NFC/NFD). "
        "Sửa: giữ lại một tệp, đổi tên hoặc xóa tệp còn lại.",
        f"Files {', '.join(repr(n) for n in names)} have the same name once Unicode-normalised (NFC/NFD). "
        "Fix: keep one, rename or delete the other.",
        file=key, details={"names": names}) for key, names in by_nfc.items() if len(names) > 1]


def _match(root: Path, doc: DocumentRecord, path: str, by_nfc: dict[str, list[str]]
           ) -> tuple[FileMatch | None, list[Finding]]:
    """The file on disk of one listed document (a safe, NFC path), or why there is none."""
    where = {"dossier": doc.dossier_code, "document": doc.identifier, "file": doc.path}
    names = by_nfc.get(path)
    if not names:
        return None, [finding(
            fc.FILE_MISSING,
            f"Văn bản {doc.identifier}: tệp '{doc.path}' có trong mục lục nhưng không có trong gói. "
            "Sửa: bổ sung tệp hoặc sửa đường dẫn trong mục lục.",
            f"Document {doc.identifier}: file '{doc.path}' is listed but not in the transfer. "
            "Fix: add the file or correct its path in the catalogue.", **where)]
    if len(names) > 1:
        return None, []  # a name conflict, reported once for the files
    found: list[Finding] = []
    disk = names[0]
    if disk != path:
        found.append(finding(
            fc.FILE_NAME_NFD,
            f"Tên tệp '{doc.path}' trên đĩa ở dạng Unicode NFD; đã khớp với mục lục (NFC) và được lưu với tên NFC.",
            f"File name '{doc.path}' is NFD on disk; matched to the catalogue (NFC) and stored under its NFC name.",
            **where))
    p = root / disk
    size = p.stat().st_size
    if size == 0:
        found.append(finding(
            fc.FILE_EMPTY,
            f"Tệp '{doc.path}' rỗng (0 byte). Sửa: gửi lại tệp đúng.",
            f"File '{doc.path}' is empty (0 bytes). Fix: send the right file.", **where))
        return None, found
    return FileMatch(doc, p, path, size), found


def _unlisted(by_nfc: dict[str, list[str]], listed: set[str]) -> list[Finding]:
    """Files in the transfer that no catalogue row names (system files only warned about)."""
    out: list[Finding] = []
    for key in sorted(by_nfc):
        if key in listed:
            continue
        if PurePosixPath(key).name in IGNORED_NAMES:
            out.append(finding(fc.FILE_IGNORED, f"Tệp hệ thống '{key}' bị bỏ qua.", f"System file '{key}' is ignored.",
                               file=key))
            continue
        out.append(finding(
            fc.FILE_UNLISTED,
            f"Tệp '{key}' có trong gói nhưng không có trong mục lục. Sửa: thêm văn bản tương ứng vào mục lục hoặc xóa tệp.",
            f"File '{key}' is in the transfer but not in the catalogue. Fix: list its document in the catalogue or remove the file.",
            file=key))
    return out


def check_files(root: Path, documents: list[DocumentRecord], catalogue_files: set[str],
                listed_paths: list[str] | None = None) -> FilesCheck:
    """Match listed documents to files on disk.

    ``listed_paths`` holds the file path of *every* catalogue row, valid or not, so
    unlisted-file detection does not blame files whose row had other errors.
    """
    res = FilesCheck()
    by_nfc: dict[str, list[str]] = defaultdict(list)
    for rel in scan_files(root):
        by_nfc[nfc(rel)].append(rel)
    res.findings += _name_conflicts(by_nfc)
    listed: dict[str, list[str]] = defaultdict(list)
    for doc in documents:
        path = nfc(doc.path.replace("\\", "/"))
        why = unsafe_listed_path(path)
        if why:
            res.findings.append(finding(
                fc.PATH_ESCAPE,
                f"Đường dẫn tệp '{doc.path}' trỏ ra ngoài gói nộp lưu ({why}). Sửa: ghi đường dẫn tương đối, ví dụ files/05/0001.pdf.",
                f"File path '{doc.path}' escapes the transfer ({why}). Fix: write a relative path, e.g. files/05/0001.pdf.",
                dossier=doc.dossier_code, document=doc.identifier, file=doc.path))
            continue
        listed[path].append(doc.identifier)
        match, found = _match(root, doc, path, by_nfc)
        res.findings += found
        if match is not None:
            res.matches[doc.identifier] = match
    for path, idents in listed.items():
        if len(idents) > 1:
            for ident in idents:
                res.matches.pop(ident, None)
            res.findings.append(finding(
                fc.FILE_LISTED_TWICE,
                f"Tệp '{path}' được gán cho nhiều văn bản ({', '.join(idents)}). Sửa: mỗi văn bản một tệp riêng.",
                f"File '{path}' is listed for several documents ({', '.join(idents)}). Fix: one file per document.",
                file=path, details={"documents": idents}))
    all_listed = {nfc(p) for p in (listed_paths or [])} | {nfc(d.path) for d in documents} | set(catalogue_files)
    res.findings += _unlisted(by_nfc, all_listed)
    return res
