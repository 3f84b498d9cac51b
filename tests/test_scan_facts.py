"""Bits per pixel and text layer measured on real PDFs made with reportlab + Pillow."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from luutru.ingest.checks.pdf import check_pdf
from luutru.ingest.checks.scan_facts import scan_facts
from luutru.policies.digitisation import check_digitised, load_rule


def scan(path: Path, mode: str, px_width: int, *, ocr_text: str | None = None) -> Path:
    im = Image.new("RGB", (px_width, int(px_width * 1.41)), (250, 245, 230)).convert(mode)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    buf.seek(0)
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.drawImage(ImageReader(buf), 0, 0, width=595, height=842)
    if ocr_text:
        t = c.beginText(40, 800)
        t.setTextRenderMode(3)  # invisible, as OCR layers are
        t.textLine(ocr_text)
        c.drawText(t)
    c.showPage()
    c.save()
    return path


def test_colour_scan_with_text_layer(tmp_path):
    p = scan(tmp_path / "a.pdf", "RGB", 1700, ocr_text="QUYET DINH")
    facts = scan_facts(p, check_pdf(p, analyse_images=True))
    assert facts.has_text_layer
    assert [i.bits_per_pixel for i in facts.images] == [24]
    assert facts.images[0].dpi >= 200


def test_grey_image_only_scan(tmp_path):
    p = scan(tmp_path / "b.pdf", "L", 1700)
    facts = scan_facts(p, check_pdf(p, analyse_images=True))
    assert not facts.has_text_layer and [i.bits_per_pixel for i in facts.images] == [8]
    codes = [f.code for f in check_digitised(facts, load_rule(), doc_type_code="02", received=date(2026, 1, 5))]
    assert codes == ["DIGITISED_NOT_PDFA", "DIGITISED_NO_TEXT_LAYER", "DIGITISED_COLOUR_DEPTH"]


def test_map_needs_300_dpi(tmp_path):
    p = scan(tmp_path / "c.pdf", "RGB", 1900, ocr_text="BAN DO")  # about 230 dpi on A4
    facts = scan_facts(p, check_pdf(p, analyse_images=True))
    rule = load_rule()
    assert "DIGITISED_LOW_RESOLUTION" not in {f.code for f in check_digitised(facts, rule, doc_type_code="02",
                                                                               received=date(2026, 1, 5))}
    assert "DIGITISED_LOW_RESOLUTION" in {f.code for f in check_digitised(facts, rule, doc_type_code="30",
                                                                           received=date(2026, 1, 5))}
