"""Render demo documents: born-digital PDFs, scanned-copy PDFs, a PNG diagram, XLSX annexes.

One small line layout (administrative document form of Decree 30/2020: agency header
left, national motto right, number and date line, heading, abstract, body, signature
block) drives both PDF kinds.  Born-digital PDFs draw it as text; scanned copies draw it
into a 200 dpi colour image (seal in red, signature in blue) and lay the same text over
it invisibly, as an OCR'd scan would, so full-text search finds the abstract in both.
Output is byte-for-byte reproducible: reportlab runs with ``invariant=1``.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

import pikepdf
from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from luutru.demo.vocab import DocKind, Org

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "regular": "DejaVuSerifCondensed.ttf",
    "bold": "DejaVuSerifCondensed-Bold.ttf",
    "italic": "DejaVuSerifCondensed-Italic.ttf",
    "bolditalic": "DejaVuSerifCondensed-BoldItalic.ttf",
    "sans": "DejaVuSans.ttf",
    "sansbold": "DejaVuSans-Bold.ttf",
}
SCAN_DPI = 200
PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 85.0, 42.0, 57.0, 57.0  # 30 mm, 15 mm, 20 mm, 20 mm
TEXT_W = PAGE_W - LEFT - RIGHT
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
CREATOR = "luutru demo generator"


class FontsMissing(RuntimeError):
    """The DejaVu fonts needed for Vietnamese text are not installed."""


def _font_name(style: str) -> str:
    return "LuuTru-" + style


_registered = False


def register_fonts() -> None:
    """Register the DejaVu TTFs with reportlab once (they cover Vietnamese)."""
    global _registered
    if _registered:
        return
    for style, file in FONT_FILES.items():
        path = FONT_DIR / file
        if not path.is_file():
            raise FontsMissing(
                f"Thiếu phông chữ {path}; cài gói fonts-dejavu-core. / Font {path} is missing; "
                "install the DejaVu fonts (fonts-dejavu-core).")
        pdfmetrics.registerFont(TTFont(_font_name(style), str(path)))
    _registered = True


def date_line(place: str, d: date) -> str:
    """``Tiền Giang, ngày 05 tháng 3 năm 2021`` (zero-padded day, and months 1-2, as Decree 30 asks)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}"


@dataclass
class DocContent:
    """What a rendered document says."""

    org: Org
    kind: DocKind
    number_notation: str  # "125/SNV-VP"
    place: str
    issued: date
    abstract: str
    paragraphs: list[str]
    signer_name: str
    signer_title: str  # "PHÓ GIÁM ĐỐC"
    sign_prefix: str = ""  # "KT. GIÁM ĐỐC" / "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)  # Kính gửi
    copies: list[str] = field(default_factory=lambda: ["Như trên;", "Lưu: VT."])  # Nơi nhận
    keywords: str = ""
    title: str = ""  # PDF title metadata


@dataclass(frozen=True)
class Line:
    text: str
    style: str
    size: float
    x: float  # points from the left
    y: float  # baseline, points from the top
    anchor: str = "l"  # l | c | r


@dataclass
class Page:
    lines: list[Line] = field(default_factory=list)
    seal_at: tuple[float, float] | None = None  # centre of the signature area (points from top-left)


def _wrap(text: str, style: str, size: float, width: float) -> list[str]:
    return simpleSplit(text, _font_name(style), size, width) or [""]


def layout(c: DocContent, *, one_page: bool = False) -> list[Page]:
    """Place every line of the document; a new page starts when the body overflows."""
    register_fonts()
    pages = [Page()]
    y = _layout_header(c, pages[0].lines)
    y = _layout_heading(c, pages[0].lines, y)
    y = _layout_body(c, pages, y, one_page)
    _layout_signature(c, pages, y)
    return pages


