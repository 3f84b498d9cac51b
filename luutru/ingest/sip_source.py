"""05/2025 SIPs as an ingest source, beside the catalogue template.

A transfer may be one SIP (its ZIP or its ``<OBJID>/`` folder) or a submission of several SIP
ZIPs in one folder (``001_uuid-….zip``, ``002_uuid-….zip`` …).  Each package is verified by
:func:`luutru.packaging.sip.reader.read_sip` (METS sizes and SHA-256, schemas, EAD against the
sender's catalogue fields); every problem is a finding, as for the template.

What the ordinary pipeline then sees is the template's shape, so every check runs unchanged:
the catalogue rows come from the packages' EAD (the sender's own catalogue fields when the
package is from luutru, else mapped from the 05/2025 elements), and a *view* folder holds each
original at its catalogue path (hard links into the unpacked packages, copies when links are not
possible); its bytes were already checked against the METS SHA-256, and the catalogue's own
checksum column is kept as the sender wrote it.  The sender's PREMIS events are returned per
dossier, for the AIP to carry them on.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from luutru.packaging.sip.from_aip import aip_view
from luutru.packaging.sip.reader import read_sip
from luutru.records.findings import Finding, error
from luutru.packaging.catalogue_reader import RawCatalogue, RawRow
from luutru.ingest.files import unsafe_listed_path


@dataclass
class ReceivedSip:
    """One package as received: the ZIP (or folder) given, its unpacked ``<OBJID>/`` folder, the dossier."""

    source: Path
    root: Path
    objid: str
    dossier_code: str


@dataclass
class SipTransfer:
    raw: RawCatalogue
    view_root: Path
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # dossier code → sender's events
    packages: dict[str, str] = field(default_factory=dict)  # dossier code → package OBJID
    findings: list[Finding] = field(default_factory=list)
    received: list[ReceivedSip] = field(default_factory=list)


def _zip_has_mets(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(PurePosixPath(n).name == "METS.xml" and len(PurePosixPath(n).parts) <= 2 for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def sip_packages(root: Path) -> list[Path]:
    """The SIPs a transfer root holds: itself (a package folder), or the SIP ZIPs that are all it holds."""
    root = Path(root)
    if (root / "METS.xml").is_file():
        return [root]
    entries = [p for p in sorted(root.iterdir()) if not p.name.startswith((".", "__MACOSX"))]
    zips = [p for p in entries if p.is_file() and p.suffix.lower() == ".zip"]
    if zips and len(zips) == len(entries) and all(_zip_has_mets(p) for p in zips):
        return zips
    return []


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def open_sips(packages: list[Path], work_dir: Path) -> SipTransfer:
    """Verify and read every package; lay out the view the pipeline ingests from."""
    work_dir = Path(work_dir)
    view = work_dir / "sip-view"
    if view.exists():
        shutil.rmtree(view)
    view.mkdir(parents=True)
    out = SipTransfer(RawCatalogue(source=None), view)
    used: dict[str, str] = {}
    for n, pkg_path in enumerate(packages, 1):
        res = read_sip(pkg_path, work_dir / f"sip-{n}")
        label = pkg_path.name
        for f in res.findings:
            out.findings.append(f if f.file is None or f.file.startswith(label) else replace(f, file=f"{label}/{f.file}"))
        if res.package is None or not res.ok:
            continue
        v = aip_view(res.package)
        code = str(v.dossier.get("ma_ho_so") or "")
        if code in out.packages:
            out.findings.append(error(
                "SIP_DUPLICATE_DOSSIER", f"Hồ sơ {code} có trong hai gói ({out.packages[code]} và {res.package.objid}).",
                f"Dossier {code} is in two packages ({out.packages[code]} and {res.package.objid}).", dossier=code))
            continue
        out.packages[code] = res.package.objid
        out.received.append(ReceivedSip(pkg_path, res.root or pkg_path, res.package.objid, code))
        out.events[code] = v.events
        out.raw.dossiers.append(RawRow(f"{label}:metadata/descriptive/EAD.xml", dict(v.dossier)))
        for doc in v.documents:
            doc_id = str(doc.get("ma_dinh_danh_van_ban") or "")
            original = v.originals.get(doc_id)
            row = dict(doc)
            if original is None or not isinstance(original.source, Path):
                out.raw.documents.append(RawRow(f"{label}:EAD_doc_{doc_id}.xml", row))
                continue
            path = str(row.get("duong_dan_tep") or "")
            if not path or unsafe_listed_path(path) or path in used:
                path = f"{code}/{original.name}"
            used[path] = doc_id
            _link(original.source, view / path)
            row["duong_dan_tep"] = path  # the sender's path unless it was missing, unsafe or taken
            out.raw.documents.append(RawRow(f"{label}:EAD_doc_{doc_id}.xml", row))
    return out
