"""Transfer sources: a folder, a ``.zip`` or a BagIt bag, opened as a staged folder.

Whatever the packaging, the pipeline sees one directory (the transfer root) holding
the catalogue and the files.  Opening never trusts the input: zip members that escape
the root (``../``, absolute paths, drive letters), symlinks, and device files become
findings; a bag's own manifests are verified with bagit-python and every failing file
is reported.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import luutru.packaging.catalogue_locate as catalogue_locate
import luutru.packaging.zipsafe as zipsafe
import luutru.records.finding_codes.ingest as fc
from luutru.config import LimitSettings
from luutru.ingest.redact import without_paths
from luutru.packaging.bag import BagProblem, bag_problems
from luutru.records.findings import Finding, finding


@dataclass
class OpenedTransfer:
    """A transfer ready to read: ``root`` is the folder holding catalogue and files."""

    source: Path
    kind: str  # "folder" | "zip" | "bag"
    root: Path
    findings: list[Finding] = field(default_factory=list)
    staging: Path | None = None  # to remove when done (zip extraction)

    def cleanup(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)


def _path_escape(name: str, why: str) -> Finding:
    return finding(
        fc.PATH_ESCAPE,
        f"Đường dẫn '{name}' trỏ ra ngoài gói nộp lưu ({why}). Sửa: đóng gói lại với đường dẫn tương đối "
        "bên trong thư mục gói, không dùng '../' hay đường dẫn tuyệt đối.",
        f"Path '{name}' escapes the transfer ({why}). Fix: repackage with relative paths inside "
        "the transfer folder, without '../' or absolute paths.",
        file=name,
    )


def _symlink(name: str) -> Finding:
    return finding(
        fc.SYMLINK,
        f"'{name}' là liên kết tượng trưng (symlink). Sửa: thay bằng chính tệp đó.",
        f"'{name}' is a symbolic link. Fix: put the real file in its place.",
        file=name,
    )


def _expansion(u: zipsafe.UnsafeMember) -> Finding:
    """One expansion problem (:func:`zipsafe.expansion_problems`) as a finding with its limit and fix."""
    name, d = u.name, u.detail
    if u.why == zipsafe.TOTAL:
        return finding(fc.ZIP_TOO_LARGE,
                       f"Tệp zip khai báo dung lượng giải nén vượt giới hạn ({d} byte). Sửa: chia gói nộp lưu thành "
                       "nhiều đợt nhỏ hơn (giới hạn: LUUTRU_ZIP_MAX_TOTAL_BYTES).",
                       f"The zip declares more uncompressed bytes than allowed ({d}). Fix: split the transfer into "
                       "smaller ones (limit: LUUTRU_ZIP_MAX_TOTAL_BYTES).", details={"bytes": d})
    if u.why == zipsafe.COUNT:
        return finding(fc.ZIP_TOO_MANY_MEMBERS,
                       f"Tệp zip có quá nhiều mục ({d}). Sửa: chia gói nộp lưu thành nhiều đợt "
                       "(giới hạn: LUUTRU_ZIP_MAX_MEMBERS).",
                       f"The zip has too many members ({d}). Fix: split the transfer (limit: LUUTRU_ZIP_MAX_MEMBERS).",
                       details={"members": d})
    if u.why == zipsafe.RATIO:
        return finding(fc.ZIP_RATIO,
                       f"Tệp '{name}' trong zip nén với tỉ lệ quá cao ({d}), dấu hiệu bom zip. Sửa: nộp tệp gốc "
                       "(giới hạn: LUUTRU_ZIP_MAX_RATIO).",
                       f"Member '{name}' of the zip has too high a compression ratio ({d}), a zip bomb sign. Fix: "
                       "submit the original files (limit: LUUTRU_ZIP_MAX_RATIO).", file=name, details={"ratio": d})
    if u.why == zipsafe.DEPTH:
        return finding(fc.ZIP_TOO_DEEP,
                       f"Đường dẫn '{name}' trong zip có quá nhiều cấp thư mục ({d}). Sửa: giảm số cấp thư mục "
                       "(giới hạn: LUUTRU_ZIP_MAX_DEPTH).",
                       f"Path '{name}' in the zip is too deep ({d}). Fix: use fewer folder levels "
                       "(limit: LUUTRU_ZIP_MAX_DEPTH).", file=name, details={"depth": d})
    if u.why == zipsafe.ENCRYPTED:
        return finding(fc.ZIP_ENCRYPTED,
                       f"Tệp '{name}' trong zip được mã hóa bằng mật khẩu. Sửa: nén lại không đặt mật khẩu.",
                       f"Member '{name}' of the zip is password-encrypted. Fix: re-create the zip without a password.",
                       file=name)
    return finding(fc.ZIP_UNSUPPORTED_METHOD,
                   f"Tệp '{name}' trong zip dùng phương thức nén {d} không được hỗ trợ. Sửa: nén lại bằng Deflate "
                   "(mặc định của Windows, 7-Zip, zip).",
                   f"Member '{name}' of the zip uses unsupported compression method {d}. Fix: re-create the zip "
                   "with Deflate (the default of Windows, 7-Zip and zip).", file=name, details={"method": d})


def extract_zip(zip_path: Path, dest: Path, limits: LimitSettings | None = None) -> list[Finding]:
    """Extract safely (:mod:`luutru.packaging.zipsafe`): unsafe members are reported, never written."""
    out: list[Finding] = []
    for u in zipsafe.extract(zip_path, dest, limits):
        if u.why == zipsafe.SYMLINK:
            out.append(_symlink(u.name))
        elif u.why in (zipsafe.ABSOLUTE, zipsafe.PARENT):
            out.append(_path_escape(u.name, u.why))
        else:
            out.append(_expansion(u))
    return out


def _files(top: Path) -> list[str]:
    """Relative POSIX paths of every file under ``top`` (links not followed)."""
    out = []
    for dirpath, _dirs, names in os.walk(top, followlinks=False):
        rel = Path(dirpath).relative_to(top)
        out += [(rel / n).as_posix() for n in names]
    return out


def _located(top: Path) -> tuple[Path, bool, list[Finding]]:
    """(transfer root, is a bag, findings) decided by :func:`catalogue_locate.locate`, the
    one decision of the transfer's catalogue: a zip wrapped in one folder is read from
    inside it, a bag from ``data/``; a second catalogue (e.g. in ``__MACOSX/``) and a bag
    without ``bagit.txt`` are findings."""
    loc = catalogue_locate.locate(_files(top))
    found = [catalogue_locate.ambiguity_finding(loc), catalogue_locate.bag_declaration_finding(loc)]
    return top / loc.root, loc.bag, [f for f in found if f is not None]


def _bag_finding(p: BagProblem) -> Finding:
    path = p.path or "?"
    if p.kind == "checksum":
        return finding(
            fc.BAG_CHECKSUM_MISMATCH,
            f"Tệp '{path}' không khớp mã băm trong manifest của túi BagIt. Sửa: gửi lại tệp gốc hoặc tạo lại túi.",
            f"File '{path}' does not match the bag manifest checksum. Fix: resend the original file or rebuild the bag.",
            file=path, details={"expected": p.expected, "found": p.found, "algorithm": p.algorithm})
    if p.kind == "duplicate":
        return finding(
            fc.BAG_MANIFEST_DUPLICATE,
            f"Manifest của túi BagIt liệt kê '{path}' nhiều lần (có thể ở hai dạng Unicode NFC và NFD). "
            "Sửa: tạo lại túi để mỗi tệp có đúng một dòng.",
            f"The bag manifest lists '{path}' more than once (perhaps in two Unicode forms, NFC and NFD). "
            "Fix: rebuild the bag so each file has exactly one line.", file=path)
    if p.kind == "missing":
        return finding(
            fc.BAG_FILE_MISSING,
            f"Manifest của túi BagIt liệt kê '{path}' nhưng tệp không có. Sửa: bổ sung tệp hoặc tạo lại túi.",
            f"The bag manifest lists '{path}' but the file is missing. Fix: add the file or rebuild the bag.", file=path)
    if p.kind == "unexpected":
        return finding(
            fc.BAG_UNEXPECTED_FILE,
            f"Tệp '{path}' có trong túi BagIt nhưng không có trong manifest. Sửa: tạo lại túi.",
            f"File '{path}' is in the bag but not in its manifest. Fix: rebuild the bag.", file=path)
    if p.path is not None:
        return finding(fc.BAG_INVALID, f"Túi BagIt lỗi: {p.message}", f"Invalid bag: {p.message}", file=p.path)
    return finding(fc.BAG_INVALID, f"Túi BagIt không hợp lệ: {p.message}. Sửa: tạo lại túi.",
                   f"Invalid BagIt bag: {p.message}. Fix: rebuild the bag.")


def _bag_findings(bag_dir: Path) -> list[Finding]:
    """The bag's own manifests verified (bagit-python through :mod:`luutru.packaging.bag`), every bad
    file named; bagit-python's messages name the bag's absolute path, shown relative here."""
    return without_paths((_bag_finding(p) for p in bag_problems(bag_dir)), [bag_dir])


def scan_links(root: Path) -> list[Finding]:
    """Symlinks and special files anywhere under root (not followed)."""
    findings: list[Finding] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in list(dirnames) + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                findings.append(_symlink(rel))
                if name in dirnames:
                    dirnames.remove(name)
            elif not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                findings.append(finding(
                    fc.SPECIAL_FILE,
                    f"'{rel}' không phải tệp thông thường. Sửa: xóa khỏi gói nộp lưu.",
                    f"'{rel}' is not a regular file. Fix: remove it from the transfer.", file=rel))
    return findings


def is_bag(path: Path) -> bool:
    return (path / "bagit.txt").is_file() and (path / "data").is_dir()


#: Findings of :func:`zipsafe.expansion_problems`: the archive was not expanded at all.
EXPANSION_CODES = frozenset({fc.ZIP_TOO_LARGE, fc.ZIP_RATIO, fc.ZIP_TOO_MANY_MEMBERS, fc.ZIP_TOO_DEEP,
                              fc.ZIP_ENCRYPTED, fc.ZIP_UNSUPPORTED_METHOD})


def _refused_zip(path: Path, staging: Path, *findings: Finding) -> OpenedTransfer:
    """Nothing of a refused zip stays: the staging folder is removed, the findings kept."""
    shutil.rmtree(staging, ignore_errors=True)
    return OpenedTransfer(path, "zip", staging, list(findings))


def open_transfer(path: Path, work_dir: Path, limits: LimitSettings | None = None) -> OpenedTransfer:
    """Open a transfer for reading; unsafe content becomes findings, never a traceback."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_file():
        if not zipfile.is_zipfile(path):
            t = OpenedTransfer(path, "file", path.parent)
            t.findings.append(finding(
                fc.TRANSFER_NOT_RECOGNISED,
                f"'{path.name}' không phải thư mục, tệp .zip hay túi BagIt. Sửa: nộp một thư mục hoặc tệp .zip chứa mục lục và các tệp.",
                f"'{path.name}' is not a folder, .zip or BagIt bag. Fix: submit a folder or .zip holding the catalogue and the files.",
            ))
            return t
        staging = Path(work_dir) / f"unzip-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            findings = extract_zip(path, staging, limits)
        except zipsafe.MemberTooLarge as e:
            return _refused_zip(path, staging, finding(
                fc.ZIP_SIZE_MISMATCH,
                f"Tệp '{e.name}' trong zip giải nén ra nhiều hơn {e.declared} byte đã khai báo. Sửa: nén lại bằng "
                "công cụ chuẩn và gửi lại.",
                f"Member '{e.name}' of the zip expands beyond the {e.declared} bytes its header declares. Fix: "
                "re-create the zip with a standard tool and resend.", file=e.name))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as e:
            return _refused_zip(path, staging, finding(
                fc.ZIP_CORRUPT, f"Tệp zip hỏng: {e}. Sửa: nén lại và gửi lại.",
                f"Corrupt zip file: {e}. Fix: re-create the zip and resend."))
        if any(f.code in EXPANSION_CODES for f in findings):
            return _refused_zip(path, staging, *findings)  # nothing was written
        root, bag, located = _located(staging)
        findings += located
        kind = "zip"
        if bag:
            findings += _bag_findings(root.parent)
            kind = "bag"
        findings += scan_links(root)
        return OpenedTransfer(path, kind, root, findings, staging)
    links = scan_links(path)
    root, bag, located = _located(path)
    if bag:
        return OpenedTransfer(path, "bag", root, links + located + ([] if links else _bag_findings(root.parent)))
    return OpenedTransfer(path, "folder", root, links + located)
