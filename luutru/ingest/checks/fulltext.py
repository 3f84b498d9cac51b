"""Full text of a PDF, extracted once at ingest for the search index.

Why PDFium (pypdfium2): the PDF engine of Chromium, fuzzed continuously, maps embedded
font encodings (ToUnicode) so Vietnamese text comes out as Unicode, and extracts a
one-page document in about 0.5 ms where pure-Python pypdf took about 8 ms — a third of
the checks' CPU for a signed one-page PDF (docs/performance.md).  pypdf, whose
parser is more lenient, is tried only on a file PDFium cannot open at all.  The
pipeline stores the text beside the AIP metadata (``metadata/text/<document>.txt``);
scanned copies without a text layer simply give an empty string (no OCR here).
The checks run in a worker process with a memory limit (``checks/isolation.py``), so
a crash or a bomb inside the C library ends as a finding, not a lost ingest.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium

#: PDFium is not thread-safe; OCR and preservation jobs may extract text on threads.
_PDFIUM = threading.Lock()
MAX_CHARS = 20_000_000  # stop collecting beyond this (a hostile or huge document)


@dataclass(frozen=True)
class TextResult:
    text: str | None  # None when extraction failed
    pages: int = 0
    truncated: bool = False
    error: str | None = None


def extract_pdf_text(path: Path, *, max_chars: int = MAX_CHARS) -> TextResult:
    """Text of every page, pages separated by form feeds, NFC-normalised. Never raises."""
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            if "password" in str(e).lower():
                return TextResult(None, error="password required")
            pdf = None  # PDFium could not open it: the lenient parser may
        except Exception as e:  # noqa: BLE001 - damaged/hostile PDFs
            return TextResult(None, error=f"{type(e).__name__}: {e}"[:500])
        if pdf is not None:
            try:
                return _pdfium_text(pdf, max_chars)
            finally:
                pdf.close()
    return _pypdf_text(path, max_chars)


def _pdfium_text(pdf: pdfium.PdfDocument, max_chars: int) -> TextResult:
    def pages() -> Iterator[str]:
        for i in range(len(pdf)):
            try:
                page = pdf[i]
                try:
                    textpage = page.get_textpage()
                    try:
                        t = textpage.get_text_bounded()
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except Exception:  # noqa: BLE001 - one bad page must not lose the others
                t = ""
            yield t.replace("\r\n", "\n").replace("\r", "\n")

    try:
        return _joined(pages(), max_chars)
    except Exception as e:  # noqa: BLE001 - damaged/hostile PDFs
        return TextResult(None, error=f"{type(e).__name__}: {e}"[:500])


def _joined(pages: Iterator[str], max_chars: int) -> TextResult:
    """The pages' texts separated by form feeds, NFC, stopped past ``max_chars``."""
    parts: list[str] = []
    total = 0
    truncated = False
    for t in pages:
        parts.append(t)
        total += len(t)
        if total > max_chars:
            truncated = True
            break
    return TextResult(unicodedata.normalize("NFC", "\f".join(parts))[:max_chars], len(parts), truncated)


def _pypdf_text(path: Path, max_chars: int) -> TextResult:
    """pypdf's lenient reading, for a file PDFium refused."""
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

        def pages() -> Iterator[str]:
            for page in reader.pages:
                try:
                    yield page.extract_text() or ""
                except Exception:  # noqa: BLE001 - one bad page must not lose the others
                    yield ""

        return _joined(pages(), max_chars)
    except RecursionError:
        return TextResult(None, error="RecursionError: object structure too deep or cyclic")
    except Exception as e:  # noqa: BLE001 - damaged/hostile PDFs
        return TextResult(None, error=f"{type(e).__name__}: {e}"[:500])
