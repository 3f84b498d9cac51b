"""Times in the Vietnam time zone (+07:00), as the regulations require for every record."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

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


def _parse(value: object) -> datetime | date | None:
    """A datetime or date from a value as stored (ISO text, date, datetime); None if unreadable."""
    if isinstance(value, datetime | date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
    except ValueError:
        return None


def display_date(value: object) -> str:
    """A date as people read it: dd/mm/yyyy (a partial ISO date keeps its precision: mm/yyyy, yyyy).

    A datetime is first put in Vietnam time; text that is not a date is returned unchanged."""
    text = "" if value is None else str(value).strip()
    if len(text) == 4 and text.isdigit():
        return text
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return f"{text[5:]}/{text[:4]}"
    d = _parse(value)
    if d is None:
        return text
    if isinstance(d, datetime):
        d = d.astimezone(VN_TZ) if d.tzinfo else d
    return f"{d:%d/%m/%Y}"


def display_time(value: object) -> str:
    """A time as people read it: dd/mm/yyyy HH:MM in Vietnam time (+07:00); a bare date as dd/mm/yyyy."""
    d = _parse(value)
    if d is None:
        return "" if value is None else str(value)
    if not isinstance(d, datetime):
        return f"{d:%d/%m/%Y}"
    d = d.replace(tzinfo=VN_TZ) if d.tzinfo is None else d.astimezone(VN_TZ)
    return f"{d:%d/%m/%Y %H:%M}"
