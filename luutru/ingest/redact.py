"""No absolute server path in what a submitter reads (issue 16).

Why: library messages (bagit-python names the bag's absolute path, OSError its file
name) leak the server's folder layout into findings and reports.  :func:`without_paths`
rewrites every finding's messages (and ``file``) so that a path under one of the
given roots (the staging area, LUUTRU_HOME, the temporary folder, the transfer's own
folder) is shown relative to it.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from luutru.records.findings import Finding


def _prefixes(roots: Iterable[Path | str]) -> list[str]:
    out: set[str] = set()
    for r in roots:
        if not r:
            continue
        for p in (Path(r), Path(r).resolve()):
            s = str(p).rstrip(os.sep)
            if len(s) > 1:  # never "/" itself
                out.add(s)
    return sorted(out, key=len, reverse=True)


def scrub(text: str, prefixes: list[str]) -> str:
    """``text`` with each root prefix removed (``/srv/x/bag/data/a.pdf`` → ``data/a.pdf``,
    ``/srv/x/bag`` alone → ``.``); ``/tmpfoo`` is not under ``/tmp``."""
    for p in prefixes:
        if p in text:
            text = re.sub(re.escape(p) + r"(?:/|(?![\w.-]))", lambda m: "" if m.group(0).endswith("/") else ".", text)
    return text


def without_paths(findings: Iterable[Finding], roots: Iterable[Path | str]) -> list[Finding]:
    """The findings with paths under ``roots`` made relative in their messages and ``file``.

    ``details`` are left as they are: they are for programs (a receipt's path is used to
    open it), and the report that carries them is for the operator's side."""
    prefixes = _prefixes(roots)
    out = []
    for f in findings:
        vi, en = scrub(f.message_vi, prefixes), scrub(f.message_en, prefixes)
        fi = scrub(f.file, prefixes) if f.file else f.file
        if (vi, en, fi) != (f.message_vi, f.message_en, f.file):
            f = replace(f, message_vi=vi, message_en=en, file=fi)
        out.append(f)
    return out
