"""In-process PDF checks with pikepdf: PDF/A claim, encryption, fonts, active content,
output intent, header version, and page-image resolution/colour for digitised copies.

Why in-process: these checks need no JVM and run on every PDF; veraPDF (see
``verapdf.py``) is the authority on PDF/A conformance when installed, and these checks
are what we rely on when it is not.  Everything here is defensive: a damaged or hostile
PDF gives ``PdfaResult.error`` and a finding, never an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from luutru.policies.formats import DigitisedRule
from luutru.records.findings import Finding, Severity, error, info, warning

# Actions PDF/A forbids (ISO 19005-2 6.6.1), plus JavaScript which is active content anyway.
FORBIDDEN_ACTIONS = frozenset({
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
    "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
})
_MAX_PAGES_SCANNED = 2000
_MAX_CONTENT_BYTES = 16 * 1024 * 1024  # content streams larger than this are not parsed for images
_MAX_DEPTH = 8


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


@dataclass(frozen=True)
class PdfaResult:
    """What the in-process checks found in one PDF."""

    version: str | None = None  # header version, e.g. "1.7"
    pages: int = 0
    pdfa_part: int | None = None  # claimed in XMP pdfaid:part
    pdfa_conformance: str | None = None  # "A" | "B" | "U"
    encrypted: bool = False
    needs_password: bool = False
    fonts_not_embedded: tuple[str, ...] = ()
    javascript: bool = False
    forbidden_actions: tuple[str, ...] = ()
    output_intent: bool = False
    images: tuple[PageImage, ...] = ()
    images_complete: bool = True  # False when some pages were not analysed (size limits)
    error: str | None = None  # unreadable PDF
    verapdf_compliant: bool | None = None  # None = not run
    verapdf_failed_rules: tuple[str, ...] = ()

    @property
    def claims_pdfa(self) -> bool:
        return self.pdfa_part is not None

    @property
    def pdfa_label(self) -> str | None:
        return f"PDF/A-{self.pdfa_part}{(self.pdfa_conformance or '').lower()}" if self.claims_pdfa else None

    @property
    def in_process_problems(self) -> tuple[str, ...]:
        """Reasons the file cannot be PDF/A, found without veraPDF."""
        probs = []
        if self.encrypted:
            probs.append("encrypted")
        if self.fonts_not_embedded:
            probs.append("fonts not embedded")
        if self.javascript or self.forbidden_actions:
            probs.append("forbidden actions/JavaScript")
        if not self.output_intent:
            probs.append("no output intent")
        if self.version is not None and _vtuple(self.version) < (1, 4):
            probs.append("PDF version below 1.4")
        return tuple(probs)

    @property
    def is_pdfa(self) -> bool:
        """Claims PDF/A and nothing contradicts it (veraPDF if it ran, else in-process checks)."""
        if not self.claims_pdfa or self.error:
            return False
        if self.verapdf_compliant is not None:
            return self.verapdf_compliant
        return not self.in_process_problems

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["images"] = [dict(i.__dict__) for i in self.images]
        return d


def _vtuple(v: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in v.split(".")[:2])
    except ValueError:
        return (0,)


def _name(obj: Any) -> str | None:
    try:
        return str(obj) if obj is not None else None
    except Exception:  # noqa: BLE001
        return None


def _iter_fonts(resources: Any, depth: int, seen: set) -> Iterator[tuple[str, Any]]:
    """(name, font dict) for fonts in a resource dict, descending into form XObjects."""
    if resources is None or depth > _MAX_DEPTH:
        return
    fonts = resources.get("/Font")
    if fonts is not None:
        for key in fonts.keys():
            yield key, fonts[key]
    xobjs = resources.get("/XObject")
    if xobjs is not None:
        for key in xobjs.keys():
            x = xobjs[key]
            og = x.objgen
            if og in seen:
                continue
            seen.add(og)
            if x.get("/Subtype") == "/Form":
                yield from _iter_fonts(x.get("/Resources"), depth + 1, seen)


def _unused_page_fonts(page: Any) -> set[str]:
    """Font resource names of the page that never show a glyph.

    PDF writers often select a default font they draw nothing with (reportlab starts
    every page with ``/F1 12 Tf`` in Helvetica); only fonts used for rendering must be
    embedded.  The font in effect at each text-showing operator is tracked through
    ``Tf`` and the ``q``/``Q`` graphics-state stack.  Fonts of form XObjects are not
    looked into (kept conservative), and an unparsable content stream marks nothing unused.
    """
    import pikepdf

    try:
        res = page.get("/Resources")
        fonts = res.get("/Font") if res is not None else None
        if fonts is None:
            return set()
        current: str | None = None
        stack: list[str | None] = []
        used: set[str] = set()
        for ops, op in pikepdf.parse_content_stream(page, "Tf Tj TJ ' \" q Q"):
            name = str(op)
            if name == "Tf" and ops:
                current = str(ops[0])
            elif name == "q":
                stack.append(current)
            elif name == "Q":
                current = stack.pop() if stack else current
            elif current is not None:
                used.add(current)
        return {str(k) for k in fonts.keys()} - used
    except Exception:  # noqa: BLE001 - damaged content: judge every listed font
        return set()


def _font_embedded(font: Any) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        desc = font.get("/DescendantFonts")
        if not desc:
            return False
        font = desc[0]
    fd = font.get("/FontDescriptor")
    if fd is None:
        return False
    return any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _actions(action: Any, depth: int = 0) -> Iterator[str]:
    """Action types in an action dict and its /Next chain (bounded)."""
    import pikepdf

    while action is not None and depth < 32:
        if isinstance(action, pikepdf.Array):
            for a in list(action)[:32]:
                yield from _actions(a, depth + 1)
            return
        if not isinstance(action, pikepdf.Dictionary):
            return
        s = _name(action.get("/S"))
        if s:
            yield s
        action = action.get("/Next")
        depth += 1


def _aa(d: Any) -> Iterator[str]:
    aa = d.get("/AA") if d is not None else None
    if aa is not None:
        for k in list(aa.keys())[:32]:
            yield from _actions(aa[k])


def _colour_of(image: Any) -> str:
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
    n = _name(cs)
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


def _page_images(page_no: int, owner: Any, ctm: tuple[float, ...], depth: int, seen: set,
                 out: list[PageImage]) -> bool:
    """Walk a content stream tracking the CTM; record each placed image. False = skipped (too big)."""
    import pikepdf

    if depth > _MAX_DEPTH:
        return False
    is_page = not isinstance(owner, pikepdf.Stream)
    if is_page:
        contents = owner.get("/Contents")
        if contents is None:
            return True
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    else:
        streams = [owner]
    size = 0
    for s in streams:
        try:
            size += int(s.get("/Length", 0))
        except Exception:  # noqa: BLE001
            pass
    if size > _MAX_CONTENT_BYTES:
        return False
    resources = owner.get("/Resources")
    xobjs = resources.get("/XObject") if resources is not None else None
    if xobjs is None:
        return True
    try:
        # /Length is the compressed size: check the inflated size too (decompression bombs)
        if sum(len(s.read_bytes()) for s in streams) > _MAX_CONTENT_BYTES:
            return False
        ops = pikepdf.parse_content_stream(owner)
    except Exception:  # noqa: BLE001
        return False
    stack: list[tuple[float, ...]] = []
    cur = ctm
    complete = True
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
                try:
                    w, h = int(x.get("/Width", 0)), int(x.get("/Height", 0))
                except (TypeError, ValueError):
                    continue
                a, b, c, d, _, _ = cur
                wpt, hpt = math.hypot(a, b), math.hypot(c, d)
                if wpt <= 0 or hpt <= 0 or w <= 0 or h <= 0:
                    continue
                out.append(PageImage(page_no, key, w, h, round(w / (wpt / 72), 1), round(h / (hpt / 72), 1),
                                     _colour_of(x)))
            elif st == "/Form" and x.objgen not in seen:
                seen.add(x.objgen)
                m = x.get("/Matrix")
                fm = tuple(float(v) for v in m) if m is not None and len(m) == 6 else (1, 0, 0, 1, 0, 0)
                complete &= _page_images(page_no, x, _mul(fm, cur), depth + 1, seen, out)
    return complete


def check_pdf(path: Path, *, analyse_images: bool = False) -> PdfaResult:
    """Run the in-process checks on one PDF. ``analyse_images`` for digitised copies."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return PdfaResult(encrypted=True, needs_password=True, error="password required")
    except Exception as e:  # noqa: BLE001 - damaged/hostile input
        return PdfaResult(error=f"{type(e).__name__}: {e}"[:500])
    try:
        return _check_open_pdf(pdf, analyse_images)
    except RecursionError:
        return PdfaResult(error="RecursionError: object structure too deep or cyclic")
    except Exception as e:  # noqa: BLE001
        return PdfaResult(error=f"{type(e).__name__}: {e}"[:500])
    finally:
        pdf.close()


