"""What every wrapper in :mod:`luutru.tools` shares (OCRmyPDF's ``_exec`` style).

Each external program has one module with one function that runs it, an enum of its
exit codes, and an install hint in Vietnamese and English.  A program that is not
installed raises :class:`ToolMissing` carrying that hint; the caller turns it into a
registered finding (``…_NOT_INSTALLED``) or a clear start-up error, never a quieter check.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Sequence


class ToolMissing(RuntimeError):
    """An external program is not installed (or not executable); says how to install it."""

    def __init__(self, program: str, hint_vi: str, hint_en: str, detail: str = "") -> None:
        self.program, self.hint_vi, self.hint_en = program, hint_vi, hint_en
        super().__init__(f"{program} is not installed{f' ({detail})' if detail else ''}. {hint_en}")


def which(configured: str | None, default: str) -> str | None:
    """The executable named in settings (a name on PATH or a file), else ``default`` on PATH."""
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return shutil.which(default)


def run(program: str, args: Sequence[str], *, hint: tuple[str, str], timeout: float | None = None,
        text: bool = False, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run ``args`` (``args[0]`` the executable), capturing output.

    Raises :class:`ToolMissing` when the executable cannot be started and
    ``subprocess.TimeoutExpired`` when it runs past ``timeout``.  ``input`` (bytes) goes to
    the program's standard input.
    """
    try:
        if text:
            return subprocess.run(list(args), capture_output=True, text=True, errors="replace", timeout=timeout)
        return subprocess.run(list(args), capture_output=True, timeout=timeout, input=input)
    except OSError as e:  # not found, not executable, cannot start
        raise ToolMissing(program, hint[0], hint[1], str(e)) from e
