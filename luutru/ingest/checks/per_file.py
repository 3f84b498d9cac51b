"""Entry point of the per-file ingest checks: format, signatures, PDF/A, full text,
preservation copy.

The pipeline calls :func:`check_file` for one file or :func:`check_files` for a batch.
Both return :class:`FileCheckResult` objects holding findings (what is wrong and how to
fix it), PREMIS events (what was done), and the facts found (format, signatures, PDF/A
state, text, the path of a PDF/A-2b preservation copy).  The original file is only
read, never written.

Batch form: Siegfried identifies the formats of all files in one run (``pronom.py``);
long-lived worker processes (one per CPU, :class:`WorkerPool`; a few files that are no
PDF: this process, ``inline.py``) run the files, each under ``Settings.pdf_timeout_s``;
a file that overruns gets a PDF_TIMEOUT finding and its worker is replaced.  veraPDF,
when installed, runs once over all PDF/A candidates of the batch; when it is absent
one INFO finding says so for the whole batch.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

import luutru.records.events as ev
import luutru.records.finding_codes.checks as fc
import luutru.tools.ghostscript as ghostscript
import luutru.tools.verapdf as verapdf
from luutru.config import Settings
from luutru.ingest.checks.evidence import keep_evidence, not_configured_finding
from luutru.ingest.checks.formats import (
    FormatInfo,
    as_pdfa,
    decode_text,
    format_findings,
    identify_format,
)
from luutru.ingest.checks.fulltext import extract_pdf_text
from luutru.ingest.checks.inline import pool_class
from luutru.ingest.checks.isolation import pool_size
from luutru.ingest.checks.pdf import check_pdf
from luutru.ingest.checks.pdf_findings import pdf_findings
from luutru.ingest.checks.pronom import identify_formats, identify_rest
from luutru.ingest.checks.results import (
    BatchCheckResult,
    CheckConfig,
    FileCheckItem,
    FileCheckResult,
    Inspection,
)
from luutru.ingest.checks.scan_facts import scan_facts
from luutru.ingest.checks.signature_findings import signature_event, signature_findings
from luutru.ingest.checks.signature_model import SignatureStatus
from luutru.ingest.checks.signatures import (
    TrustRootError,
    check_signatures,
    load_trust_roots,
)
from luutru.ingest.checks.worker_imports import imports_for
from luutru.policies.digitisation import check_digitised
from luutru.policies.digitisation import load_rule as load_digitisation_rule
from luutru.policies.formats import FormatPolicy, FormatVerdict, load_format_policy
from luutru.policies.signatures import SignaturePolicy, load_signature_policy
from luutru.records.findings import Finding, finding
from luutru.records.model import Reliability

#: Bytes of a plain-text or CSV file taken as its full text for the index.  Why not more:
#: this text is held several times over (decoded, NFC, in the AIP, in the index writer),
#: and 20 MB of a large data file put a 4 GiB ingest at 359 MiB peak RSS (issue 17,
#: goal 3: < 300 MiB); the file itself is preserved whole.
TEXT_LIMIT = 4_000_000




# ---------------------------------------------------------------------------------------
# Phase 1: in-process checks of one file


def _policies(cfg: CheckConfig) -> tuple[FormatPolicy, SignaturePolicy]:
    return load_format_policy(cfg.format_policy), load_signature_policy(cfg.signature_policy)


def _inspect(item: FileCheckItem, cfg: CheckConfig, fmt: FormatInfo | None = None) -> Inspection:
    """Phase 1; ``fmt`` is Siegfried's answer from the batch (in-process identification if None)."""
    fpol, spol = _policies(cfg)
    where = item.where
    fmt = fmt or identify_format(item.path, policy=fpol)
    findings = format_findings(fmt, policy=fpol, **where)
    events = [ev.Event(
        event_type=ev.FORMAT_IDENTIFICATION, object=item.object_id,
        outcome="failure" if fmt.verdict is FormatVerdict.REJECTED else "success",
        detail=(f"{fmt.name} ({fmt.puid or 'no PUID'}, {fmt.mime or 'unknown MIME'}); verdict {fmt.verdict.value}; "
                f"by {fmt.identifier}"),
        outcome_detail=fmt.to_dict(),
    )]
    if fmt.key in ("txt", "csv"):
        text = _read_text(item.path)
        return Inspection(fmt, tuple(findings), tuple(events), None, None, text)
    if fmt.key != "pdf":
        return Inspection(fmt, tuple(findings), tuple(events), None, None, None)

    pdfa = check_pdf(item.path, analyse_images=item.reliability is not Reliability.BORN_DIGITAL)
    try:
        roots = load_trust_roots(cfg.trust_roots)
    except TrustRootError as e:
        roots = ()
        findings.append(finding(
            fc.TRUST_ROOTS_UNREADABLE,
            f"Không đọc được chứng thư gốc tin cậy ({e}). Sửa LUUTRU_TRUST_ROOTS.",
            f"Cannot read the trust roots ({e}). Fix LUUTRU_TRUST_ROOTS.",
        ))
    sig = None
    text = None
    if pdfa.error is None:
        sig = check_signatures(item.path, trust_roots=roots, policy=spol)
        events.append(signature_event(sig, item.object_id))
        if sig.error is None or sig.unparsable:
            findings += signature_findings(sig, item.reliability, policy=spol, **where)
        t = extract_pdf_text(item.path)
        text = t.text
        events.append(ev.Event(
            event_type=ev.METADATA_EXTRACTION, object=item.object_id,
            outcome="success" if t.text is not None else "warning",
            detail=f"full text: {len(t.text or '')} characters from {t.pages} page(s)"
            + (" (truncated)" if t.truncated else ""),
            outcome_detail={"characters": len(t.text or ""), "pages": t.pages, "error": t.error},
        ))
    if item.reliability is Reliability.DIGITISED and pdfa.error is None:
        # Circular 05/2025 Art. 8: two-layer PDF/A, >= 24-bit colour, 200 dpi (300 for maps/drawings)
        findings += check_digitised(scan_facts(item.path, pdfa), load_digitisation_rule(),
                                    doc_type_code=item.doc_type_code, received=item.received or date.today(),
                                    **where)
    return Inspection(fmt, tuple(findings), tuple(events), sig, pdfa, text)


