"""Full text of a PDF, extracted once at ingest for the search index.

Why pypdf: pure Python, well kept, no process start per file, and it maps embedded
font encodings (ToUnicode) so Vietnamese text comes out as Unicode.  The pipeline
stores the text beside the AIP metadata (``metadata/text/<document>.txt``); scanned
copies without a text layer simply give an empty string (no OCR here).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_CHARS = 20_000_000  # stop collecting beyond this (a hostile or huge document)


@dataclass(frozen=True)
class TextResult:
    text: str | None  # None when extraction failed
    pages: int = 0
    truncated: bool = False
    error: str | None = None


def extract_pdf_text(path: Path, *, max_chars: int = MAX_CHARS) -> TextResult:
    """Text of every page, pages separated by form feeds, NFC-normalised. Never raises."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-file chatter is not news here
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return TextResult(None, error="password required")
            except Exception as e:  # noqa: BLE001
                return TextResult(None, error=f"cannot decrypt: {e}")
        parts: list[str] = []
        total = 0
        truncated = False
        n = 0
        for page in reader.pages:
            n += 1
            try:
                t = page.extract_text() or ""
            except Exception:  # noqa: BLE001 - one bad page must not lose the others
                t = ""
            parts.append(t)
            total += len(t)
            if total > max_chars:
                truncated = True
                break
        text = unicodedata.normalize("NFC", "\f".join(parts))[:max_chars]
        return TextResult(text, n, truncated)
    except RecursionError:
        return TextResult(None, error="RecursionError: object structure too deep or cyclic")
    except Exception as e:  # noqa: BLE001 - damaged/hostile PDFs
        return TextResult(None, error=f"{type(e).__name__}: {e}"[:500])
