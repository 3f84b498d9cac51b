"""In-process PDF checks with pikepdf: PDF/A claim, encryption, fonts, active content,
output intent, header version, and page-image resolution/colour for digitised copies.

Why in-process: these checks need no JVM and run on every PDF; veraPDF (see
``verapdf.py``) is the authority on PDF/A conformance when installed, and these checks
are what we rely on when it is not.  Everything here is defensive: a damaged or hostile
PDF gives ``PdfaResult.error`` and a finding, never an exception.  Page images are
measured in ``pdf_images.py``; the findings drawn from a result are in ``pdf_findings.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

from luutru.ingest.checks.pdf_images import MAX_DEPTH, PageImage, page_images, pdf_name

# Actions PDF/A forbids (ISO 19005-2 6.6.1), plus JavaScript which is active content anyway.
FORBIDDEN_ACTIONS = frozenset({
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
    "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
})
# The conformance levels each part of ISO 19005 defines (PDF/A-4: none, "E" or "F").
PDFA_LEVELS: dict[int, frozenset[str | None]] = {
    1: frozenset({"A", "B"}), 2: frozenset({"A", "B", "U"}), 3: frozenset({"A", "B", "U"}),
    4: frozenset({None, "E", "F"}),
}
_HEADER_WINDOW = 1024
_MAX_PAGES_SCANNED = 2000


def version_tuple(v: str) -> tuple[int, ...]:
    """(major, minor) of a PDF version string; (0,) when unreadable."""
    try:
        return tuple(int(x) for x in v.split(".")[:2])
    except ValueError:
        return (0,)


@dataclass(frozen=True)
class PdfaResult:
    """What the in-process checks found in one PDF."""

    version: str | None = None  # header version, e.g. "1.7"
    pages: int = 0
    pdfa_part: int | None = None  # claimed in XMP pdfaid:part (as written, even if no such part)
    pdfa_conformance: str | None = None  # pdfaid:conformance as written: "A" | "B" | "U"; "E" | "F" | None for part 4
    header_offset: int = 0  # bytes before "%PDF-" (PDF/A wants the header at byte 0)
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
    def claim_valid(self) -> bool:
        """The claim names a part of ISO 19005 and a level that part defines."""
        return self.pdfa_part in PDFA_LEVELS and self.pdfa_conformance in PDFA_LEVELS[self.pdfa_part]

    @property
    def in_process_problems(self) -> tuple[str, ...]:
        """Reasons the file cannot be PDF/A, found without veraPDF."""
        probs = []
        if self.claims_pdfa and not self.claim_valid:
            probs.append(f"invalid claim {self.pdfa_label} (no such part or level)")
        if self.header_offset:
            probs.append(f"{self.header_offset} byte(s) before the %PDF header")
        if self.pdfa_part == 4 and self.version is not None and version_tuple(self.version) < (2, 0):
            probs.append(f"PDF/A-4 needs PDF 2.0, the header says {self.version}")
        if self.encrypted:
            probs.append("encrypted")
        if self.fonts_not_embedded:
            probs.append("fonts not embedded")
        if self.javascript or self.forbidden_actions:
            probs.append("forbidden actions/JavaScript")
        if not self.output_intent:
            probs.append("no output intent")
        if self.version is not None and version_tuple(self.version) < (1, 4):
            probs.append("PDF version below 1.4")
        return tuple(probs)

    @property
    def is_pdfa(self) -> bool:
        """Claims PDF/A and nothing contradicts it: veraPDF's verdict when it ran (the
        in-process checks never overrule it), else the in-process checks."""
        if not self.claims_pdfa or self.error:
            return False
        if self.verapdf_compliant is not None:
            return self.verapdf_compliant
        return not self.in_process_problems

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["images"] = [dict(i.__dict__) for i in self.images]
        return d



def _iter_fonts(resources: Any, depth: int, seen: set) -> Iterator[tuple[str, Any]]:
    """(name, font dict) for fonts in a resource dict, descending into form XObjects."""
    if resources is None or depth > MAX_DEPTH:
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
        s = pdf_name(action.get("/S"))
        if s:
            yield s
        action = action.get("/Next")
        depth += 1


def _aa(d: Any) -> Iterator[str]:
    aa = d.get("/AA") if d is not None else None
    if aa is not None:
        for k in list(aa.keys())[:32]:
            yield from _actions(aa[k])



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
        return replace(_check_open_pdf(pdf, analyse_images), header_offset=_header_offset(path))
    except RecursionError:
        return PdfaResult(error="RecursionError: object structure too deep or cyclic")
    except Exception as e:  # noqa: BLE001
        return PdfaResult(error=f"{type(e).__name__}: {e}"[:500])
    finally:
        pdf.close()


def _header_offset(path: Path) -> int:
    """Bytes before ``%PDF-`` in the first KiB (readers tolerate them, PDF/A does not)."""
    try:
        with open(path, "rb") as f:
            at = f.read(_HEADER_WINDOW).find(b"%PDF-")
    except OSError:
        return 0
    return max(at, 0)


def _pdfa_claim(pdf: Any) -> tuple[int | None, str | None]:
    """(part, level) as the XMP ``pdfaid`` schema states them, even when no such part or
    level exists (such claims are reported, not silently dropped)."""
    try:
        meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        raw_part = (meta.get("pdfaid:part") or "").strip()
        raw_level = (meta.get("pdfaid:conformance") or "").strip().upper() or None
    except Exception:  # noqa: BLE001 - unreadable XMP means no usable claim
        return None, None
    if not raw_part:
        return None, None
    try:
        return int(raw_part), raw_level
    except ValueError:
        return -1, raw_level  # a claim that is not even a number: invalid, but a claim


def _check_open_pdf(pdf: Any, analyse_images: bool) -> PdfaResult:
    import pikepdf

    part, conf = _pdfa_claim(pdf)
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
                fonts_missing.add(pdf_name(font.get("/BaseFont")) or fname)
        if analyse_images:
            complete &= page_images(i + 1, pobj, (1, 0, 0, 1, 0, 0), 0, set(), images)
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
