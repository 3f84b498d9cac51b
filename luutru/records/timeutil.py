"""Times in the Vietnam time zone (+07:00), as the regulations require for every record."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def now_vn() -> datetime:
    """Current time in +07:00, to the second."""
    return datetime.now(VN_TZ).replace(microsecond=0)


def iso_vn(dt: datetime | None = None) -> str:
    """ISO 8601 with the +07:00 offset (naive datetimes are taken as already in Vietnam time)."""
    dt = dt or now_vn()
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ).isoformat()
