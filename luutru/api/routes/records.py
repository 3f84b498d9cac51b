"""JSON API of the records: a dossier, a document, the bytes of a file.

Each answers within the caller's rights (:func:`luutru.api.access.may_see`): a record
outside them answers 404, as if absent.  Showing a restricted record and every file
download are written to the audit trail.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Iterator
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import StreamingResponse

from luutru.api.access import file_context, may_see, visible_dossier, visible_tombstone
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.api.views import RowId, audit_restricted_view, restricted
from luutru.audit.trail import record_action
from luutru.catalog.queries import document_with_dossier
from luutru.records.status import Outcome
from luutru.services import Services

router = APIRouter(tags=["records"])
DOWNLOAD_CHUNK = 1024 * 1024


@router.get("/api/dossiers/{code}")
def api_dossier(code: str, svc: Services = Depends(get_services),
                who: Principal = Depends(require(Perm.RECORDS_READ))) -> dict[str, Any]:
    """A dossier with its documents and events (``records:read``, within the caller's rights)."""
    view = visible_dossier(svc, who.rights, code)
    if view is None:
        gone = visible_tombstone(svc, who.rights, code)
        if gone is not None:  # destroyed under an approved list: 410 with what remains of it
            raise HTTPException(410, detail={"message_vi": f"Hồ sơ {code} đã bị tiêu hủy ({gone['destroyed_at']}, "
                                                           f"danh mục {gone['list_id']}).",
                                             "message_en": f"Dossier {code} was destroyed ({gone['destroyed_at']}, "
                                                           f"list {gone['list_id']}).", "tombstone": gone})
        raise HTTPException(404, "Không có hồ sơ này / no such dossier")
    audit_restricted_view(svc, who, view)
    return view


@router.get("/api/documents/{identifier}")
def api_document(identifier: str, svc: Services = Depends(get_services),
                 who: Principal = Depends(require(Perm.RECORDS_READ))) -> dict[str, Any]:
    """One document with its dossier (``records:read``)."""
    found = document_with_dossier(svc.catalog, identifier)
    if found is None:
        raise HTTPException(404, "Không có văn bản này / no such document")
    doc, dossier = found
    if not may_see(who.rights, dossier["agency_code"], doc["access"], dossier["access"]):
        raise HTTPException(404, "Không có văn bản này / no such document")
    if restricted(doc["access"]) or restricted(dossier["access"]):
        record_action(svc, who, "record.view_restricted", f"document:{identifier}", Outcome.SUCCESS)
    return {"document": doc, "dossier": dossier}


def _chunks(fh: BinaryIO) -> Iterator[bytes]:
    """The file in chunks, closed when the response ends (or the client goes away)."""
    try:
        while chunk := fh.read(DOWNLOAD_CHUNK):
            yield chunk
    finally:
        fh.close()


@router.get("/api/files/{file_id}")
def api_file(file_id: RowId, svc: Services = Depends(get_services),
             who: Principal = Depends(require(Perm.RECORDS_READ))):
    """The bytes of one file (original, preservation copy, text), streamed; every download is audited."""
    ctx = file_context(svc, file_id)
    if ctx is None or not may_see(who.rights, ctx["agency"], ctx["doc_access"], ctx["dossier_access"]):
        raise HTTPException(404, "Không có tệp này / no such file")
    f = ctx["file"]
    fh = svc.storage.open_file(ctx["aip_id"], f.path)
    record_action(svc, who, "file.download", f"file:{file_id}", Outcome.SUCCESS,
                  {"document": ctx["document"], "role": f.role, "sha256": f.sha256,
                   "restricted": restricted(ctx["doc_access"]) or restricted(ctx["dossier_access"])})
    return StreamingResponse(_chunks(fh), media_type=f.mime or "application/octet-stream", headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(f.original_name.split('/')[-1])}",
        "Content-Length": str(f.size), "X-Checksum-SHA256": f.sha256})
