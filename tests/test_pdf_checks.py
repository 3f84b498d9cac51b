"""PDF/A and PDF checks, preservation copies, veraPDF batching and hostile PDFs, through the
same entry points the ingest pipeline calls (check_file / check_files)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import time
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

import luutru.records.events as ev
import luutru.tools.ghostscript as ghostscript
from luutru.config import Settings
from luutru.ingest.checks.isolation import TimeLimitedWorker
from luutru.ingest.checks.pdf import check_pdf
from luutru.ingest.checks.per_file import check_file, check_files
from luutru.ingest.checks.results import CheckConfig, FileItem
from luutru.records.model import Reliability
from luutru.tools.verapdf import parse_report
from tests.pki import make_pdf_bytes, make_test_pki, sign_pdf

needs_gs = pytest.mark.skipif(ghostscript.find_ghostscript() is None, reason="Ghostscript (gs) not installed")


@pytest.fixture(autouse=True)
def _quiet():
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_test_pki(tmp_path_factory.mktemp("pki"))


def settings(pki=None, **kw) -> Settings:
    return Settings(trust_roots=pki.root_pem if pki else None, verapdf=kw.pop("verapdf", None), **kw)


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def scan_pdf(path: Path, mode: str, px_width: int, width_in: float = 8.27) -> Path:
    """A 'digitised' PDF: one page image of px_width pixels placed width_in inches wide."""
    im = Image.new("RGB", (px_width, int(px_width * 1.41)), (250, 245, 230)).convert(mode)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    buf.seek(0)
    c = canvas.Canvas(str(path), pagesize=(595, 842), pdfVersion=(1, 4))
    c.drawImage(ImageReader(buf), 0, 0, width=width_in * 72, height=width_in * 72 * 1.41)
    c.showPage()
    c.save()
    return path


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A hand-built PDF with a correct xref table (for hostile structures)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- in-process checks --------------------------------------------------------------------


def test_javascript_and_unembedded_fonts_are_found(tmp_path):
    c = canvas.Canvas(str(tmp_path / "helv.pdf"))
    c.drawString(100, 700, "Standard font, not embedded")
    c.save()
    pdf = pikepdf.open(tmp_path / "helv.pdf")
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.save(tmp_path / "js.pdf")
    r = check_pdf(tmp_path / "js.pdf")
    assert r.javascript and r.forbidden_actions == ("/JavaScript",)
    assert r.fonts_not_embedded == ("Helvetica",)
    assert not r.output_intent and not r.claims_pdfa


@needs_gs
def test_plain_pdf_gets_pdfa2b_copy_and_original_untouched(pki, tmp_path):
    src = tmp_path / "in" / "cong-van.pdf"
    src.parent.mkdir()
    sign_pdf(make_pdf_bytes("Công văn số 15/UBND-VP"), pki.organisation, src)
    before = sha(src)
    r = check_file(src, relpath="HS01/cong-van.pdf", document="VB01", dossier="HS01",
                   reliability=Reliability.BORN_DIGITAL, settings=settings(pki), out_dir=tmp_path / "out")
    assert sha(src) == before
    assert r.preservation_copy == tmp_path / "out" / "HS01" / "cong-van.pdfa.pdf"
    copy = check_pdf(r.preservation_copy)
    assert copy.pdfa_label == "PDF/A-2b" and copy.output_intent and not copy.fonts_not_embedded
    assert r.signature_status.value == "valid" and r.bottom_line_signature == "valid"
    assert "Công văn số 15/UBND-VP" in r.text
    assert r.format.puid == "fmt/276"
    types = [e.event_type for e in r.events]
    assert ev.SIGNATURE_VALIDATION in types and ev.FORMAT_IDENTIFICATION in types
    [mig] = [e for e in r.events if e.event_type == ev.MIGRATION]
    assert mig.outcome == "success" and mig.object == "VB01"
    assert {f.file for f in r.findings} <= {"HS01/cong-van.pdf", None}
    # trusted organisation signature on a born-digital PDF, migrated: nothing to report
    assert r.findings == []


@needs_gs
def test_pdfa_file_is_accepted_without_migration(pki, tmp_path):
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_pdf_bytes("Báo cáo"))
    assert ghostscript.convert_to_pdfa(plain, tmp_path / "a.pdf").ok
    r = check_file(tmp_path / "a.pdf", relpath="a.pdf", document=None, dossier=None,
                   reliability=Reliability.BORN_DIGITAL, settings=settings(pki), out_dir=tmp_path / "out")
    assert r.pdfa.is_pdfa and r.preservation_copy is None
    assert (r.format.key, r.format.puid) == ("pdfa", "fmt/477")


@needs_gs
def test_a_percent_sign_in_the_file_name_is_not_a_ghostscript_format(tmp_path):
    """Ghostscript reads "%d" in its output name as a page number: a file named "100%…"
    once failed its preservation copy with "Unable to open the initial device"."""
    folder = tmp_path / "50%_hồ sơ"
    folder.mkdir()
    plain = folder / "100%_quyết định.pdf"
    plain.write_bytes(make_pdf_bytes("Quyết định"))
    r = ghostscript.convert_to_pdfa(plain, folder / "100%_quyết định.pdfa.pdf")
    assert r.ok, r.message
    assert (folder / "100%_quyết định.pdfa.pdf").stat().st_size > 0


def test_missing_ghostscript_warns_how_to_install(pki, tmp_path):
    src = tmp_path / "a.pdf"
    src.write_bytes(make_pdf_bytes("x"))
    b = check_files([FileItem(src, "a.pdf")], settings(pki, ghostscript="gs-not-here"), out_dir=tmp_path / "o")
    [res] = b.results
    assert res.preservation_copy is None
    [f] = [f for f in res.findings if f.code == "GHOSTSCRIPT_NOT_INSTALLED"]
    assert "apt-get install ghostscript" in f.message_en and f.severity.value == "warning"


def test_digitised_copy_resolution_and_colour(pki, tmp_path):
    good = scan_pdf(tmp_path / "good.pdf", "RGB", 1654)  # A4 width at 200 dpi
    bad = scan_pdf(tmp_path / "bad.pdf", "L", 1240)  # 150 dpi, grayscale
    b = check_files(
        [FileItem(good, "good.pdf", reliability=Reliability.DIGITISED),
         FileItem(bad, "bad.pdf", reliability=Reliability.DIGITISED)],
        settings(pki, ghostscript="gs-not-here"), out_dir=tmp_path / "o",
    )
    g, x = b.results
    assert round(g.pdfa.images[0].dpi) == 200 and g.pdfa.images[0].colour == "colour"
    assert not {"DIGITISED_LOW_RESOLUTION", "DIGITISED_COLOUR_DEPTH"} & codes(g.findings)
    # Circular 05/2025: 200 dpi, 24-bit colour, and a two-layer PDF/A (these scans are image-only, not PDF/A)
    assert {"DIGITISED_LOW_RESOLUTION", "DIGITISED_COLOUR_DEPTH", "DIGITISED_NO_TEXT_LAYER",
            "DIGITISED_NOT_PDFA"} <= codes(x.findings)
    assert {"DIGITISED_NO_TEXT_LAYER", "DIGITISED_NOT_PDFA"} <= codes(g.findings)
    assert "150 dpi" in [f for f in x.findings if f.code == "DIGITISED_LOW_RESOLUTION"][0].message_en
    # unsigned digitised copies miss the organisation signature
    assert {"SIGNATURE_UNSIGNED", "SIGNATURE_KIND_MISSING"} <= codes(x.findings)


# --- batch, veraPDF, isolation --------------------------------------------------------------


def test_verapdf_absent_is_reported_once_per_batch(pki, tmp_path):
    items = []
    for i in range(3):
        p = tmp_path / f"{i}.pdf"
        p.write_bytes(make_pdf_bytes(f"Văn bản {i}"))
        items.append(FileItem(p, p.name, document=f"VB{i}"))
    seen = []
    b = check_files(items, settings(pki, ghostscript="gs-not-here", verapdf="verapdf-not-here"), progress=lambda d, t: seen.append((d, t)),
                    out_dir=tmp_path / "o")
    assert [f.code for f in b.batch_findings] == ["VERAPDF_NOT_INSTALLED"]
    assert all("VERAPDF_NOT_INSTALLED" not in codes(r.findings) for r in b)
    assert seen[-1] == (6, 6)
    assert [r.findings[0].document for r in b if r.findings] == ["VB0", "VB1", "VB2"]


# veraPDF itself (one run per transfer, its verdict setting the PUID and the copy) is
# tested on the real command line in tests/test_pdfa_decision.py.


def test_verapdf_report_with_task_exception():
    xml = ('<report><jobs><job><item><name>/x/a.pdf</name></item><taskException type="PARSE" '
           'isExecuted="true" isSuccess="false"><exceptionMessage>Couldn\'t parse stream</exceptionMessage>'
           '</taskException></job></jobs></report>')
    o = parse_report(xml)["/x/a.pdf"]
    assert o.compliant is None and "parse" in o.error


def _sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return f"slept {seconds}"


def test_worker_is_killed_and_restarted_after_timeout():
    with TimeLimitedWorker(_sleepy) as w:
        assert w.run(0.01, timeout=20).value == "slept 0.01"
        pid = w._proc.pid
        out = w.run(30, timeout=1)
        assert out.timed_out and not out.ok
        assert w.run(0.01, timeout=20).value == "slept 0.01"
        assert w._proc.pid != pid and w.restarts == 1


# --- hostile and damaged PDFs --------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    good = make_pdf_bytes("Văn bản hợp lệ")
    files = {
        "truncated": good[: len(good) // 2],
        "encrypted": None,
        "cyclic": raw_pdf([
            b"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",  # the page tree contains itself
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >> "
            b"/Contents 6 0 R >>",
            b"<< /First 4 0 R /Last 4 0 R /Next 4 0 R >>",  # outline that loops on itself
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >> "
            b"/Length 8 >>\nstream\n/X Do   \nendstream",  # form that draws itself
            b"<< /Length 8 >>\nstream\n/X Do   \nendstream",
        ]),
        "not-a-pdf": b"%PDF-1.7\n" + os.urandom(2000),
    }
    for name, data in files.items():
        if data is not None:
            (d / f"{name}.pdf").write_bytes(data)
    pdf = pikepdf.open(io.BytesIO(good))
    pdf.save(d / "encrypted.pdf", encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu"))
    # 100 MB: an uncompressed page image (what a careless scanner produces)
    big = pikepdf.new()
    w = h = 5800
    img = pikepdf.Stream(big, os.urandom(w * h * 3))
    img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    img.Width, img.Height, img.ColorSpace, img.BitsPerComponent = w, h, pikepdf.Name.DeviceRGB, 8
    page = big.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img))
    page.Contents = pikepdf.Stream(big, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    big.save(d / "100mb.pdf", compress_streams=False)
    # a page bomb: 3 000 pages sharing one text-heavy content stream (small on disk, slow to read)
    bomb = pikepdf.new()
    font = bomb.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                 BaseFont=pikepdf.Name.Helvetica))
    page = bomb.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = bomb.make_stream(b"BT /F1 12 Tf 72 700 Td " + b"(Lap lai) Tj 0 -14 Td " * 400 + b"ET")
    for _ in range(2999):
        bomb.pages.append(bomb.pages[0])
    bomb.save(d / "bomb.pdf")
    return {p.stem: p for p in d.iterdir()}


def test_hostile_pdfs_give_findings_not_crashes(pki, hostile, tmp_path):
    names = ["truncated", "encrypted", "cyclic", "not-a-pdf", "100mb"]
    assert (hostile["100mb"].stat().st_size) > 100_000_000
    t0 = time.monotonic()
    b = check_files([FileItem(hostile[n], f"{n}.pdf", reliability=Reliability.DIGITISED) for n in names],
                    settings(pki, pdf_timeout_s=60), out_dir=tmp_path / "o")
    elapsed = time.monotonic() - t0
    r = dict(zip(names, b.results))
    assert "PDF_UNREADABLE" in codes(r["truncated"].findings)
    assert "PDF_UNREADABLE" in codes(r["not-a-pdf"].findings)
    enc = [f for f in r["encrypted"].findings if f.code == "PDF_ENCRYPTED"]
    assert enc and enc[0].is_error and "mật khẩu" in enc[0].message_vi
    assert r["cyclic"].findings and not {"PDF_TIMEOUT", "FILE_CHECK_FAILED"} & codes(r["cyclic"].findings)
    big = r["100mb"]
    assert big.pdfa is not None and big.pdfa.error is None and big.pdfa.images[0].width_px == 5800
    assert not {"PDF_TIMEOUT", "FILE_CHECK_FAILED"} & codes(big.findings)
    for res in b:
        assert all(f.file == res.relpath for f in res.findings)
    assert elapsed < 120


def test_content_bomb_times_out_and_the_batch_goes_on(pki, hostile, tmp_path):
    ok = tmp_path / "ok.pdf"
    ok.write_bytes(make_pdf_bytes("Sau tệp độc hại"))
    b = check_files([FileItem(hostile["bomb"], "bomb.pdf", document="VB9"), FileItem(ok, "ok.pdf")],
                    settings(pki, pdf_timeout_s=3, ghostscript="gs-not-here"), out_dir=tmp_path / "o")
    bomb, good = b.results
    [f] = bomb.findings
    assert f.code == "PDF_TIMEOUT" and f.is_error and f.document == "VB9"
    assert "LUUTRU_PDF_TIMEOUT_S" in f.message_en
    assert good.signature_status.value == "unsigned" and "Sau tệp độc hại" in good.text
    assert b.worker_restarts == 1


def test_check_config_from_settings(pki):
    cfg = CheckConfig.from_settings(settings(pki, pdf_timeout_s=7))
    assert cfg.pdf_timeout_s == 7 and cfg.trust_roots == pki.root_pem


def test_unused_default_font_in_resources_is_not_reported(tmp_path):
    """reportlab lists Helvetica in every page's resources; only fonts selected by Tf count."""
    import pikepdf

    from luutru.ingest.checks.pdf import check_pdf
    from tests.factory import make_pdf

    p = tmp_path / "dejavu.pdf"
    p.write_bytes(make_pdf(["Chỉ dùng phông DejaVu đã nhúng"]))
    with pikepdf.open(p) as pdf:
        listed = {str(v.get("/BaseFont")) for v in pdf.pages[0].Resources.Font.values()}
    assert "/Helvetica" in listed  # present in resources …
    assert check_pdf(p).fonts_not_embedded == ()  # … but never used, so not reported
