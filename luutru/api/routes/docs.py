"""The OpenAPI pages (``/docs``, ``/redoc``) with their scripts served by the app itself.

Government intranets are often cut off from the internet, so nothing is loaded from a
CDN: Swagger UI comes from the PyPI package ``swagger-ui-bundle`` (a dependency), ReDoc
from the npm package ``redoc``, whose standalone bundle ``scripts/setup`` puts in
``luutru/api/static/redoc/``.  Without that file ``/redoc`` says how to get it instead
of showing a blank page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from luutru.api.auth import Perm, Principal, require

router = APIRouter(include_in_schema=False)
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
REDOC_DIR = Path(__file__).resolve().parent.parent / "static" / "redoc"
# the only files served, by name (no path from the request reaches the file system)
ASSETS = {
    "swagger-ui-bundle.js": (SWAGGER_DIR, "text/javascript"),
    "swagger-ui.css": (SWAGGER_DIR, "text/css"),
    "favicon-32x32.png": (SWAGGER_DIR, "image/png"),
    "redoc.standalone.js": (REDOC_DIR, "text/javascript"),
}
BASE = "/ui/vendor"


@router.get("/docs", response_class=HTMLResponse)
def swagger_page(request: Request, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    app = request.app
    return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — Swagger UI",
                               swagger_js_url=f"{BASE}/swagger-ui-bundle.js", swagger_css_url=f"{BASE}/swagger-ui.css",
                               swagger_favicon_url=f"{BASE}/favicon-32x32.png")


@router.get("/redoc", response_class=HTMLResponse)
def redoc_page(request: Request, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    app = request.app
    if not (REDOC_DIR / "redoc.standalone.js").is_file():
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>ReDoc</title><p>Chưa cài ReDoc: chạy <code>scripts/setup</code> "
            "(lấy gói npm <code>redoc</code>). Trang <a href=/docs>/docs</a> vẫn dùng được.</p><p>ReDoc is not "
            "installed: run <code>scripts/setup</code> (it fetches the npm package <code>redoc</code>). "
            "<a href=/docs>/docs</a> works meanwhile.</p>", status_code=503)
    return get_redoc_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — ReDoc",
                          redoc_js_url=f"{BASE}/redoc.standalone.js", redoc_favicon_url=f"{BASE}/favicon-32x32.png",
                          with_google_fonts=False)


@router.get(BASE + "/{name}")
def vendor_asset(name: str, _p: Principal = Depends(require(Perm.PUBLIC))) -> Any:
    if name not in ASSETS or not (ASSETS[name][0] / name).is_file():
        raise HTTPException(404, {"message_vi": "Không có tệp này.", "message_en": "No such file."})
    folder, media = ASSETS[name]
    return FileResponse(folder / name, media_type=media, headers={"Cache-Control": "public, max-age=86400"})
