"""Helpers for the API, accounts and web UI tests: one account per role, seeded records,
and a transfer zip built with tests/factory.py."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import luutru.api.accounts as accounts
from luutru.ingest.pipeline import ingest
from luutru.services import Services
from tests.factory import (
    AGENCY,
    base_spec,
    document_row,
    dossier_row,
    make_pdf,
    write_transfer,
)

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


def _add_dossier(spec: Any, d: dict[str, Any], n_docs: int = 1, **doc_over: Any) -> None:
    spec.dossiers.append(d)
    for seq in range(1, n_docs + 1):
        path = f"files/{d['ma_ho_so']}/{seq:04d}.pdf"
        data = make_pdf([f"Văn bản {seq} của hồ sơ {d['ma_ho_so']}", d["tieu_de"]])
        spec.files[path] = data
        spec.documents.append(document_row(d, seq, path, hashlib.sha256(data).hexdigest(), **doc_over))


def records_spec() -> Any:
    """Agency A: .2021.11 public (its document 2 restricted), .2021.12 restricted, .2010.14 public and
    expired (5 years from 2010); agency B: .2021.13 public.  Titles carry distinctive Vietnamese words
    so searches without diacritics can find them."""
    from tests.factory import TransferSpec

    spec = TransferSpec()
    _add_dossier(spec, dossier_row(11, 2, title="Hồ sơ về việc xây dựng đường giao thông nông thôn xã Hòa Thắng năm 2021"), 2)
    spec.documents[1]["che_do_su_dung"] = "Hạn chế"
    _add_dossier(spec, dossier_row(12, 1, access="Hạn chế", title="Hồ sơ thanh tra công vụ về việc khiếu nại đất đai năm 2021"),
                 che_do_su_dung="Hạn chế")
    _add_dossier(spec, dossier_row(13, 1, agency=OTHER_AGENCY, title="Hồ sơ về việc tổ chức lễ hội văn hóa dân tộc năm 2021"))
    old = dossier_row(14, 1, year=2010, retention="5 năm", title="Hồ sơ về việc mua sắm văn phòng phẩm năm 2010")
    old.update(thoi_gian_bat_dau="04/01/2010", thoi_gian_ket_thuc="30/12/2010")
    _add_dossier(spec, old, ngay_van_ban="15/03/2010")
    return spec


def seed_records(services: Services, tmp: Path) -> dict[str, Any]:
    """Ingest the records of :func:`records_spec` directly (not through the API)."""
    root = write_transfer(records_spec(), tmp / "seed")
    report = ingest(root, services)
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    return {"public": f"{AGENCY}.2021.11", "restricted": f"{AGENCY}.2021.12", "other": f"{OTHER_AGENCY}.2021.13",
            "expired": f"{AGENCY}.2010.14", "restricted_doc": f"{AGENCY}.2021.11.0002",
            "public_doc": f"{AGENCY}.2021.11.0001"}


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
