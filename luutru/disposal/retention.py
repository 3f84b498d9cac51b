"""Retention: when a dossier's retention ends, what lock storage keeps, what is due.

The rule (Circular 10/2022/TT-BNV practice): a fixed-term period counts from the year
the matter closed, so a dossier closed in 2015 with 10 years is kept through
31/12/2025 and may be appraised for destruction from 2026 on.  Permanent dossiers
(``vĩnh viễn``) have no end: storage keeps them under a legal hold and they are never
destroyed (they go to a historical archive instead).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import luutru.catalog.models as m
from luutru.catalog.disposal_models import (
    DESTROYED,
    EXECUTED,
    REJECTED,
    DisposalItem,
    DisposalList,
    DossierTransfer,
    Hold,
)
from luutru.policies.retention_schedule import load_schedule, shorter
from luutru.records.findings import Finding, error, warning
from luutru.records.model import Retention, fold
from luutru.records.timeutil import now_vn


def retention_end(end_date: date, years: int | None) -> date | None:
    """Last day the dossier must be kept: 31/12 of (closing year + period); None = permanent."""
    if years is None:
        return None
    return date(end_date.year + int(years), 12, 31)


def lock_arguments(dossier_record: Any) -> dict[str, Any]:
    """Storage lock for a new AIP: ``put_aip(code, bag, **lock_arguments(record))``.

    Permanent → ``legal_hold=True`` (a hold, not a far-future date, so that the copy can
    be released after the historical archive has confirmed receipt).  Fixed-term →
    ``retain_until`` = the retention end, when that day is still to come; a retention
    that already ended (late transfer of old records) gets no lock, because object
    stores refuse retention dates in the past.
    """
    retention: Retention = dossier_record.retention
    if retention.permanent:
        return {"legal_hold": True}
    until = retention_end(dossier_record.end_date, retention.years)
    if until is not None and until >= now_vn().date():
        return {"retain_until": until}
    return {}


def check_retention_group(dossier_record: Any, schedule: Any | None = None) -> list[Finding]:
    """Check the dossier's retention against its schedule group (``nhom_thoi_han``).

    No group given → nothing to check.  Unknown group → WARNING.  A period shorter than
    the schedule's → ERROR (the dossier could be destroyed too early).  Longer → WARNING
    (allowed, but worth a second look).
    """
    fields = getattr(dossier_record, "fields", None) or {}
    group = fields.get("nhom_thoi_han")
    if group is None or str(group).strip() == "":
        return []
    group = str(group).strip()
    code = dossier_record.code
    if schedule is None:

        schedule = load_schedule()
    item = schedule.get(group)
    where = {"dossier": code, "field": "nhom_thoi_han"}
    if item is None:
        return [warning(
            "RETENTION_GROUP_UNKNOWN",
            f"Hồ sơ {code}: mã nhóm thời hạn bảo quản '{group}' không có trong bảng thời hạn bảo quản "
            "(Thông tư 10/2022/TT-BNV và bảng của cơ quan). Sửa: ghi đúng mã nhóm, hoặc bổ sung vào bảng thời hạn "
            "bảo quản của cơ quan.",
            f"Dossier {code}: retention group '{group}' is not in the retention schedule (Circular 10/2022/TT-BNV "
            "and the agency schedule). Fix: enter the right group code, or add it to the agency schedule.",
            details={"group": group}, **where)]

    have: Retention = dossier_record.retention
    if have == item.retention:
        return []
    details = {"group": group, "catalogue": have.label_vi(), "schedule": item.retention.label_vi(),
               "schedule_title": item.title_vi}
    if shorter(have, item.retention):
        return [error(
            "RETENTION_SHORTER_THAN_SCHEDULE",
            f"Hồ sơ {code}: thời hạn bảo quản '{have.label_vi()}' ngắn hơn thời hạn của nhóm {group} "
            f"('{item.title_vi}': {item.retention.label_vi()}). Sửa: ghi thời hạn {item.retention.label_vi()} "
            "hoặc kiểm tra lại mã nhóm.",
            f"Dossier {code}: retention '{have.label_en()}' is shorter than group {group}'s "
            f"({item.retention.label_en()}). Fix: enter {item.retention.label_en()} or check the group code.",
            details=details, **where)]
    return [warning(
        "RETENTION_LONGER_THAN_SCHEDULE",
        f"Hồ sơ {code}: thời hạn bảo quản '{have.label_vi()}' dài hơn thời hạn của nhóm {group} "
        f"({item.retention.label_vi()}). Được phép, nhưng hãy kiểm tra lại mã nhóm.",
        f"Dossier {code}: retention '{have.label_en()}' is longer than group {group}'s "
        f"({item.retention.label_en()}). Allowed, but check the group code.",
        details=details, **where)]


@dataclass(frozen=True)
class DueDossier:
    """A dossier whose retention has ended by the end of the asked year."""

    code: str
    agency_code: str
    title: str
    year: int
    end_date: str
    retention_years: int
    retention_end: str
    access: str
    open_list: str | None  # id of a disposal list it is already on, if any
    transfer_required: bool
    transfer_confirmed: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def active_holds(s: Session, code: str | None = None) -> list[Any]:

    q = select(Hold).where(Hold.lifted_at.is_(None))
    if code is not None:
        q = q.where(Hold.dossier_code == code)
    return list(s.scalars(q))


def due_dossiers(s: Session, year: int, *, agency: str | None = None) -> list[DueDossier]:
    """Fixed-term dossiers whose retention ends on or before 31/12/``year``; held ones excluded."""

    held = {h.dossier_code for h in active_holds(s)}
    q = select(m.Dossier).where(m.Dossier.retention_years.is_not(None)).order_by(m.Dossier.code)
    if agency:
        q = q.where(m.Dossier.fonds_code == agency)
    on_lists = {
        code: lid for code, lid in s.execute(
            select(DisposalItem.dossier_code, DisposalItem.list_id).join(
                DisposalList, DisposalList.id == DisposalItem.list_id).where(
                DisposalList.status.not_in((REJECTED, EXECUTED)), DisposalItem.state != DESTROYED))
    }
    transfers = {t.dossier_code: t for t in s.scalars(select(DossierTransfer))}
    out = []
    for d in s.scalars(q):
        if d.code in held:
            continue
        end = retention_end(d.end_date, d.retention_years)
        if end is None or end.year > year:
            continue
        t = transfers.get(d.code)
        out.append(DueDossier(d.code, d.fonds_code, d.title, d.year, d.end_date.isoformat(), int(d.retention_years),
                              end.isoformat(), d.access, on_lists.get(d.code), t is not None,
                              bool(t is not None and t.confirmed_at)))
    return out


def transfer_confirmed(s: Session, code: str) -> bool:
    """True when a historical archive confirmed receipt of the dossier (a receipt is on file)."""
    t = s.get(DossierTransfer, code)
    return bool(t is not None and t.confirmed_at)


def transfer_required(s: Session, code: str, retention_years: int | None) -> bool:
    """Permanent dossiers must be transferred; fixed-term ones only when flagged."""
    return retention_years is None or s.get(DossierTransfer, code) is not None


def parse_year(value: Any) -> int:
    """A year from the command line or API, with a clear error."""
    try:
        y = int(str(value).strip())
    except ValueError as e:
        raise ValueError(f"'{value}' is not a year (e.g. 2026)") from e
    if not 1900 <= y <= 9999:
        raise ValueError(f"year {y} is out of range")
    return y


__all__ = ["retention_end", "lock_arguments", "check_retention_group", "due_dossiers", "DueDossier",
           "transfer_confirmed", "transfer_required", "active_holds", "fold"]
