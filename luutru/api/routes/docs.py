"""The OpenAPI pages (``/docs``, ``/redoc``) with their scripts served by the app itself.

Government intranets are often cut off from the internet, so nothing is loaded from a
CDN: the Swagger UI 5 and ReDoc 2 bundles come from the PyPI package ``fastapi-offline``
(a dependency; only its static files are used, the pages are FastAPI's own), so they
are installed with the app and nothing is fetched at run time.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from luutru.api.auth import Perm, Principal, require

router = APIRouter(include_in_schema=False)
ASSET_DIR = Path(str(files("fastapi_offline") / "static"))
# the only files served, by name (no path from the request reaches the file system)
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
BASE = "/ui/vendor"


@router.get("/docs", response_class=HTMLResponse)
def swagger_page(request: Request, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    app = request.app
    return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — Swagger UI",
                               swagger_js_url=f"{BASE}/swagger-ui-bundle.js", swagger_css_url=f"{BASE}/swagger-ui.css",
                               swagger_favicon_url=f"{BASE}/favicon.png")


@router.get("/redoc", response_class=HTMLResponse)
def redoc_page(request: Request, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    app = request.app
    return get_redoc_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — ReDoc",
                          redoc_js_url=f"{BASE}/redoc.standalone.js", redoc_favicon_url=f"{BASE}/favicon.png",
                          with_google_fonts=False)


@router.get(BASE + "/{name}")
def vendor_asset(name: str, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    if name not in ASSETS:
        raise HTTPException(404, {"message_vi": "Không có tệp này.", "message_en": "No such file."})
    return FileResponse(ASSET_DIR / name, media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=86400"})
