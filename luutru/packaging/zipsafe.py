"""Zip safety, in one place: which member names are safe, and extracting only those.

A transfer arrives as a zip from outside; nothing in it is trusted.  A member is unsafe
when its name is absolute (``/x``, ``\\x``, ``C:x``), climbs out with ``..``, or it is
a symbolic link (Unix mode in ``external_attr``).  Unsafe members are *returned* (one
:class:`UnsafeMember` each, in the style of bagit-python's per-file details) so the
caller reports every one; they are never written.

The same name rule applies to paths written in a catalogue (:func:`unsafe_path`), so a
listed path and a zip member are judged alike.

Expansion bounds (member count, total uncompressed size, compression ratio, path depth)
and members that cannot be read safely (encrypted, unknown compression method) are
judged by :func:`expansion_problems` from the central directory, before anything is
written (issue 16); the limits come from :class:`luutru.config.LimitSettings`.  While a
member is copied, :func:`copy_member` also stops at the size its header declared, so a
header that lies cannot write more than was checked.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from luutru.config import LimitSettings

#: Unix file type bits of a symbolic link, as zip stores them in ``external_attr >> 16``.
ZIP_SYMLINK_MODE = 0o120000
COPY_CHUNK = 1024 * 1024

#: Reasons a member is unsafe.
ABSOLUTE, PARENT, SYMLINK = "absolute", "parent", "symlink"
#: Reasons the archive (or a member) is refused before extraction.
TOTAL, RATIO, COUNT, DEPTH, ENCRYPTED, METHOD = "total", "ratio", "count", "depth", "encrypted", "method"
#: Compression methods :mod:`zipfile` reads: stored, deflate, bzip2, LZMA.
SUPPORTED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})


@dataclass(frozen=True)
class UnsafeMember:
    """One member that was not extracted, and why (``absolute`` | ``parent`` | ``symlink``)."""

    name: str
    why: str
    detail: str = ""  # the numbers behind an expansion problem (declared size, ratio, limit)


class MemberTooLarge(Exception):
    """A member yielded more bytes than its header declared (the header lied)."""

    def __init__(self, name: str, declared: int) -> None:
        super().__init__(f"{name}: more than the {declared} bytes its header declares")
        self.name, self.declared = name, declared


def unsafe_path(name: str) -> str | None:
    """Why a relative path from outside (zip member or catalogue entry) is unsafe, or None."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return ABSOLUTE
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return PARENT
    return None


#: Longest upload name kept, in UTF-8 bytes (file systems allow 255).
UPLOAD_NAME_BYTES = 180


def upload_name(raw: str | None, default: str = "transfer.zip") -> str:
    """A safe local name for an uploaded file: NFC, the last path part only (``/`` and ``\\``),
    no control characters or NUL, not ``.``/``..``, at most :data:`UPLOAD_NAME_BYTES` bytes
    (cut before the extension, never inside a character); ``default`` when nothing is left."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, dot, ext = name, "", ""
    room = UPLOAD_NAME_BYTES - len((dot + ext).encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip() or "transfer"
    return stem + dot + ext


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


def expansion_problems(zf: zipfile.ZipFile, limits: LimitSettings | None = None) -> list[UnsafeMember]:
    """What makes this archive unsafe to expand, judged from the central directory alone.

    The one place the bounds go: member count, total declared size, per-member ratio
    (members over ``zip_ratio_min_bytes``), path depth; plus encrypted members and
    compression methods :mod:`zipfile` cannot read, which would otherwise fail midway.
    """
    lim = limits or LimitSettings()
    infos = zf.infolist()
    problems: list[UnsafeMember] = []
    if len(infos) > lim.zip_max_members:
        problems.append(UnsafeMember("", COUNT, f"{len(infos)} > {lim.zip_max_members}"))
    total = sum(i.file_size for i in infos)
    if total > lim.zip_max_total_bytes:
        problems.append(UnsafeMember("", TOTAL, f"{total} > {lim.zip_max_total_bytes}"))
    for info in infos:
        if info.flag_bits & 0x1:
            problems.append(UnsafeMember(info.filename, ENCRYPTED))
        if info.compress_type not in SUPPORTED_METHODS:
            problems.append(UnsafeMember(info.filename, METHOD, str(info.compress_type)))
        if info.file_size > lim.zip_ratio_min_bytes and info.file_size > lim.zip_max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            problems.append(UnsafeMember(info.filename, RATIO, f"{ratio:.0f} > {lim.zip_max_ratio:g}"))
        depth = len(member_path(info).parts)
        if depth > lim.zip_max_depth:
            problems.append(UnsafeMember(info.filename, DEPTH, f"{depth} > {lim.zip_max_depth}"))
    return problems


def copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Write one (safe) member to ``target`` in bounded chunks, never more than its header declared.

    Raises :class:`MemberTooLarge` for a lying header, and what :mod:`zipfile` raises
    for a corrupt stream (``BadZipFile``, ``zlib.error``, ``EOFError``).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, open(target, "wb") as out:
        while chunk := src.read(COPY_CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise MemberTooLarge(info.filename, info.file_size)
            out.write(chunk)


def extract(zip_path: Path, dest: Path, limits: LimitSettings | None = None) -> list[UnsafeMember]:
    """Extract the safe members under ``dest``; return every unsafe one, none written.

    Nothing is written when :func:`expansion_problems` finds any.  Raises what
    :mod:`zipfile` raises for a corrupt archive (``BadZipFile``, ``EOFError``, ``OSError``,
    ``zlib.error``) and :class:`MemberTooLarge`: the caller reports it.
    """
    problems: list[UnsafeMember] = []
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as zf:
        problems += expansion_problems(zf, limits)
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
