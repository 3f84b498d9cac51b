"""Registering a submission with the historical archive (Circular 06/2025/TT-BNV Art. 3).

Why a step of its own: under Circular 06/2025 the agency registers what it will submit
with the historical archive before it submits (V-S); one reading gives "at least 12 months
ahead" (I), which is recorded, not enforced.  The service therefore keeps a registration
per submission — agency, archive, planned year, the dossiers, the archive's reference
once it answers — writes it to the audit trail, and a transfer package is built only
for dossiers that a registration covers (:func:`require_registration`).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from sqlalchemy import select

from luutru.audit.trail import record_action
from luutru.catalog.registration_models import (
    REGISTERED,
    WITHDRAWN,
    SubmissionRegistration,
)
from luutru.records.findings import Finding, error
from luutru.records.timeutil import iso_vn


@dataclass(frozen=True)
class Registration:
    id: str
    agency_code: str
    archive_code: str
    archive_name: str
    planned_year: int
    registered_at: str
    registered_by: str
    reference: str
    dossier_codes: tuple[str, ...]
    status: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["dossier_codes"] = list(self.dossier_codes)
        return d


def _from_row(r: SubmissionRegistration) -> Registration:
    return Registration(r.id, r.agency_code, r.archive_code, r.archive_name, r.planned_year, r.registered_at,
                        r.registered_by, r.reference, tuple(r.dossier_codes or ()), r.status)


def register(services: Any, *, agency: str, archive_code: str, archive_name: str, planned_year: int,
             dossiers: Iterable[str], actor: Any, reference: str = "", note: str = "") -> Registration:
    """Record a registration and its audit event in one transaction."""
    codes = sorted(set(dossiers))
    if not codes:
        raise ValueError("a registration names at least one dossier")
    reg_id = f"DK-{agency}-{planned_year}-{uuid.uuid4().hex[:6]}"
    with services.catalog.session() as s:
        row = SubmissionRegistration(
            id=reg_id, agency_code=agency, archive_code=archive_code, archive_name=archive_name,
            planned_year=planned_year, registered_at=iso_vn(), registered_by=str(getattr(actor, "username", actor)),
            reference=reference, note=note, dossier_codes=codes, status=REGISTERED)
        s.add(row)
        record_action(services, actor, "transfer_out.register", f"registration:{reg_id}", "success",
                      {"agency": agency, "archive": archive_code or archive_name, "planned_year": planned_year,
                       "dossiers": codes, "reference": reference, "basis": "Thông tư 06/2025/TT-BNV Điều 3"},
                      session=s)
        s.flush()
        return _from_row(row)


def registrations(services: Any, *, agency: str | None = None) -> list[Registration]:
    with services.catalog.session() as s:
        q = select(SubmissionRegistration).order_by(SubmissionRegistration.registered_at)
        if agency:
            q = q.where(SubmissionRegistration.agency_code == agency)
        return [_from_row(r) for r in s.scalars(q)]


def covering(services: Any, agency: str, dossier_codes: Iterable[str]) -> dict[str, Registration]:
    """For each dossier code, the (latest) live registration that names it."""
    out: dict[str, Registration] = {}
    wanted = set(dossier_codes)
    for reg in registrations(services, agency=agency):
        if reg.status == WITHDRAWN:
            continue
        for code in wanted.intersection(reg.dossier_codes):
            out[code] = reg
    return out


def require_registration(services: Any, agency: str, dossier_codes: Iterable[str]) -> list[Finding]:
    """REGISTRATION_MISSING for every dossier no registration covers (the package is not built)."""
    codes = sorted(set(dossier_codes))
    covered = covering(services, agency, codes)
    missing = [c for c in codes if c not in covered]
    if not missing:
        return []
    shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
    return [error(
        "REGISTRATION_MISSING",
        f"Chưa đăng ký nộp lưu với Lưu trữ lịch sử cho {len(missing)} hồ sơ ({shown}); Thông tư 06/2025/TT-BNV Điều 3 "
        "yêu cầu đăng ký trước khi nộp. Sửa: chạy `luutru transfer-out register` cho các hồ sơ này, rồi lập gói.",
        f"{len(missing)} dossier(s) ({shown}) have no registered submission with the historical archive; Circular "
        "06/2025 Art. 3 requires registration before submission. Fix: run `luutru transfer-out register` for them, "
        "then build the package.", details={"dossiers": missing})]
