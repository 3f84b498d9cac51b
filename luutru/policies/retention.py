"""What a retention period means: permanent or not, when it ends, what lock it asks of storage.

The catalog stores a dossier's retention as a number of years, ``None`` meaning
permanent (vĩnh viễn).  Every other place asks these functions instead of testing that
value itself, so that a change of the controlled vocabulary (Circular 05/2025 codes
the periods 01–07) changes this module only.

The rule (Circular 10/2022/TT-BNV practice): a fixed-term period counts from the year
the matter closed, so a dossier closed in 2015 with 10 years is kept through
31/12/2025 and may be appraised for destruction from 2026 on.  Permanent dossiers have
no end: storage keeps them under a legal hold and they are never destroyed (they go to
a historical archive instead).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from luutru.policies.retention_schedule import Schedule, load_schedule, shorter
from luutru.records.finding_codes.disposal import (
    RETENTION_GROUP_UNKNOWN,
    RETENTION_LONGER_THAN_SCHEDULE,
    RETENTION_SHORTER_THAN_SCHEDULE,
)
from luutru.records.findings import Finding, finding
from luutru.records.model import Retention
from luutru.records.timeutil import now_vn


def retention_of(value: int | None | Retention) -> Retention:
    """The period a stored value (years, ``None`` = permanent) or a :class:`Retention` stands for."""
    return value if isinstance(value, Retention) else Retention(None if value is None else int(value))


def stored_years(retention: Retention) -> int | None:
    """What the catalog and the AIP store for a period (years; ``None`` = permanent)."""
    return retention.years


def is_permanent(value: int | None | Retention) -> bool:
    """True for a permanent period: never destroyed, transferred to a historical archive."""
    return retention_of(value).permanent


def permanent_filter(years_column: Any) -> Any:
    """SQL condition on a stored-years column (SQLAlchemy): the dossier is permanent."""
    return years_column.is_(None)


def fixed_term_filter(years_column: Any) -> Any:
    """SQL condition on a stored-years column (SQLAlchemy): the dossier has a fixed term."""
    return years_column.is_not(None)


def label_vi(value: int | None | Retention) -> str:
    """``Vĩnh viễn`` or ``N năm``, for pages, lists and minutes."""
    return retention_of(value).label_vi()


def label_en(value: int | None | Retention) -> str:
    return retention_of(value).label_en()


def retention_end(end_date: date, value: int | None | Retention) -> date | None:
    """Last day the dossier must be kept: 31/12 of (closing year + period); ``None`` = permanent."""
    r = retention_of(value)
    if r.permanent:
        return None
    return date(end_date.year + int(r.years or 0), 12, 31)


def still_retained(end_date: date, value: int | None | Retention, today: date) -> date | None:
    """The retention end when it has not passed by ``today`` (permanent: ``None``, see :func:`is_permanent`)."""
    end = retention_end(end_date, value)
    return end if end is not None and end >= today else None


def ended_by(end_date: date, value: int | None | Retention, year: int) -> bool:
    """True when a fixed-term retention ends on or before 31/12/``year`` (due for appraisal)."""
    end = retention_end(end_date, value)
    return end is not None and end.year <= year


def must_transfer(value: int | None | Retention, flagged: bool) -> bool:
    """Permanent dossiers must go to a historical archive; fixed-term ones only when flagged."""
    return is_permanent(value) or flagged


def storage_hold_stays(value: int | None | Retention) -> bool:
    """Whether storage keeps a legal hold on its own (permanent) once the last disposal hold is lifted."""
    return is_permanent(value)


def lock_arguments(dossier_record: Any, today: date | None = None) -> dict[str, Any]:
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
    until = still_retained(dossier_record.end_date, retention, today or now_vn().date())
    return {"retain_until": until} if until is not None else {}


def check_retention_group(dossier_record: Any, schedule: Schedule | None = None) -> list[Finding]:
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
    item = (schedule or load_schedule()).get(group)
    where = {"dossier": code, "field": "nhom_thoi_han"}
    if item is None:
        return [finding(
            RETENTION_GROUP_UNKNOWN,
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
    want_vi, want_en = item.retention.label_vi(), item.retention.label_en()
    if shorter(have, item.retention):
        return [finding(
            RETENTION_SHORTER_THAN_SCHEDULE,
            f"Hồ sơ {code}: thời hạn bảo quản '{have.label_vi()}' ngắn hơn thời hạn của nhóm {group} "
            f"('{item.title_vi}': {want_vi}). Sửa: ghi thời hạn {want_vi} hoặc kiểm tra lại mã nhóm.",
            f"Dossier {code}: retention '{have.label_en()}' is shorter than group {group}'s "
            f"({want_en}). Fix: enter {want_en} or check the group code.",
            details=details, **where)]
    return [finding(
        RETENTION_LONGER_THAN_SCHEDULE,
        f"Hồ sơ {code}: thời hạn bảo quản '{have.label_vi()}' dài hơn thời hạn của nhóm {group} "
        f"({want_vi}). Được phép, nhưng hãy kiểm tra lại mã nhóm.",
        f"Dossier {code}: retention '{have.label_en()}' is longer than group {group}'s "
        f"({want_en}). Allowed, but check the group code.",
        details=details, **where)]
