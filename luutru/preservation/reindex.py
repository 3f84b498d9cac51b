"""Rebuild the catalog and the search index from the AIPs in storage alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import delete

import luutru.catalog.index_retries as index_retries
import luutru.catalog.models as m
from luutru.catalog.records import AipMetadata, load_aip_metadata
from luutru.packaging.sip.aip_xml import read_aip_xml
from luutru.preservation.commit import index as index_aip
from luutru.preservation.commit import record
from luutru.preservation.revisions import reader, xml_revision
from luutru.services import Services


@dataclass
class ReindexReport:
    aips: int = 0
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (aip id, reason)
    index_failed: list[tuple[str, str]] = field(default_factory=list)
    # AIPs whose METS/EAD/PREMIS (data/METS.xml …) disagree with their JSON metadata, or are damaged
    xml_mismatch: list[tuple[str, str]] = field(default_factory=list)
    xml_checked: int = 0  # AIPs whose METS/EAD/PREMIS were read and compared


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
        why = _xml_disagrees(services, aip_id, meta)
        if why is not None:
            rep.xml_checked += 1
            if why:
                rep.xml_mismatch.append((aip_id, why))
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


def _strip(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "_service"}


def _xml_disagrees(services: Services, aip_id: str, meta: AipMetadata) -> str | None:
    """Read the AIP's METS/EAD/PREMIS and compare them with its JSON metadata.

    None: the AIP has no ``data/METS.xml`` (built before AIPs carried it); "": they agree;
    otherwise what differs.  The JSON stays what the catalog is rebuilt from (the newest
    revision's).  The XML is rewritten by every revision that changes the JSON
    (:mod:`.revision_xml`); an AIP whose later revisions predate that keeps the XML of an
    earlier revision, so the XML is compared with the JSON of the revision that wrote it.
    """
    if "data/METS.xml" not in set(services.storage.list_files(aip_id)):
        return None
    revs = reader(services.storage, aip_id)
    written = xml_revision(revs)
    if written != meta.revision:
        meta = load_aip_metadata(services.storage, aip_id, with_text=False, version=written)

    try:
        x = read_aip_xml(revs.read)
    except Exception as e:  # noqa: BLE001 - a damaged XML file is reported, the catalog still rebuilds
        return f"METS/EAD/PREMIS unreadable: {e}"
    if x.findings:
        return "; ".join(f.message_en for f in x.findings)
    if x.dossier != _strip(meta.dossier):
        return "EAD.xml dossier fields differ from dossier.json"
    docs = sorted((_strip(d) for d in meta.documents),
                  key=lambda d: (d.get("so_thu_tu") or 0, d.get("ma_dinh_danh_van_ban") or ""))
    if x.documents != docs:
        return "EAD_doc_*.xml document fields differ from documents.json"
    if x.events != meta.events:
        return "PREMIS.xml events differ from premis.json"
    return ""
