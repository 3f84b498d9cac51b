"""What the check workers' fork server imports before forking them (isolation.py).

The PDF and signature libraries cost about 0.6 s of CPU to import.  Imported once by
the fork server, no worker pays for them at its first file; but a transfer without PDFs
never uses them, and importing them anyway took a core from the hashing and encryption
of its (large) files (issue 17: a 1 GiB data file's ingest).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

#: The libraries the checks import when they first need them (lazily, in the workers).
#: Not pypdf (0.1 s): only a PDF that PDFium cannot read falls back to it, and its worker
#: imports it then.
PDF_LIBRARIES = ("pikepdf", "pyhanko.pdf_utils.reader", "pyhanko.sign.validation",
                 "pyhanko.sign.diff_analysis", "pyhanko_certvalidator", "asn1crypto.x509")


def imports_for(paths: Iterable[Path]) -> tuple[str, ...]:
    """The libraries worth importing ahead for these files: the PDF ones when one of them
    is named as a PDF (a hint only: a misnamed PDF is still checked, its worker imports them)."""
    return PDF_LIBRARIES if any(Path(p).suffix.lower() == ".pdf" for p in paths) else ()
