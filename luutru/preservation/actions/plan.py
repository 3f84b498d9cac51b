"""Which preservation actions a stored dossier needs, and queueing them after acceptance.

- ``ocr``: a scan without a text layer (a PDF whose extracted text is empty, or an
  image): OCRmyPDF gives a two-layer PDF/A-2b (image + Vietnamese text), which is also
  its preservation copy, and the text goes to the index.
- ``pdfa``: a PDF with text that is not PDF/A: a PDF/A-2b copy by Ghostscript, checked
  by veraPDF, that must keep the text of its original.

A document that already has what the action makes (a preservation copy) needs nothing.
"""

from __future__ import annotations

from dataclasses import fields as dc_fields
from typing import Any

import luutru.catalog.action_queue as action_queue
import luutru.records.finding_codes.preservation as fc
from luutru.catalog.records import AipMetadata, load_aip_metadata
from luutru.ingest.checks.pdf import PdfaResult
from luutru.preservation.actions.common import components_of, originals
from luutru.records.findings import Finding, finding
from luutru.services import Services

IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/tiff"})
MIN_TEXT_BYTES = 16  # less extracted text than this: no text layer worth the name
_PDFA_FIELDS = {f.name for f in dc_fields(PdfaResult)}


def _is_pdfa(pdfa: dict[str, Any] | None) -> bool | None:
    """Whether ingest found the PDF to be PDF/A (None: unreadable, nothing to migrate)."""
    if not pdfa or pdfa.get("error"):
        return None
    return PdfaResult(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in pdfa.items()
                         if k in _PDFA_FIELDS}).is_pdfa


def action_for(doc: dict[str, Any], comp: dict[str, Any]) -> str | None:
    """The action one original needs (``ocr`` | ``pdfa``) or None."""
    if components_of(doc, "preservation"):
        return None
    mime = comp.get("mime") or ""
    if mime in IMAGE_MIMES:
        return "ocr"
    if mime != "application/pdf":
        return None
    is_pdfa = _is_pdfa((comp.get("extra") or {}).get("pdfa"))
    if is_pdfa is None:
        return None
    has_text = any((c.get("size") or 0) >= MIN_TEXT_BYTES for c in components_of(doc, "text"))
    if not has_text:
        return "ocr"
    return None if is_pdfa else "pdfa"


def needed(meta: AipMetadata) -> dict[str, list[str]]:
    """Action kind → identifiers of the documents it must work on."""
    out: dict[str, list[str]] = {}
    for doc, comp in originals(meta):
        kind = action_for(doc, comp)
        if kind is not None:
            out.setdefault(kind, []).append(doc["ma_dinh_danh_van_ban"])
    return out


def queue_for(services: Services, metas: list[AipMetadata]) -> list[Finding]:
    """Queue the actions of freshly stored dossiers; one ``ACTIONS_PENDING`` notice each."""
    return queue_needed(services, {meta.aip_id: needed(meta) for meta in metas})


def queue_needed(services: Services, needs: dict[str, dict[str, list[str]]]) -> list[Finding]:
    """:func:`queue_for` from what :func:`needed` said of each AIP (AIP id → kinds)."""
    findings = []
    attempts = services.settings.jobs.max_attempts
    for aip_id, kinds in needs.items():
        if not kinds:
            continue
        with services.catalog.session() as s:
            for kind, docs in kinds.items():
                action_queue.queue_action(s, kind, aip_id, max_attempts=attempts, reason=f"{len(docs)} document(s)")
        what = ", ".join(f"{k}: {len(v)}" for k, v in kinds.items())
        findings.append(finding(fc.ACTIONS_PENDING, f"Hồ sơ {aip_id}: đang chờ xử lý bảo quản ({what})",
                                f"Dossier {aip_id}: preservation actions pending ({what})",
                                dossier=aip_id, details={"actions": kinds}))
    return findings


def queue_after_ingest(services: Services, codes: list[str],
                       known: dict[str, dict[str, list[str]]] | None = None) -> list[Finding]:
    """Queue the actions of the dossiers an ingest stored (idempotent for a re-run);
    ``known``: what :func:`needed` said of those AIPs when the commit read them (not read again)."""
    known = known or {}
    return queue_needed(services, {c: known[c] if c in known else needed(load_aip_metadata(services.storage, c,
                                                                                          with_text=False))
                                   for c in codes})