def _read_text(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            data = f.read(TEXT_LIMIT)
        import unicodedata

        return unicodedata.normalize("NFC", decode_text(data))
    except OSError:
        return None


# ---------------------------------------------------------------------------------------
# Phase 2: veraPDF verdict, PDF findings, preservation copy


def _copy_path(item: FileCheckItem) -> Path:
    rel = PurePosixPath(item.relpath.replace("\\", "/"))
    parts = [p for p in rel.parent.parts if p not in ("", ".", "..", "/")]
    base = item.out_dir if item.out_dir is not None else item.path.parent / "_preservation"
    return base.joinpath(*parts, rel.stem + ".pdfa.pdf")


def _finish(item: FileCheckItem, insp: Inspection, cfg: CheckConfig,
            vera: verapdf.VeraPdfOutcome | None, time_left: float | None = None) -> FileCheckResult:
    t0 = time.monotonic()
    fpol, _ = _policies(cfg)
    where = item.where
    findings = list(insp.findings)
    events = list(insp.events)
    fmt = insp.format
    pdfa = insp.pdfa
    copy: Path | None = None
    if pdfa is not None:
        if vera is not None and vera.compliant is not None:
            pdfa = replace(pdfa, verapdf_compliant=vera.compliant, verapdf_failed_rules=vera.failed_rules)
        if pdfa.is_pdfa and pdfa.pdfa_part is not None:
            # veraPDF's verdict when it ran: it sets the PUID and whether a copy is made.
            fmt = as_pdfa(fmt, pdfa.pdfa_part, pdfa.pdfa_conformance, policy=fpol)
        findings += pdf_findings(pdfa, **where)
        if pdfa.error is None or pdfa.needs_password:
            events.append(ev.Event(
                event_type=ev.VALIDATION, object=item.object_id,
                outcome="success" if pdfa.is_pdfa else ("failure" if pdfa.error else "warning"),
                detail=(f"PDF {pdfa.version}; claims {pdfa.pdfa_label or 'no PDF/A'}; "
                        f"{'conforms' if pdfa.is_pdfa else 'not PDF/A'}"
                        f" ({'veraPDF' if pdfa.verapdf_compliant is not None else 'in-process checks'})"),
                outcome_detail={k: v for k, v in pdfa.to_dict().items() if k != "images"},
            ))
        if vera is not None and vera.compliant is None and vera.error:
            findings.append(finding(
                fc.VERAPDF_FAILED,
                f"veraPDF không kiểm tra được tệp này ({vera.error[:200]}); dùng kết quả kiểm tra nội bộ.",
                f"veraPDF could not validate this file ({vera.error[:200]}); using the in-process checks.",
                **where,
            ))
        if cfg.migrate and cfg.pdfa_copies and pdfa.error is None and not pdfa.is_pdfa:
            # leave Ghostscript less than the worker limit so its own timeout reports first
            copy, mig_findings, mig_event = _migrate(item, cfg, time_left * 0.8 if time_left else None)
            findings += mig_findings
            if mig_event is not None:
                events.append(mig_event)
    remaining = time_left - (time.monotonic() - t0) if time_left else None
    evidence, ev_findings, ev_event = keep_evidence(item, cfg, insp.sig, remaining) if cfg.migrate else (None, [], None)
    findings += ev_findings
    events += [ev_event] if ev_event is not None else []
    return FileCheckResult(
        relpath=item.relpath,
        format=fmt,
        findings=findings,
        events=events,
        signatures=list(insp.sig.signatures) if insp.sig else [],
        signature_status=insp.sig.status if insp.sig and insp.sig.error is None else None,
        pdfa=pdfa,
        text=insp.text,
        preservation_copy=copy,
        signature_evidence=evidence,
    )


def _migrate(item: FileCheckItem, cfg: CheckConfig, time_left: float | None
             ) -> tuple[Path | None, list[Finding], ev.Event | None]:
    where = item.where
    dest = _copy_path(item)
    if dest.resolve() == item.path.resolve():
        dest = dest.with_name(dest.stem + ".copy.pdf")
    r = ghostscript.convert_to_pdfa(item.path, dest, gs=cfg.ghostscript, part=2, timeout=time_left)
    if r.status is ghostscript.ConversionStatus.NOT_INSTALLED:
        return None, [ghostscript.missing_finding(**where)], None
    detail = {"source": item.relpath, "target_format": "PDF/A-2b", "tool": f"Ghostscript {r.version or ''}".strip(),
              "exit_code": r.exit_code, "message": r.message[-500:]}
    if not r.ok:
        return None, [finding(
            fc.PDFA_MIGRATION_FAILED,
            f"Không tạo được bản bảo quản PDF/A-2b ({r.status.value}: {r.message[-200:]}). Bản gốc vẫn được lưu; "
            "kiểm tra tệp hoặc chuyển đổi thủ công.",
            f"Could not make the PDF/A-2b preservation copy ({r.status.value}: {r.message[-200:]}). "
            "The original is kept; check the file or convert it by hand.",
            details=detail, **where,
        )], ev.Event(ev.MIGRATION, item.object_id, "failure", "PDF/A-2b preservation copy failed", detail)
    detail["output"] = str(dest)
    return dest, [], ev.Event(ev.MIGRATION, item.object_id, "success",
                              "PDF/A-2b preservation copy made beside the original", detail)


# ---------------------------------------------------------------------------------------
# Public entry points


def check_file(
    path: Path,
    *,
    relpath: str,
    document: str | None,
    dossier: str | None,
    reliability: Reliability,
    settings: Settings,
    out_dir: Path,
) -> FileCheckResult:
    """Check one file in this process (no time limit; runs veraPDF for this file if present).

    Prefer :func:`check_files` for a transfer: it isolates hostile files and starts
    veraPDF once for all of them.
    """
    item = FileCheckItem(Path(path), relpath, document, dossier, reliability, Path(out_dir))
    cfg = CheckConfig.from_settings(settings)
    ident = identify_formats([item.path], policy=load_format_policy(cfg.format_policy), exe=cfg.siegfried,
                             timeout=cfg.pdf_timeout_s)
    insp = _inspect(item, cfg, ident.formats.get(str(item.path)))
    vera = None
    notices: list[Finding] = list(ident.findings)
    if insp.pdfa is not None and insp.pdfa.claims_pdfa and insp.pdfa.error is None:
        outcomes, installed = verapdf.outcomes_for([item.path], cfg.verapdf, timeout=cfg.pdf_timeout_s)
        vera = outcomes.get(str(item.path))
        if not installed:
            notices.append(verapdf.verapdf_missing_finding())
    res = _finish(item, insp, cfg, vera, cfg.pdf_timeout_s)
    return replace(res, findings=notices + res.findings) if notices else res


def _worker_task(stage: str, item: FileCheckItem, cfg: CheckConfig, extra: Any = None) -> Any:
    """Runs inside the worker process.

    ``inspect`` finishes the file in the same call when the second phase has nothing to
    wait for: no veraPDF verdict (the file claims no PDF/A) and no outside work
    (preservation copy, evidence from a TSA), which saves a round trip per file."""
    if stage == "inspect":
        insp = _inspect(item, cfg, extra)
        return insp if _needs_second_call(insp, cfg) else _finish(item, insp, cfg, None, None)
    insp, vera, time_left = extra
    return _finish(item, insp, cfg, vera, time_left)


def _vera_candidate(insp: Inspection | FileCheckResult) -> bool:
    return insp.pdfa is not None and insp.pdfa.claims_pdfa and insp.pdfa.error is None


def _needs_second_call(insp: Inspection, cfg: CheckConfig) -> bool:
    return _vera_candidate(insp) or (cfg.migrate and (cfg.pdfa_copies or bool(cfg.tsa_url)))


def _failed_result(item: FileCheckItem, cfg: CheckConfig, outcome: Any, fmt: FormatInfo | None) -> FileCheckResult:
    where = item.where
    if fmt is None:
        fmt = identify_format(item.path, policy=load_format_policy(cfg.format_policy))
    if outcome.timed_out:
        f = finding(
            fc.PDF_TIMEOUT,
            f"Kiểm tra tệp vượt quá {cfg.pdf_timeout_s:g} giây và đã bị dừng; tệp có thể bị hỏng hoặc cố ý gây hại. "
            "Gửi lại tệp từ bản gốc, hoặc tăng LUUTRU_PDF_TIMEOUT_S nếu tệp lớn hợp lệ.",
            f"Checking the file took longer than {cfg.pdf_timeout_s:g} s and was stopped; it may be damaged or hostile. "
            "Resend it from the original, or raise LUUTRU_PDF_TIMEOUT_S for a large valid file.",
            details={"timeout_s": cfg.pdf_timeout_s}, **where,
        )
    else:
        f = finding(
            fc.FILE_CHECK_FAILED,
            f"Không kiểm tra được tệp ({(outcome.error or '')[:200]}). Gửi lại tệp từ bản gốc.",
            f"The file could not be checked ({(outcome.error or '')[:200]}). Resend it from the original.",
            details={"error": (outcome.error or "")[:2000], "crashed": outcome.crashed}, **where,
        )
    event = ev.Event(ev.VALIDATION, item.object_id, "failure", f.message_en[:200], {"code": f.code})
    return FileCheckResult(item.relpath, fmt, [f], [event])


ProgressFn = Callable[[int, int], None]


def check_files(
    items: Iterable[FileCheckItem],
    settings: Settings,
    progress: ProgressFn | None = None,
    *,
    out_dir: Path | None = None,
    config: CheckConfig | None = None,
    on_result: Callable[[int, FileCheckResult], None] | None = None,
    known_formats: dict[str, FormatInfo] | None = None,
) -> BatchCheckResult:
    """Check a batch of files; see :class:`BatchCheckResult`.

    Preservation copies go to ``item.out_dir`` or else ``out_dir`` (keeping the relpath's
    folders).  Batch-level findings concern the whole transfer, e.g. VERAPDF_NOT_INSTALLED
    (once).  ``progress(done, total)``: after each file of each of the two passes (total =
    2 × files; a file finished in its first call, :func:`_worker_task`, counts for the
    second pass at the end).  ``on_result(index, result)``: each file's final result once,
    in this thread, as soon as it is known.  ``known_formats``: formats already identified
    (``pronom.judged_as``), by ``str(item.path)``."""
    cfg = config or CheckConfig.from_settings(settings)
    items = [it if it.out_dir is not None or out_dir is None else replace(it, out_dir=Path(out_dir))
             for it in items]
    total = len(items)
    timeout = max(cfg.pdf_timeout_s, 0.1)
    told: set[int] = set()

    def tell(i: int, res: Any) -> None:
        if on_result is not None and isinstance(res, FileCheckResult) and i not in told:
            told.add(i)
            on_result(i, res)

    paths = [it.path for it in items]
    with pool_class(paths, known_formats)(_worker_task, pool_size(total), preload=imports_for(paths)) as pool:
        pool.start()  # the workers start while Siegfried identifies the formats (one run, before any check)
        ident = identify_rest(paths, known_formats or {}, exe=cfg.siegfried,
                              policy=load_format_policy(cfg.format_policy), timeout=timeout + 0.2 * total)
        batch_findings: list[Finding] = list(ident.findings)
        fmts = [ident.formats.get(str(item.path)) for item in items]
        outs = pool.map([("inspect", item, cfg, fmt) for item, fmt in zip(items, fmts)], timeout=timeout,
                        done=lambda n: progress(n, total * 2) if progress else None,
                        each=lambda i, out: tell(i, out.value) if out.ok else None)
        inspections = [out.value if out.ok else _failed_result(item, cfg, out, fmt)
                       for item, fmt, out in zip(items, fmts, outs)]
        outcomes = _verapdf_outcomes(items, inspections, cfg, timeout, batch_findings)
        todo = [(i, ("finish", item, cfg, (insp, outcomes.get(str(item.path)), timeout)))
                for i, (item, insp) in enumerate(zip(items, inspections)) if isinstance(insp, Inspection)]
        finished = dict(zip((i for i, _ in todo), pool.map(
            [call for _, call in todo], timeout=timeout,
            done=lambda n: progress(total + n + total - len(todo), total * 2) if progress else None)))
        if progress and not todo:  # every file was finished in its first call
            progress(total * 2, total * 2)
        results: list[FileCheckResult] = []
        for i, (item, insp) in enumerate(zip(items, inspections)):
            out = finished.get(i)
            results.append(insp if out is None else out.value if out.ok else _failed_result(item, cfg, out, insp.format))
            tell(i, results[-1])
        restarts = pool.restarts
    if not cfg.tsa_url and any(r.signature_status is SignatureStatus.VALID for r in results):
        batch_findings.append(not_configured_finding())
    return BatchCheckResult(results, batch_findings, restarts)


def _verapdf_outcomes(items: list[FileCheckItem], inspections: list[Any], cfg: CheckConfig, timeout: float,
                      batch_findings: list[Finding]) -> dict[str, verapdf.VeraPdfOutcome]:
    """One veraPDF run over the files that claim PDF/A; VERAPDF_NOT_INSTALLED once when a PDF was read."""
    candidates = [it.path for it, insp in zip(items, inspections) if isinstance(insp, Inspection)
                  and _vera_candidate(insp)]
    if not any(i.pdfa is not None for i in inspections):  # no PDF read (finished or not)
        return {}
    outcomes, installed = verapdf.outcomes_for(candidates, cfg.verapdf, timeout=timeout * max(len(candidates), 1))
    if not installed:
        batch_findings.append(verapdf.verapdf_missing_finding())
    return outcomes
