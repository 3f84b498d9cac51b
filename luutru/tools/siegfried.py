"""Thin wrapper around Siegfried (``sf``), the PRONOM format identifier.

Why Siegfried: it matches PRONOM byte signatures *and* DROID container signatures (what
is inside a ZIP or OLE2 file decides whether it is a docx, a pptx, an odt or a plain
zip), detects text encodings (UTF-8 and UTF-16 are both plain text) and knows PDF/A-4;
one Go binary with a signature file built from the PRONOM data (``roy build``, see
scripts/setup).

Why one batch: a process per file is the known failure of other archives.
:func:`identify_batch` runs ONE ``sf -json -multi N -f -`` per transfer, the file list on
standard input, and parses the JSON report.  :func:`run_sf` is the one place the program
is started.  When ``sf`` is not installed the caller reports ``SIEGFRIED_NOT_INSTALLED``
once per transfer (:func:`siegfried_missing_finding`) and says which weaker identification
it used instead.
"""

from __future__ import annotations

import enum
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import luutru.records.finding_codes.tools as fc
from luutru.records.findings import Finding, finding
from luutru.tools.base import ToolMissing, run, which

PROGRAM = "Siegfried"
INSTALL_HINT_VI = ("Cài Siegfried (scripts/setup dựng sf và tệp chữ ký PRONOM vào /opt/luutru-engines) "
                   "hoặc đặt LUUTRU_SIEGFRIED.")
INSTALL_HINT_EN = ("Install Siegfried (scripts/setup builds sf and its PRONOM signature file under "
                   "/opt/luutru-engines) or set LUUTRU_SIEGFRIED.")
MAX_MULTI = 8


class SfExit(enum.IntEnum):
    """``sf`` exits 0 when it wrote a report; 1 is a fatal error (no signature file,
    bad flags), when the report is missing or cut short."""

    OK = 0
    FATAL = 1


@dataclass(frozen=True)
class SfMatch:
    """Siegfried's PRONOM match for one file (the first identifier's first match)."""

    path: str
    puid: str | None  # "fmt/412"; None when unknown or not identified
    format: str = ""  # PRONOM format name
    version: str = ""
    mime: str = ""
    basis: str = ""  # why it matched, e.g. "container name [Content_Types].xml …"
    warning: str = ""  # e.g. "extension mismatch", "match on extension only"
    error: str = ""  # the file could not be read / sf gave no result

    @property
    def extension_mismatch(self) -> bool:
        return "extension mismatch" in self.warning

    @property
    def extension_only(self) -> bool:
        """Matched on the file name alone (no byte or container signature)."""
        return "match on extension only" in self.warning or "match on filename only" in self.warning

    @property
    def by_container(self) -> bool:
        return "container" in self.basis

    @property
    def text_encoding(self) -> str | None:
        """The encoding Siegfried's text matcher found ("UTF-8 Unicode", "Little-endian
        UTF-16 Unicode", "ASCII"…), None when the file is not recognised as text."""
        for part in self.basis.split(";"):
            part = part.strip()
            if part.startswith("text match "):
                return part[len("text match "):].strip()
        return None


def find_siegfried(configured: str | None = None) -> str | None:
    """The ``sf`` executable from settings or PATH, or None."""
    return which(configured, "sf")