def _check_open_pdf(pdf: Any, analyse_images: bool) -> PdfaResult:
    import pikepdf

    part = conf = None
    try:
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        status = meta.pdfa_status or ""
        if status and status[0].isdigit():
            part, conf = int(status[0]), (status[1:] or "B").upper()
    except Exception:  # noqa: BLE001 - unreadable XMP means no usable claim
        pass
    root = pdf.Root
    actions: list[str] = []
    if "/OpenAction" in root:
        actions += list(_actions(root.OpenAction))
    actions += list(_aa(root))
    names = root.get("/Names")
    js = bool(names is not None and "/JavaScript" in names)
    fonts_missing: set[str] = set()
    seen_fonts: set = set()
    images: list[PageImage] = []
    complete = True
    pages = len(pdf.pages)
    for i, page in enumerate(pdf.pages):
        if i >= _MAX_PAGES_SCANNED:
            complete = False
            break
        pobj = page.obj
        actions += list(_aa(pobj))
        for annot in list(pobj.get("/Annots") or [])[:500]:
            if isinstance(annot, pikepdf.Dictionary):
                actions += list(_actions(annot.get("/A")))
                actions += list(_aa(annot))
        unused = _unused_page_fonts(pobj)
        for fname, font in _iter_fonts(pobj.get("/Resources"), 0, set()):
            if fname in unused:
                continue  # listed in the page resources but never selected by Tf: not rendered
            og = font.objgen
            if og != (0, 0) and og in seen_fonts:
                continue
            seen_fonts.add(og)
            if not _font_embedded(font):
                fonts_missing.add(_name(font.get("/BaseFont")) or fname)
        if analyse_images:
            complete &= _page_images(i + 1, pobj, (1, 0, 0, 1, 0, 0), 0, set(), images)
    js = js or "/JavaScript" in actions
    forbidden = tuple(sorted({a for a in actions if a in FORBIDDEN_ACTIONS}))
    return PdfaResult(
        version=str(pdf.pdf_version),
        pages=pages,
        pdfa_part=part,
        pdfa_conformance=conf,
        encrypted=bool(pdf.is_encrypted),
        fonts_not_embedded=tuple(sorted(f.lstrip("/") for f in fonts_missing)),
        javascript=js,
        forbidden_actions=forbidden,
        output_intent=bool(root.get("/OutputIntents")),
        images=tuple(images),
        images_complete=complete,
    )


