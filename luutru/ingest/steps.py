"""The steps of an ingest, each a plain function ``step(item, ctx) -> findings``.

``item`` (:class:`TransferItem`) is the transfer in flight: each step reads what earlier
steps left on it and adds its own part.  ``ctx`` (:class:`IngestContext`) is what does
not change during a run (services, scratch space, progress).  A step only *reports*:
it returns findings and never decides whether the transfer goes on — that is
:mod:`luutru.ingest.pipeline`'s job.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Callable

import luutru.ingest.checks.per_file as per_file
import luutru.records.events as ev
import luutru.records.finding_codes.ingest as fc
from luutru.catalog.records import AipMetadata, load_aip_metadata
from luutru.ingest.checks.formats import FormatInfo
from luutru.ingest.checks.pronom import identify_early, judged_as
from luutru.ingest.checks.results import CheckConfig, FileCheckItem, FileCheckResult
from luutru.ingest.counts import page_count_findings
from luutru.ingest.destroyed import destroyed_findings
from luutru.ingest.files import check_files
from luutru.ingest.sip_source import open_sips, sip_packages
from luutru.ingest.sources import open_transfer
from luutru.ingest.stage_files import read_staged, serialised, stage
from luutru.ingest.transfer_item import (
    IngestContext,
    Progress,
    StagedDossier,
    TransferItem,
)
from luutru.ingest.validate import validate_catalogue
from luutru.packaging.catalogue_reader import read_catalogue
from luutru.policies.backup_policy import backup_findings
from luutru.policies.formats import load_format_policy
from luutru.policies.submission import agency_scope
from luutru.preservation.aip import Component
from luutru.records.findings import Finding, Severity, finding, has_errors
from luutru.records.model import DocumentRecord
from luutru.records.timeutil import now_vn
from luutru.tools.siegfried import SfReport

__all__ = ["IngestContext", "Progress", "StagedDossier", "TransferItem", "compare_stored",
           "file_checks", "match_files", "open_source", "read_and_validate", "read_staged", "serialised", "stage"]

log = logging.getLogger(__name__)


def open_source(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Step 1: open the folder, zip or bag safely (see :mod:`luutru.ingest.sources`)."""
    item.opened = open_transfer(item.path, ctx.staging_root, ctx.services.settings.limits)
    item.report.kind = item.opened.kind
    return item.opened.findings


