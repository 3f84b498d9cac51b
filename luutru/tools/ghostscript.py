"""Thin wrapper around Ghostscript for PDF/A-2b preservation copies.

One function runs the program (:func:`run_ghostscript`); its exit codes are
:class:`GhostscriptExit`; a missing Ghostscript is ``ConversionStatus.NOT_INSTALLED``
with the install hint, which the caller reports as ``GHOSTSCRIPT_NOT_INSTALLED``
(:func:`missing_finding`), never as a silent skip.

Why Ghostscript: it is the maintained, widely packaged tool that rewrites any PDF as
PDF/A (fonts embedded, output intent, no active content).  One process per conversion
is unavoidable here (Ghostscript writes one output per run), but only PDFs that are not
already PDF/A are converted.  The original file is never touched: output goes to a
temporary name beside ``dest`` and is renamed into place when Ghostscript succeeded.
"""

from __future__ import annotations

import enum
import os
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import pikepdf

import luutru.records.finding_codes.tools as fc
from luutru.records.findings import Finding, finding
from luutru.tools.base import ToolMissing, run, which

INSTALL_HINT_VI = "Cài Ghostscript (Debian/Ubuntu: apt-get install ghostscript) hoặc đặt LUUTRU_GHOSTSCRIPT."
INSTALL_HINT_EN = "Install Ghostscript (Debian/Ubuntu: apt-get install ghostscript) or set LUUTRU_GHOSTSCRIPT."
PROGRAM = "Ghostscript"


# Ghostscript messages that mean the input was not converted even when it exits 0.
_FAILURE_MARKERS = ("requires a password", "Unrecoverable error", "Unable to open the initial device")


class GhostscriptExit(enum.IntEnum):
    """Ghostscript process exit codes."""

    OK = 0
    ERROR = 1  # the input could not be interpreted / conversion failed
    FATAL = 255  # internal error or bad arguments


class ConversionStatus(str, enum.Enum):
    OK = "ok"
    FAILED = "failed"
    NOT_INSTALLED = "not_installed"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class ConversionResult:
    status: ConversionStatus
    output: Path | None = None
    exit_code: int | None = None
    message: str = ""  # Ghostscript's last stderr lines, for the finding
    version: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is ConversionStatus.OK


def find_ghostscript(configured: str | None = "gs") -> str | None:
    """Absolute path of the Ghostscript executable, or None if it is not installed."""
    return which(None, configured or "gs")


def run_ghostscript(exe: str, args: Sequence[str], *, timeout: float | None = None
                    ) -> subprocess.CompletedProcess:
    """Run Ghostscript once: the one place the program is started.

    Raises :class:`~luutru.tools.base.ToolMissing` (with the install hint) when it cannot
    start, ``subprocess.TimeoutExpired`` past ``timeout``.
    """
    return run(PROGRAM, [exe, *args], hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=timeout, text=True)


@lru_cache(maxsize=4)
def ghostscript_version(exe: str) -> str | None:
    try:
        return run_ghostscript(exe, ["--version"], timeout=20).stdout.strip() or None
    except (ToolMissing, subprocess.SubprocessError):
        return None


def missing_finding(**where: Any) -> Finding:
    """The finding for a preservation copy not made because Ghostscript is absent."""
    return finding(fc.GHOSTSCRIPT_NOT_INSTALLED,
                   f"Không tạo được bản bảo quản PDF/A-2b vì chưa có Ghostscript. {INSTALL_HINT_VI}",
                   f"No PDF/A-2b preservation copy: Ghostscript is not installed. {INSTALL_HINT_EN}", **where)