def pdf_findings(result: PdfaResult, **where: Any) -> list[Finding]:
    """Findings about readability, encryption, active content and fonts (any PDF)."""
    out: list[Finding] = []
    if result.needs_password:
        return [error(
            "PDF_ENCRYPTED",
            "Tệp PDF được đặt mật khẩu nên không thể kiểm tra và bảo quản. Gửi lại bản không đặt mật khẩu.",
            "The PDF is password-protected and cannot be checked or preserved. Send a copy without a password.",
            **where,
        )]
    if result.error:
        return [error(
            "PDF_UNREADABLE",
            f"Tệp PDF bị hỏng hoặc không đọc được ({result.error[:200]}). Gửi lại tệp từ bản gốc.",
            f"The PDF is damaged or unreadable ({result.error[:200]}). Resend the file from the original.",
            details={"error": result.error}, **where,
        )]
    if result.encrypted:
        out.append(warning(
            "PDF_ENCRYPTED",
            "Tệp PDF có mã hóa/giới hạn quyền; bản bảo quản sẽ không còn mã hóa. Nên nộp bản không mã hóa.",
            "The PDF is encrypted (permissions restricted); the preservation copy will not be. "
            "Prefer submitting an unencrypted file.",
            **where,
        ))
    if result.javascript or result.forbidden_actions:
        acts = ", ".join(a.lstrip("/") for a in result.forbidden_actions) or "JavaScript"
        out.append(warning(
            "PDF_ACTIVE_CONTENT",
            f"Tệp PDF chứa mã lệnh/hành động không được phép khi lưu trữ ({acts}); bản bảo quản sẽ loại bỏ chúng.",
            f"The PDF contains active content not allowed in archives ({acts}); the preservation copy drops it.",
            details={"actions": list(result.forbidden_actions), "javascript": result.javascript}, **where,
        ))
    if result.fonts_not_embedded:
        out.append(warning(
            "PDF_FONT_NOT_EMBEDDED",
            f"Phông chữ chưa được nhúng: {', '.join(result.fonts_not_embedded[:10])}. "
            "Xuất lại PDF với tùy chọn nhúng phông chữ (PDF/A).",
            f"Fonts not embedded: {', '.join(result.fonts_not_embedded[:10])}. "
            "Export the PDF again with fonts embedded (PDF/A).",
            details={"fonts": list(result.fonts_not_embedded)}, **where,
        ))
    if result.claims_pdfa and not result.is_pdfa:
        reasons = list(result.in_process_problems) + list(result.verapdf_failed_rules[:10])
        out.append(warning(
            "PDFA_CLAIM_INVALID",
            f"Tệp khai báo {result.pdfa_label} nhưng không đạt chuẩn ({'; '.join(reasons)}); "
            "hệ thống tạo bản bảo quản PDF/A-2b.",
            f"The file claims {result.pdfa_label} but does not conform ({'; '.join(reasons)}); "
            "a PDF/A-2b preservation copy is made.",
            details={"reasons": reasons}, **where,
        ))
    return out


