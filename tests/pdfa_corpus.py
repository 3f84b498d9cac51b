"""A PDF/A corpus the project makes itself: conforming files of several parts and broken
ones, each with the verdict veraPDF must give.

Why generated: the public veraPDF corpus is large and not shipped; these files are
small, made in milliseconds with pikepdf, and each one isolates one rule. Pages carry
vector drawing only (no text), so no font has to be embedded and the same page conforms
to every part and level ("u" included); what changes is the declaration (XMP
``pdfaid``), the output intent, the header and the one defect a broken case adds.

Pytest-free, so bench/ can use it too. :func:`write_corpus` writes every case into a
folder and returns the cases; :data:`CASES` lists them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pikepdf

XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
      xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   {pdfaid}
   <dc:format>application/pdf</dc:format>
   <xmp:CreateDate>2024-05-01T08:00:00+07:00</xmp:CreateDate>
   <xmp:ModifyDate>2024-05-01T08:00:00+07:00</xmp:ModifyDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


@dataclass(frozen=True)
class Case:
    """One file of the corpus and what veraPDF must say about it."""

    name: str
    claim: str | None          # the declaration in the file, e.g. "2B"; None: no claim
    compliant: bool            # veraPDF's verdict for that claim
    why: str                   # what the case tests
    make: Callable[[], bytes]  # the file's bytes
    prefilter_passes: bool | None = None  # the in-process checks' verdict when it differs from veraPDF's

    @property
    def in_process_verdict(self) -> bool:
        """What the in-process checks alone say (they miss some rules veraPDF checks)."""
        return self.compliant if self.prefilter_passes is None else self.prefilter_passes


def _srgb() -> bytes:
    """pikepdf's sRGB profile: ICC version 2, which PDF/A-1 requires (LittleCMS makes v4)."""
    return (Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc").read_bytes()


def _pdfaid(part: int | str, conformance: str | None, rev: str | None = None) -> str:
    s = f"<pdfaid:part>{part}</pdfaid:part>"
    if conformance:
        s += f"<pdfaid:conformance>{conformance}</pdfaid:conformance>"
    if rev:
        s += f"<pdfaid:rev>{rev}</pdfaid:rev>"
    return s


def _build(*, part: int | str | None, conformance: str | None = None, rev: str | None = None,
           version: str = "1.4", output_intent: bool = True, transparency: bool = False,
           javascript: bool = False, prefix: bytes = b"") -> bytes:
    """A one-page PDF with a filled rectangle in DeviceRGB, declared as told."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    ops = b"0.2 0.4 0.8 rg 72 600 200 120 re f\n"
    if transparency:
        page.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(
            GS1=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.5, CA=0.5)))
        ops = b"/GS1 gs " + ops
    page.Contents = pdf.make_stream(ops)
    if output_intent:
        icc = pdf.make_stream(_srgb())
        icc.N = 3
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, DestOutputProfile=icc,
            OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"))])
    if part is not None:
        xmp = XMP_TEMPLATE.format(pdfaid=_pdfaid(part, conformance, rev)).encode("utf-8")
        meta = pdf.make_stream(xmp)
        meta.Type, meta.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        pdf.Root.Metadata = meta
    if javascript:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1);"))
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    out = io.BytesIO()
    pdf.save(out, min_version=version, force_version=version, fix_metadata_version=False,
             deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return prefix + out.getvalue()


CASES: list[Case] = [
    Case("pdfa-1b.pdf", "1B", True, "PDF/A-1b: output intent, XMP declaration, PDF 1.4",
         lambda: _build(part=1, conformance="B")),
    Case("pdfa-2b.pdf", "2B", True, "PDF/A-2b", lambda: _build(part=2, conformance="B", version="1.7")),
    Case("pdfa-2u.pdf", "2U", True, "PDF/A-2u (no text, so Unicode mapping holds trivially)",
         lambda: _build(part=2, conformance="U", version="1.7")),
    Case("pdfa-3b.pdf", "3B", True, "PDF/A-3b", lambda: _build(part=3, conformance="B", version="1.7")),
    Case("pdfa-4.pdf", "4", True, "PDF/A-4 (ISO 19005-4:2020): PDF 2.0, pdfaid:rev, no conformance level",
         lambda: _build(part=4, rev="2020", version="2.0")),
    Case("broken-1b-no-output-intent.pdf", "1B", False, "device colour without an output intent",
         lambda: _build(part=1, conformance="B", output_intent=False)),
    Case("broken-1b-transparency.pdf", "1B", False, "transparency is forbidden in PDF/A-1 (only veraPDF sees it)",
         lambda: _build(part=1, conformance="B", transparency=True), prefilter_passes=True),
    Case("broken-2b-javascript.pdf", "2B", False, "JavaScript actions are forbidden",
         lambda: _build(part=2, conformance="B", version="1.7", javascript=True)),
    Case("broken-2b-bytes-before-header.pdf", "2B", False, "bytes before %PDF (the header must be at offset 0)",
         lambda: _build(part=2, conformance="B", version="1.7", prefix=b"GARBAGE\n")),
    Case("broken-4-old-header.pdf", "4", False, "PDF/A-4 claimed in a PDF 1.7 file (must be PDF 2.0)",
         lambda: _build(part=4, rev="2020", version="1.7")),
    Case("claim-part-0.pdf", "0B", False, "invalid claim: part 0 does not exist",
         lambda: _build(part=0, conformance="B")),
    Case("claim-level-r.pdf", "2R", False, "invalid claim: conformance level R does not exist",
         lambda: _build(part=2, conformance="R", version="1.7")),
    Case("no-claim.pdf", None, False, "a plain PDF that claims nothing", lambda: _build(part=None)),
]


def write_corpus(folder: Path, cases: list[Case] | None = None) -> list[tuple[Case, Path]]:
    """Write every case into ``folder``; returns (case, path) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in cases or CASES:
        path = folder / case.name
        path.write_bytes(case.make())
        out.append((case, path))
    return out
