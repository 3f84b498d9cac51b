"""Exception handlers: how errors look to a caller.

The JSON API answers ``{"detail": …}`` (bilingual ``message_vi``/``message_en`` where the
error carries them); a browser asking for a web page gets the login page for a 401 and
a readable error page otherwise.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout

from luutru.api.routes.ui import error_page
from luutru.search.base import QueryError, SearchUnavailable


def wants_html(request: Request) -> bool:
    """A browser page request (not under ``/api/``, accepting HTML)."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


async def not_found(_req: Request, exc: FileNotFoundError) -> JSONResponse:
    return JSONResponse({"detail": f"Không tìm thấy / not found: {exc}"}, status_code=404)


async def bad_query(_req: Request, exc: QueryError) -> JSONResponse:
    return JSONResponse({"detail": {"message_vi": exc.message_vi, "message_en": exc.message_en,
                                    "field": exc.field}}, status_code=400)


async def search_down(_req: Request, exc: SearchUnavailable) -> JSONResponse:
    return JSONResponse({"detail": {"message_vi": exc.message_vi, "message_en": exc.message_en}}, status_code=503)


async def pool_exhausted(_req: Request, _exc: PoolTimeout) -> JSONResponse:
    """Every catalog connection busy past ``LUUTRU_DATABASE_POOL_TIMEOUT_S``: busy, not broken."""
    return JSONResponse({"detail": {"message_vi": "Máy chủ đang bận; hãy thử lại sau giây lát.",
                                    "message_en": "The server is busy; try again in a moment."}},
                        status_code=503, headers={"Retry-After": "5"})


async def http_error(request: Request, exc: HTTPException) -> Any:
    """Web pages: 401 → the login page, other errors → a readable page; the API keeps JSON."""
    if wants_html(request):
        if exc.status_code == 401:
            nxt = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            return RedirectResponse(f"/dang-nhap?next={nxt}", status_code=303)
        return error_page(request, exc.status_code, exc.detail)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


#: Statuses any route may answer, documented on every operation of the OpenAPI document.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Refused input (a bilingual message names the field and the fix), or an unreadable body"},
    401: {"description": "Not logged in, or the token is invalid, expired or revoked"},
    403: {"description": "The caller lacks the route's permission, or a cross-site request was refused"},
    404: {"description": "Absent, or outside the caller's rights"},
    409: {"description": "Conflicts with the current state (already exists, already decided, held)"},
    413: {"description": "Request body larger than LUUTRU_MAX_REQUEST_BYTES (uploads: LUUTRU_MAX_UPLOAD_BYTES)"},
    503: {"description": "Busy (catalog pool or search engine); see Retry-After"},
}

HANDLERS: tuple[tuple[type[Exception], Any], ...] = (
    (FileNotFoundError, not_found),
    (QueryError, bad_query),
    (SearchUnavailable, search_down),
    (PoolTimeout, pool_exhausted),
    (HTTPException, http_error),
)


def install_handlers(app: FastAPI) -> None:
    for exc_class, handler in HANDLERS:
        app.add_exception_handler(exc_class, handler)
