"""The HTTP middleware of the app: cross-site refusal and the audit of unsafe requests.

Unsafe requests (anything but GET, HEAD, OPTIONS) made with the session cookie, or to a
login form, from another origin are refused (CSRF and login CSRF; with SameSite=Lax this
protects the web forms; see :func:`cross_site`).  An
unsafe request that no route recorded itself gets a generic ``http.<method>`` event, so
every change is in the audit trail.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from luutru.audit.trail import REQUEST_SCOPE, record_action
from luutru.records.status import Outcome

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


#: Unsafe requests that log in: checked even without a session cookie (login CSRF).
LOGIN_PATHS = ("/api/auth/login", "/dang-nhap")


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site(request: Request) -> bool:
    """An unsafe request by a browser from another site, made with the session cookie or to a
    login form (bearer-token requests are not affected: a browser never adds that header).

    Browsers say where a request comes from: ``Sec-Fetch-Site`` (anything but
    ``same-origin`` or ``none``), else ``Origin`` (``null`` included), else ``Referer``.
    A request with none of them is not from a browser page and passes."""
    if request.headers.get("authorization"):
        return False
    if not request.cookies.get("luutru_session") and request.url.path not in LOGIN_PATHS:
        return False
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    here = _origin_of(str(request.base_url))
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.rstrip("/").lower() != here
    referer = request.headers.get("referer")
    return bool(referer) and _origin_of(referer) != here


def outcome_of(status: int) -> Outcome:
    return Outcome.SUCCESS if status < 400 else Outcome.DENIED if status in (401, 403) else Outcome.FAILURE


async def audit_and_origin(request: Request, call_next: Any) -> Any:
    """Unsafe requests: refuse cross-site ones made with the session cookie (CSRF), and write an
    audit event for any that no route recorded itself (so every change is in the trail)."""
    unsafe = request.method not in SAFE_METHODS
    if unsafe and cross_site(request):
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
        route = request.scope.get("route")
        try:  # in a worker thread: an audit write waits for the chain's lock, never on the event loop
            await run_in_threadpool(record_action, request.app.state.services, who or "anonymous",
                                    f"http.{request.method.lower()}", request.url.path, outcome_of(code),
                                    {"status": code, "route": getattr(route, "path", None)})
        except Exception:  # noqa: BLE001 - never turn a done action into an error
            pass
    return response


def not_audited() -> None:
    """Mark this request as needing no audit event of its own (a login turned away by the
    throttle: the lockout itself was recorded once, the flood is not)."""
    scope = REQUEST_SCOPE.get()
    if scope is not None:
        scope["recorded"] = True
