"""What every step of destruction shares: the refusal, who acts, the event journal, the list row.

Every step is an event (``disposal_events``: action, actor, time +07:00) and, in the
same transaction, an entry of the hash-chained audit trail, so the procedure can be
replayed and checked after the fact.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy.orm import Session

from luutru.audit.trail import record_action
from luutru.catalog.disposal_models import DisposalEvent, DisposalList
from luutru.records.finding_codes.disposal import (
    DISPOSAL_ACTOR_MISSING,
    DISPOSAL_LIST_UNKNOWN,
)
from luutru.records.findings import FindingCode, Refused, finding
from luutru.records.status import Outcome
from luutru.records.timeutil import iso_vn
from luutru.services import Services


class DisposalError(Refused):
    """A disposal step was refused; ``findings`` say why, per dossier, and how to fix it."""

    kind = "disposal_refused"


def refuse(code: FindingCode, vi: str, en: str, **where: Any) -> DisposalError:
    """One refusal with one registered finding."""
    return DisposalError([finding(code, vi, en, **where)])


def check_actor(actor: str | None) -> str:
    """The acting user's name, trimmed; nobody acts anonymously on records."""
    a = (actor or "").strip()
    if not a:
        raise refuse(DISPOSAL_ACTOR_MISSING, "Thiếu người thực hiện. Sửa: ghi --as <tên người dùng>.",
                     "Who is acting is missing. Fix: give --as <user> (API: \"actor\").")
    return a[:100]


def same_person(a: str, b: str | None) -> bool:
    """User names compare without case and surrounding blanks (``LAN.VANTHU `` is ``lan.vanthu``)."""
    return b is not None and a.strip().casefold() == b.strip().casefold()


def record_event(s: Session, action: str, actor: str, *, list_id: str | None = None, dossier: str | None = None,
                 **detail: Any) -> None:
    """One step of the procedure, in ``disposal_events`` and the audit trail (same transaction)."""
    s.add(DisposalEvent(list_id=list_id, dossier_code=dossier, action=action, actor=actor, at=iso_vn(),
                        detail=detail))
    obj = f"dossier:{dossier}" if dossier else f"disposal-list:{list_id}"
    plain = {k: v for k, v in detail.items() if isinstance(v, (str, int, float, bool, list, type(None)))}
    record_action(None, actor, f"disposal.{action}", obj, Outcome.SUCCESS, {"list_id": list_id, **plain}, session=s)


@contextmanager
def denials_recorded(services: Services, actor: str, action: str, list_id: str) -> Iterator[None]:
    """A refused step is on the audit trail too (outcome ``denied``, with the finding codes).

    Wrap the step's whole transaction: the denial is written after it rolled back.
    """
    try:
        yield
    except DisposalError as e:
        record_action(services, actor, f"disposal.{action}", f"disposal-list:{list_id}", Outcome.DENIED,
                      {"list_id": list_id, "findings": [str(f.code) for f in e.findings]})
        raise


def get_list(s: Session, list_id: str) -> DisposalList:
    lst = s.get(DisposalList, list_id)
    if lst is None:
        raise refuse(DISPOSAL_LIST_UNKNOWN, f"Không có danh mục tài liệu hết giá trị '{list_id}'.",
                     f"No disposal list '{list_id}'. Fix: see `luutru disposal list`.")
    return lst


def locations(services: Services) -> list[Any]:
    """Every storage location holding copies (replicas each count), for locks and deletion."""
    return services.storage.locations
