"""Request-scoped dependencies: services and the caller's rights."""

from __future__ import annotations

from fastapi import Request

from ..context import Services
from ..search.query import Rights


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_rights(request: Request) -> Rights:
    """What the caller may see.  Without accounts, callers see public records only;
    ``LUUTRU_API_TOKEN`` (when set) grants the bearer full reading rights."""
    token = request.app.state.settings_token
    auth = request.headers.get("authorization", "")
    if token and auth == f"Bearer {token}":
        return Rights(see_restricted=True)
    return Rights.public()
