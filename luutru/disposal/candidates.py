"""What an archivist may put on a destruction list today, and why the other due dossiers may not.

The schedule (:func:`luutru.disposal.schedule.due_for_destruction`) names the fixed-term
dossiers whose retention ends by the end of a year; the eligibility rule
(:func:`luutru.disposal.eligibility.check_dossier`) says which of them may be destroyed
*now*.  A drafting page offers only the eligible ones and shows the reasons of the rest,
so a draft is never refused for a dossier the page offered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from luutru.disposal.eligibility import check_dossier
from luutru.disposal.schedule import due_for_destruction
from luutru.services import Services


def candidates(services: Services, year: int, *, agency: str | None = None,
               today: date | None = None) -> list[dict[str, Any]]:
    """Each due dossier of ``year`` with ``eligible`` and, when not, ``why`` (findings as dicts).

    Storage locks are left to approval and execution, which check them again: reading
    every copy's lock for a whole year's dossiers would make the page slow."""
    out = []
    with services.catalog.session() as s:
        for d in due_for_destruction(s, year, agency=agency):
            why = check_dossier(services, s, d.code, today=today, check_lock=False)
            out.append({**d.to_dict(), "eligible": not why, "why": [f.to_dict() for f in why]})
    return out
