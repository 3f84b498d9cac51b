"""Preservation actions run after acceptance, as jobs: a scan without text gets Vietnamese
OCR (two-layer PDF/A) so search finds its words; a PDF that is not PDF/A gets a PDF/A-2b
copy that keeps its text; each is a new AIP revision with PREMIS events."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

import luutru.catalog.action_queue as action_queue
from luutru.catalog.records import load_aip_metadata
from luutru.ingest.checks.fulltext import extract_pdf_text
from luutru.ingest.pipeline import ingest
from luutru.jobs import Worker
from luutru.packaging.ocfl import RevisionReader
from luutru.packaging.sip.aip_xml import read_aip_xml
from luutru.packaging.sip.xmlschemas import METS_NS
from luutru.preservation.actions.common import text_kept
from luutru.preservation.reindex import reindex
from luutru.preservation.revision_xml import logical_path
from luutru.records.events import MIGRATION
from luutru.services import Services
from luutru.tools import ocr
from tests.factory import base_spec, make_pdf, write_transfer

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCAN_LINES = ["BỘ NỘI VỤ", "BIÊN BẢN KHẢO SÁT", "Về việc khảo sát kho lưu trữ", "Thủ trưởng cơ quan"]
TEXT_LINES = ["BỘ NỘI VỤ", "Cộng hòa xã hội chủ nghĩa Việt Nam", "Quyết định về việc tiêu hủy tài liệu hết giá trị"]

needs_ocr = pytest.mark.skipif(ocr.missing() is not None, reason=f"OCR not installed: {ocr.missing()}")
needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


def scan_pdf(lines: list[str]) -> bytes:
    """An image-only PDF (no text layer), 300 dpi RGB, like a scanner's output."""
    img = Image.new("RGB", (2480, 1400), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 80)
    for i, line in enumerate(lines):
        draw.text((200, 150 + i * 160), line, fill="black", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=300.0)
    return buf.getvalue()


def _spec():
    spec = base_spec(1, 2)
    d = spec.dossiers[0]
    docs = [r for r in spec.documents if r["ma_ho_so"] == d["ma_ho_so"]]
    for row, data in ((docs[0], make_pdf(TEXT_LINES)), (docs[1], scan_pdf(SCAN_LINES))):
        spec.files[row["duong_dan_tep"]] = data
        row["sha256"] = hashlib.sha256(data).hexdigest()
    # marked born-digital: a "Số hóa" (digitised) copy without a text layer is refused at ingest by
    # the 05/2025 rule (luutru.policies.digitisation); a scanned original is OCRed afterwards
    return spec, d["ma_ho_so"], docs[0]["ma_dinh_danh_van_ban"], docs[1]["ma_dinh_danh_van_ban"]


