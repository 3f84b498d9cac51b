"""Thin wrapper around the veraPDF command line validator (PDF/A conformance).

Why one batch: veraPDF is a Java program and its start-up costs seconds; starting it
once per file is the known failure of other archives.  :func:`validate_batch` runs one
process over many files (chunked only to stay under the OS argument limit) and parses
the machine-readable XML report.  :func:`run_verapdf` is the one place the program is
started; :class:`VeraPdfExit` names its exit codes.  When veraPDF is not installed the
caller reports ``VERAPDF_NOT_INSTALLED`` once per transfer (:func:`verapdf_missing_finding`,
with the install hint) and relies on the in-process checks of ``ingest/checks/pdf.py``.
"""

from __future__ import annotations

import enum
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import luutru.records.finding_codes.tools as fc
from luutru.records.findings import Finding, finding
from luutru.tools.base import ToolMissing, run, which

CHUNK = 500  # files per veraPDF process (argument-length limit, not a per-file start)
PROGRAM = "veraPDF"
INSTALL_HINT_VI = "Cài veraPDF (https://verapdf.org; scripts/setup cài sẵn) hoặc đặt LUUTRU_VERAPDF."
INSTALL_HINT_EN = "Install veraPDF (https://verapdf.org; scripts/setup does) or set LUUTRU_VERAPDF."


class VeraPdfExit(enum.IntEnum):
    """veraPDF CLI exit codes that mean a report was written; any other code means the
    run itself failed, and files missing from the report get an error outcome."""

    ALL_COMPLIANT = 0
    SOME_NOT_COMPLIANT = 1


@dataclass(frozen=True)
class VeraPdfOutcome:
    """veraPDF's verdict on one file."""

    path: str
    compliant: bool | None  # None: veraPDF could not validate it (see error)
    profile: str | None = None  # e.g. "PDF/A-2B validation profile"
    failed_rules: tuple[str, ...] = ()  # "clause-testNumber: description"
    error: str | None = None


def find_verapdf(configured: str | None = None) -> str | None:
    """The veraPDF executable from settings or PATH, or None."""
    return which(configured, "verapdf")


def run_verapdf(exe: str, args: Sequence[str], *, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run veraPDF once (bytes out): raises ``ToolMissing`` or ``subprocess.TimeoutExpired``."""
    return run(PROGRAM, [exe, *args], hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=timeout)


def parse_report(xml_text: str | bytes) -> dict[str, VeraPdfOutcome]:
    """Outcomes by file path from a veraPDF machine-readable (MRR/XML) report."""
    root = ET.fromstring(xml_text)
    out: dict[str, VeraPdfOutcome] = {}
    for job in root.iter("job"):
        name_el = job.find("item/name")
        if name_el is None or not (name_el.text or "").strip():
            continue
        path = name_el.text.strip()
        vr = job.find("validationReport")
        exc = job.find("taskException")
        if vr is None:
            msg = None
            if exc is not None:
                m = exc.find("exceptionMessage")
                msg = (m.text if m is not None else None) or exc.get("type") or "task failed"
            out[path] = VeraPdfOutcome(path, None, error=msg or "no validation report")
            continue
        rules = []
        for rule in vr.iter("rule"):
            if rule.get("status", "failed") != "failed":
                continue
            desc = (rule.findtext("description") or "").strip()
            rules.append(f"{rule.get('clause', '?')}-{rule.get('testNumber', '?')}: {desc}"[:300])
        compliant = (vr.get("isCompliant") or "").lower() == "true"
        out[path] = VeraPdfOutcome(path, compliant, vr.get("profileName"), tuple(rules))
    return out


def validate_batch(
    paths: Sequence[Path],
    *,
    exe: str,
    timeout: float | None = None,
    flavour: str = "0",
) -> dict[str, VeraPdfOutcome]:
    """Validate many PDFs with one veraPDF process per CHUNK files.

    ``flavour="0"`` lets veraPDF pick the profile from each file's PDF/A claim.  Keys of
    the result are ``str(path)`` exactly as given.
    """
    results: dict[str, VeraPdfOutcome] = {}
    for i in range(0, len(paths), CHUNK):
        chunk = [str(p) for p in paths[i : i + CHUNK]]
        try:
            r = run_verapdf(exe, ["--format", "mrr", "--flavour", flavour, *chunk], timeout=timeout)
        except subprocess.TimeoutExpired:
            results.update({p: VeraPdfOutcome(p, None, error=f"veraPDF exceeded {timeout} s") for p in chunk})
            continue
        except ToolMissing as e:
            results.update({p: VeraPdfOutcome(p, None, error=f"veraPDF did not start: {e}") for p in chunk})
            continue
        try:
            parsed = parse_report(r.stdout)
        except ET.ParseError as e:
            err = (r.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [str(e)]
            parsed = {}
            results.update({p: VeraPdfOutcome(p, None, error=f"unreadable veraPDF report: {err[0]}") for p in chunk})
        by_resolved = {str(Path(k).resolve()): v for k, v in parsed.items()}
        for p in chunk:
            o = parsed.get(p) or by_resolved.get(str(Path(p).resolve()))
            if o is not None:
                results[p] = VeraPdfOutcome(p, o.compliant, o.profile, o.failed_rules, o.error)
            elif p not in results:
                results[p] = VeraPdfOutcome(p, None, error=f"not in veraPDF report (exit {r.returncode})")
    return results


def verapdf_missing_finding(**where: object) -> Finding:
    """The one notice per transfer that veraPDF is absent."""
    return finding(
        fc.VERAPDF_NOT_INSTALLED,
        "Chưa cài veraPDF: việc kiểm tra PDF/A chỉ dựa trên kiểm tra nội bộ (phông chữ, mã hóa, "
        f"mã lệnh, output intent). {INSTALL_HINT_VI}",
        "veraPDF is not installed: PDF/A conformance relies on the in-process checks only (fonts, "
        f"encryption, active content, output intent). {INSTALL_HINT_EN}",
        **where,  # type: ignore[arg-type]
    )


def outcomes_for(paths: Iterable[Path], configured: str | None, timeout: float | None = None
                 ) -> tuple[dict[str, VeraPdfOutcome], bool]:
    """(outcomes, installed). Empty outcomes when veraPDF is absent or there is nothing to check."""
    exe = find_verapdf(configured)
    if exe is None:
        return {}, False
    plist = list(paths)
    if not plist:
        return {}, True
    return validate_batch(plist, exe=exe, timeout=timeout), True
