"""No absolute server path in what a submitter reads (issue 16).

Why: library messages (bagit-python names the bag's absolute path, OSError its file
name) leak the server's folder layout into findings and reports.  :func:`without_paths`
rewrites every finding's messages and string details so that a path under one of the
given roots (the staging area, LUUTRU_HOME, the temporary folder, the transfer's own
folder) is shown relative to it.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

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


def _clean(value: Any, prefixes: list[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, prefixes)
    if isinstance(value, dict):
        return {k: _clean(v, prefixes) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_clean(v, prefixes) for v in value)
    return value


def without_paths(findings: Iterable[Finding], roots: Iterable[Path | str]) -> list[Finding]:
    """The findings with paths under ``roots`` made relative, in messages and details."""
    prefixes = _prefixes(roots)
    out = []
    for f in findings:
        vi, en = scrub(f.message_vi, prefixes), scrub(f.message_en, prefixes)
        details = _clean(f.details, prefixes) if f.details else f.details
        fi = scrub(f.file, prefixes) if f.file else f.file
        if (vi, en, details, fi) != (f.message_vi, f.message_en, f.details, f.file):
            f = replace(f, message_vi=vi, message_en=en, details=details, file=fi)
        out.append(f)
    return out
