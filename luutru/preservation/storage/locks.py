"""Retention locks and holds on stored AIPs, independent of the backend.

A retention date (``retain_until``) is a calendar date in Vietnam time: the AIP is
protected *through* that whole day and may be deleted from the next day on.  A hold
(legal or disposal hold) blocks deletion whatever the dates say.  Permanent records
(``vĩnh viễn``) are stored with a hold, or with :data:`PERMANENT_UNTIL`.

S3 keeps these as Object Lock settings on every object version (COMPLIANCE mode);
the local backend keeps them in a small JSON sidecar and enforces them in software.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from luutru.records.errors import LockedError
from luutru.records.timeutil import VN_TZ, now_vn

#: Far-future retention date for permanent records when a hold is not wanted.
PERMANENT_UNTIL = date(9999, 12, 30)


@dataclass(frozen=True)
class LockState:
    """Protection of one stored AIP: retained through ``retain_until``, or held."""

    retain_until: date | None = None
    legal_hold: bool = False

    def blocks_deletion(self, today: date | None = None) -> bool:
        today = today or now_vn().date()
        return self.legal_hold or (self.retain_until is not None and today <= self.retain_until)

    def reason(self, today: date | None = None) -> str:
        """Why deletion is refused, in words for the archivist (empty when allowed)."""
        today = today or now_vn().date()
        parts = []
        if self.legal_hold:
            parts.append("a legal/disposal hold is on (lift it with set_hold(aip_id, False) first)")
        if self.retain_until is not None and today <= self.retain_until:
            parts.append(f"it is retained until {self.retain_until.isoformat()} inclusive")
        return "; ".join(parts)


def lock_instant(retain_until: date) -> datetime:
    """The UTC instant a retention date ends: 00:00 +07:00 of the following day."""
    if retain_until >= date(9999, 12, 31):
        retain_until = date(9999, 12, 30)
    end = datetime.combine(retain_until + timedelta(days=1), time(0, 0), tzinfo=VN_TZ)
    return end.astimezone(timezone.utc)


def date_of_instant(instant: datetime) -> date:
    """Inverse of :func:`lock_instant`: the last protected day (Vietnam time)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    local = instant.astimezone(VN_TZ)
    day = local.date()
    # An instant exactly at local midnight protects through the day before it.
    if local.time() == time(0, 0):
        return day - timedelta(days=1)
    return day


def check_extension(current: LockState, until: date, aip_id: str) -> None:
    """Refuse to shorten a retention period: locks can only be extended."""

    if current.retain_until is not None and until < current.retain_until:
        raise LockedError(
            f"AIP {aip_id} is retained until {current.retain_until.isoformat()}; a retention "
            f"lock can only be extended, not shortened to {until.isoformat()}"
        )