def digitised_findings(result: PdfaResult, rule: DigitisedRule, **where: Any) -> list[Finding]:
    """Digitised copies: PDF >= 1.4, colour page images, >= 200 dpi (per the format policy)."""
    if result.error:
        return []
    out: list[Finding] = []
    sev = rule.severity
    mk = {Severity.ERROR: error, Severity.WARNING: warning, Severity.INFO: info}[sev]
    if result.version and _vtuple(result.version) < _vtuple(rule.min_pdf_version):
        out.append(mk(
            "DIGITISED_PDF_VERSION",
            f"Bản số hóa phải là PDF phiên bản {rule.min_pdf_version} trở lên (tệp là {result.version}).",
            f"A digitised copy must be PDF {rule.min_pdf_version} or later (this file is {result.version}).",
            details={"version": result.version}, **where,
        ))
    if not result.images:
        out.append(info(
            "DIGITISED_NO_IMAGES",
            "Không tìm thấy ảnh trang để kiểm tra độ phân giải và màu của bản số hóa.",
            "No page images found to check resolution and colour of this digitised copy.",
            details={"complete": result.images_complete}, **where,
        ))
        return out
    low = [i for i in result.images if i.dpi < rule.min_dpi]
    if low:
        worst = min(low, key=lambda i: i.dpi)
        out.append(mk(
            "DIGITISED_LOW_RESOLUTION",
            f"Ảnh số hóa có độ phân giải {worst.dpi:.0f} dpi (trang {worst.page}), thấp hơn {rule.min_dpi:.0f} dpi. "
            f"Số hóa lại ở {rule.min_dpi:.0f} dpi trở lên, tỷ lệ 100 %.",
            f"Scanned image at {worst.dpi:.0f} dpi (page {worst.page}), below {rule.min_dpi:.0f} dpi. "
            f"Rescan at {rule.min_dpi:.0f} dpi or more, 100 % scale.",
            details={"pages": sorted({i.page for i in low}), "min_dpi": worst.dpi}, **where,
        ))
    if rule.require_colour:
        mono = [i for i in result.images if i.colour in ("gray", "bilevel")]
        if mono:
            out.append(mk(
                "DIGITISED_NOT_COLOUR",
                f"Ảnh số hóa không phải ảnh màu ({mono[0].colour}, trang {mono[0].page}). Số hóa lại ở chế độ màu.",
                f"Scanned image is not colour ({mono[0].colour}, page {mono[0].page}). Rescan in colour.",
                details={"pages": sorted({i.page for i in mono})}, **where,
            ))
    return out
