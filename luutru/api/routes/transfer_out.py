"""JSON API for transfers to a historical archive: due list, packages, receipts.

The acting person is the authenticated caller.  Refusals answer 409 (404 for an unknown
package) with the findings: code, Vietnamese and English message saying how to fix,
the dossier concerned.  Building runs in the request: packages are the size of one
agency's due permanent records; for very large ones use the CLI.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import luutru.records.finding_codes.transfer_out as fc
from luutru.api.auth import Perm, Principal, require
from luutru.api.deps import get_services
from luutru.policies.transfer import TransferPolicyError
from luutru.preservation.storage.base import StorageError
from luutru.records.timeutil import now_vn
from luutru.services import Services
from luutru.transfer_out.confirm import confirm_receipt
from luutru.transfer_out.errors import ExportError
from luutru.transfer_out.package import build_package
from luutru.transfer_out.register import get_package, list_packages
from luutru.transfer_out.select import due_for_transfer
from luutru.transfer_out.sip import build_sip_submission

router = APIRouter(tags=["transfer-out"])


class BuildIn(BaseModel):
    agency: str = Field(..., description="mã định danh cơ quan / agency code")
    as_of: int | None = Field(None, ge=1900, le=9999, description="year the deadline is checked for")
    dossiers: list[str] | None = Field(None, description="explicit dossier codes instead of the due list")
    include_fixed_term: bool = False
    archive: str | None = Field(None, description="receiving archive name")
    format: Literal["sip", "bag"] = Field(
        "sip", description="sip: one 05/2025 SIP (E-ARK CSIP) per dossier; bag: BagIt + XLSX catalogue (luutru to luutru)")


def _call(fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except ExportError as e:
        status = 404 if any(f.code == fc.RECEIPT_UNKNOWN_PACKAGE for f in e.findings) else 409
        return JSONResponse(e.to_dict(), status_code=status)
    except TransferPolicyError as e:
        raise HTTPException(500, detail={"message_vi": f"Chính sách nộp lưu lỗi: {e}", "message_en": f"Transfer policy error: {e}"})
    except StorageError as e:
        raise HTTPException(503, detail={"message_vi": f"Lỗi kho lưu trữ: {e}", "message_en": f"Storage error: {e}"})


@router.get("/api/export/due")
def due(agency: str, as_of: int | None = Query(None, ge=1900, le=9999), svc: Services = Depends(get_services),
        who: Principal = Depends(require(Perm.EXPORT_READ))) -> Any:
    """Permanent dossiers of ``agency`` due for the historical archive (confirmed ones left out)."""

    return _call(lambda: [c.to_dict() for c in due_for_transfer(svc, agency, as_of or now_vn().year)])


@router.get("/api/export/packages")
def packages(agency: str | None = None, svc: Services = Depends(get_services),
             who: Principal = Depends(require(Perm.EXPORT_READ))) -> Any:
    return list_packages(svc, agency)


@router.get("/api/export/packages/{package_id}")
def package(package_id: str, svc: Services = Depends(get_services),
            who: Principal = Depends(require(Perm.EXPORT_READ))) -> Any:
    p = get_package(svc, package_id)
    if p is None:
        raise HTTPException(404, detail={"message_vi": f"Không có gói '{package_id}'.", "message_en": f"No package '{package_id}'."})
    return p


@router.post("/api/export/packages", status_code=201)
def build(body: BuildIn, svc: Services = Depends(get_services),
          who: Principal = Depends(require(Perm.EXPORT_MANAGE))) -> Any:
    """Build a package under ``LUUTRU_HOME/exports`` (or the policy's output folder)."""
    res = _call(build_package if body.format == "bag" else build_sip_submission, svc, agency=body.agency, as_of=body.as_of, dossiers=body.dossiers,
                include_fixed_term=body.include_fixed_term, archive_name=body.archive, actor=who.username)
    return res if isinstance(res, JSONResponse) else res.to_dict()


@router.post("/api/export/receipts")
def confirm(receipt: dict[str, Any] = Body(..., description="the receipt JSON returned by the historical archive"),
            svc: Services = Depends(get_services), who: Principal = Depends(require(Perm.EXPORT_MANAGE))) -> Any:
    res = _call(confirm_receipt, svc, receipt, actor=who.username)
    return res if isinstance(res, JSONResponse) else res.to_dict()
