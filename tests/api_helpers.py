"""Helpers for the API, accounts and web UI tests: one account per role, seeded records,
and a transfer zip built with tests/factory.py."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

from luutru.api import accounts
from luutru.context import Services
from luutru.ingest.pipeline import ingest

from .factory import AGENCY, base_spec, document_row, dossier_row, make_pdf, write_transfer

OTHER_AGENCY = "000.00.32.H58"
PASSWORD = "mật-khẩu-thử-2024"

# account name → (roles, agency, restricted grant)
ACCOUNTS: dict[str, dict[str, Any]] = {
    "submitter": {"roles": ["submitter"], "agency_code": AGENCY},
    "submitter2": {"roles": ["submitter"], "agency_code": OTHER_AGENCY},
    "archivist": {"roles": ["archivist"]},
    "council": {"roles": ["council"]},
    "approver": {"roles": ["approver"]},
    "researcher": {"roles": ["researcher"]},
    "researcher_granted": {"roles": ["researcher"], "restricted_access": True},
    "administrator": {"roles": ["administrator"]},
}


def make_accounts(services: Services) -> dict[str, str]:
    """Create every test account (password PASSWORD) and return a bearer token per account."""
    tokens = {}
    for name, kw in ACCOUNTS.items():
        accounts.create_user(services, name, password=PASSWORD, display_name=name.title(), actor="test", **kw)
        tokens[name], _ = accounts.create_token(services, name, label="test", actor="test")
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def records_spec() -> Any:
    """Agency A: dossier .01 public (document 2 restricted), .02 restricted; agency B: dossier .03 public.

    Titles carry distinctive Vietnamese words so searches without diacritics can find them."""
    spec = base_spec(1, 2)
    spec.dossiers[0]["tieu_de"] = "Hồ sơ về việc xây dựng đường giao thông nông thôn xã Hòa Thắng năm 2021"
    spec.documents[1]["che_do_su_dung"] = "Hạn chế"
    d2 = dossier_row(2, 1, access="Hạn chế",
                     title="Hồ sơ thanh tra công vụ về việc khiếu nại đất đai năm 2021")
    d3 = dossier_row(3, 1, agency=OTHER_AGENCY,
                     title="Hồ sơ về việc tổ chức lễ hội văn hóa dân tộc năm 2021")
    for d in (d2, d3):
        spec.dossiers.append(d)
        path = f"files/{d['ma_ho_so']}/0001.pdf"
        data = make_pdf([f"Văn bản của hồ sơ {d['ma_ho_so']}", d["tieu_de"]])
        spec.files[path] = data
        spec.documents.append(document_row(d, 1, path, hashlib.sha256(data).hexdigest(),
                                           che_do_su_dung=d["che_do_su_dung"]))
    return spec


def seed_records(services: Services, tmp: Path) -> dict[str, Any]:
    """Ingest the records of :func:`records_spec` directly (not through the API)."""
    root = write_transfer(records_spec(), tmp / "seed")
    report = ingest(root, services)
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    return {"public": f"{AGENCY}.2021.01", "restricted": f"{AGENCY}.2021.02", "other": f"{OTHER_AGENCY}.2021.03",
            "restricted_doc": f"{AGENCY}.2021.01.0002", "public_doc": f"{AGENCY}.2021.01.0001"}


def zip_transfer(root: Path, zip_path: Path) -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(root).as_posix())
    return zip_path


def upload_zip(tmp: Path, spec: Any | None = None, name: str = "nop_luu.zip") -> Path:
    """A transfer zip built with tests/factory.py (a valid two-dossier transfer by default)."""
    root = write_transfer(spec or base_spec(2, 2), tmp / f"src-{name}")
    return zip_transfer(root, tmp / name)
