"""Service routes outside the API proper: liveness (``/healthz``), not in the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from luutru import __version__
from luutru.api.auth import Perm, require

router = APIRouter()


@router.get("/healthz", include_in_schema=False, dependencies=[Depends(require(Perm.PUBLIC))])
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
