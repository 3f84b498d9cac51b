"""Read-side queries shared by the CLI and the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

import luutru.catalog.models as m
from luutru.catalog.db import Catalog
from luutru.policies.access import readable, visible_events
from luutru.policies.retention import label_vi


def file_view(f: m.File) -> dict[str, Any]:
    return {"id": f.id, "role": f.role, "path": f.path, "original_name": f.original_name, "size": f.size,
            "sha256": f.sha256, "mime": f.mime, "puid": f.puid, "signature_status": f.signature_status}


def document_view(d: m.Document) -> dict[str, Any]:
    return {"identifier": d.identifier, "dossier_code": d.dossier_code, "sequence": d.sequence, "doc_type": d.doc_type,
            "number": d.number, "notation": d.notation, "issued": d.issued.isoformat(), "issuer": d.issuer,
            "abstract": d.abstract, "access": d.access, "reliability": d.reliability, "metadata": d.meta,
            "files": [file_view(f) for f in d.files]}


def dossier_summary(d: m.Dossier, agency_name: str | None = None) -> dict[str, Any]:
    return {"code": d.code, "agency_code": d.fonds_code, "agency_name": agency_name or d.meta.get("ten_co_quan"),
            "year": d.year, "number": d.number, "title": d.title,
            "retention": label_vi(d.retention_years),
            "retention_years": d.retention_years, "access": d.access, "start_date": d.start_date.isoformat(),
            "end_date": d.end_date.isoformat(), "status": d.status, "stored_at": d.stored_at, "aip_id": d.aip_id,
            "transfer_id": d.transfer_id, "metadata": d.meta}


def dossier_view(catalog: Catalog, code: str, *, see_restricted: bool = True) -> dict[str, Any] | None:
    with catalog.session() as s:
        d = s.get(m.Dossier, code)
        if d is None or not readable(see_restricted, d.access):
            return None
        docs = [document_view(x) for x in d.documents if readable(see_restricted, x.access)]
        withheld = {w for x in d.documents if not readable(see_restricted, x.access)
                    for w in (x.identifier, *(f.path for f in x.files))}
        events = visible_events(s.scalars(select(m.Event).where(m.Event.dossier_code == code)
                                          .order_by(m.Event.event_datetime)).all(), withheld)
        return {"dossier": dossier_summary(d), "documents": docs,
                "events": [{"type": e.event_type, "object": e.object, "outcome": e.outcome, "detail": e.detail,
                            "at": e.event_datetime, "agent": e.agent} for e in events]}


def document_with_dossier(catalog: Catalog, identifier: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    with catalog.session() as s:
        d = s.get(m.Document, identifier)
        if d is None:
            return None
        return document_view(d), dossier_summary(d.dossier)