def read_and_validate(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Step 2: read the catalogue (XLSX or CSV pair) and check every row against the rules.

    05/2025 SIPs are verified and read into the same shape (:mod:`luutru.ingest.sip_source`)."""
    sips = sip_packages(item.root)
    if sips:
        item.sip = open_sips(sips, ctx.staging_root)
        item.report.kind = "sip"
        item.raw = item.sip.raw
        item.catalogue = validate_catalogue(item.raw)
        return item.sip.findings + item.catalogue.findings + _scope(item, ctx)
    item.raw = read_catalogue(item.root, ctx.services.settings.limits)
    item.catalogue = validate_catalogue(item.raw)
    item.report.catalogue = item.catalogue.report()  # version read, every value mapped, columns kept
    # Circular 05/2025 Art. 27: a one-copy install says so on every ingest report
    return (item.catalogue.findings + _scope(item, ctx)
            + backup_findings(1 + len(ctx.services.settings.storage.replica_urls)))


def _scope(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """A submitter's transfer: dossiers of another agency are one finding each, among the others."""
    if not ctx.agency or item.raw is None:
        return []
    return agency_scope(((r.where, r.values) for r in item.raw.dossiers), ctx.agency)


def match_files(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Step 3: catalogue ↔ files (NFC names, missing, unlisted, escaping paths, empty files)."""
    assert item.raw is not None
    cat = item.cat
    docs = [d for code in cat.dossiers for d in cat.documents_of(code)]
    listed = [str(r.values["duong_dan_tep"]) for r in item.raw.documents if r.values.get("duong_dan_tep")]
    checked = check_files(item.files_root, docs, item.raw.catalogue_files, listed)
    item.matches = checked.matches
    item.report.files = len(checked.matches)
    item.report.bytes = sum(x.size for x in checked.matches.values())
    return checked.findings


def _apply_result(sd: StagedDossier, doc: DocumentRecord, comp: Component, res: FileCheckResult) -> None:
    """What a file check learnt goes into the AIP: format, signatures, PDF/A, text, preservation copy."""
    sd.builder.events.extend(res.events)
    if res.format is not None:
        comp.mime, comp.puid, comp.format_name = res.format.mime, res.format.puid, res.format.name
        comp.extra["format"] = res.format.to_dict()
    if res.signature_status is not None:
        comp.signature_status = getattr(res.signature_status, "value", str(res.signature_status))
        comp.extra["signatures"] = [s.to_dict() for s in res.signatures]
    if res.pdfa is not None:
        comp.extra["pdfa"] = res.pdfa.to_dict()
    if res.text:
        sd.builder.add_text(doc.identifier, res.text)
    if res.preservation_copy is not None:
        sd.builder.add_derivative(doc.identifier, res.preservation_copy, "preservation",
                                  mime="application/pdf", format_name="PDF/A-2b")
    if res.signature_evidence is not None:  # PAdES-LTA evidence copy (ingest/checks/evidence.py)
        sd.builder.add_derivative(doc.identifier, res.signature_evidence, "signature_evidence",
                                  mime="application/pdf", format_name="PDF (PAdES-LTA evidence)")


def _prepare(ctx: IngestContext, code: str, bag: Path) -> None:
    """``Storage.prepare_aip``: only ever a head start, so a failure is logged and left for
    the store, which does the same work again and reports it."""
    try:
        ctx.services.storage.prepare_aip(code, bag)
    except Exception as e:  # noqa: BLE001 - the store step meets (and reports) it again
        log.warning("preparing %s for storage failed: %s", code, e)


class _AsChecked:
    """Each dossier's results applied, in catalogue order, as soon as its last file is
    checked, and the dossier sealed then, while the workers check the other dossiers.

    Why: sealing (metadata, PREMIS, manifests) is main-process work that ran after all
    checks; now it overlaps them.  Nothing is stored before the transfer is accepted:
    a sealed bag is scratch until ``commit_dossiers``.  No dossier is sealed early when
    the transfer or the dossier already has an error (it will be rejected)."""

    def __init__(self, item: TransferItem, ctx: IngestContext, items: list[tuple[StagedDossier, DocumentRecord,
                                                                                  Component]],
                 ready: Callable[[], list[Finding]] | None = None):
        self.item, self.ctx, self.items = item, ctx, items
        self.ready = ready  # waits for the staging reads (digests) and gives their findings
        self.findings: list[list[Finding]] = [[] for _ in items]
        self.results: dict[int, FileCheckResult] = {}
        self.left = {id(sd): 0 for sd, _, _ in items}
        for sd, _, _ in items:
            self.left[id(sd)] += 1
        self.seal = not has_errors(item.report.findings)
        self.staged: list[Finding] = []
        self.preparing = ThreadPoolExecutor(1, thread_name_prefix="prepare-aip")  # shut down by file_checks

    def __call__(self, i: int, res: FileCheckResult) -> None:
        if self.ready is not None:  # nothing is applied before every staged file has its digest
            self.staged = self.ready()  # what staging found: counted below like the report's
            self.seal = self.seal and not has_errors(self.staged)
            self.ready = None
        sd = self.items[i][0]
        self.results[i] = res
        self.left[id(sd)] -= 1
        if self.left[id(sd)]:
            return
        mine = [j for j, (other, _, _) in enumerate(self.items) if other is sd]
        for j in mine:
            _, doc, comp = self.items[j]
            r = self.results.pop(j)
            self.findings[j] = r.findings + page_count_findings(doc, r)
            _apply_result(sd, doc, comp, r)
        found = [f for j in mine for f in self.findings[j]]
        if self.seal and not has_errors(found) and not self.ctx.services.storage.has_aip(sd.record.code):
            code = sd.record.code
            warnings = sum(1 for f in self.item.report.findings + self.staged + found
                           if f.dossier == code and f.severity is Severity.WARNING)
            sd.sealed = (_seal_bag(self.ctx, sd, warnings), warnings)
            # encrypted on a thread while the workers go on (nothing stored, no key written)
            self.preparing.submit(_prepare, self.ctx, code, sd.sealed[0])


def identify_sent(item: TransferItem, ctx: IngestContext) -> SfReport | None:
    """Siegfried over the sender's matched files, before they are staged (the checks
    judge the answers as the staged files: :func:`luutru.ingest.checks.pronom.judged_as`)."""
    cfg = CheckConfig.from_settings(ctx.services.settings)
    paths = [m.disk_path for m in item.matches.values()]
    return identify_early(paths, exe=cfg.siegfried, timeout=max(cfg.pdf_timeout_s, 0.1) + 0.2 * len(paths))


def _known_formats(item: TransferItem, items: list[tuple[StagedDossier, DocumentRecord, Component]],
                   policy: Path | None, identified: Callable[[], SfReport | None] | None) -> dict[str, FormatInfo]:
    """Siegfried's early answers (:func:`identify_sent`), judged as the staged files."""
    if identified is None:
        return {}
    pairs = [(item.matches[doc.identifier].disk_path, sd.builder.original_path(comp)) for sd, doc, comp in items]
    return judged_as(identified(), pairs, load_format_policy(policy))


def file_checks(item: TransferItem, ctx: IngestContext, ready: Callable[[], list[Finding]] | None = None,
                identified: Callable[[], SfReport | None] | None = None) -> list[Finding]:
    """Step 5: format, PDF/A, signatures and text of every staged file.

    ``ready``: the staging reads run meanwhile (:func:`read_staged`); each result is
    applied only once they are done (it waits for them and gives their findings).

    They run in the isolated worker (a time limit per file).  Preservation copies (PDF/A,
    OCR) are not made here: they are jobs queued after acceptance
    (:mod:`luutru.preservation.actions`), so the agency does not wait for them.
    """
    items = [(sd, doc, sd.originals[doc.identifier]) for sd in item.staged for doc in sd.documents
             if doc.identifier in sd.originals]
    out_dir = ctx.staging_root / f"derived-{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = ctx.services.settings
    applied = _AsChecked(item, ctx, items, ready)
    try:
        batch = per_file.check_files(
            [FileCheckItem(path=sd.builder.original_path(comp), relpath=doc.path, out_dir=out_dir,
                           reliability=doc.reliability, document=doc.identifier, dossier=sd.record.code,
                           doc_type_code=(doc.fields.get("codes") or {}).get("ten_loai_van_ban"),
                           received=now_vn().date())
             for sd, doc, comp in items],
            settings,
            progress=lambda done, total, _rel=None: ctx.progress("checks", done, total),
            config=replace(CheckConfig.from_settings(settings), migrate=not has_errors(item.report.findings),
                           pdfa_copies=False),  # PDF/A copies: jobs after acceptance
            on_result=applied,
            known_formats=_known_formats(item, items, settings.format_policy, identified),
        )
        return list(batch.findings) + [f for fs in applied.findings for f in fs]
    finally:
        applied.preparing.shutdown(wait=True)  # every bag prepared before anything is stored
        shutil.rmtree(out_dir, ignore_errors=True)


def same_content(existing: AipMetadata, sd: StagedDossier) -> bool:
    """Whether a stored AIP holds exactly this dossier: same fields, documents and original bytes."""
    have = {k: v for k, v in existing.dossier.items() if k != "_service"}
    if dict(sd.record.fields) != have:
        return False
    have_docs = {d["ma_dinh_danh_van_ban"]: d for d in existing.documents}
    if set(have_docs) != {d.identifier for d in sd.documents}:
        return False
    for doc in sd.documents:
        h = have_docs[doc.identifier]
        if {k: v for k, v in h.items() if k != "_service"} != doc.fields:
            return False
        orig = [c for c in h["_service"]["components"] if c["role"] == "original"]
        comp = sd.originals.get(doc.identifier)
        if comp is None or not orig or orig[0]["sha256"] != comp.sha256:
            return False
    return True


def compare_stored(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Step 6: a destroyed dossier's code is refused (its tombstone); a dossier already in
    storage is either the same (a re-run) or an error."""
    storage = ctx.services.storage
    findings: list[Finding] = destroyed_findings(ctx.services, (sd.record.code for sd in item.staged))
    for sd in item.staged:
        code = sd.record.code
        if not storage.has_aip(code):
            continue
        # revision 1: what was ingested (later revisions hold corrections and preservation copies)
        item.existing[code] = same = same_content(load_aip_metadata(storage, code, with_text=False, version=1), sd)
        if not same:
            findings.append(finding(
                fc.DOSSIER_EXISTS_DIFFERENT,
                f"Hồ sơ {code} đã được lưu trữ với nội dung khác. Sửa: kiểm tra mã hồ sơ; "
                "không thể ghi đè hồ sơ đã lưu.",
                f"Dossier {code} is already preserved with different content. Fix: check the dossier "
                "code; a preserved dossier cannot be overwritten.", dossier=code))
    return findings


def seal_for_store(ctx: IngestContext, sd: StagedDossier, warnings: int) -> Path:
    """The bag ready to store: the one sealed during the checks when its warning count
    still holds, else sealed now (again)."""
    if sd.sealed is not None and sd.sealed[1] == warnings:
        bag = sd.sealed[0]
    else:
        if sd.sealed is not None:  # the count changed: take back the two closing events
            del sd.builder.events[-2:]
        bag = _seal_bag(ctx, sd, warnings)
    ctx.services.checkpoint("after_seal")
    return bag


def _seal_bag(ctx: IngestContext, sd: StagedDossier, warnings: int) -> Path:
    """Last PREMIS events, metadata and manifests: the bag is ready to store."""
    code, tid = sd.record.code, ctx.transfer_id
    sd.builder.events.append(ev.Event(ev.VALIDATION, code, "success",
                                      "catalogue, Circular 02/2019 fields and files validated",
                                      {"transfer_id": tid, "warnings": warnings}))
    sd.builder.events.append(ev.Event(ev.INGESTION, code, "success", "accepted into preservation",
                                      {"transfer_id": tid}))
    return sd.builder.seal()
