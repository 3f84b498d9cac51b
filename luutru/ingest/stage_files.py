"""Step 4 of the ingest: every file into its dossier's bag, hashed once.

A permanent record is copied and hashed in one pass.  A fixed-term record (stored
encrypted) is hard-linked: :func:`stage` only makes the link, and :func:`read_staged`
— run on a second thread while the file checks read those links — hashes it and
encrypts it in one read (``Storage.encrypt_staged``).  A file that changes between its
link and the end of that read is a FILE_CHANGED_DURING_INGEST error: the checks may
have seen other bytes than those hashed.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any, Callable

import luutru.records.events as ev
import luutru.records.finding_codes.ingest as fc
from luutru.ingest.files import FileMatch
from luutru.ingest.transfer_item import (
    IngestContext,
    Progress,
    StagedDossier,
    TransferItem,
)
from luutru.preservation.aip import AipBuilder, Component
from luutru.records.findings import Finding, finding
from luutru.records.model import DocumentRecord, DossierRecord


def serialised(progress: Progress) -> Progress:
    """``progress`` called by one thread at a time (staging reads and checks report together)."""
    lock = threading.Lock()

    def call(stage: str, done: int, total: int) -> None:
        with lock:
            progress(stage, done, total)

    return call


def _checksum_events(b: AipBuilder, doc: DocumentRecord, comp: Component, where: dict[str, Any]) -> list[Finding]:
    """PREMIS events of the copy, and the declared checksum compared with the one computed."""
    b.events.append(ev.Event(ev.MESSAGE_DIGEST, comp.path, "success", "SHA-256 computed while copying",
                             {"sha256": comp.sha256, "size": comp.size}))
    if not doc.sha256:
        return []
    if doc.sha256 == comp.sha256:
        b.events.append(ev.Event(ev.FIXITY_CHECK, comp.path, "success", "declared checksum matches",
                                 {"sha256": comp.sha256}))
        return []
    b.events.append(ev.Event(ev.FIXITY_CHECK, comp.path, "failure", "declared checksum differs",
                             {"expected": doc.sha256, "found": comp.sha256}))
    return [finding(
        fc.CHECKSUM_MISMATCH,
        f"Văn bản {doc.identifier}: mã băm SHA-256 của tệp '{doc.path}' là {comp.sha256}, khác với mục lục "
        f"({doc.sha256}). Tệp có thể bị hỏng hoặc bị thay. Sửa: gửi lại đúng tệp hoặc sửa mã băm.",
        f"Document {doc.identifier}: SHA-256 of '{doc.path}' is {comp.sha256}, not {doc.sha256} as catalogued. "
        "The file may be damaged or replaced. Fix: resend the right file or correct the checksum.",
        details={"expected": doc.sha256, "found": comp.sha256}, **where)]


def _stage_dossier(ctx: IngestContext, d: DossierRecord, docs: list[DocumentRecord],
                   matches: dict[str, FileMatch], bump: Callable[[int], None]) -> tuple[StagedDossier, list[Finding]]:
    b = AipBuilder(ctx.staging_root / d.code, d, ctx.transfer_id,
                   encrypt=partial(ctx.services.storage.encrypt_staged, d.code),
                   hold=getattr(ctx.services.storage, "reads_held_bags", False))
    b.documents = docs
    originals: dict[str, Component] = {}
    findings: list[Finding] = []
    for doc in docs:
        match = matches.get(doc.identifier)
        if match is None:
            continue
        comp = b.add_original(doc, match.disk_path, bump, defer=True)
        originals[doc.identifier] = comp
        if comp.sha256:  # copied (and hashed); a linked file is hashed by read_staged
            findings += _checksum_events(b, doc, comp, _where(d.code, doc))
    return StagedDossier(d, docs, b, originals), findings


def _where(code: str, doc: DocumentRecord) -> dict[str, Any]:
    return {"dossier": code, "document": doc.identifier, "file": doc.path}


def _bump(item: TransferItem, ctx: IngestContext) -> Callable[[int], None]:
    done, total = 0, item.report.bytes

    def bump(n: int) -> None:
        nonlocal done
        done += n
        ctx.progress("copy", done, total)

    return bump


def stage(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Step 4: copy every file into its dossier's bag, hashing in the same pass; a fixed-term
    record is linked, and read by :func:`read_staged`."""
    bump = _bump(item, ctx)

    findings: list[Finding] = []
    for code, d in item.cat.dossiers.items():
        staged, found = _stage_dossier(ctx, d, item.cat.documents_of(code), item.matches, bump)
        if item.sip is not None:  # the sender's preservation history comes first in the new AIP
            staged.builder.events[:0] = [ev.Event.from_dict(e) for e in item.sip.events.get(code, [])]
        item.staged.append(staged)
        findings += found
    return findings


def read_staged(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Hash (and encrypt) the originals :func:`stage` linked; their checksum findings, and
    FILE_CHANGED_DURING_INGEST for a file that changed since it was linked."""
    findings: list[Finding] = []
    bump = _bump(item, ctx)
    for sd in item.staged:
        docs = {comp.path: doc for doc in sd.documents if (comp := sd.originals.get(doc.identifier))}
        for comp, unchanged in sd.builder.read_deferred(bump):
            doc = docs[comp.path]
            if unchanged:
                findings += _checksum_events(sd.builder, doc, comp, _where(sd.record.code, doc))
                continue
            findings.append(finding(
                fc.FILE_CHANGED_DURING_INGEST,
                f"Văn bản {doc.identifier}: tệp '{doc.path}' bị thay đổi trong khi đang được tiếp nhận. Sửa: không "
                "sửa tệp trong thư mục nộp lưu khi đang tiếp nhận; nộp lại gói.",
                f"Document {doc.identifier}: file '{doc.path}' changed while it was being ingested. Fix: leave the "
                "transfer folder untouched while it is ingested; submit it again.", **_where(sd.record.code, doc)))
    return findings
