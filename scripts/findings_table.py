"""Rewrites the finding-code table of docs/transfer-format.md from the registry.

Run after adding or changing a finding code: ``.venv/bin/python scripts/findings_table.py``.
tests/test_finding_registry.py fails while the table and the registry differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from luutru.cli.findings import markdown_table

DOC = Path(__file__).resolve().parent.parent / "docs" / "transfer-format.md"
BLOCK = re.compile(r"(<!-- findings:begin -->\n).*?(<!-- findings:end -->)", re.S)


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print(f"{DOC}: no <!-- findings:begin --> ... <!-- findings:end --> block", file=sys.stderr)
        return 1
    DOC.write_text(BLOCK.sub(lambda m: m.group(1) + markdown_table() + m.group(2), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
