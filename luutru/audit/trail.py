"""The audit trail: who did what to which object, when, and how it ended.

Every event is appended to ``audit_events`` with the hash of the event before it, the
hash being SHA-256 over the RFC 8785 canonical JSON of the event's fields (sequence
number, time +07:00, actor, action, object, outcome, detail, previous hash).  Editing or
deleting any past event therefore breaks the chain, and :func:`verify_chain` (CLI:
``luutru audit-log verify``) names the first broken entry.  The chain head (last
sequence number and hash) is kept in ``audit_head``; an append locks that row first, so
concurrent appends from threads or processes on SQLite and PostgreSQL are serialised
and the chain never forks.

Other areas call :func:`record_action` (disposal decisions, destruction, exports …).
How an action ended is an :class:`luutru.records.status.Outcome` (success, failure,
denied); an area with outcomes of its own (an ingest: accepted, rejected …) may pass
that word instead.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator

import rfc8785
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from luutru.catalog.audit_models import GENESIS_HASH, AuditEvent, AuditHead
from luutru.records.status import Outcome
from luutru.records.timeutil import iso_vn

# Set by the API per request (a mutable dict): record_action marks it, so the generic
# "http.<method>" event is written only for requests no route recorded itself.
REQUEST_SCOPE: ContextVar[dict[str, Any] | None] = ContextVar("luutru_audit_request", default=None)


def _plain(value: Any) -> Any:
    """JSON-safe form of a detail value, identical before and after a database round trip."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)  # RFC 8785 numbers are IEEE doubles
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return str(value)


def event_hash(fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an event's fields (without its own hash)."""
    body = {k: fields[k] for k in ("seq", "at", "actor", "action", "object", "outcome", "detail", "prev_hash")}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def actor_name(actor: Any) -> str:
    """An actor given as a principal/user object (``.username``) or a plain string."""
    name = getattr(actor, "username", None) or str(actor or "anonymous")
    return name[:100]


def _append(s: Session, actor: str, action: str, obj: str, outcome: Outcome | str, detail: Any) -> dict[str, Any]:
    # Lock the head row FIRST (a write), so concurrent writers queue here instead of
    # reading a stale head: SQLite takes its write lock, PostgreSQL a row lock.
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    seq, prev = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    fields = {"seq": seq, "at": iso_vn(), "actor": actor, "action": action[:80], "object": obj[:500],
              "outcome": str(getattr(outcome, "value", outcome))[:30], "detail": _plain(detail) if detail is not None else None, "prev_hash": prev}
    fields["hash"] = event_hash(fields)
    s.add(AuditEvent(**fields))
    s.flush()
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=fields["hash"]))
    return fields


def record_action(services: Any, actor: Any, action: str, object: str, outcome: Outcome | str,  # noqa: A002 - public name
                  detail: dict[str, Any] | None = None, *, session: Session | None = None) -> dict[str, Any]:
    """Append one event to the audit trail and return it (with its ``seq`` and ``hash``).

    ``actor``: a username, a principal (anything with ``.username``), or ``"system"``;
    ``action``: a dotted verb such as ``disposal.approve``; ``object``: what it acted on,
    e.g. ``dossier:000.00.31.H57.2021.01``; ``outcome``: an :class:`Outcome`, or another
    short word of the area's own vocabulary (stored as its plain value).  Pass ``session`` to commit the event in the same
    transaction as the action itself; otherwise it is committed on its own at once (do
    not hold another write transaction open in the same thread then, on SQLite it would
    wait for itself).
    """
    scope = REQUEST_SCOPE.get()
    if scope is not None:
        scope["recorded"] = True
    if session is not None:
        return _append(session, actor_name(actor), action, object, outcome, detail)
    with services.catalog.session() as s:
        return _append(s, actor_name(actor), action, object, outcome, detail)


@dataclass(frozen=True)
class ChainCheck:
    """Result of :func:`verify_chain`; ``broken_seq`` is the first entry that fails."""

    ok: bool
    events: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem_vi: str = ""
    problem_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head_seq": self.head_seq, "head_hash": self.head_hash,
                "broken_seq": self.broken_seq, "problem_vi": self.problem_vi, "problem_en": self.problem_en}


def _iter_events(s: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(services: Any) -> ChainCheck:
    """Recompute every hash in order; report the first entry edited, inserted or missing."""
    with services.catalog.session() as s:
        head = s.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        prev_seq, prev_hash, n = 0, GENESIS_HASH, 0
        for e in _iter_events(s):
            n += 1
            d = e.to_dict()
            if e.seq != prev_seq + 1:
                missing = prev_seq + 1
                return ChainCheck(False, n, head_seq, head_hash, missing,
                                  f"Thiếu mục {missing} (các mục {missing}–{e.seq - 1} đã bị xóa).",
                                  f"Entry {missing} is missing (entries {missing}–{e.seq - 1} were deleted).")
            if e.prev_hash != prev_hash:
                return ChainCheck(False, n, head_seq, head_hash, e.seq,
                                  f"Mục {e.seq}: mã băm của mục trước không khớp (mục {prev_seq} đã bị sửa hoặc thay).",
                                  f"Entry {e.seq}: previous-entry hash does not match (entry {prev_seq} was edited or replaced).")
            if event_hash(d) != e.hash:
                return ChainCheck(False, n, head_seq, head_hash, e.seq,
                                  f"Mục {e.seq} đã bị sửa sau khi ghi (mã băm không khớp nội dung).",
                                  f"Entry {e.seq} was edited after it was written (its hash does not match its content).")
            prev_seq, prev_hash = e.seq, e.hash
        if (prev_seq, prev_hash) != (head_seq, head_hash):
            first = prev_seq + 1
            return ChainCheck(False, n, head_seq, head_hash, first,
                              f"Nhật ký kết thúc ở mục {prev_seq} nhưng đầu chuỗi ghi mục {head_seq}: "
                              f"mục {first} trở đi đã bị xóa hoặc đầu chuỗi bị sửa.",
                              f"The log ends at entry {prev_seq} but the chain head says {head_seq}: "
                              f"entries from {first} on were deleted or the head was edited.")
        return ChainCheck(True, n, head_seq, head_hash)


def list_events(services: Any, *, limit: int = 100, before: int | None = None, actor: str | None = None,
                action: str | None = None, obj: str | None = None) -> list[dict[str, Any]]:
    """Newest events first (``before``: a sequence number to page back from)."""
    q = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(max(1, min(limit, 1000)))
    if before is not None:
        q = q.where(AuditEvent.seq < before)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if action:
        q = q.where(AuditEvent.action.startswith(action))
    if obj:
        q = q.where(AuditEvent.object == obj)
    with services.catalog.session() as s:
        return [e.to_dict() for e in s.scalars(q)]


def count_events(services: Any) -> int:
    with services.catalog.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def dumps_event(e: dict[str, Any]) -> str:
    return json.dumps(e, ensure_ascii=False)
