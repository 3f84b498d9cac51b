"""Request-scoped dependencies: services and the caller's rights."""

from __future__ import annotations

from fastapi import Request

from ..context import Services
from ..search.query import Rights


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_rights(request: Request) -> Rights:
    """What the caller may see (see :func:`luutru.api.roles.rights_for`).

    Anonymous callers see public records only; a logged-in caller what their roles allow.
    """
    from .auth import get_principal

    return get_principal(request).rights
