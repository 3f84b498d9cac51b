"""Unpacking a package ZIP safely, and finding the package folder (``<OBJID>/`` with ``METS.xml``).

Every member name is checked before anything is written: an absolute path, ``..``, a backslash or a
link refuses the whole ZIP with one finding per bad member, so nothing half-unpacked is left.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from luutru.records.findings import Finding, error


def unpack(zip_path: Path, dest: Path) -> tuple[Path | None, list[Finding]]:
    """Unpack a package ZIP into ``dest`` after checking every member name; nothing is written if one is unsafe."""
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as e:
        return None, [error("SIP_ZIP_BAD", f"{zip_path.name} không phải tệp ZIP đọc được ({e}). Sửa: gửi lại gói.",
                         f"{zip_path.name} is not a readable ZIP ({e}). Fix: send the package again.", file=zip_path.name)]
    with zf:
        bad = []
        for info in zf.infolist():
            p = PurePosixPath(info.filename)
            is_link = stat.S_ISLNK(info.external_attr >> 16)
            if p.is_absolute() or ".." in p.parts or "\\" in info.filename or is_link:
                bad.append(error("SIP_ZIP_UNSAFE_MEMBER",
                              f"Gói chứa mục không an toàn '{info.filename}' (đường dẫn tuyệt đối, '..' hoặc liên kết). "
                              "Sửa: đóng gói lại chỉ với tệp thường, đường dẫn tương đối.",
                              f"The package holds an unsafe member '{info.filename}' (absolute path, '..' or a link). "
                              "Fix: repackage with plain files and relative paths only.", file=info.filename))
        if bad:
            return None, bad
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        zf.extractall(dest)
    return dest, []


def find_root(folder: Path) -> Path | None:
    """The package folder: ``folder`` itself or its only sub-folder holding ``METS.xml``."""
    if (folder / "METS.xml").is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and (p / "METS.xml").is_file()]
    return subs[0] if len(subs) == 1 else None
