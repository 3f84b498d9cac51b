"""Where a transfer's root and its catalogue are: ONE decision for every reader.

Why one function: the agency pre-check of an upload (reading zip members) and ingest
(reading the unpacked folder) once chose differently, so a decoy catalogue in
``__MACOSX/`` passed the pre-check while ingest stored the real one of another agency.
Both called :func:`locate` on the same list of relative file paths (the agency rule now
runs inside ingest itself, :mod:`luutru.policies.submission`), and every other
file named like a catalogue (in ``__MACOSX/``, in a sub-folder, a second name at the
root) is reported by :func:`ambiguity_finding`: the transfer must hold one catalogue.

Rules (the same as before, now in one place): ``__MACOSX/`` is never part of the
transfer; a transfer wrapped in one top folder is read from inside it; a BagIt bag
(``bagit.txt`` and ``data/``) is read from ``data/``; in that root the catalogue is the
first of :data:`CATALOGUE_XLSX_NAMES` present, else the CSV pair (with the optional
fonds CSV).  Names are compared NFC and case-insensitively.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable

import luutru.records.finding_codes.packaging as fc
from luutru.records.fields import CATALOGUE_XLSX_NAMES, DOCUMENT_CSV, DOSSIER_CSV, FONDS_CSV
from luutru.records.findings import Finding, finding

MACOSX = "__MACOSX"
CATALOGUE_NAMES = (*CATALOGUE_XLSX_NAMES, DOSSIER_CSV, DOCUMENT_CSV, FONDS_CSV)
_WANTED = {n.lower() for n in CATALOGUE_NAMES}


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).lower()


@dataclass(frozen=True)
class CatalogueLocation:
    """The transfer root (relative to the top of the archive or folder), whether it is a
    bag's ``data/``, the catalogue file(s) read, and every other catalogue-named file."""

    root: PurePosixPath
    bag: bool
    catalogue: tuple[PurePosixPath, ...]  # the xlsx, or the CSVs (dossiers, documents[, fonds])
    others: tuple[PurePosixPath, ...]
    bag_without_declaration: bool = False  # manifests and data/ but no bagit.txt

    @property
    def found(self) -> bool:
        return bool(self.catalogue)


def _root(files: list[PurePosixPath]) -> PurePosixPath:
    """Descend into one wrapping folder (``__MACOSX`` aside), as unzip tools show it."""
    tops = {f.parts[0] for f in files if f.parts and f.parts[0] != MACOSX}
    inner = [f for f in files if f.parts and f.parts[0] != MACOSX]
    if len(tops) == 1 and all(len(f.parts) > 1 for f in inner):
        return PurePosixPath(next(iter(tops)))
    return PurePosixPath(".")


def _under(root: PurePosixPath, f: PurePosixPath) -> PurePosixPath | None:
    """``f`` relative to ``root``, None when outside it."""
    if str(root) == ".":
        return f
    return f.relative_to(root) if f.is_relative_to(root) else None


def choose(names: Iterable[str]) -> tuple[str, ...]:
    """The catalogue among the file names of a root: the first xlsx name present, else
    the CSV pair (+ fonds CSV); () when there is none.  Returns the names as given."""
    by_key: dict[str, str] = {}
    for n in sorted(names):
        by_key.setdefault(_key(n), n)
    for x in CATALOGUE_XLSX_NAMES:
        if x.lower() in by_key:
            return (by_key[x.lower()],)
    if DOSSIER_CSV.lower() in by_key and DOCUMENT_CSV.lower() in by_key:
        fonds = (by_key[FONDS_CSV.lower()],) if FONDS_CSV.lower() in by_key else ()
        return (by_key[DOSSIER_CSV.lower()], by_key[DOCUMENT_CSV.lower()], *fonds)
    return ()


def locate(paths: Iterable[str | PurePosixPath]) -> CatalogueLocation:
    """Decide root and catalogue from the relative paths of every FILE of the transfer."""
    files = [PurePosixPath(p) for p in paths]
    files = [f for f in files if f.parts and not f.is_absolute() and ".." not in f.parts]
    root = _root(files)
    rels = [r for f in files if (r := _under(root, f)) is not None]
    top = {_key(r.name) for r in rels if len(r.parts) == 1}
    has_data = any(len(r.parts) > 1 and r.parts[0] == "data" for r in rels)
    bag = "bagit.txt" in top and has_data
    undeclared = not bag and has_data and any(n.startswith("manifest-") and n.endswith(".txt") for n in top)
    if bag:
        root = root / "data" if str(root) != "." else PurePosixPath("data")
    here = {f.name: f for f in files if (r := _under(root, f)) is not None and len(r.parts) == 1}
    chosen = tuple(here[n] for n in choose(here))
    others = tuple(sorted(f for f in files if _key(f.name) in _WANTED and f not in chosen))
    return CatalogueLocation(root, bag, chosen, others, undeclared)


def ambiguity_finding(loc: CatalogueLocation) -> Finding | None:
    """CATALOGUE_AMBIGUOUS (error) when any file besides the chosen catalogue is named like one."""
    if not loc.others or not loc.found:
        return None
    used = ", ".join(str(p) for p in loc.catalogue)
    extra = ", ".join(str(p) for p in loc.others[:10]) + (" …" if len(loc.others) > 10 else "")
    return finding(
        fc.CATALOGUE_AMBIGUOUS,
        f"Gói nộp lưu có nhiều hơn một mục lục: dùng {used}, nhưng còn {extra}. Sửa: chỉ để một mục lục ở thư mục "
        f"gốc của gói và xóa các tệp còn lại (kể cả trong {MACOSX}/), rồi nộp lại.",
        f"The transfer holds more than one catalogue: {used} would be read, but there is also {extra}. Fix: keep "
        f"one catalogue at the top of the transfer, delete the others (also any in {MACOSX}/) and resubmit.",
        file=str(loc.others[0]), details={"catalogue": [str(p) for p in loc.catalogue],
                                          "others": [str(p) for p in loc.others]},
    )


def bag_declaration_finding(loc: CatalogueLocation) -> Finding | None:
    """BAG_DECLARATION_MISSING (error): manifests and ``data/`` but no ``bagit.txt``."""
    if not loc.bag_without_declaration:
        return None
    return finding(
        fc.BAG_DECLARATION_MISSING,
        "Gói có manifest và thư mục data/ của túi BagIt nhưng thiếu tệp bagit.txt, nên không kiểm tra được mã băm. "
        "Sửa: thêm bagit.txt (BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8) hoặc tạo lại túi bằng công cụ "
        "BagIt, rồi nộp lại.",
        "The transfer has BagIt manifests and a data/ folder but no bagit.txt, so its checksums cannot be checked. "
        "Fix: add bagit.txt (BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8) or rebuild the bag with a BagIt "
        "tool, and resubmit.",
        file="bagit.txt",
    )
