"""The finding codes the checks can report, read from the checks' own source.

Reading the source (instead of keeping a second list by hand) means the list printed
by ``luutru findings`` cannot drift from what the code emits.
"""

from __future__ import annotations

import re
from pathlib import Path

_PATTERNS = (
    re.compile(r'\b(error|warning|info)\(\s*"([A-Z][A-Z_0-9]+)"'),
    re.compile(r'Finding\(\s*Severity\.(ERROR|WARNING|INFO),\s*"([A-Z][A-Z_0-9]+)"'),
)


def finding_codes() -> dict[str, dict[str, str]]:
    """{code: {"severity": ..., "module": ...}} for every code in the package."""
    out: dict[str, dict[str, str]] = {}
    root = Path(__file__).resolve().parent.parent
    for entry in sorted(root.rglob("*.py")):
        src = entry.read_text(encoding="utf-8")
        for rx in _PATTERNS:
            for m in rx.finditer(src):
                out.setdefault(m.group(2), {"severity": m.group(1).lower(), "module": entry.relative_to(root).with_suffix("").as_posix().replace("/", ".")})
    return dict(sorted(out.items()))