def _icc_profile() -> Path | None:
    """An sRGB ICC profile for the output intent (pikepdf ships one; else Ghostscript's)."""
    cand = [Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc"]
    cand += sorted(Path("/usr/share").glob("ghostscript/*/iccprofiles/srgb.icc"))
    cand += [Path("/usr/share/color/icc/ghostscript/srgb.icc")]
    return next((p for p in cand if p.is_file()), None)


def _pdfa_def(icc: Path, part: int) -> str:
    icc_ps = str(icc).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"""%!
/ICCProfile ({icc_ps}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB IEC61966-2.1)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def convert_to_pdfa(
    src: Path,
    dest: Path,
    *,
    gs: str | None = "gs",
    part: int = 2,
    timeout: float | None = None,
    legacy_interpreter: bool = False,
) -> ConversionResult:
    """Write a PDF/A-``part``b copy of ``src`` to ``dest`` (RGB output intent).

    ``legacy_interpreter``: read the input with Ghostscript's older PDF interpreter
    (``-dNEWPDF=false``).  Why: the new interpreter of Ghostscript 10.0x drops the
    ToUnicode maps of subset TrueType fonts, so "BỘ NỘI VỤ" extracts as "B NI V"; the
    caller compares extracted text and converts again this way when text was lost.
    """
    exe = find_ghostscript(gs)
    if exe is None:
        return ConversionResult(ConversionStatus.NOT_INSTALLED, message=f"{gs!r} not found. {INSTALL_HINT_EN}")
    icc = _icc_profile()
    if icc is None:
        return ConversionResult(ConversionStatus.FAILED, message="no sRGB ICC profile found for the output intent")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="luutru-gs-") as td:
        defs = Path(td) / "PDFA_def.ps"
        defs.write_text(_pdfa_def(icc, part), encoding="ascii", errors="replace")
        tmp_out = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        args = [
            "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOOUTERSAVE",
            f"--permit-file-read={icc}", f"--permit-file-read={defs}",
            "-sDEVICE=pdfwrite", f"-dPDFA={part}", "-dPDFACompatibilityPolicy=1",
            "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true",
            # "%" in OutputFile is a page-number format to Ghostscript ("%d"): "%%" is a
            # literal one, so a file named "100%.pdf" is written, not refused.
            "-sOutputFile=" + str(tmp_out).replace("%", "%%"), str(defs), str(src),
        ]
        if legacy_interpreter:
            args.insert(5, "-dNEWPDF=false")
        try:
            r = run_ghostscript(exe, args, timeout=timeout)
        except subprocess.TimeoutExpired:
            tmp_out.unlink(missing_ok=True)
            return ConversionResult(ConversionStatus.TIMEOUT, message=f"Ghostscript exceeded {timeout} s")
        except ToolMissing as e:
            return ConversionResult(ConversionStatus.NOT_INSTALLED, message=str(e))
    tail = "\n".join((r.stderr or r.stdout or "").strip().splitlines()[-5:])
    version = ghostscript_version(exe)
    if r.returncode != GhostscriptExit.OK or not tmp_out.is_file() or tmp_out.stat().st_size == 0:
        tmp_out.unlink(missing_ok=True)
        return ConversionResult(ConversionStatus.FAILED, exit_code=r.returncode, message=tail, version=version)
    problem = next((m for m in _FAILURE_MARKERS if m in (r.stderr or "") + (r.stdout or "")), None)
    problem = problem or _verify_output(tmp_out, part)
    if problem:
        tmp_out.unlink(missing_ok=True)
        return ConversionResult(ConversionStatus.FAILED, exit_code=r.returncode,
                                message=f"{problem}\n{tail}".strip(), version=version)
    os.replace(tmp_out, dest)
    return ConversionResult(ConversionStatus.OK, dest, r.returncode, tail, version)


def _verify_output(path: Path, part: int) -> str | None:
    """Ghostscript exits 0 on some inputs it could not read (e.g. password-protected):
    accept the output only if it opens, has pages and claims the requested PDF/A part."""
    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                return "Ghostscript produced a PDF without pages"
            status = pdf.open_metadata().pdfa_status or ""
            if not status.startswith(str(part)):
                return f"Ghostscript output does not claim PDF/A-{part} (claims {status or 'nothing'})"
    except Exception as e:  # noqa: BLE001
        return f"Ghostscript output unreadable: {e}"
    return None
