"""The ingest pipeline: transfer → findings → one AIP per dossier → catalog → index.

The steps are plain functions in :mod:`luutru.ingest.steps` (``step(item, ctx) ->
findings``); this module runs them in order and decides what their findings mean:

1. ``open_source``: open the transfer (folder / zip / bag) safely — an unreadable
   transfer stops here;
2. ``read_and_validate``: read and validate the catalogue;
3. ``match_files``: catalogue ↔ files (NFC/NFD, missing, unlisted, paths);
4. ``stage``: copy + hash every file once into its dossier's bag, compare declared checksums
   (a fixed-term record is linked, then hashed and encrypted by ``read_staged`` on a second
   thread while step 5 runs);
5. ``file_checks``: format, PDF/A, signatures, text (isolated workers);
6. ``compare_stored``: a dossier already in storage must hold the same content;
7. decide (here): any ERROR rejects the whole transfer and nothing is stored;
8. ``commit_dossiers``: each bag is sealed and goes through the one commit path
   (:mod:`luutru.preservation.commit`: store → catalog → index; a failed index step is
   queued, never fatal: the AIP is the truth).

Re-running the same transfer is safe: a dossier whose AIP already holds the same
metadata and bytes is reported ``already_stored`` (and its catalog/index rows are
repaired if a crash had cut the first run short); different content under an existing
dossier code is an error.
"""

from __future__ import annotations

import errno
import logging
import tempfile
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import luutru.catalog.models as m
import luutru.ingest.checks.per_file as per_file
import luutru.ingest.sources as sources
import luutru.packaging.held as held
import luutru.records.finding_codes.ingest as fc
import luutru.transfer_out.receipt as receipt
import luutru.transfer_out.receipt_sip as receipt_sip
from luutru.ingest.checks.inline import workers_likely
from luutru.ingest.checks.isolation import warm_up
from luutru.ingest.checks.worker_imports import imports_for
from luutru.ingest.redact import without_paths
from luutru.ingest.report import DossierOutcome as Outcome
from luutru.ingest.report import IngestReport
from luutru.ingest.staging import StagingArea, StagingBusy, sweep_abandoned
from luutru.ingest.steps import (
    IngestContext,
    Progress,
    TransferItem,
    compare_stored,
    file_checks,
    identify_sent,
    match_files,
    open_source,
    read_and_validate,
    read_staged,
    serialised,
    stage,
)
from luutru.ingest.store_step import commit_dossiers
from luutru.packaging.atomic import write_atomic
from luutru.preservation.actions.plan import queue_after_ingest
from luutru.preservation.commit import retry_index_queue
from luutru.preservation.storage import StorageError
from luutru.records.findings import Finding, Severity, finding, has_errors
from luutru.records.status import DossierOutcome, TransferStatus
from luutru.records.timeutil import iso_vn
from luutru.services import FaultInjected, Services

log = logging.getLogger(__name__)

__all__ = ["ingest", "retry_index_queue"]

#: Findings of the open step after which there is nothing to read.
UNREADABLE = (fc.TRANSFER_NOT_RECOGNISED, fc.ZIP_CORRUPT, fc.ZIP_SIZE_MISMATCH, *sources.EXPANSION_CODES)


def _noop(_stage: str, _done: int, _total: int) -> None:
    pass


