"""Zip safety, in one place: which member names are safe, and extracting only those.

A transfer arrives as a zip from outside; nothing in it is trusted.  A member is unsafe
when its name is absolute (``/x``, ``\\x``, ``C:x``), climbs out with ``..``, or it is
a symbolic link (Unix mode in ``external_attr``).  Unsafe members are *returned* (one
:class:`UnsafeMember` each, in the style of bagit-python's per-file details) so the
caller reports every one; they are never written.

The same name rule applies to paths written in a catalogue (:func:`unsafe_path`), so a
listed path and a zip member are judged alike.

Expansion bounds (member count, total uncompressed size, compression ratio) will live
in :func:`expansion_problems`, called before anything is written (issue 16).
"""

from __future__ import annotations

import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

#: Unix file type bits of a symbolic link, as zip stores them in ``external_attr >> 16``.
ZIP_SYMLINK_MODE = 0o120000
COPY_CHUNK = 1024 * 1024

#: Reasons a member is unsafe.
ABSOLUTE, PARENT, SYMLINK = "absolute", "parent", "symlink"


@dataclass(frozen=True)
class UnsafeMember:
    """One member that was not extracted, and why (``absolute`` | ``parent`` | ``symlink``)."""

    name: str
    why: str


def unsafe_path(name: str) -> str | None:
    """Why a relative path from outside (zip member or catalogue entry) is unsafe, or None."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return ABSOLUTE
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return PARENT
    return None


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return (info.external_attr >> 16) & 0o170000 == ZIP_SYMLINK_MODE


def member_problem(info: zipfile.ZipInfo) -> UnsafeMember | None:
    """Why this member must not be written, or None."""
    why = unsafe_path(info.filename)
    if why is None and is_symlink(info):
        why = SYMLINK
    return UnsafeMember(info.filename, why) if why else None


def member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """The member's name as an NFC POSIX path (Windows tools write ``\\``)."""
    return PurePosixPath(unicodedata.normalize("NFC", info.filename.replace("\\", "/")))


def safe_members(zf: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo]:
    """The members that may be written; unsafe ones are left out (see :func:`extract`)."""
    return (info for info in zf.infolist() if member_problem(info) is None)


def expansion_problems(zf: zipfile.ZipFile) -> list[UnsafeMember]:
    """Members that would expand beyond the bounds; the one place those bounds go.

    No bounds are enforced yet (issue 16 sets them); every extraction already calls
    this first, so adding them changes no caller.
    """
    return []


def copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Write one (safe) member to ``target`` in bounded chunks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as src, open(target, "wb") as out:
        shutil.copyfileobj(src, out, COPY_CHUNK)


def extract(zip_path: Path, dest: Path) -> list[UnsafeMember]:
    """Extract the safe members under ``dest``; return every unsafe one, none written.

    Raises what :mod:`zipfile` raises for a corrupt archive (``BadZipFile``, ``EOFError``,
    ``OSError``): the caller reports it.
    """
    problems: list[UnsafeMember] = []
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as zf:
        problems += expansion_problems(zf)
        if problems:
            return problems
        for info in zf.infolist():
            bad = member_problem(info)
            if bad is not None:
                problems.append(bad)
            elif info.is_dir():
                (dest / info.filename).mkdir(parents=True, exist_ok=True)
            else:
                copy_member(zf, info, dest / info.filename)
    return problems
