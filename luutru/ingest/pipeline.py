"""The ingest pipeline: transfer → findings → one AIP per dossier → catalog → index.

Steps are plain functions returning findings; this module decides what they mean:

1. open the transfer (folder / zip / bag) safely;
2. read and validate the catalogue (Circular 02/2019 fields);
3. match catalogue ↔ files (NFC/NFD, missing, unlisted, paths);
4. stage each dossier: copy + hash every file once, compare declared checksums, run the
   per-file checks (format, PDF/A, signatures, text);
5. decide: any ERROR rejects the whole transfer and nothing is stored.  Otherwise each
   dossier's bag is sealed and stored atomically, then recorded in the catalog, then
   indexed.  A failed index step is queued, never fatal: the AIP is the truth.

Re-running the same transfer is safe: a dossier whose AIP already holds the same
metadata and bytes is reported ``already_stored`` (and its catalog/index rows are
repaired if a crash had cut the first run short); different content under an existing
dossier code is an error.
"""

from __future__ import annotations

import errno
import logging
import shutil
import traceback
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import luutru.catalog.index_retries as index_retries
import luutru.catalog.models as m
import luutru.ingest.checks.per_file as per_file
import luutru.records.events as ev
import luutru.transfer_out.receipt as receipt
from luutru.catalog.records import load_aip_metadata, upsert_dossier
from luutru.disposal.retention import lock_arguments
from luutru.ingest.files import FileMatch, check_files
from luutru.ingest.report import DossierOutcome, IngestReport
from luutru.ingest.sources import open_transfer
from luutru.ingest.staging import StagingArea, StagingBusy, sweep_abandoned
from luutru.ingest.validate import validate_catalogue
from luutru.packaging.catalogue_reader import read_catalogue
from luutru.preservation.aip import AipBuilder, Component
from luutru.preservation.storage import StorageError
from luutru.records.findings import Finding, Severity, error, has_errors, info
from luutru.records.model import DocumentRecord, DossierRecord
from luutru.records.timeutil import iso_vn
from luutru.services import FaultInjected, Services

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class StagedDossier:
    record: DossierRecord
    documents: list[DocumentRecord]
    builder: AipBuilder
    originals: dict[str, Component]


def _noop(_stage: str, _done: int, _total: int) -> None:
    pass


def _stage_dossier(services: Services, d: DossierRecord, docs: list[DocumentRecord], matches: dict[str, FileMatch],
                   staging_root: Path, transfer_id: str, findings: list[Finding], bump: Callable[[int], None]) -> StagedDossier:
    b = AipBuilder(staging_root / d.code, d, transfer_id)
    b.documents = docs
    originals: dict[str, Component] = {}
    for doc in docs:
        match = matches.get(doc.identifier)
        if match is None:
            continue
        comp = b.add_original(doc, match.disk_path, bump)
        originals[doc.identifier] = comp
        where = {"dossier": d.code, "document": doc.identifier, "file": doc.path}
        b.events.append(ev.Event(ev.MESSAGE_DIGEST, comp.path, "success", "SHA-256 computed while copying",
                                 {"sha256": comp.sha256, "size": comp.size}))
        if doc.sha256:
            if doc.sha256 != comp.sha256:
                findings.append(error(
                    "CHECKSUM_MISMATCH",
                    f"Văn bản {doc.identifier}: mã băm SHA-256 của tệp '{doc.path}' là {comp.sha256}, khác với mục lục "
                    f"({doc.sha256}). Tệp có thể bị hỏng hoặc bị thay. Sửa: gửi lại đúng tệp hoặc sửa mã băm.",
                    f"Document {doc.identifier}: SHA-256 of '{doc.path}' is {comp.sha256}, not {doc.sha256} as catalogued. "
                    "The file may be damaged or replaced. Fix: resend the right file or correct the checksum.",
                    details={"expected": doc.sha256, "found": comp.sha256}, **where))
                b.events.append(ev.Event(ev.FIXITY_CHECK, comp.path, "failure", "declared checksum differs",
                                         {"expected": doc.sha256, "found": comp.sha256}))
            else:
                b.events.append(ev.Event(ev.FIXITY_CHECK, comp.path, "success", "declared checksum matches",
                                         {"sha256": comp.sha256}))
    return StagedDossier(d, docs, b, originals)