def run_sf(exe: str, args: Sequence[str], *, stdin: bytes | None = None,
           timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``sf`` once (bytes out): raises ``ToolMissing`` or ``subprocess.TimeoutExpired``."""
    return run(PROGRAM, [exe, *args], hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=timeout, input=stdin)


def _first_match(f: dict[str, Any]) -> SfMatch:
    path = str(f.get("filename", ""))
    err = str(f.get("errors") or "")
    matches = f.get("matches") or []
    m = next((m for m in matches if m.get("ns") in (None, "pronom")), matches[0] if matches else {})
    puid = str(m.get("id") or "")
    return SfMatch(
        path=path,
        puid=puid if puid and puid.upper() != "UNKNOWN" else None,
        format=str(m.get("format") or ""),
        version=str(m.get("version") or ""),
        mime=str(m.get("mime") or ""),
        basis=str(m.get("basis") or ""),
        warning=str(m.get("warning") or ""),
        error=err,
    )


def parse_report(raw: str | bytes) -> tuple[dict[str, SfMatch], dict[str, Any]]:
    """(matches by file name as given, the report head: version, signature file, identifiers)."""
    doc = json.loads(raw)
    head = {k: v for k, v in doc.items() if k != "files"}
    return {m.path: m for m in map(_first_match, doc.get("files") or [])}, head


@dataclass(frozen=True)
class SfReport:
    """One run's answers by ``str(path)`` as given, and what identified them."""

    matches: dict[str, SfMatch]
    identifier: str = "siegfried"  # "siegfried 1.11.4 (DROID_SignatureFile_V122.xml; container-…)"


def _identifier(head: dict[str, Any]) -> str:
    ids = "; ".join(str(i.get("details", "")) for i in head.get("identifiers") or [] if isinstance(i, dict))
    return f"siegfried {head.get('siegfried', '?')}" + (f" ({ids})" if ids else "")


def identify_batch(paths: Sequence[Path], *, exe: str, timeout: float | None = None,
                   multi: int | None = None) -> SfReport:
    """Identify many files with ONE ``sf`` process.

    A file Siegfried could not report on gets an :class:`SfMatch` with ``error`` set
    (the caller decides what that means); so does every file when the run fails.
    Names with a line break or undecodable bytes cannot travel in the list and get such
    an error too.
    """
    names = [str(p) for p in paths]
    out = {n: SfMatch(n, None, error=why) for n in names if (why := _unlistable(n))}
    listed = [n for n in names if n not in out]
    if not listed:
        return SfReport(out)
    n_workers = multi or max(1, min(os.cpu_count() or 1, MAX_MULTI))
    args = ["-json", "-nr", "-multi", str(n_workers), "-f", "-"]
    try:
        r = run_sf(exe, args, stdin=("\n".join(listed) + "\n").encode("utf-8"), timeout=timeout)
        parsed, head = parse_report(r.stdout)
        bad = "" if r.returncode == SfExit.OK else f"sf exit {r.returncode}: {_last_line(r.stderr)}"
    except subprocess.TimeoutExpired:
        parsed, head, bad = {}, {}, f"Siegfried exceeded {timeout} s"
    except ToolMissing as e:
        parsed, head, bad = {}, {}, f"Siegfried did not start: {e}"
    except ValueError as e:  # json.JSONDecodeError: a report cut short
        parsed, head, bad = {}, {}, f"unreadable Siegfried report: {e}"
    by_resolved = {_resolved(k): v for k, v in parsed.items()}
    for n in listed:
        m = parsed.get(n) or by_resolved.get(_resolved(n))
        out[n] = SfMatch(n, m.puid, m.format, m.version, m.mime, m.basis, m.warning, m.error) if m else \
            SfMatch(n, None, error=bad or "not in the Siegfried report")
    return SfReport(out, _identifier(head) if head else "siegfried")


def version(exe: str) -> tuple[str, str]:
    """(sf version, signature file and PRONOM release) as ``sf -version`` prints them."""
    r = run_sf(exe, ["-version"], timeout=30)
    lines = [ln.strip() for ln in r.stdout.decode("utf-8", "replace").splitlines() if ln.strip()]
    ver = lines[0].split()[-1] if lines else "?"
    sig = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("- pronom:")), "")
    return ver, sig


def _unlistable(name: str) -> str:
    """Why ``name`` cannot travel in sf's list (one UTF-8 name per line), or ""."""
    if "\n" in name or "\r" in name:
        return "file name contains a line break"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8"
    return ""


def _last_line(b: bytes | None) -> str:
    lines = (b or b"").decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:300] if lines else ""


def _resolved(p: str) -> str:
    try:
        return str(Path(p).resolve())
    except (OSError, RuntimeError, ValueError):
        return p


def siegfried_missing_finding(**where: object) -> Finding:
    """The one notice per transfer that Siegfried is absent and what was used instead."""
    return finding(
        fc.SIEGFRIED_NOT_INSTALLED,
        "Chưa cài Siegfried: định dạng tệp chỉ được nhận diện bằng chữ ký đầu tệp và phần mở rộng "
        "(không xem bên trong tệp nén docx/xlsx/odt, không nhận ra tệp bị đổi tên, không nhận văn bản UTF-16). "
        f"{INSTALL_HINT_VI}",
        "Siegfried is not installed: file formats were identified by leading magic bytes and the extension only "
        "(containers such as docx/xlsx/odt are not looked into, renamed containers and UTF-16 text are not "
        f"recognised). {INSTALL_HINT_EN}",
        **where,  # type: ignore[arg-type]
    )