def _layout_header(c: DocContent, lines: list[Line]) -> float:
    """The issuer's block and number on the left, the national motto and date on the right."""
    left_c = LEFT + 100  # centre of the header's left block (about 200 pt wide)
    right_c = LEFT + TEXT_W - 125  # centre of the motto block
    y = TOP + 14
    if c.org.header_parent:
        for part in _wrap(c.org.header_parent, "regular", 11, 200):
            lines.append(Line(part, "regular", 11, left_c, y, "c"))
            y += 14
    for name_line in c.org.header_name.split("\n"):
        for part in _wrap(name_line, "bold", 11, 200):
            lines.append(Line(part, "bold", 11, left_c, y, "c"))
            y += 14
    y += 8
    lines.append(Line(f"Số: {c.number_notation}", "regular", 12, left_c, y, "c"))
    if not c.kind.heading:  # công văn: the abstract goes under the number
        y += 4
        for part in _wrap("V/v " + c.abstract, "regular", 11, 200):
            y += 14
            lines.append(Line(part, "regular", 11, left_c, y, "c"))
    ry = TOP + 14
    lines.append(Line(MOTTO[0], "bold", 10.5, right_c, ry, "c"))
    lines.append(Line(MOTTO[1], "bold", 12, right_c, ry + 15, "c"))
    lines.append(Line(date_line(c.place, c.issued), "italic", 12, right_c, ry + 44, "c"))
    return max(y, ry + 44) + 34


def _layout_heading(c: DocContent, lines: list[Line], y: float) -> float:
    """The kind's heading with the abstract, then the recipients ("Kính gửi")."""
    if c.kind.heading:
        lines.append(Line(c.kind.heading, "bold", 14, LEFT + TEXT_W / 2, y, "c"))
        for part in _wrap(c.abstract, "bold", 13, TEXT_W - 60):
            y += 17
            lines.append(Line(part, "bold", 13, LEFT + TEXT_W / 2, y, "c"))
        y += 26
    if c.recipients:
        label = "Kính gửi: "
        if len(c.recipients) == 1:
            lines.append(Line(label + c.recipients[0], "regular", 13, LEFT + TEXT_W / 2, y, "c"))
            y += 17
        else:
            lines.append(Line(label, "regular", 13, LEFT + 60, y, "l"))
            indent = LEFT + 60 + pdfmetrics.stringWidth(label, _font_name("regular"), 13)
            for r in c.recipients:
                lines.append(Line("- " + r + ";", "regular", 13, indent, y, "l"))
                y += 17
        y += 8
    return y


def _new_page(pages: list[Page], y_start: float) -> float:
    pages.append(Page())
    pages[-1].lines.append(Line(str(len(pages)), "regular", 12, LEFT + TEXT_W / 2, TOP, "c"))
    return y_start


def _layout_body(c: DocContent, pages: list[Page], y: float, one_page: bool) -> float:
    """The paragraphs, page after page (a one-page scan keeps whole paragraphs only)."""
    limit = PAGE_H - BOTTOM - (170 if one_page else 0)
    for para in c.paragraphs:
        parts = _wrap(para, "regular", 13, TEXT_W - 28)
        if one_page and y + 18 * len(parts) > limit:
            break
        for i, part in enumerate(parts):
            if y + 18 > limit:
                if one_page:
                    break
                y = _new_page(pages, TOP + 30)
            y += 18
            pages[-1].lines.append(Line(part, "regular", 13, LEFT + (28 if i == 0 else 0), y, "l"))
        y += 4
    return y


def _layout_signature(c: DocContent, pages: list[Page], y: float) -> None:
    """Signature block and copy list, kept together on one page."""
    if y + 150 > PAGE_H - BOTTOM:
        y = _new_page(pages, TOP + 20)
    lines = pages[-1].lines
    y += 24
    sign_c = LEFT + TEXT_W - 110
    sy = y
    for part in [p for p in c.sign_prefix.split("\n") if p] + [c.signer_title]:
        lines.append(Line(part, "bold", 12.5, sign_c, sy, "c"))
        sy += 16
    pages[-1].seal_at = (sign_c, sy + 30)
    lines.append(Line(c.signer_name, "bold", 13, sign_c, sy + 80, "c"))
    lines.append(Line("Nơi nhận:", "bolditalic", 11.5, LEFT, y, "l"))
    for copy in c.copies:
        y += 14
        lines.append(Line("- " + copy, "regular", 10.5, LEFT, y, "l"))