def ingest(path: Path, services: Services, *, progress: Progress | None = None, transfer_id: str | None = None,
           agency: str | None = None) -> IngestReport:
    """Ingest one transfer; always returns a report (never raises for bad input).

    ``agency``: the submitting account may only transfer that agency's dossiers; one
    of another agency is a finding like any other (every check still runs)."""
    path = Path(path)
    report = IngestReport(transfer_id or str(uuid.uuid4()), path.name, "?", TransferStatus.RUNNING.value, iso_vn())
    _start(services, report)
    sweep_abandoned(services.settings.work_dir)
    staging = StagingArea(services.settings.work_dir, report.transfer_id)
    try:
        staging.acquire()
    except StagingBusy as e:
        report.findings.append(finding(
            fc.TRANSFER_BUSY, f"Gói nộp lưu này đang được xử lý ở tiến trình khác ({e}). Sửa: chờ tiến trình đó kết thúc.",
            f"This transfer is being processed by another process ({e}). Fix: wait for it to finish."))
        return _finish(services, report, TransferStatus.FAILED)
    item = TransferItem(path, report)
    ctx = IngestContext(services, report.transfer_id, staging.root, serialised(progress or _noop), agency=agency)
    try:
        return _run(item, ctx)
    except FaultInjected:
        raise
    except (OSError, StorageError) as e:
        staging.clear()  # free the space before writing anything
        report.findings.append(_io_failure(services, e))
        return _finish(services, report, TransferStatus.FAILED)
    except Exception as e:  # noqa: BLE001 - last resort: a report, never a traceback for the user
        log.error("ingest failed: %s", traceback.format_exc())
        report.findings.append(finding(fc.INTERNAL_ERROR, f"Lỗi hệ thống: {e!r}. Gói có thể nộp lại an toàn.",
                                       f"Internal error: {e!r}. The transfer can safely be submitted again.",
                                       details={"traceback": traceback.format_exc()[-4000:]}))
        return _finish(services, report, TransferStatus.FAILED)
    finally:
        if item.opened is not None:
            item.opened.cleanup()
        for sd in item.staged:  # in-memory keys of dossiers not stored (a refused transfer) go with their scratch
            services.storage.forget_cached(sd.record.code)
        held.release_under(staging.root)  # and what their bags held in memory
        staging.release()


def _run(item: TransferItem, ctx: IngestContext) -> IngestReport:
    """The steps in order, and what their findings mean."""
    services, report = ctx.services, item.report
    report.findings += open_source(item, ctx)
    if any(f.code in UNREADABLE for f in report.findings):
        return _finish(services, report, TransferStatus.REJECTED)
    report.findings += read_and_validate(item, ctx)
    report.findings += match_files(item, ctx)
    # the check workers' libraries imported now, while the files are staged and identified
    # (not for a few files that are no PDF: they may be checked in this process, inline.py)
    disk_paths = [m.disk_path for m in item.matches.values()]
    if workers_likely(disk_paths):
        warm_up([per_file.__name__, *imports_for(disk_paths)])
    services.checkpoint("after_validation")
    report.findings += _stage_and_check(item, ctx)
    report.findings += compare_stored(item, ctx)
    report.dossiers = _outcomes(item)
    if has_errors(report.findings):
        for o in report.dossiers:
            o.status = (DossierOutcome.REJECTED if o.errors else DossierOutcome.NOT_STORED).value
        return _finish(services, report, TransferStatus.REJECTED)
    report.findings += commit_dossiers(item, ctx)
    # preservation actions (PDF/A copies, OCR) run after acceptance, as jobs; the report says which
    report.findings += queue_after_ingest(services, [o.code for o in report.dossiers if o.aip], item.committed)
    if not any(f.code == fc.INDEX_QUEUED for f in report.findings):
        retry_index_queue(services)  # the index answers again: catch up on earlier failures
    # after an accepted transfer: a receipt for a package from another archive
    report.findings += receipt.after_accept(services, report, item.root) or []
    if item.sip is not None:  # 05/2025 SIPs: a receipt naming each package by OBJID and checksums
        received = item.sip.received
        if item.path.is_file() and len(received) == 1:  # one package given as its ZIP: name that ZIP
            received = [replace(received[0], source=item.path)]
        report.findings += receipt_sip.write_sip_receipt(services, report, received)
    return _finish(services, report, TransferStatus.ACCEPTED)


