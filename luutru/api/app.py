"""The FastAPI application: transfers, reports, search, dossiers, documents, files."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..catalog import models as m
from ..catalog.queries import document_with_dossier, dossier_view, file_row
from ..config import Settings
from ..context import Services
from ..search.query import Rights, SearchQuery
from .deps import get_rights, get_services
from .jobs import IngestJobs

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
UPLOAD_CHUNK = 1024 * 1024


def _restricted(access: str) -> bool:
    return access == "han_che"


# Routers of other areas, each an APIRouter named ``router`` in its own module.
AREA_ROUTERS = (
    "luutru.api.routes_storage",
    "luutru.api.routes_disposal",
    "luutru.api.routes_export",
    "luutru.api.routes_accounts",
    "luutru.api.routes_ui",
)


def _include_area_routers(app: FastAPI) -> None:
    import importlib

    for module in AREA_ROUTERS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name and (module == e.name or module.startswith(e.name + ".")):
                continue
            raise
        app.include_router(mod.router)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    services = services or Services(settings or Settings())
    app = FastAPI(title="Lưu trữ API", version=__version__,
                  description="Tiếp nhận, bảo quản và khai thác tài liệu lưu trữ điện tử / "
                              "ingest, preservation and access of electronic archival records.")
    app.state.services = services
    app.state.settings_token = os.environ.get("LUUTRU_API_TOKEN")
    app.state.jobs = IngestJobs(services)

    @app.post("/api/transfers", status_code=202, tags=["transfers"])
    async def post_transfer(request: Request, file: UploadFile = File(...),
                            svc: Services = Depends(get_services)) -> dict[str, Any]:
        """Upload a transfer as a .zip; ingest runs in the background. Poll the returned URL."""
        job_id = str(uuid.uuid4())
        up_dir = svc.settings.work_dir / f"upload-{job_id}"
        up_dir.mkdir(parents=True)
        name = Path(file.filename or "transfer.zip").name
        target = up_dir / name
        size = 0
        try:
            with open(target, "wb") as out:
                while chunk := await file.read(UPLOAD_CHUNK):
                    size += len(chunk)
                    if size > svc.settings.max_upload_bytes:
                        raise HTTPException(413, "Gói quá lớn / transfer too large")
                    out.write(chunk)
        except BaseException:
            shutil.rmtree(up_dir, ignore_errors=True)
            raise
        st = request.app.state.jobs.submit(job_id, target, name, cleanup=up_dir)
        return {"id": job_id, "status": st.status, "bytes": size, "url": f"/api/transfers/{job_id}"}

    @app.get("/api/transfers/{transfer_id}", tags=["transfers"])
    def get_transfer(transfer_id: str, request: Request, svc: Services = Depends(get_services)) -> dict[str, Any]:
        """Status, progress and (when done) the full report with every finding."""
        st = request.app.state.jobs.get(transfer_id)
        with svc.catalog.session() as s:
            row = s.get(m.Transfer, transfer_id)
            out: dict[str, Any] = {"id": transfer_id}
            if st is not None:
                out["progress"] = st.to_dict()
                out["status"] = st.status
            if row is not None:
                out["status"] = row.status if row.status != "running" or st is None else st.status
                out["source"] = row.source_name
                out["received_at"] = row.received_at
                out["report"] = row.report
        if st is None and len(out) == 1:
            raise HTTPException(404, "Không có gói nộp lưu này / no such transfer")
        return out

    @app.get("/api/transfers", tags=["transfers"])
    def list_transfers(svc: Services = Depends(get_services)) -> list[dict[str, Any]]:
        with svc.catalog.session() as s:
            rows = s.query(m.Transfer).order_by(m.Transfer.received_at.desc()).limit(200).all()
            return [{"id": r.id, "source": r.source_name, "status": r.status, "received_at": r.received_at,
                     "dossiers": r.dossier_count, "documents": r.document_count} for r in rows]

    @app.get("/api/search", tags=["search"])
    def api_search(q: str = "", agency: str | None = None, year: int | None = None, kind: str | None = None,
                   page: int = 1, size: int = 20, svc: Services = Depends(get_services),
                   rights: Rights = Depends(get_rights)) -> dict[str, Any]:
        """Full-text search with or without diacritics; restricted records only for callers with rights."""
        query = SearchQuery(text=q, agencies=[agency] if agency else None, year_from=year, year_to=year, kind=kind,
                            page=page, size=min(size, 100))
        return svc.index.search(query, rights).to_dict()

    @app.get("/api/dossiers/{code}", tags=["records"])
    def api_dossier(code: str, svc: Services = Depends(get_services), rights: Rights = Depends(get_rights)) -> dict[str, Any]:
        view = dossier_view(svc, code, see_restricted=rights.see_restricted)
        if view is None:
            raise HTTPException(404, "Không có hồ sơ này / no such dossier")
        return view

    @app.get("/api/documents/{identifier}", tags=["records"])
    def api_document(identifier: str, svc: Services = Depends(get_services),
                     rights: Rights = Depends(get_rights)) -> dict[str, Any]:
        found = document_with_dossier(svc, identifier)
        if found is None:
            raise HTTPException(404, "Không có văn bản này / no such document")
        doc, dossier = found
        if not rights.see_restricted and (_restricted(doc["access"]) or _restricted(dossier["access"])):
            raise HTTPException(404, "Không có văn bản này / no such document")
        return {"document": doc, "dossier": dossier}

    @app.get("/api/files/{file_id}", tags=["records"])
    def api_file(file_id: int, svc: Services = Depends(get_services), rights: Rights = Depends(get_rights)):
        found = file_row(svc, file_id)
        if found is None:
            raise HTTPException(404, "Không có tệp này / no such file")
        f, aip_id, doc_access, dossier_access = found
        if not rights.see_restricted and (_restricted(doc_access) or _restricted(dossier_access)):
            raise HTTPException(404, "Không có tệp này / no such file")
        fh = svc.storage.open_file(aip_id, f.path)

        def stream():
            try:
                while chunk := fh.read(UPLOAD_CHUNK):
                    yield chunk
            finally:
                fh.close()

        from urllib.parse import quote

        return StreamingResponse(stream(), media_type=f.mime or "application/octet-stream", headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(f.original_name.split('/')[-1])}",
            "Content-Length": str(f.size), "X-Checksum-SHA256": f.sha256})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, q: str = "", svc: Services = Depends(get_services),
             rights: Rights = Depends(get_rights)) -> Any:
        res = svc.index.search(SearchQuery(text=q, size=30), rights) if q else None
        return TEMPLATES.TemplateResponse(request, "home.html", {"q": q, "res": res})

    @app.get("/ho-so/{code}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(code: str, request: Request, svc: Services = Depends(get_services),
                     rights: Rights = Depends(get_rights)) -> Any:
        view = dossier_view(svc, code, see_restricted=rights.see_restricted)
        if view is None:
            raise HTTPException(404, "Không có hồ sơ này / no such dossier")
        return TEMPLATES.TemplateResponse(request, "dossier.html", {"v": view})

    _include_area_routers(app)

    @app.exception_handler(FileNotFoundError)
    async def not_found(_req: Request, exc: FileNotFoundError) -> JSONResponse:
        return JSONResponse({"detail": f"Không tìm thấy / not found: {exc}"}, status_code=404)

    return app