def _run_file_checks(services: Services, staged: list[StagedDossier], findings: list[Finding],
                     progress: Progress, staging_root: Path) -> None:
    items = []
    for sd in staged:
        for doc in sd.documents:
            comp = sd.originals.get(doc.identifier)
            if comp is not None:
                items.append((sd, doc, comp))
    out_dir = staging_root / f"derived-{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        batch = per_file.check_files(
            [per_file.FileCheckItem(path=sd.builder.original_path(comp), relpath=doc.path, out_dir=out_dir,
                              reliability=doc.reliability, document=doc.identifier, dossier=sd.record.code)
             for sd, doc, comp in items],
            services.settings,
            progress=lambda done, total, _rel=None: progress("checks", done, total),
            # a transfer that already has errors will store nothing: no preservation copies
            config=replace(per_file.CheckConfig.from_settings(services.settings), migrate=not has_errors(findings)),
        )
        findings.extend(batch.findings)
        for (sd, doc, comp), res in zip(items, batch.results):
            findings.extend(res.findings)
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
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def _same_content(existing: Any, sd: StagedDossier) -> bool:
    want = {k: v for k, v in sd.record.fields.items()}
    have = {k: v for k, v in existing.dossier.items() if k != "_service"}
    if want != have:
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


def index_dossier(services: Services, code: str, meta: Any | None = None) -> Finding | None:
    """Index one stored dossier; on failure queue it and return a warning (never raise)."""
    try:
        meta = meta or load_aip_metadata(services.storage, code)
        services.index.index_dossier(meta.dossier, meta.documents, meta.texts)
        with services.catalog.session() as s:
            index_retries.drop(s, code)
        return None
    except FaultInjected:
        raise
    except Exception as e:  # noqa: BLE001 - any index failure is queued, by design
        log.warning("indexing %s failed: %s", code, e)
        js = services.settings.jobs
        with services.catalog.session() as s:  # an `index` job in the one job queue
            index_retries.queue_retry(s, code, str(e), max_attempts=js.index_max_attempts,
                                      delay=js.retry_backoff_seconds)
        return Finding(Severity.WARNING, "INDEX_QUEUED",
                       f"Hồ sơ {code} đã lưu an toàn nhưng chưa vào chỉ mục tìm kiếm ({e}); sẽ thử lại, hoặc chạy `luutru reindex`.",
                       f"Dossier {code} is stored safely but not yet searchable ({e}); it is queued for retry, or run `luutru reindex`.",
                       dossier=code)


def retry_index_queue(services: Services, *, limit: int = 200) -> tuple[int, int]:
    """Index again the dossiers whose indexing failed earlier; returns (done, still queued)."""
    with services.catalog.session() as s:
        codes = index_retries.pending(s, limit)
    done = 0
    for code in codes:
        if not services.storage.has_aip(code):  # destroyed meanwhile: nothing to index
            with services.catalog.session() as s:
                index_retries.drop(s, code)
            continue
        if index_dossier(services, code) is None:
            done += 1
    with services.catalog.session() as s:
        left = index_retries.count_pending(s)
    return done, left


def _record(services: Services, code: str) -> Any:
    meta = load_aip_metadata(services.storage, code)
    with services.catalog.session() as s:
        upsert_dossier(s, meta)
    services.checkpoint("after_catalog")
    return meta


