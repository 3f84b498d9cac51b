"""The ``ocr`` action: Vietnamese OCR of scans without a text layer (Circular 05/2025:
digitised records as two-layer PDF/A).

OCRmyPDF with Tesseract's Vietnamese model writes a PDF/A-2b holding the scanned image
and an invisible Unicode text layer; it becomes the document's preservation copy, and
its text the document's full text (``data/metadata/text/<id>.txt``), so search finds
words of the scan.  veraPDF checks the copy when installed.  Each file gets a PREMIS
``migration`` event (agent: OCRmyPDF and Tesseract with versions, outcome).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from luutru.ingest.checks.fulltext import extract_pdf_text
from luutru.preservation.actions.common import NewFile, fetch, head, originals, write_results
from luutru.preservation.actions.pdfa import ActionFailed, ActionReport
from luutru.preservation.actions.plan import MIN_TEXT_BYTES, action_for
from luutru.records.events import MIGRATION, VALIDATION, Event
from luutru.services import Services
from luutru.tools import ocr, verapdf

OCR_TIMEOUT_S = 1800.0  # a long scan on a busy machine; the job's lease is renewed meanwhile


def _one(services: Services, code: str, doc: dict[str, Any], comp: dict[str, Any], tmp: Path,
         rep: ActionReport, events: list[Event]) -> list[NewFile]:
    ident = doc["ma_dinh_danh_van_ban"]
    src = fetch(services, code, comp, tmp / ident / "in")
    dest = tmp / ident / "out" / (src.stem + ".ocr.pdf")
    r = ocr.ocr_to_pdfa(src, dest, timeout=OCR_TIMEOUT_S)
    agent = r.version or "OCRmyPDF"
    if not r.ok:
        rep.failed[ident] = f"exit {r.exit_code}: {r.message[:300]}"
        events.append(Event(MIGRATION, ident, "failure", f"OCR failed (exit {r.exit_code}): {r.message[:300]}",
                            {"source": comp["path"]}, agent=agent))
        return []
    text = (extract_pdf_text(dest).text or "").strip()
    s = services.settings
    outcomes, installed = verapdf.outcomes_for([dest], s.verapdf, timeout=s.pdf_timeout_s)
    vera = outcomes.get(str(dest))
    if installed and vera is not None:
        events.append(Event(VALIDATION, ident, "success" if vera.compliant else "failure",
                            f"veraPDF: the OCR copy {'conforms' if vera.compliant else 'does not conform'} to PDF/A",
                            {"profile": vera.profile, "failed_rules": list(vera.failed_rules)[:20]}, agent="veraPDF"))
    events.append(Event(MIGRATION, ident, "success" if text else "warning",
                        "two-layer PDF/A-2b made by OCR (Vietnamese)" if text else "OCR found no text in the scan",
                        {"source": comp["path"], "language": "vie", "characters": len(text),
                         "verapdf_compliant": vera.compliant if vera else None}, agent=agent))
    rep.done.append(ident)
    files = [NewFile(ident, "preservation", f"data/objects/{ident}/preservation/{dest.name}", dest.read_bytes(),
                     dest.name, mime="application/pdf", format_name="PDF/A-2b", puid="fmt/477",
                     extra={"made_by": agent, "ocr": True, "language": "vie"})]
    if len(text.encode("utf-8")) >= MIN_TEXT_BYTES:
        files.append(NewFile(ident, "text", f"data/metadata/text/{ident}.txt", text.encode("utf-8"),
                             f"{ident}.txt", mime="text/plain", extra={"source": "ocr"}))
    return files


def run_ocr(services: Services, code: str) -> ActionReport:
    """OCR every scan of a dossier that has no text layer yet, as one new revision."""
    rep = ActionReport(code, "ocr")
    problem = ocr.missing()
    if problem:
        raise ActionFailed(problem)
    meta = head(services, code)
    targets = [(d, c) for d, c in originals(meta) if action_for(d, c) == "ocr"]
    if not targets:
        return rep
    events: list[Event] = []
    files: list[NewFile] = []
    work = services.settings.work_dir
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="luutru-ocr-", dir=work) as tmp:
        for doc, comp in targets:
            files += _one(services, code, doc, comp, Path(tmp), rep, events)
        if events:
            rep.revision = write_results(services, code, files, events, message="preservation action: OCR (vie)")
    return rep