def _search(services: Services, word: str, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    from typer.testing import CliRunner

    from luutru.cli.main import app

    monkeypatch.setenv("LUUTRU_HOME", str(services.settings.home_dir))
    monkeypatch.setenv("LUUTRU_DATABASE_URL", services.settings.db_url)
    r = CliRunner().invoke(app, ["search", word, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    return {h["id"] for h in doc["hits"]}


@needs_ocr
@needs_gs
def test_scan_is_ocred_after_acceptance_and_search_finds_its_words(services: Services, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    spec, code, text_doc, scan_doc = _spec()
    report = ingest(write_transfer(spec, tmp_path / "transfer"), services)
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    # Acceptance did not wait for the actions: the report says they are pending.
    pending = [f for f in report.findings if f.code == "ACTIONS_PENDING"]
    assert pending and pending[0].details["actions"] == {"pdfa": [text_doc], "ocr": [scan_doc]}
    meta = load_aip_metadata(services.storage, code)
    assert meta.revisions == 1 and scan_doc not in meta.texts
    assert not _search(services, "khảo sát", monkeypatch) & {scan_doc, code}
    with services.catalog.session() as s:
        assert {a["kind"]: a["status"] for a in action_queue.for_dossier(s, code)} == {"pdfa": "queued",
                                                                                       "ocr": "queued"}

    Worker(services, kinds=["pdfa", "ocr"]).run(until_empty=True)

    with services.catalog.session() as s:
        states = {a["kind"]: (a["status"], a["result"]) for a in action_queue.for_dossier(s, code)}
    assert states["pdfa"][0] == "done" and states["pdfa"][1]["done"] == [text_doc], states
    assert states["ocr"][0] == "done" and states["ocr"][1]["done"] == [scan_doc], states
    meta = load_aip_metadata(services.storage, code)
    assert meta.revisions == 3  # one revision per action; revision 1 unchanged
    assert "khảo sát" in meta.texts[scan_doc].lower()
    docs = {d["ma_dinh_danh_van_ban"]: d for d in meta.documents}
    ocr_copy = next(c for c in docs[scan_doc]["_service"]["components"] if c["role"] == "preservation")
    with services.storage.open_file(code, ocr_copy["path"]) as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == ocr_copy["sha256"]
    copy_path = tmp_path / "ocr.pdf"
    copy_path.write_bytes(data)
    assert "BỘ NỘI VỤ" in (extract_pdf_text(copy_path).text or "")  # a text layer over the scan
    events = [e for e in meta.events if e["event_type"] == MIGRATION and e["object"] == scan_doc]
    assert events and events[0]["outcome"] == "success" and "OCRmyPDF" in events[0]["agent"]
    assert "tesseract" in events[0]["agent"].lower()
    # The head's METS lists the OCR copy (by its logical path, with its hash) for readers without luutru.
    revs = RevisionReader(lambda rel: _read_stored(services, code, rel), services.storage.list_files(code))
    mets = etree.fromstring(revs.read("data/METS.xml"))
    listed = {unquote(el.get(XLINK_HREF)): el.getparent().get("CHECKSUM")
              for el in mets.iter(f"{{{METS_NS}}}FLocat")}
    assert listed[logical_path(ocr_copy["path"])[len("data/"):]] == ocr_copy["sha256"]
    assert read_aip_xml(revs.read).events == meta.events
    # search (the CLI) finds a word that exists only in the scan's image
    assert scan_doc in _search(services, "khảo sát", monkeypatch)
    # ... and still after a reindex from storage alone
    reindex(services)
    assert scan_doc in _search(services, "khảo sát", monkeypatch)


@needs_gs
def test_pdfa_copy_keeps_the_vietnamese_text(services: Services, tmp_path: Path) -> None:
    spec, code, text_doc, _scan = _spec()
    report = ingest(write_transfer(spec, tmp_path / "transfer"), services)
    assert report.status == "accepted"
    Worker(services, kinds=["pdfa"]).run(until_empty=True)
    meta = load_aip_metadata(services.storage, code)
    doc = next(d for d in meta.documents if d["ma_dinh_danh_van_ban"] == text_doc)
    copy = next(c for c in doc["_service"]["components"] if c["role"] == "preservation")
    assert copy["format_name"] == "PDF/A-2b" and copy["path"].startswith("revisions/v2/content/")
    out = tmp_path / "copy.pdf"
    with services.storage.open_file(code, copy["path"]) as f:
        out.write_bytes(f.read())
    text = extract_pdf_text(out).text or ""
    assert "BỘ NỘI VỤ" in text and "tiêu hủy" in text  # not "B NI V"
    assert text_kept("\n".join(TEXT_LINES), text) >= 0.98
    [ev] = [e for e in meta.events if e["event_type"] == MIGRATION and e["object"] == text_doc]
    assert ev["outcome"] == "success" and ev["agent"].startswith("Ghostscript ")
    assert ev["outcome_detail"]["text_kept"] >= 0.98
    # revision 1 still has no copy: it is the AIP as ingested
    v1 = load_aip_metadata(services.storage, code, version=1)
    v1doc = next(d for d in v1.documents if d["ma_dinh_danh_van_ban"] == text_doc)
    assert not [c for c in v1doc["_service"]["components"] if c["role"] == "preservation"]


def test_text_kept_measures_lost_diacritics() -> None:
    assert text_kept("BỘ NỘI VỤ ban hành", "BỘ NỘI VỤ ban hành") == 1.0
    assert text_kept("BỘ NỘI VỤ ban hành", "B NI V ban hành") == 0.4
    assert text_kept("", "anything") == 1.0


def _read_stored(services: Services, code: str, rel: str) -> bytes:
    with services.storage.open_file(code, rel) as f:
        return f.read()