def ingest(path: Path, services: Services, *, progress: Progress | None = None, transfer_id: str | None = None) -> IngestReport:
    """Ingest one transfer; always returns a report (never raises for bad input)."""
    progress = progress or _noop
    path = Path(path)
    report = IngestReport(transfer_id or str(uuid.uuid4()), path.name, "?", "running", iso_vn())
    with services.catalog.session() as s:
        row = s.get(m.Transfer, report.transfer_id)
        if row is None:
            s.add(m.Transfer(id=report.transfer_id, source_name=path.name, kind="?", received_at=report.started_at,
                             status="running"))
    sweep_abandoned(services.settings.work_dir)
    staging = StagingArea(services.settings.work_dir, report.transfer_id)
    try:
        staging.acquire()
    except StagingBusy as e:
        report.findings.append(error(
            "TRANSFER_BUSY", f"Gói nộp lưu này đang được xử lý ở tiến trình khác ({e}). Sửa: chờ tiến trình đó kết thúc.",
            f"This transfer is being processed by another process ({e}). Fix: wait for it to finish."))
        return _finish(services, report, "failed")
    staging_root = staging.root
    opened = None
    try:
        opened = open_transfer(path, staging_root)
        report.kind = opened.kind
        report.findings.extend(opened.findings)
        if any(f.code in ("TRANSFER_NOT_RECOGNISED", "ZIP_CORRUPT") for f in opened.findings):
            return _finish(services, report, "rejected")
        raw = read_catalogue(opened.root)
        cat = validate_catalogue(raw)
        report.findings.extend(cat.findings)
        all_docs = [d for code in cat.dossiers for d in cat.documents_of(code)]
        listed_paths = [str(r.values["duong_dan_tep"]) for r in raw.documents if r.values.get("duong_dan_tep")]
        fc = check_files(opened.root, all_docs, raw.catalogue_files, listed_paths)
        report.findings.extend(fc.findings)
        report.files = len(fc.matches)
        report.bytes = total = sum(x.size for x in fc.matches.values())
        services.checkpoint("after_validation")

        done = 0

        def bump(n: int) -> None:
            nonlocal done
            done += n
            progress("copy", done, total)

        staged: list[StagedDossier] = []
        for code, d in cat.dossiers.items():
            staged.append(_stage_dossier(services, d, cat.documents_of(code), fc.matches, staging_root,
                                         report.transfer_id, report.findings, bump))
        services.checkpoint("after_staging")
        _run_file_checks(services, staged, report.findings, progress, staging_root)

        existing: dict[str, bool] = {}
        for sd in staged:
            if services.storage.has_aip(sd.record.code):
                same = _same_content(load_aip_metadata(services.storage, sd.record.code, with_text=False), sd)
                existing[sd.record.code] = same
                if not same:
                    report.findings.append(error(
                        "DOSSIER_EXISTS_DIFFERENT",
                        f"Hồ sơ {sd.record.code} đã được lưu trữ với nội dung khác. Sửa: kiểm tra mã hồ sơ; "
                        "không thể ghi đè hồ sơ đã lưu.",
                        f"Dossier {sd.record.code} is already preserved with different content. Fix: check the dossier "
                        "code; a preserved dossier cannot be overwritten.", dossier=sd.record.code))

        for code in cat.dossiers:
            errs = sum(1 for f in report.findings if f.dossier == code and f.is_error)
            warns = sum(1 for f in report.findings if f.dossier == code and f.severity is Severity.WARNING)
            report.dossiers.append(DossierOutcome(code, cat.dossiers[code].title, "pending", len(cat.documents_of(code)),
                                                  errors=errs, warnings=warns))
        if any(f.is_error for f in report.findings):
            for o in report.dossiers:
                o.status = "rejected" if o.errors else "not_stored"
            return _finish(services, report, "rejected")

        outcomes = {o.code: o for o in report.dossiers}
        for i, sd in enumerate(staged):
            code = sd.record.code
            progress("store", i, len(staged))
            if existing.get(code):
                outcomes[code].status = "already_stored"
                report.findings.append(info(
                    "DOSSIER_ALREADY_STORED",
                    f"Hồ sơ {code} đã được lưu trữ trước đây với cùng nội dung; không tạo bản trùng.",
                    f"Dossier {code} was already preserved with the same content; no duplicate made.", dossier=code))
            else:
                sd.builder.events.append(ev.Event(ev.VALIDATION, code, "success",
                                                  "catalogue, Circular 02/2019 fields and files validated",
                                                  {"transfer_id": report.transfer_id,
                                                   "warnings": outcomes[code].warnings}))
                sd.builder.events.append(ev.Event(ev.INGESTION, code, "success", "accepted into preservation",
                                                  {"transfer_id": report.transfer_id}))
                bag = sd.builder.seal()
                services.checkpoint("after_seal")
                try:
                    services.storage.put_aip(code, bag, **_lock_args(sd.record))
                except StorageError:
                    if not services.storage.has_aip(code):
                        raise
                    # stored meanwhile by a concurrent run: fine if it is the same content
                    if not _same_content(load_aip_metadata(services.storage, code, with_text=False), sd):
                        raise
                outcomes[code].status = "stored"
                services.checkpoint("after_store")
            outcomes[code].aip = code
            meta = _record(services, code)
            warn = index_dossier(services, code, meta)
            if warn:
                report.findings.append(warn)
            shutil.rmtree(staging_root / code, ignore_errors=True)
        progress("store", len(staged), len(staged))
        if not any(f.code == "INDEX_QUEUED" for f in report.findings):
            retry_index_queue(services)  # the index answers again: catch up on earlier failures
        _post_ingest_hooks(services, report, opened.root)
        return _finish(services, report, "accepted")
    except FaultInjected:
        raise
    except (OSError, StorageError) as e:
        staging.clear()  # free the space before writing anything
        if _disk_full(e):
            report.findings.append(error(
                "DISK_FULL",
                "Hết dung lượng đĩa khi xử lý gói nộp lưu; không có gì được ghi dở. Sửa: giải phóng dung lượng "
                f"({services.settings.home_dir} và kho lưu trữ) rồi nộp lại.",
                "Disk full while processing the transfer; nothing was left half-written. Fix: free space "
                f"({services.settings.home_dir} and the storage) and submit again.",
                details={"error": str(e)}))
        elif isinstance(e, StorageError):
            report.findings.append(error(
                "STORAGE_ERROR", f"Lỗi kho lưu trữ: {e}. Không có gì được ghi dở. Sửa: kiểm tra cấu hình kho rồi nộp lại.",
                f"Storage error: {e}. Nothing was left half-written. Fix: check the storage settings and submit again."))
        else:
            report.findings.append(error(
                "STORAGE_IO_ERROR",
                f"Lỗi đọc/ghi khi xử lý: {e}. Không có gì được ghi dở. Sửa: kiểm tra ổ đĩa/quyền rồi nộp lại.",
                f"I/O error while processing: {e}. Nothing was left half-written. Fix: check the disk/permissions "
                "and submit again."))
        return _finish(services, report, "failed")
    except Exception as e:  # noqa: BLE001 - last resort: a report, never a traceback for the user
        log.error("ingest failed: %s", traceback.format_exc())
        report.findings.append(error("INTERNAL_ERROR", f"Lỗi hệ thống: {e!r}. Gói có thể nộp lại an toàn.",
                                     f"Internal error: {e!r}. The transfer can safely be submitted again.",
                                     details={"traceback": traceback.format_exc()[-4000:]}))
        return _finish(services, report, "failed")
    finally:
        if opened is not None:
            opened.cleanup()
        staging.release()


def _post_ingest_hooks(services: Services, report: IngestReport, root: Path) -> None:
    """Run what follows an accepted transfer (a receipt for a package from another archive)."""
    report.findings.extend(receipt.after_accept(services, report, root) or [])


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


def _lock_args(d: DossierRecord) -> dict[str, Any]:
    """Retention lock for the storage backend, where it supports one."""
    return lock_arguments(d)


def _finish(services: Services, report: IngestReport, status: str) -> IngestReport:
    report.status = status
    report.finished_at = iso_vn()
    with services.catalog.session() as s:
        row = s.get(m.Transfer, report.transfer_id)
        if row is not None:
            row.kind = report.kind
            row.status = status
            row.finished_at = report.finished_at
            row.dossier_count = len(report.dossiers)
            row.document_count = sum(d.documents for d in report.dossiers)
            row.report = report.to_dict()
    try:  # a copy beside the catalog row, for people; the row is the record
        reports = services.settings.home_dir / "reports"
        reports.mkdir(exist_ok=True)
        (reports / f"{report.transfer_id}.json").write_text(report.to_json(), encoding="utf-8")
    except OSError as e:
        log.warning("could not write the report file of %s: %s", report.transfer_id, e)
    return report
