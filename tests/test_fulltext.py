"""Full text for the index (checks/fulltext.py): PDFium first, pypdf only for a file
PDFium cannot open; never an exception."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from luutru.demo.pki import make_pdf_bytes
from luutru.ingest.checks.fulltext import extract_pdf_text


def test_vietnamese_text_of_each_page_nfc(tmp_path: Path) -> None:
    p = tmp_path / "cv.pdf"
    p.write_bytes(make_pdf_bytes("Công văn số 12/UBND-VP về việc báo cáo công tác lưu trữ"))
    r = extract_pdf_text(p)
    assert r.error is None and r.pages == 1 and not r.truncated
    assert "Công văn số 12/UBND-VP về việc báo cáo công tác lưu trữ" in r.text
    assert "\r" not in r.text


def test_password_protected_pdf_is_reported_not_raised(tmp_path: Path) -> None:
    src = tmp_path / "cv.pdf"
    src.write_bytes(make_pdf_bytes("Mật"))
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    r = extract_pdf_text(locked)
    assert r.text is None and r.error == "password required"


def test_damaged_pdf_gives_an_error_not_an_exception(tmp_path: Path) -> None:
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    r = extract_pdf_text(p)  # PDFium refuses it, pypdf's lenient reading fails too
    assert r.text is None and r.pages == 0
    assert r.error and "Stream" in r.error


def test_truncated_at_the_limit(tmp_path: Path) -> None:
    p = tmp_path / "cv.pdf"
    p.write_bytes(make_pdf_bytes("Quyết định " * 50))
    r = extract_pdf_text(p, max_chars=40)
    assert r.truncated and len(r.text) == 40