def _stage_and_check(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Steps 4 and 5 together: the files linked for reading (fixed-term records) are hashed
    and encrypted on a second thread while the checks read them (the CPU of the machine's
    second core, instead of one pass after the other)."""
    with ThreadPoolExecutor(1, thread_name_prefix="siegfried") as early:
        # Siegfried reads the sender's files (the bytes the staging links) while they are staged
        identified = early.submit(identify_sent, item, ctx)
        found = stage(item, ctx)
        with ThreadPoolExecutor(1, thread_name_prefix="stage-read") as pool:
            reading = pool.submit(read_staged, item, ctx)
            try:
                # ``ready``: staging's findings, once every read is done (the seal counts their warnings)
                checked = file_checks(item, ctx, ready=lambda staged=list(found): staged + reading.result(),
                                      identified=identified.result)
            finally:
                found += reading.result()  # also when the checks failed: nothing runs on behind the report
    ctx.services.checkpoint("after_staging")
    return found + checked


def _outcomes(item: TransferItem) -> list[Outcome]:
    """One line per dossier row of the catalogue, with its error and warning counts.

    The validated catalogue holds only the dossiers that passed validation; the rows
    refused there (bad code, bad dates, duplicated code …) are taken from the raw
    catalogue so a rejected transfer's table still lists every dossier it brought.
    """
    out = []

    def add(code: str, title: str, documents: int, mine: list[Finding]) -> None:
        out.append(Outcome(code, title, DossierOutcome.PENDING.value, documents,
                           errors=sum(1 for f in mine if f.is_error),
                           warnings=sum(1 for f in mine if f.severity is Severity.WARNING)))

    validated = item.cat.dossiers
    listed: set[str] = set()
    raw_docs = item.raw.documents if item.raw else []
    for row in item.raw.dossiers if item.raw else []:  # in the catalogue's order
        code = str(row.values.get("ma_ho_so") or "").strip()
        if (code or row.where) in listed:
            continue
        listed.add(code or row.where)
        if code in validated:
            add(code, validated[code].title, len(item.cat.documents_of(code)),
                [f for f in item.report.findings if f.dossier == code])
            continue
        mine = [f for f in item.report.findings if (code and f.dossier == code) or f.row == row.where]
        documents = sum(1 for r in raw_docs if code and str(r.values.get("ma_ho_so") or "").strip() == code)
        add(code or row.where, str(row.values.get("tieu_de") or ""), documents, mine)
    for code, d in validated.items():  # dossiers read from elsewhere than the raw rows
        if code not in listed:
            add(code, d.title, len(item.cat.documents_of(code)), [f for f in item.report.findings if f.dossier == code])
    return out


def _io_failure(services: Services, e: OSError | StorageError) -> Finding:
    """The finding for a full disk, a storage error or another I/O error."""
    if _disk_full(e):
        return finding(
            fc.DISK_FULL,
            "Hết dung lượng đĩa khi xử lý gói nộp lưu; không có gì được ghi dở. Sửa: giải phóng dung lượng "
            f"({services.settings.home_dir} và kho lưu trữ) rồi nộp lại.",
            "Disk full while processing the transfer; nothing was left half-written. Fix: free space "
            f"({services.settings.home_dir} and the storage) and submit again.",
            details={"error": str(e)})
    if isinstance(e, StorageError):
        return finding(
            fc.STORAGE_ERROR, f"Lỗi kho lưu trữ: {e}. Không có gì được ghi dở. Sửa: kiểm tra cấu hình kho rồi nộp lại.",
            f"Storage error: {e}. Nothing was left half-written. Fix: check the storage settings and submit again.")
    return finding(
        fc.STORAGE_IO_ERROR,
        f"Lỗi đọc/ghi khi xử lý: {e}. Không có gì được ghi dở. Sửa: kiểm tra ổ đĩa/quyền rồi nộp lại.",
        f"I/O error while processing: {e}. Nothing was left half-written. Fix: check the disk/permissions "
        "and submit again.")


def _disk_full(e: BaseException) -> bool:
    """ENOSPC anywhere in the exception chain (storage backends wrap OS errors)."""
    seen: set[int] = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def _start(services: Services, report: IngestReport) -> None:
    """The transfer's catalog row, ``running`` until :func:`_finish`."""
    with services.catalog.session() as s:
        if s.get(m.Transfer, report.transfer_id) is None:
            s.add(m.Transfer(id=report.transfer_id, source_name=report.source, kind="?",
                             received_at=report.started_at, status=TransferStatus.RUNNING.value))


def _finish(services: Services, report: IngestReport, status: TransferStatus) -> IngestReport:
    report.findings = without_paths(report.findings, (services.settings.work_dir, services.settings.home_dir,
                                                      tempfile.gettempdir()))
    report.status = status.value
    report.finished_at = iso_vn()
    with services.catalog.session() as s:
        row = s.get(m.Transfer, report.transfer_id)
        if row is not None:
            row.kind = report.kind
            row.status = status.value
            row.finished_at = report.finished_at
            row.dossier_count = len(report.dossiers)
            row.document_count = sum(d.documents for d in report.dossiers)
            row.report = report.to_dict()
    try:  # a copy beside the catalog row, for people; the row is the record
        reports = services.settings.home_dir / "reports"
        reports.mkdir(exist_ok=True)
        write_atomic(reports / f"{report.transfer_id}.json", report.to_json())
    except OSError as e:
        log.warning("could not write the report file of %s: %s", report.transfer_id, e)
    return report