@contextlib.contextmanager
def _binary_streams():
    """Store streams binary (no ASCII85 wrapping): scanned pages come out about 30 % smaller."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _canvas(buf: io.BytesIO, c: DocContent) -> Canvas:
    cv = Canvas(buf, pagesize=A4, invariant=1, pdfVersion=(1, 4), lang="vi-VN")
    cv.setTitle(c.title or f"{c.kind.name} {c.number_notation}: {c.abstract}")
    cv.setAuthor(c.org.name)
    cv.setSubject(c.abstract)
    cv.setKeywords(c.keywords)
    cv.setCreator(CREATOR)
    return cv


def _x_for(line: Line, width: float) -> float:
    if line.anchor == "c":
        return line.x - width / 2
    if line.anchor == "r":
        return line.x - width
    return line.x


def _draw_lines(cv: Canvas, lines: Sequence[Line], *, invisible: bool) -> None:
    for line in lines:
        font = _font_name(line.style)
        width = pdfmetrics.stringWidth(line.text, font, line.size)
        text = cv.beginText(_x_for(line, width), PAGE_H - line.y)
        text.setFont(font, line.size)
        if invisible:
            text.setTextRenderMode(3)
        text.textOut(line.text)
        cv.drawText(text)


def render_pdf(c: DocContent) -> tuple[bytes, int]:
    """A born-digital PDF; returns its bytes and page count."""
    pages = layout(c)
    buf = io.BytesIO()
    with _binary_streams():
        cv = _canvas(buf, c)
        for page in pages:
            _draw_lines(cv, page.lines, invisible=False)
            cv.showPage()
        cv.save()
    return buf.getvalue(), len(pages)


def _pil_font(style: str, px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[style]), max(1, round(px)))


def _draw_seal(draw: ImageDraw.ImageDraw, cx: float, cy: float, scale: float, label: str) -> None:
    """A red round seal overlapping a blue hand signature, as on a scanned paper original."""
    r = 34 * scale
    red = (200, 30, 35)
    draw.ellipse((cx - 60 * scale - r, cy - r, cx - 60 * scale + r, cy + r), outline=red, width=max(2, int(2.2 * scale)))
    draw.ellipse((cx - 60 * scale - r * 0.72, cy - r * 0.72, cx - 60 * scale + r * 0.72, cy + r * 0.72),
                 outline=red, width=max(1, int(1.2 * scale)))
    star = _pil_font("sansbold", 14 * scale)
    draw.text((cx - 60 * scale, cy), "★", fill=red, font=star, anchor="mm")
    small = _pil_font("sansbold", 5.5 * scale)
    draw.text((cx - 60 * scale, cy - r * 0.86), label[:28].upper(), fill=red, font=small, anchor="mm")
    blue = (25, 50, 170)
    pts = [(cx - 30 * scale + i * 7 * scale, cy + ((-1) ** i) * (9 + i % 3 * 4) * scale) for i in range(10)]
    draw.line(pts, fill=blue, width=max(2, int(1.6 * scale)), joint="curve")


def render_scanned_pdf(c: DocContent, *, dpi: int = SCAN_DPI) -> tuple[bytes, int]:
    """A digitised copy: one colour page image at ``dpi`` with an invisible text layer."""
    pages = layout(c, one_page=True)[:1]
    page = pages[0]
    scale = dpi / 72.0
    img = Image.new("RGB", (round(PAGE_W * scale), round(PAGE_H * scale)), (250, 247, 238))
    draw = ImageDraw.Draw(img)
    for line in page.lines:
        font = _pil_font(line.style, line.size * scale)
        anchor = {"l": "ls", "c": "ms", "r": "rs"}[line.anchor]
        draw.text((line.x * scale, line.y * scale), line.text, fill=(30, 30, 30), font=font, anchor=anchor)
    if page.seal_at:
        _draw_seal(draw, page.seal_at[0] * scale, page.seal_at[1] * scale, scale, c.org.name)
    jpeg = io.BytesIO()
    img.save(jpeg, "JPEG", quality=50, dpi=(dpi, dpi), optimize=False)
    jpeg.seek(0)
    buf = io.BytesIO()
    with _binary_streams():
        cv = _canvas(buf, c)
        cv.drawImage(ImageReader(jpeg), 0, 0, width=PAGE_W, height=PAGE_H)
        _draw_lines(cv, page.lines, invisible=True)
        cv.showPage()
        cv.save()
    return _as_pdfa2b(buf.getvalue(), c), 1


def _as_pdfa2b(data: bytes, c: DocContent) -> bytes:
    """Mark a two-layer scan as PDF/A-2b (Circular 05/2025 Art. 8): sRGB output intent and
    the pdfaid XMP entries; fonts are embedded by reportlab.  Same input, same bytes."""
    icc = Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        profile = pdf.make_stream(icc.read_bytes())
        profile.N = 3
        pdf.Root.OutputIntents = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier="sRGB IEC61966-2.1",
            Info="sRGB IEC61966-2.1", DestOutputProfile=profile)]))
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.load_from_docinfo(pdf.docinfo)  # XMP and document info say the same (PDF/A)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def render_png_diagram(title: str, place_line: str, *, seed: int, dpi: int = SCAN_DPI) -> bytes:
    """A site-location diagram (sơ đồ vị trí) as a colour PNG with its resolution recorded."""
    import random

    rng = random.Random(seed)
    w, h = 1600, 1130
    img = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 20, w - 20, h - 20), outline=(0, 0, 0), width=3)
    draw.text((w / 2, 70), title[:90], fill=(0, 0, 0), font=_pil_font("sansbold", 30), anchor="mm")
    draw.text((w / 2, 115), place_line, fill=(60, 60, 60), font=_pil_font("sans", 24), anchor="mm")
    draw.rectangle((80, 160, 1100, 1060), outline=(80, 80, 80), width=2)
    for i in range(12):  # contour-like lines
        y0 = 200 + i * 70 + rng.randint(-15, 15)
        pts = [(80 + j * 85, y0 + rng.randint(-20, 20)) for j in range(13)]
        draw.line(pts, fill=(150, 190, 150), width=2)
    draw.line([(80, 900), (400, 760), (700, 820), (1100, 640)], fill=(60, 100, 220), width=8)  # river
    poly = [(520 + rng.randint(-30, 30), 380 + rng.randint(-30, 30)), (820, 350), (880, 600), (560, 650)]
    draw.polygon(poly, outline=(200, 30, 35), fill=(250, 215, 200), width=4)
    small = _pil_font("sans", 22)
    coords_font = _pil_font("sans", 20)
    draw.text((1130, 180), "BẢNG TỌA ĐỘ (VN-2000)", fill=(0, 0, 0), font=_pil_font("sansbold", 22))
    for i, (px, py) in enumerate(poly, start=1):
        x = 2_300_000 + px * 3 + rng.randint(0, 99)
        y = 560_000 + py * 3 + rng.randint(0, 99)
        draw.text((1130, 200 + i * 40), f"M{i}: X={x:,} Y={y:,}".replace(",", "."), fill=(0, 0, 0), font=coords_font)
        draw.text(poly[i - 1], f"M{i}", fill=(200, 30, 35), font=small)
    draw.polygon([(1450, 950), (1470, 1010), (1430, 1010)], fill=(0, 0, 0))
    draw.text((1450, 930), "B", fill=(0, 0, 0), font=_pil_font("sansbold", 26), anchor="mm")
    draw.text((1130, 520), "Chú giải:", fill=(0, 0, 0), font=_pil_font("sansbold", 22))
    draw.rectangle((1130, 560, 1170, 585), outline=(200, 30, 35), fill=(250, 215, 200), width=3)
    draw.text((1185, 560), "Khu vực đề nghị cấp phép", fill=(0, 0, 0), font=small)
    draw.line([(1130, 620), (1170, 620)], fill=(60, 100, 220), width=6)
    draw.text((1185, 607), "Sông, suối", fill=(0, 0, 0), font=small)
    out = io.BytesIO()
    img.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, "PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


