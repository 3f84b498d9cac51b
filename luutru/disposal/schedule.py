"""What is due for destruction appraisal: fixed-term dossiers whose retention has ended.

RODA's "schedule" step: from the retention of each dossier (policies.retention) to the
list an archivist drafts from.  Not to be confused with what is due for *transfer* to a
historical archive (permanent dossiers, ``transfer_out.select.due_for_transfer``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import luutru.catalog.models as m
from luutru.catalog.disposal_models import DisposalItem, DisposalList, DossierTransfer
from luutru.disposal.hold import active_holds
from luutru.policies.retention import ended_by, fixed_term_filter, retention_end
from luutru.records.status import DisposalItemState, DisposalListStatus


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


def _on_open_lists(s: Session) -> dict[str, str]:
    closed = (DisposalListStatus.REJECTED.value, DisposalListStatus.EXECUTED.value)
    return {code: lid for code, lid in s.execute(
        select(DisposalItem.dossier_code, DisposalItem.list_id).join(
            DisposalList, DisposalList.id == DisposalItem.list_id).where(
            DisposalList.status.not_in(closed), DisposalItem.state != DisposalItemState.DESTROYED.value))}


def due_for_destruction(s: Session, year: int, *, agency: str | None = None) -> list[DueDossier]:
    """Fixed-term dossiers whose retention ends on or before 31/12/``year``; held ones excluded."""
    held = {h.dossier_code for h in active_holds(s)}
    q = select(m.Dossier).where(fixed_term_filter(m.Dossier.retention_years)).order_by(m.Dossier.code)
    if agency:
        q = q.where(m.Dossier.fonds_code == agency)
    on_lists = _on_open_lists(s)
    transfers = {t.dossier_code: t for t in s.scalars(select(DossierTransfer))}
    out = []
    for d in s.scalars(q):
        if d.code in held or not ended_by(d.end_date, d.retention_years, year):
            continue
        end = retention_end(d.end_date, d.retention_years)
        assert end is not None
        t = transfers.get(d.code)
        out.append(DueDossier(d.code, d.fonds_code, d.title, d.year, d.end_date.isoformat(), int(d.retention_years),
                              end.isoformat(), d.access, on_lists.get(d.code), t is not None,
                              bool(t is not None and t.confirmed_at)))
    return out


def parse_year(value: Any) -> int:
    """A year from the command line or API, with a clear error."""
    try:
        y = int(str(value).strip())
    except ValueError as e:
        raise ValueError(f"'{value}' is not a year (e.g. 2026)") from e
    if not 1900 <= y <= 9999:
        raise ValueError(f"year {y} is out of range")
    return y
