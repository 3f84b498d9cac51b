"""Images placed on PDF pages: pixel size, placed size (so dpi) and colour.

Digitised copies must be at least 200 dpi (300 for maps) in colour (Circular 05/2025);
this walks each page's content stream tracking the transformation matrix to learn at
what size every image is drawn.  Hostile input is bounded: content streams over
``MAX_CONTENT_BYTES`` (compressed or inflated) and forms nested deeper than
``MAX_DEPTH`` are not walked, and the result says the analysis was incomplete.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_CONTENT_BYTES = 16 * 1024 * 1024  # content streams larger than this are not parsed for images
MAX_DEPTH = 8
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class PageImage:
    """One image placed on a page: pixel size, placed size and what that means."""

    page: int
    name: str
    width_px: int
    height_px: int
    dpi_x: float
    dpi_y: float
    colour: str  # "colour" | "gray" | "bilevel" | "unknown"

    @property
    def dpi(self) -> float:
        return min(self.dpi_x, self.dpi_y)



def pdf_name(obj: Any) -> str | None:
    try:
        return str(obj) if obj is not None else None
    except Exception:  # noqa: BLE001
        return None


def colour_of(image: Any) -> str:
    import pikepdf

    if image.get("/ImageMask") is True:
        return "bilevel"
    bpc = image.get("/BitsPerComponent")
    filt = image.get("/Filter")
    filters = [str(f) for f in (filt if isinstance(filt, pikepdf.Array) else [filt] if filt is not None else [])]
    if "/JBIG2Decode" in filters or "/CCITTFaxDecode" in filters or bpc == 1:
        return "bilevel"
    cs = image.get("/ColorSpace")
    for _ in range(4):
        if isinstance(cs, pikepdf.Array) and len(cs) > 0:
            head = str(cs[0])
            if head == "/ICCBased":
                n = int(cs[1].get("/N", 0))
                return {1: "gray", 3: "colour", 4: "colour"}.get(n, "unknown")
            if head == "/Indexed" and len(cs) > 1:
                cs = cs[1]
                continue
            if head in ("/CalRGB", "/Lab", "/DeviceN", "/Separation"):
                return "colour" if head != "/Separation" else "gray"
            if head == "/CalGray":
                return "gray"
            cs = cs[0]
            continue
        break
    n = pdf_name(cs)
    if n in ("/DeviceRGB", "/DeviceCMYK", "/CalRGB", "/Lab"):
        return "colour"
    if n in ("/DeviceGray", "/CalGray"):
        return "gray"
    if "/JPXDecode" in filters:
        return "unknown"
    return "unknown"



def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _streams(owner: Any) -> list[Any]:
    """The content streams of a page (its /Contents) or of a form XObject (itself)."""
    import pikepdf

    if isinstance(owner, pikepdf.Stream):
        return [owner]
    contents = owner.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _declared_size(streams: list[Any]) -> int:
    size = 0
    for s in streams:
        try:
            size += int(s.get("/Length", 0))
        except Exception:  # noqa: BLE001
            pass
    return size


def _parse(owner: Any, streams: list[Any]) -> list[Any] | None:
    """The parsed operators, or None when the inflated content is too big (a bomb) or unreadable."""
    import pikepdf

    try:
        # /Length is the compressed size: check the inflated size too (decompression bombs)
        if sum(len(s.read_bytes()) for s in streams) > MAX_CONTENT_BYTES:
            return None
        return list(pikepdf.parse_content_stream(owner))
    except Exception:  # noqa: BLE001
        return None


def _placed(page_no: int, key: str, x: Any, cur: tuple[float, ...]) -> PageImage | None:
    """An image XObject drawn with matrix ``cur``, or None when its sizes are unusable."""
    try:
        w, h = int(x.get("/Width", 0)), int(x.get("/Height", 0))
    except (TypeError, ValueError):
        return None
    a, b, c, d, _, _ = cur
    wpt, hpt = math.hypot(a, b), math.hypot(c, d)
    if wpt <= 0 or hpt <= 0 or w <= 0 or h <= 0:
        return None
    return PageImage(page_no, key, w, h, round(w / (wpt / 72), 1), round(h / (hpt / 72), 1), colour_of(x))


def page_images(page_no: int, owner: Any, ctm: tuple[float, ...], depth: int, seen: set,
                out: list[PageImage]) -> bool:
    """Walk a content stream tracking the CTM; record each placed image. False = skipped (too big)."""
    if depth > MAX_DEPTH:
        return False
    streams = _streams(owner)
    if not streams:
        return True
    if _declared_size(streams) > MAX_CONTENT_BYTES:
        return False
    resources = owner.get("/Resources")
    xobjs = resources.get("/XObject") if resources is not None else None
    if xobjs is None:
        return True
    ops = _parse(owner, streams)
    if ops is None:
        return False
    stack: list[tuple[float, ...]] = []
    cur, complete = ctm, True
    for operands, op in ops:
        o = str(op)
        if o == "q":
            stack.append(cur)
        elif o == "Q":
            cur = stack.pop() if stack else ctm
        elif o == "cm" and len(operands) == 6:
            try:
                cur = _mul(tuple(float(x) for x in operands), cur)
            except (TypeError, ValueError):
                pass
        elif o == "Do" and operands:
            key = str(operands[0])
            x = xobjs.get(key)
            if x is None:
                continue
            st = x.get("/Subtype")
            if st == "/Image":
                img = _placed(page_no, key, x, cur)
                if img is not None:
                    out.append(img)
            elif st == "/Form" and x.objgen not in seen:
                seen.add(x.objgen)
                m = x.get("/Matrix")
                fm = tuple(float(v) for v in m) if m is not None and len(m) == 6 else IDENTITY
                complete &= page_images(page_no, x, _mul(fm, cur), depth + 1, seen, out)
    return complete
