"""Request-scoped dependencies: services and the caller's rights."""

from __future__ import annotations

from fastapi import Request

from luutru.api.auth import get_principal
from luutru.search.query import Rights
from luutru.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_rights(request: Request) -> Rights:
    """What the caller may see (see :func:`luutru.api.roles.rights_for`).

    Anonymous callers see public records only; a logged-in caller what their roles allow.
    """

    return get_principal(request).rights
