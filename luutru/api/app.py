"""The FastAPI application: transfers, reports, search, dossiers, documents, files.

Every route declares its permission (``Depends(require(Perm.X))``, see
:mod:`luutru.api.auth`); the web pages live in :mod:`luutru.api.routes.ui`, accounts and
the audit trail in :mod:`luutru.api.routes.accounts`.  The JSON API works without the
web UI; OpenAPI docs are at ``/docs``.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.exceptions import HTTPException as FastAPIHTTPException
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from fastapi.templating import Jinja2Templates

import luutru.api.routes.accounts as routes_accounts
import luutru.api.routes.disposal as routes_disposal
import luutru.api.routes.transfer_out as routes_transfer_out
import luutru.api.routes.ui as routes_ui
import luutru.catalog.models as m
from luutru import __version__
from luutru.api.access import (
    file_context,
    may_see,
    may_see_transfer,
    note_submission,
    transfer_ids_of,
)
from luutru.api.auth import Perm, Principal, get_principal, require
from luutru.api.deps import get_services
from luutru.api.jobs import IngestJobs
from luutru.api.oidc import session_secret
from luutru.api.routes.ui import error_page
from luutru.api.views import audit_restricted_view, restricted, search_query
from luutru.audit.trail import DENIED, FAILURE, REQUEST_SCOPE, SUCCESS, record_action
from luutru.catalog.queries import document_with_dossier, dossier_view
from luutru.config import AuthSettings, Settings
from luutru.jobs import resume as resume_jobs
from luutru.search.base import QueryError, SearchUnavailable
from luutru.search.query import SearchQuery
from luutru.services import Services

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
UPLOAD_CHUNK = 1024 * 1024


# Routers of the areas, each an APIRouter named ``router`` in its own module.
AREA_ROUTERS = (routes_disposal, routes_transfer_out, routes_accounts, routes_ui)


def _include_area_routers(app: FastAPI) -> None:
    for mod in AREA_ROUTERS:
        app.include_router(mod.router)


def create_app(settings: Settings | None = None, services: Services | None = None,
               auth: AuthSettings | None = None) -> FastAPI:
    services = services or Services(settings or Settings())
    app = FastAPI(title="Lưu trữ API", version=__version__,
                  description="Tiếp nhận, bảo quản và khai thác tài liệu lưu trữ điện tử / "
                              "ingest, preservation and access of electronic archival records. "
                              "Authenticate with `Authorization: Bearer <token>` (`luutru user token`) or a web "
                              "login; each route names its permission.")
    app.state.services = services
    app.state.auth = auth or services.settings.auth
    app.state.jobs = IngestJobs(services)
    # Jobs a killed server left running are taken again at once (luutru.jobs.resume).
    app.add_event_handler("startup", lambda: resume_jobs(services))

    @app.post("/api/transfers", status_code=202, tags=["transfers"])
    async def post_transfer(request: Request, file: UploadFile = File(...),
                            svc: Services = Depends(get_services),
                            who: Principal = Depends(require(Perm.TRANSFERS_SUBMIT))) -> dict[str, Any]:
        """Upload a transfer as a .zip; ingest runs in the background. Poll the returned URL.

        Permission ``transfers:submit``.  A submitter's transfer may hold only dossiers of
        their own agency; others are rejected with finding ``AGENCY_NOT_PERMITTED``."""
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
            record_action(svc, who, "transfer.upload", f"transfer:{job_id}", FAILURE, {"source": name, "bytes": size})
            raise
        note_submission(svc, job_id, who)
        record_action(svc, who, "transfer.upload", f"transfer:{job_id}", SUCCESS, {"source": name, "bytes": size})
        st = request.app.state.jobs.submit(job_id, target, name, cleanup=up_dir, actor=who.username,
                                           agency=who.agency_code if who.is_submitter else None)
        return {"id": job_id, "status": st.status, "bytes": size, "url": f"/api/transfers/{job_id}"}

    @app.get("/api/transfers/{transfer_id}", tags=["transfers"])
    def get_transfer(transfer_id: str, request: Request, svc: Services = Depends(get_services),
                     who: Principal = Depends(require(Perm.TRANSFERS_READ))) -> dict[str, Any]:
        """Status, progress and (when done) the full report with every finding (``transfers:read``;
        a submitter sees only the transfers they submitted)."""
        if not may_see_transfer(svc, who, transfer_id):
            raise HTTPException(404, "Không có gói nộp lưu này / no such transfer")
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
    def list_transfers(svc: Services = Depends(get_services),
                       who: Principal = Depends(require(Perm.TRANSFERS_READ))) -> list[dict[str, Any]]:
        """Latest transfers (a submitter: their own)."""
        with svc.catalog.session() as s:
            q = s.query(m.Transfer)
            if who.is_submitter:
                q = q.filter(m.Transfer.id.in_(transfer_ids_of(svc, who.username) or [""]))
            rows = q.order_by(m.Transfer.received_at.desc()).limit(200).all()
            return [{"id": r.id, "source": r.source_name, "status": r.status, "received_at": r.received_at,
                     "dossiers": r.dossier_count, "documents": r.document_count} for r in rows]

    @app.get("/api/search", tags=["search"])
    def api_search(query: SearchQuery = Depends(search_query), svc: Services = Depends(get_services),
                   who: Principal = Depends(require(Perm.SEARCH))) -> dict[str, Any]:
        """Full-text search with or without diacritics, with facets (fonds, agency, year, doc_type,
        retention, access).  What is searched follows the caller's rights: anonymous callers and
        researchers without a grant see public records only; a submitter sees their agency only."""
        return svc.index.search(query, who.rights).to_dict()

    @app.get("/api/dossiers/{code}", tags=["records"])
    def api_dossier(code: str, svc: Services = Depends(get_services),
                    who: Principal = Depends(require(Perm.RECORDS_READ))) -> dict[str, Any]:
        """A dossier with its documents and events (``records:read``, within the caller's rights)."""
        rights = who.rights
        view = dossier_view(svc.catalog, code, see_restricted=rights.see_restricted)
        if view is None or not may_see(rights, view["dossier"]["agency_code"]):
            raise HTTPException(404, "Không có hồ sơ này / no such dossier")
        audit_restricted_view(svc, who, view)
        return view

    @app.get("/api/documents/{identifier}", tags=["records"])
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
            record_action(svc, who, "record.view_restricted", f"document:{identifier}", SUCCESS)
        return {"document": doc, "dossier": dossier}

    @app.get("/api/files/{file_id}", tags=["records"])
    def api_file(file_id: int, svc: Services = Depends(get_services),
                 who: Principal = Depends(require(Perm.RECORDS_READ))):
        """The bytes of one file (original, preservation copy, text), streamed; every download is audited."""
        ctx = file_context(svc, file_id)
        if ctx is None or not may_see(who.rights, ctx["agency"], ctx["doc_access"], ctx["dossier_access"]):
            raise HTTPException(404, "Không có tệp này / no such file")
        f = ctx["file"]
        fh = svc.storage.open_file(ctx["aip_id"], f.path)
        record_action(svc, who, "file.download", f"file:{file_id}", SUCCESS,
                      {"document": ctx["document"], "role": f.role, "sha256": f.sha256,
                       "restricted": restricted(ctx["doc_access"]) or restricted(ctx["dossier_access"])})

        def stream():
            try:
                while chunk := fh.read(UPLOAD_CHUNK):
                    yield chunk
            finally:
                fh.close()

        return StreamingResponse(stream(), media_type=f.mime or "application/octet-stream", headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(f.original_name.split('/')[-1])}",
            "Content-Length": str(f.size), "X-Checksum-SHA256": f.sha256})

    @app.get("/healthz", include_in_schema=False, dependencies=[Depends(require(Perm.PUBLIC))])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    _include_area_routers(app)
    _install_handlers(app)
    if app.state.auth.oidc_enabled:
        from starlette.middleware.sessions import SessionMiddleware


        app.add_middleware(SessionMiddleware, secret_key=session_secret(app.state.auth, services.settings),
                           session_cookie="luutru_oidc", max_age=600, same_site="lax",
                           https_only=app.state.auth.secure_cookies)
    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(FileNotFoundError)
    async def not_found(_req: Request, exc: FileNotFoundError) -> JSONResponse:
        return JSONResponse({"detail": f"Không tìm thấy / not found: {exc}"}, status_code=404)

    @app.exception_handler(QueryError)
    async def bad_query(_req: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": {"message_vi": exc.message_vi, "message_en": exc.message_en,
                                        "field": exc.field}}, status_code=400)

    @app.exception_handler(SearchUnavailable)
    async def search_down(_req: Request, exc: SearchUnavailable) -> JSONResponse:
        return JSONResponse({"detail": {"message_vi": exc.message_vi, "message_en": exc.message_en}}, status_code=503)

    @app.exception_handler(FastAPIHTTPException)
    async def http_error(request: Request, exc: FastAPIHTTPException) -> Any:
        """Web pages: 401 → the login page, other errors → a readable page; the API keeps JSON."""
        if _wants_html(request):
            if exc.status_code == 401:
                nxt = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
                return RedirectResponse(f"/dang-nhap?next={nxt}", status_code=303)

            return error_page(request, exc.status_code, exc.detail)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.middleware("http")
    async def audit_and_origin(request: Request, call_next: Any) -> Any:
        """Unsafe requests: refuse cross-site ones made with the session cookie (CSRF), and write an
        audit event for any that no route recorded itself (so every change is in the trail)."""
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe and request.cookies.get("luutru_session") and not request.headers.get("authorization"):
            origin = request.headers.get("origin")
            if origin and origin.rstrip("/") != str(request.base_url).rstrip("/"):
                return JSONResponse({"detail": {"message_vi": "Yêu cầu từ trang khác bị từ chối.",
                                                "message_en": "Cross-site request refused."}}, status_code=403)
        if not unsafe:
            return await call_next(request)
        scope: dict[str, Any] = {"recorded": False}
        token = REQUEST_SCOPE.set(scope)
        try:
            response = await call_next(request)
        finally:
            REQUEST_SCOPE.reset(token)
        if not scope["recorded"]:
            who = getattr(request.state, "principal", None)
            code = response.status_code
            outcome = SUCCESS if code < 400 else DENIED if code in (401, 403) else FAILURE
            route = request.scope.get("route")
            try:
                record_action(request.app.state.services, who or "anonymous", f"http.{request.method.lower()}",
                              request.url.path, outcome, {"status": code, "route": getattr(route, "path", None)})
            except Exception:  # noqa: BLE001 - never turn a done action into an error
                pass
        return response


__all__ = ["create_app", "TEMPLATES", "search_query", "get_principal"]
