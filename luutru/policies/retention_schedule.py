"""Retention schedules: the periods of Circular 10/2022/TT-BNV plus an agency's own list.

Why data, not code: the periods come from a circular that changes (09/2011 was replaced
by 10/2022) and every agency adds its own schedule (bảng thời hạn bảo quản của cơ
quan).  ``retention_schedule.yaml`` beside this module holds the common groups; a second
YAML file of the same shape (``LUUTRU_RETENTION_SCHEDULE``, or the ``retention_schedule``
setting) adds entries and replaces entries with the same code.  An agency schedule may
make a period longer than the circular's, never shorter: such entries are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from luutru.config import Settings
from luutru.records.model import Retention

DEFAULT_PATH = Path(__file__).with_name("retention_schedule.yaml")


class ScheduleError(ValueError):
    """A schedule file is unreadable or malformed; the message names the file and entry."""


@dataclass(frozen=True)
class ScheduleItem:
    """One entry of a retention schedule: a kind of dossier and its retention period."""

    code: str
    title_vi: str
    retention: Retention
    group_code: str
    group_title_vi: str
    source: str  # which schedule file it came from

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title_vi": self.title_vi, "period": self.retention.label_vi(),
                "retention_years": self.retention.years, "group": self.group_code,
                "group_title_vi": self.group_title_vi, "source": self.source}


@dataclass(frozen=True)
class Schedule:
    """The merged schedule: common groups, then the agency's entries on top."""

    items: dict[str, ScheduleItem]
    sources: tuple[str, ...]
    verified: bool

    def get(self, code: str) -> ScheduleItem | None:
        return self.items.get(str(code).strip())

    def __len__(self) -> int:
        return len(self.items)


def _parse_period(value: Any, where: str) -> Retention:
    try:
        return Retention.parse(value)
    except ValueError as e:
        raise ScheduleError(f"{where}: period {value!r} is neither 'Vĩnh viễn' nor a number of years") from e


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ScheduleError(f"cannot read retention schedule {path}: {e.strerror or e}") from e
    except yaml.YAMLError as e:
        raise ScheduleError(f"retention schedule {path} is not valid YAML: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), list):
        raise ScheduleError(f"retention schedule {path} needs a 'groups' list (see {DEFAULT_PATH.name})")
    return doc


def _items(path: Path, doc: dict[str, Any]) -> list[ScheduleItem]:
    out = []
    for gi, g in enumerate(doc["groups"], 1):
        if not isinstance(g, dict) or "code" not in g or not isinstance(g.get("items"), list):
            raise ScheduleError(f"{path}: group #{gi} needs 'code', 'title_vi' and an 'items' list")
        for ii, it in enumerate(g["items"], 1):
            where = f"{path}: group {g['code']} item #{ii}"
            if not isinstance(it, dict) or not it.get("code") or "period" not in it:
                raise ScheduleError(f"{where} needs 'code', 'title_vi' and 'period'")
            out.append(ScheduleItem(str(it["code"]).strip(), str(it.get("title_vi", "")),
                                    _parse_period(it["period"], where), str(g["code"]),
                                    str(g.get("title_vi", "")), path.name))
    return out


def agency_schedule_path(settings: Settings | None = None) -> Path | None:
    """The agency schedule file, from settings (``retention_schedule``, ``LUUTRU_RETENTION_SCHEDULE``)."""
    value = (settings or Settings()).retention_schedule
    return Path(value) if value else None


@lru_cache(maxsize=8)
def _load(base: Path, agency: Path | None) -> Schedule:
    base_doc = _read(base)
    items = {i.code: i for i in _items(base, base_doc)}
    sources = [str(base)]
    verified = bool((base_doc.get("schedule") or {}).get("verified", False))
    if agency is not None:
        for it in _items(agency, _read(agency)):
            common = items.get(it.code)
            if common is not None and _shorter(it.retention, common.retention):
                raise ScheduleError(
                    f"{agency}: entry {it.code} sets {it.retention.label_vi()}, shorter than the common schedule's "
                    f"{common.retention.label_vi()}; an agency may keep records longer, never shorter")
            items[it.code] = it
        sources.append(str(agency))
    return Schedule(items, tuple(sources), verified)


def _shorter(a: Retention, b: Retention) -> bool:
    """True when ``a`` keeps records for less time than ``b``."""
    if a.permanent:
        return False
    return b.permanent or (a.years or 0) < (b.years or 0)


def load_schedule(settings: Settings | None = None, *, base: Path | None = None,
                  agency: Path | None = None) -> Schedule:
    """The common schedule merged with the agency's own (if one is configured)."""
    agency = agency if agency is not None else agency_schedule_path(settings)
    return _load(Path(base or DEFAULT_PATH).resolve(), Path(agency).resolve() if agency else None)


def shorter(a: Retention, b: Retention) -> bool:
    """Public form of the comparison used for checks: is ``a`` shorter than ``b``?"""
    return _shorter(a, b)
