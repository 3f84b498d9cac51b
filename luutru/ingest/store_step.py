"""Step 8 of the ingest: every sealed dossier through the one commit path
(store → catalog → index), the stores running ahead of the catalog on threads."""

from __future__ import annotations

import shutil
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import luutru.packaging.held as held
import luutru.records.finding_codes.ingest as fc
from luutru.ingest.steps import (
    IngestContext,
    StagedDossier,
    TransferItem,
    same_content,
    seal_for_store,
)
from luutru.policies.retention import lock_arguments
from luutru.preservation.actions.plan import needed
from luutru.preservation.commit import IndexBatch, StoreAhead, commit
from luutru.records.findings import Finding, finding
from luutru.records.status import DossierOutcome


def already_stored(code: str) -> Finding:
    return finding(fc.DOSSIER_ALREADY_STORED,
                   f"Hồ sơ {code} đã được lưu trữ trước đây với cùng nội dung; không tạo bản trùng.",
                   f"Dossier {code} was already preserved with the same content; no duplicate made.", dossier=code)


def commit_dossiers(item: TransferItem, ctx: IngestContext) -> list[Finding]:
    """Step 8: seal each dossier and send it through the one commit path (store → catalog → index).

    A dossier already stored with the same content is not stored again, but its catalog
    rows and index entry are written again (a crash may have cut the first run short).
    """
    findings: list[Finding] = []
    outcomes = {o.code: o for o in item.report.dossiers}
    services = ctx.services
    ahead: deque[tuple[int, StagedDossier, Path | None, Future[bool] | None]] = deque()
    upcoming = iter(enumerate(item.staged))

    def launch(storer: StoreAhead) -> None:
        """Seal the next dossier and start storing it (a stored one is only catalogued again)."""
        nxt = next(upcoming, None)
        if nxt is not None:
            i, sd = nxt
            code = sd.record.code
            bag = None if item.existing.get(code) else seal_for_store(ctx, sd, outcomes[code].warnings)
            ahead.append((i, sd, bag, None if bag is None else storer.submit(
                code, bag, lock=lock_arguments(sd.record), same_content=lambda meta, sd=sd: same_content(meta, sd))))

    # one index commit for the transfer; staging of a stored dossier removed in the background
    with IndexBatch(services) as batch, ThreadPoolExecutor(1, thread_name_prefix="staging-rm") as cleaner, \
            StoreAhead(services) as storer:
        for _ in range(storer.depth):
            launch(storer)
        while ahead:
            i, sd, bag, storing = ahead.popleft()
            code = sd.record.code
            ctx.progress("store", i, len(item.staged))
            if bag is None:
                outcomes[code].status = DossierOutcome.ALREADY_STORED.value
                findings.append(already_stored(code))
            launch(storer)  # its store overlaps this dossier's catalog and index writes
            done = commit(services, code, bag, storing=storing, checkpoint=services.checkpoint, batched=batch.active)
            if done.stored:
                outcomes[code].status = DossierOutcome.STORED.value
            outcomes[code].aip = code
            item.committed[code] = needed(done.meta)  # its preservation actions, queued after acceptance
            if done.index_warning:
                findings.append(done.index_warning)
            else:
                batch.codes.append(code)
            held.release(ctx.staging_root / code)  # what the bag held in memory
            for scratch in (ctx.staging_root / code, sd.builder.cipher_dir):  # the bag, its staged ciphertext
                cleaner.submit(shutil.rmtree, scratch, ignore_errors=True)
    findings += batch.findings
    ctx.progress("store", len(item.staged), len(item.staged))
    return findings
