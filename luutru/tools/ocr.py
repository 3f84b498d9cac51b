"""Thin wrapper around OCRmyPDF (with Tesseract) for Vietnamese OCR of scans.

:func:`ocr_to_pdfa` runs ``ocrmypdf`` once per file in its own process (Tesseract is
a process per page anyway; a crash or a time-out stays there) and writes a two-layer
PDF/A-2b: the scanned image with an invisible Unicode text layer, as Circular 05/2025
asks of digitised records.  :class:`OcrExit` names OCRmyPDF's exit codes.  OCRmyPDF
comes from PyPI (a project dependency); Tesseract and its Vietnamese model from Debian
(``tesseract-ocr tesseract-ocr-vie``, in ``scripts/setup``).
"""

from __future__ import annotations

import enum
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from luutru.tools.base import ToolMissing, run

PROGRAM = "OCRmyPDF"
INSTALL_HINT_VI = ("Cài OCRmyPDF (pip install ocrmypdf) và Tesseract tiếng Việt "
                   "(apt-get install tesseract-ocr tesseract-ocr-vie); scripts/setup cài sẵn.")
INSTALL_HINT_EN = ("Install OCRmyPDF (pip install ocrmypdf) and Tesseract with Vietnamese "
                   "(apt-get install tesseract-ocr tesseract-ocr-vie); scripts/setup does.")


class OcrExit(enum.IntEnum):
    """OCRmyPDF exit codes (``ocrmypdf.ExitCode``)."""

    OK = 0
    BAD_ARGS = 1
    INPUT_FILE = 2
    MISSING_DEPENDENCY = 3
    INVALID_OUTPUT_PDF = 4
    FILE_ACCESS_ERROR = 5
    ALREADY_DONE_OCR = 6
    CHILD_PROCESS_ERROR = 7
    ENCRYPTED_PDF = 8
    INVALID_CONFIG = 9
    PDFA_CONVERSION_FAILED = 10
    OTHER_ERROR = 15
    CTRL_C = 130


@dataclass(frozen=True)
class OcrResult:
    exit_code: int
    output: Path | None
    message: str
    version: str | None

    @property
    def ok(self) -> bool:
        return self.exit_code == OcrExit.OK and self.output is not None

    @property
    def retryable(self) -> bool:
        """A failure another attempt may cure (a busy machine, a crashed child process)."""
        return self.exit_code in (OcrExit.CHILD_PROCESS_ERROR, OcrExit.OTHER_ERROR, OcrExit.FILE_ACCESS_ERROR, -1)


def _base() -> list[str]:
    return [sys.executable, "-m", "ocrmypdf"]


@lru_cache(maxsize=1)
def ocr_version() -> str | None:
    """``OCRmyPDF x.y.z, Tesseract a.b.c`` (None when not installed)."""
    try:
        r = run(PROGRAM, [*_base(), "--version"], hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=60, text=True)
        t = run("Tesseract", ["tesseract", "--version"], hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=60,
                text=True)
    except (ToolMissing, subprocess.TimeoutExpired):
        return None
    if r.returncode != 0:
        return None
    tess = (t.stdout or t.stderr or "").splitlines()[:1]
    return f"OCRmyPDF {r.stdout.strip()}, {tess[0].strip() if tess else 'tesseract ?'}"


def missing() -> str | None:
    """Why OCR cannot run here (None when it can): OCRmyPDF, Tesseract or its Vietnamese model absent."""
    if shutil.which("tesseract") is None:
        return f"tesseract not found. {INSTALL_HINT_EN}"
    try:
        r = run("Tesseract", ["tesseract", "--list-langs"], hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=60,
                text=True)
    except (ToolMissing, subprocess.TimeoutExpired) as e:
        return str(e)
    if "vie" not in (r.stdout or "").split():
        return f"Tesseract has no Vietnamese model (vie). {INSTALL_HINT_EN}"
    if ocr_version() is None:
        return f"OCRmyPDF does not run. {INSTALL_HINT_EN}"
    return None


def ocr_to_pdfa(src: Path, dest: Path, *, language: str = "vie", timeout: float | None = None) -> OcrResult:
    """Write a two-layer PDF/A-2b of ``src`` (a scan without text) to ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    args = [*_base(), "-l", language, "--output-type", "pdfa-2", "--optimize", "0", "--jobs", "1", str(src), str(tmp)]
    try:
        r = run(PROGRAM, args, hint=(INSTALL_HINT_VI, INSTALL_HINT_EN), timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        tmp.unlink(missing_ok=True)
        return OcrResult(-1, None, f"OCRmyPDF exceeded {timeout} s", ocr_version())
    tail = "\n".join((r.stderr or "").strip().splitlines()[-5:])
    if r.returncode != OcrExit.OK or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        return OcrResult(r.returncode, None, tail, ocr_version())
    tmp.replace(dest)
    return OcrResult(0, dest, tail, ocr_version())
