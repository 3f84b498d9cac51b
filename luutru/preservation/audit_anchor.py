"""Anchors of the audit trail kept in storage, outside the database.

The hash chain of :mod:`luutru.audit.trail` shows an entry edited in place, but not a
database administrator who deletes the last entries and resets the head row, or who
rewrites an entry and recomputes every later hash: the chain is then whole again.  An
anchor fixes the head (sequence number and hash) at a moment in a write-once record
beside the AIPs (``audit-anchors/<seq>-<hash>.json``; on S3 under Object Lock in
COMPLIANCE mode), each anchor naming the SHA-256 of the one before, so the anchors form
a chain of their own that the database cannot touch.  :func:`verify_with_anchors` then
detects truncation (the head is behind an anchor) and rechaining (an anchored entry no
longer has its anchored hash).

Anchors are written by ``luutru audit-log anchor`` (run it from cron, like the fixity
audit), at the end of every fixity audit, and after every destruction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import rfc8785
from sqlalchemy import select

from luutru.audit.trail import ChainCheck, verify_chain
from luutru.catalog.audit_models import AuditEvent, AuditHead
from luutru.records.errors import StorageError
from luutru.records.timeutil import iso_vn, now_vn

log = logging.getLogger(__name__)

PREFIX = "audit-anchors/"
FORMAT = "luutru-audit-anchor/1"


@dataclass(frozen=True)
class Anchor:
    """One anchor record: the head it fixed and where it is stored."""

    name: str
    seq: int
    hash: str
    at: str
    prev_anchor_sha256: str | None
    sha256: str


def _parse(name: str, data: bytes) -> Anchor:
    body = json.loads(data)
    return Anchor(name, int(body["seq"]), str(body["hash"]), str(body["at"]),
                  body.get("prev_anchor_sha256"), hashlib.sha256(data).hexdigest())


def read_anchors(storage: Any) -> list[Anchor]:
    """Every anchor in storage, oldest first (the names sort by sequence number)."""
    out = []
    for name in storage.list_records(PREFIX):
        data = storage.get_record(name)
        if data is not None:
            out.append(_parse(name, data))
    return sorted(out, key=lambda a: (a.seq, a.name))


def _last_anchor(storage: Any) -> Anchor | None:
    """The newest anchor (names sort by sequence number): one read, not all of them."""
    names = list(storage.list_records(PREFIX))
    data = storage.get_record(names[-1]) if names else None
    return None if data is None else _parse(names[-1], data)


def _head(services: Any) -> tuple[int, str]:
    with services.catalog.session() as s:
        head = s.get(AuditHead, 1)
        return (head.seq, head.hash) if head else (0, "")


def write_anchor(services: Any) -> Anchor | None:
    """Anchor the current head in storage; None when there is nothing new to anchor."""
    seq, head_hash = _head(services)
    last = _last_anchor(services.storage)
    if seq == 0 or (last is not None and last.seq == seq and last.hash == head_hash):
        return None
    body = {"format": FORMAT, "seq": seq, "hash": head_hash, "at": iso_vn(),
            "prev_anchor_sha256": last.sha256 if last else None}
    data = rfc8785.dumps(body)
    name = f"{PREFIX}{seq:012d}-{head_hash[:16]}.json"
    keep = now_vn().date() + timedelta(days=services.settings.storage.anchor_retain_days)
    services.storage.put_record(name, data, retain_until=keep)
    return _parse(name, data)


def anchor_quietly(services: Any) -> Anchor | None:
    """:func:`write_anchor` for callers whose own work must not fail with it (a fixity
    audit, a destruction): a storage failure is logged as an error, and the next anchor
    (hourly from cron) covers the same entries."""
    try:
        return write_anchor(services)
    except StorageError as e:
        log.error("could not anchor the audit trail in storage: %s", e)
        return None


def _anchor_problem(services: Any, anchors: list[Anchor], head_seq: int) -> tuple[int, str, str] | None:
    """The first anchor the database contradicts: (seq, Vietnamese, English), or None."""
    prev: str | None = None
    with services.catalog.session() as s:
        for a in anchors:
            if a.prev_anchor_sha256 != prev:
                return (a.seq, f"Chuỗi mốc neo bị gián đoạn trước mốc {a.name} (một mốc đã bị xóa hoặc thay).",
                        f"The anchor chain is broken before {a.name} (an anchor was removed or replaced).")
            prev = a.sha256
            if a.seq > head_seq:
                return (head_seq + 1,
                        f"Mốc neo lúc {a.at} ghi nhật ký đã có mục {a.seq}, nhưng cơ sở dữ liệu chỉ còn đến mục "
                        f"{head_seq}: các mục cuối đã bị xóa.",
                        f"The anchor written at {a.at} shows the log had entry {a.seq}, but the database ends at "
                        f"entry {head_seq}: the last entries were deleted.")
            stored = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == a.seq))
            if stored != a.hash:
                return (a.seq, f"Mục {a.seq} không còn là mục đã neo lúc {a.at}: nhật ký đã bị viết lại.",
                        f"Entry {a.seq} is no longer the entry anchored at {a.at}: the log was rewritten.")
    return None


def verify_with_anchors(services: Any) -> ChainCheck:
    """The hash chain checked on its own and against every anchor kept in storage."""
    check = verify_chain(services)
    if not check.ok:
        return check
    problem = _anchor_problem(services, read_anchors(services.storage), check.head_seq)
    if problem is None:
        return check
    seq, vi, en = problem
    return ChainCheck(False, check.events, check.head_seq, check.head_hash, seq, vi, en)
