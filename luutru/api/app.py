"""The FastAPI application: builds the app and wires the routers of the areas.

Every route lives in a router of its area under :mod:`luutru.api.routes` and declares
its permission (``Depends(require(Perm.X))``, see :mod:`luutru.api.auth`); exception
handlers are in :mod:`luutru.api.errors`, the CSRF/audit middleware in
:mod:`luutru.api.middleware`.  The JSON API works without the web UI; OpenAPI docs are
at ``/docs`` and ``/redoc``, their scripts served by the app (:mod:`luutru.api.routes.docs`).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import AsyncIterator, Callable

from fastapi import FastAPI

import luutru.api.routes.accounts as routes_accounts
import luutru.api.routes.disposal as routes_disposal
import luutru.api.routes.docs as routes_docs
import luutru.api.routes.meta as routes_meta
import luutru.api.routes.records as routes_records
import luutru.api.routes.revisions as routes_revisions
import luutru.api.routes.search as routes_search
import luutru.api.routes.transfer_out as routes_transfer_out
import luutru.api.routes.transfers as routes_transfers
import luutru.api.routes.ui as routes_ui
import luutru.api.routes.ui_accounts as routes_ui_accounts
import luutru.api.routes.ui_disposal as routes_ui_disposal
from luutru import __version__
from luutru.api.errors import COMMON_RESPONSES, install_handlers
from luutru.api.guards import Guards
from luutru.api.jobs import IngestJobs
from luutru.api.middleware import audit_and_origin
from luutru.api.oidc import session_secret
from luutru.api.throttle import LoginThrottle
from luutru.config import AuthSettings, Settings
from luutru.jobs import resume as resume_jobs
from luutru.services import Services

DESCRIPTION = ("Tiếp nhận, bảo quản và khai thác tài liệu lưu trữ điện tử / "
               "ingest, preservation and access of electronic archival records. "
               "Authenticate with `Authorization: Bearer <token>` (`luutru user token`) or a web "
               "login; each route names its permission.")

# The routers, each an APIRouter named ``router`` in its own module, in the order their
# routes are matched (and listed in the OpenAPI document).
ROUTERS = (routes_docs, routes_transfers, routes_search, routes_records, routes_revisions, routes_meta,
           routes_disposal, routes_transfer_out, routes_accounts, routes_ui, routes_ui_disposal,
           routes_ui_accounts)


def create_app(settings: Settings | None = None, services: Services | None = None,
               auth: AuthSettings | None = None) -> FastAPI:
    """The app over ``services`` (built from ``settings`` when not given)."""
    services = services or Services(settings or Settings())
    app = FastAPI(title="Lưu trữ API", version=__version__, description=DESCRIPTION, lifespan=_lifespan(services),
                  docs_url=None, redoc_url=None)  # served offline by routes.docs
    app.state.services = services
    app.state.auth = auth or services.settings.auth
    app.state.jobs = IngestJobs(services)
    app.state.throttle = LoginThrottle(app.state.auth, services.catalog)
    for mod in ROUTERS:
        app.include_router(mod.router, responses=COMMON_RESPONSES)
    install_handlers(app)
    app.middleware("http")(audit_and_origin)
    if app.state.auth.oidc_enabled:
        _add_oidc_sessions(app, services)
    app.add_middleware(Guards, max_request=services.settings.limits.max_request_bytes,  # type: ignore[arg-type]
                       max_upload=services.settings.max_upload_bytes, secure=app.state.auth.secure_cookies)
    return app


def _lifespan(services: Services) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """At start-up, jobs a killed server left running are taken again at once (:func:`luutru.jobs.resume`)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        resume_jobs(services)
        yield

    return lifespan


def _add_oidc_sessions(app: FastAPI, services: Services) -> None:
    """The signed 10-minute cookie holding the OpenID Connect login state.

    Imported here: Starlette's session middleware needs ``itsdangerous``, which only
    deployments with OpenID Connect must install."""
    from starlette.middleware.sessions import SessionMiddleware

    app.add_middleware(SessionMiddleware, secret_key=session_secret(app.state.auth, services.settings),
                       session_cookie="luutru_oidc", max_age=600, same_site="lax",
                       https_only=app.state.auth.secure_cookies)
