"""Step 1 of a transfer to a historical archive: which dossiers go.

Either the permanent dossiers of one agency whose deadline has come
(``luutru/policies/transfer.yaml``: start year + N ≤ as-of year), leaving out those
whose transfer is already confirmed; or a list the archivist names, each of which must
exist, belong to the agency and be permanent (unless a specific decision says
otherwise).  Every problem of a named list is reported at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

import luutru.catalog.models as m
import luutru.records.finding_codes.transfer_out as fc
from luutru.catalog.disposal_models import DossierTransfer
from luutru.catalog.export_models import ExportPackageDossier
from luutru.policies.retention import is_permanent, permanent_filter
from luutru.policies.transfer import TransferPolicy, load_transfer_policy
from luutru.records.findings import Finding, finding
from luutru.services import Services
from luutru.transfer_out.errors import ExportError, refuse


@dataclass
class Candidate:
    """A dossier that may go into a package."""

    code: str
    title: str
    agency_code: str
    retention_years: int | None
    end_date: str
    due_year: int | None
    transferred: bool  # a receipt is already confirmed
    packages: list[str] = field(default_factory=list)  # packages it was already sent in

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _confirmed_codes(s: Session, codes: Iterable[str]) -> set[str]:
    codes = list(codes)
    if not codes:
        return set()
    rows = s.scalars(select(DossierTransfer).where(DossierTransfer.dossier_code.in_(codes)))
    return {r.dossier_code for r in rows if r.confirmed_at}


def _packages_of(s: Session, codes: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    codes = list(codes)
    if codes:
        for r in s.scalars(select(ExportPackageDossier).where(ExportPackageDossier.dossier_code.in_(codes))):
            out.setdefault(r.dossier_code, []).append(r.package_id)
    return out


def _deposit_year(d: m.Dossier) -> int | None:
    try:
        return int((d.stored_at or "")[:4])
    except ValueError:
        return None


def due_for_transfer(services: Services, agency: str, as_of: int, *, policy: TransferPolicy | None = None,
                 include_transferred: bool = False) -> list[Candidate]:
    """Permanent dossiers of ``agency`` whose transfer deadline falls in or before ``as_of``."""
    policy = policy or load_transfer_policy()
    with services.catalog.session() as s:
        rows = list(s.scalars(select(m.Dossier).where(m.Dossier.fonds_code == agency, permanent_filter(m.Dossier.retention_years))
                              .order_by(m.Dossier.code)))
        confirmed = _confirmed_codes(s, [d.code for d in rows])
        sent = _packages_of(s, [d.code for d in rows])
        out = []
        for d in rows:
            due_year = policy.due_year(d.end_date, _deposit_year(d))
            if due_year > as_of:
                continue
            if d.code in confirmed and not include_transferred:
                continue
            out.append(Candidate(d.code, d.title, d.fonds_code, d.retention_years, d.end_date.isoformat(), due_year,
                                 d.code in confirmed, sent.get(d.code, [])))
        return out


def _problem(d: m.Dossier | None, code: str, agency: str, include_fixed_term: bool) -> Finding | None:
    """Why a named dossier cannot go into a package of ``agency`` (None: it can)."""
    if d is None:
        return finding(
            fc.TRANSFER_OUT_UNKNOWN_DOSSIER,
            f"Không có hồ sơ '{code}' trong kho. Sửa: kiểm tra mã hồ sơ (`luutru show`).",
            f"No dossier '{code}' in the archive. Fix: check the dossier code (`luutru show`).", dossier=code)
    if d.fonds_code != agency:
        return finding(
            fc.TRANSFER_OUT_OTHER_AGENCY,
            f"Hồ sơ {code} thuộc cơ quan {d.fonds_code}, không thuộc {agency}. Một gói chỉ chứa hồ sơ của một cơ quan. "
            "Sửa: lập gói riêng cho từng cơ quan.",
            f"Dossier {code} belongs to agency {d.fonds_code}, not {agency}. A package holds one agency's records. "
            "Fix: build one package per agency.", dossier=code)
    if not is_permanent(d.retention_years) and not include_fixed_term:
        return finding(
            fc.TRANSFER_OUT_NOT_PERMANENT,
            f"Hồ sơ {code} có thời hạn bảo quản {d.retention_years} năm, không phải vĩnh viễn; chỉ tài liệu bảo quản "
            "vĩnh viễn được nộp lưu vào Lưu trữ lịch sử. Sửa: bỏ hồ sơ này, hoặc thêm --include-fixed-term nếu "
            "có quyết định nộp lưu riêng.",
            f"Dossier {code} has a fixed retention of {d.retention_years} years, not permanent; only permanent "
            "records go to the historical archive. Fix: leave it out, or pass --include-fixed-term when a "
            "specific decision requires its transfer.", dossier=code)
    return None


def chosen_dossiers(services: Services, agency: str, codes: Sequence[str], *, include_fixed_term: bool = False,
                    policy: TransferPolicy | None = None) -> list[Candidate]:
    """An explicit list: every code must exist, belong to ``agency``, and be permanent
    (unless ``include_fixed_term``); otherwise every problem is reported at once."""
    policy = policy or load_transfer_policy()
    findings: list[Finding] = []
    out: list[Candidate] = []
    with services.catalog.session() as s:
        confirmed = _confirmed_codes(s, codes)
        sent = _packages_of(s, codes)
        for code in dict.fromkeys(c.strip() for c in codes if c.strip()):
            d = s.get(m.Dossier, code)
            problem = _problem(d, code, agency, include_fixed_term)
            if problem is not None:
                findings.append(problem)
                continue
            assert d is not None  # _problem names an unknown code
            out.append(Candidate(code, d.title, d.fonds_code, d.retention_years, d.end_date.isoformat(),
                                 policy.due_year(d.end_date, _deposit_year(d)) if is_permanent(d.retention_years) else None,
                                 code in confirmed, sent.get(code, [])))
    if findings:
        raise ExportError(findings)
    if not out:
        raise refuse(fc.TRANSFER_OUT_NOTHING,
                     "Không có hồ sơ nào được chọn. Sửa: ghi mã hồ sơ sau --dossier, hoặc bỏ --dossier để lấy các hồ "
                     "sơ đến hạn.",
                     "No dossier was given. Fix: give dossier codes after --dossier, or leave --dossier out to take "
                     "the dossiers due.")
    return out


def select_dossiers(services: Services, agency: str, as_of: int, dossiers: Sequence[str] | None = None, *,
                    include_fixed_term: bool = False, policy: TransferPolicy | None = None) -> list[Candidate]:
    """The dossiers of one package: the named ``dossiers``, else those due by ``as_of``;
    refused (:class:`ExportError`) when nothing can go."""
    policy = policy or load_transfer_policy()
    if dossiers:
        return chosen_dossiers(services, agency, dossiers, include_fixed_term=include_fixed_term, policy=policy)
    chosen = due_for_transfer(services, agency, as_of, policy=policy)
    if not chosen:
        raise refuse(
            fc.TRANSFER_OUT_NOTHING_DUE,
            f"Cơ quan {agency} không có hồ sơ vĩnh viễn nào đến hạn nộp lưu vào Lưu trữ lịch sử tính đến năm {as_of} "
            f"(năm bắt đầu tính + {policy.years} ≤ {as_of}; hồ sơ đã có xác nhận giao nhận không tính). "
            "Sửa: kiểm tra mã cơ quan, --as-of, hoặc chỉ định hồ sơ bằng --dossier.",
            f"Agency {agency} has no permanent dossier due for the historical archive as of {as_of} "
            f"(start year + {policy.years} ≤ {as_of}; dossiers with a confirmed receipt are left out). "
            "Fix: check the agency code and --as-of, or name dossiers with --dossier.")
    return chosen
