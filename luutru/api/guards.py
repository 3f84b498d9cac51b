"""The outermost layer of the app: request body bounds and security headers.

A plain ASGI middleware (not ``BaseHTTPMiddleware``) so the bound applies while the body
is streamed: a request that declares a longer ``Content-Length`` than allowed is
answered 413 before it is read, and one that sends more than it declared (or streams
without a length) is answered 413 at the bound, and the app is told the client left.  Transfer uploads
(``UPLOAD_PATHS``) may be as large as ``LUUTRU_MAX_UPLOAD_BYTES``; every other request
(JSON, forms) as ``LUUTRU_MAX_REQUEST_BYTES``.

Every response gets the security headers of :func:`security_headers`: a Content
Security Policy with a fresh script nonce per request (templates write
``nonce="{{ request.state.csp_nonce }}"`` on their inline scripts), no framing, no
MIME sniffing, a same-origin referrer and, behind TLS, HSTS.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Routes that take a transfer upload (bounded by ``max_upload_bytes``).
UPLOAD_PATHS = frozenset({"/api/transfers"})

#: The API documentation pages: Swagger UI / ReDoc served by the app (routes.docs) with inline start-up code.
DOCS_PATHS = ("/docs", "/redoc")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; worker-src 'self' blob:; "  # assets served by routes.docs
            "frame-ancestors 'none'")


def page_csp(nonce: str) -> str:
    """The policy of the web pages: own scripts and nonce-marked inline ones only."""
    return (f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(path: str, nonce: str, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers added to every response."""
    csp = DOCS_CSP if path.startswith(DOCS_PATHS) else page_csp(nonce)
    out = [(b"content-security-policy", csp.encode()), (b"x-frame-options", b"DENY"),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
           (b"cross-origin-opener-policy", b"same-origin")]
    if https:
        out.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return out


def _too_large_detail(limit: int) -> dict[str, str]:
    return {"message_vi": f"Nội dung yêu cầu quá lớn (tối đa {limit} byte).",
            "message_en": f"The request body is too large (at most {limit} bytes)."}


class Guards:
    """Body bounds (413) and security headers around the whole app."""

    def __init__(self, app: ASGIApp, *, max_request: int, max_upload: int, secure: bool):
        self.app, self.max_request, self.max_upload, self.secure = app, max_request, max_upload, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        https = self.secure or scope.get("scheme") == "https"
        extra = security_headers(scope.get("path", ""), nonce, https)
        limit = self.max_upload if scope.get("path") in UPLOAD_PATHS else self.max_request
        started = answered = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the 413 is out; whatever the app still says is dropped
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in extra if h[0] not in names]
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _answer_413(send_with_headers, limit)
            return
        seen = 0

        async def bounded_receive() -> Message:
            """Past the bound: answer 413 at once and tell the app the client left."""
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    if not started:
                        await _answer_413(send_with_headers, limit)
                        answered = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, bounded_receive, send_with_headers)


async def _answer_413(send: Send, limit: int) -> None:
    body = json.dumps({"detail": _too_large_detail(limit)}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
