"""Measure what the 05/2025 digitisation rule needs from a PDF: text layer, bits per pixel.

Resolution and colour class come from :func:`luutru.ingest.pdf_checks.check_pdf`; this
adds, per placed image, the bits per pixel (colour components × bits per component)
and, per file, whether any page shows text (a two-layer scan carries an OCR text
layer, usually invisible, text render mode 3).  The result is a
:class:`luutru.policies.digitisation.ScanFacts` that the policy judges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from luutru.ingest.checks.pdf import PdfaResult
from luutru.policies.digitisation import ScanFacts, ScanImage

_TEXT_OPS = {"Tj", "TJ", "'", '"'}
_MAX_STREAM = 32 * 1024 * 1024


def _components(cs: Any) -> int | None:
    import pikepdf

    for _ in range(4):
        if isinstance(cs, pikepdf.Array) and len(cs) > 0:
            head = str(cs[0])
            if head == "/ICCBased":
                return int(cs[1].get("/N", 0)) or None
            if head == "/Indexed":
                return 1  # palette index; colour depth is the palette's, at most 8 bits
            if head in ("/CalRGB", "/Lab"):
                return 3
            if head in ("/CalGray", "/Separation"):
                return 1
            if head == "/DeviceN" and len(cs) > 1:
                return len(cs[1])
            cs = cs[0]
            continue
        break
    return {"/DeviceRGB": 3, "/DeviceCMYK": 4, "/DeviceGray": 1}.get(str(cs))


def _bits_per_pixel(image: Any) -> int | None:
    if image.get("/ImageMask") is True:
        return 1
    import pikepdf

    filt = image.get("/Filter")
    # one filter is a Name (pikepdf claims __iter__ for every object but only arrays iterate)
    names = [str(f) for f in (filt if isinstance(filt, pikepdf.Array) else [filt])] if filt is not None else []
    if "/JPXDecode" in names:
        return None  # depth is inside the JPEG 2000 stream
    try:
        bpc = int(image.get("/BitsPerComponent", 8))
    except (TypeError, ValueError):
        return None
    if "/CCITTFaxDecode" in names or "/JBIG2Decode" in names:
        return 1
    n = _components(image.get("/ColorSpace"))
    return n * bpc if n else None


def _page_has_text(page: Any) -> bool:
    import pikepdf

    contents = page.obj.get("/Contents")
    if contents is None:
        return False
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    try:
        if sum(len(s.read_bytes()) for s in streams) > _MAX_STREAM:
            return False
        ops = pikepdf.parse_content_stream(page)
    except Exception:  # noqa: BLE001 - an unparsable page has no usable text layer
        return False
    return any(str(op) in _TEXT_OPS and operands for operands, op in ops)


def scan_facts(path: Path, result: PdfaResult) -> ScanFacts:
    """Facts of one digitised PDF; ``result`` is its ``check_pdf(..., analyse_images=True)``."""
    import pikepdf

    bpp: dict[tuple[int, str], int | None] = {}
    has_text = False
    try:
        with pikepdf.open(path) as pdf:
            for no, page in enumerate(pdf.pages, start=1):
                xobjs = (page.obj.get("/Resources") or {}).get("/XObject") or {}
                for name in list(xobjs.keys()):
                    x = xobjs[name]
                    if x.get("/Subtype") == "/Image":
                        bpp[(no, str(name))] = _bits_per_pixel(x)
                has_text = has_text or _page_has_text(page)
    except (pikepdf.PdfError, OSError, ValueError):
        pass
    images = tuple(ScanImage(i.page, i.dpi, bpp.get((i.page, i.name))) for i in result.images)
    return ScanFacts(images=images, has_text_layer=has_text, is_pdfa=result.is_pdfa, pdfa_label=result.pdfa_label)
