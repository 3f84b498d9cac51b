"""Rebuild the catalog and the search index from the AIPs in storage alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import delete

import luutru.catalog.index_retries as index_retries
import luutru.catalog.models as m
from luutru.catalog.records import load_aip_metadata
from luutru.preservation.commit import index as index_aip
from luutru.preservation.commit import record
from luutru.services import Services


@dataclass
class ReindexReport:
    aips: int = 0
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (aip id, reason)
    index_failed: list[tuple[str, str]] = field(default_factory=list)


def reindex(services: Services, *, progress: Callable[[str, int, int], None] | None = None,
            catalog: bool = True, index: bool = True) -> ReindexReport:
    """Derived rows are dropped and rebuilt; tombstones and transfer reports are kept.

    An AIP that cannot be read is reported (and left out), never silently skipped.  The
    catalog rows and the index entry of each AIP are written by the one commit path
    (:mod:`luutru.preservation.commit`), the same as after ingest.
    """
    rep = ReindexReport()
    ids = list(services.storage.list_aips())
    if catalog:
        with services.catalog.session() as s:
            for model in (m.File, m.Document, m.Event, m.Dossier):
                s.execute(delete(model))
            index_retries.drop_all(s)
    idx = services.index if index else None
    if idx is not None:
        begin = getattr(idx, "begin_rebuild", None)
        begin() if begin else idx.clear()
    for i, aip_id in enumerate(ids):
        if progress:
            progress("reindex", i, len(ids))
        try:
            meta = load_aip_metadata(services.storage, aip_id, with_text=index)
        except Exception as e:  # noqa: BLE001 - unreadable AIPs are reported, the rest go on
            rep.failed.append((aip_id, str(e)))
            continue
        if catalog:
            record(services, aip_id, meta)
        if idx is not None:
            warn = index_aip(services, aip_id, meta)  # a failure is queued for retry, as after ingest
            if warn is not None:
                rep.index_failed.append((aip_id, str(warn.details.get("error", warn.message_en))))
        rep.aips += 1
        rep.documents += len(meta.documents)
    if idx is not None:
        finish = getattr(idx, "finish_rebuild", None)
        finish() if finish else idx.commit()
    if progress:
        progress("reindex", len(ids), len(ids))
    return rep
