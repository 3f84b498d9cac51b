"""Destruction of expired records, as the procedure prescribes, and irreversibly.

The procedure (guidance 879/VTLTNN-NVĐP; Thái Nguyên 2021 Điều 19 for electronic
records), each step an event with who and when:

1. ``draft`` — the agency archive lists expired *whole dossiers* (danh mục tài liệu hết
   giá trị) with a reason each and an explanatory note (bản thuyết minh);
2. ``opinion`` — members of the appraisal council (Hội đồng xác định giá trị tài liệu)
   record their opinions; the latest opinion of each member counts;
3. ``approve`` / ``reject`` — the competent person decides, with the decision number.
   Four eyes: whoever drafted the list can never approve it;
4. ``execute`` — destruction with minutes (biên bản), kept as a permanent record.

Never destroyed, at any step: permanent dossiers; dossiers whose retention has not
ended; dossiers under a hold; dossiers that had to go to a historical archive whose
receipt is not confirmed; anything that is not a whole dossier.

Execution is a sequence of persisted steps per dossier — data key destroyed, objects
deleted at each storage location, removed from the index, removed from the catalog +
tombstone written — then, for the list, a rebuild of the search index (so no deleted
entry lingers in index segments), the minutes, and compaction of the catalog database.
A crash at any point leaves the state saying exactly which steps are done, and
``resume`` finishes the rest; a dossier is never left half-destroyed without it showing
as ``destroying`` with its steps.  Checkpoints for fault injection:
``destroy_after_key``, ``destroy_after_storage``, ``destroy_after_index``,
``destroy_after_catalog``, ``destroy_after_index_purge``, ``destroy_after_minutes``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

import luutru.catalog.index_retries as index_retries
import luutru.catalog.models as m
from luutru.audit.trail import record_action
from luutru.catalog.disposal_models import (
    APPROVED,
    DESTROYED,
    DESTROYING,
    DRAFT,
    EXECUTED,
    EXECUTING,
    PENDING,
    REJECTED,
    WITHHELD,
    DisposalEvent,
    DisposalItem,
    DisposalList,
    DisposalOpinion,
    DossierTransfer,
    Hold,
    Tombstone,
)
from luutru.catalog.records import delete_dossier_rows
from luutru.disposal.minutes import store_minutes
from luutru.disposal.retention import (
    active_holds,
    retention_end,
    transfer_confirmed,
    transfer_required,
)
from luutru.preservation.reindex import reindex
from luutru.records.findings import Finding, Refused, error
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import FaultInjected, Services

log = logging.getLogger(__name__)

AGREE, DISAGREE = "agree", "disagree"
OPEN_STATES = (DRAFT, APPROVED, EXECUTING)


class DisposalError(Refused):
    """A disposal step was refused; ``findings`` say why, per dossier, and how to fix it."""

    kind = "disposal_refused"


def _refuse(code: str, vi: str, en: str, **where: Any) -> DisposalError:
    return DisposalError([error(code, vi, en, **where)])


def _actor(actor: str | None) -> str:
    a = (actor or "").strip()
    if not a:
        raise _refuse("DISPOSAL_ACTOR_MISSING", "Thiếu người thực hiện. Sửa: ghi --as <tên người dùng>.",
                      "Who is acting is missing. Fix: give --as <user> (API: \"actor\").")
    return a[:100]


def _same_person(a: str, b: str | None) -> bool:
    return b is not None and a.strip().casefold() == b.strip().casefold()


def _event(s: Session, action: str, actor: str, *, list_id: str | None = None, dossier: str | None = None,
           **detail: Any) -> None:
    s.add(DisposalEvent(list_id=list_id, dossier_code=dossier, action=action, actor=actor, at=iso_vn(),
                        detail=detail))
    # Every disposal step also goes into the hash-chained audit trail, in the same transaction.

    obj = f"dossier:{dossier}" if dossier else f"disposal-list:{list_id}"
    record_action(None, actor, f"disposal.{action}", obj, "success",
                  {"list_id": list_id, **{k: v for k, v in detail.items() if isinstance(v, (str, int, float, bool, list, type(None)))}},
                  session=s)


def _get_list(s: Session, list_id: str) -> DisposalList:
    lst = s.get(DisposalList, list_id)
    if lst is None:
        raise _refuse("DISPOSAL_LIST_UNKNOWN", f"Không có danh mục tài liệu hết giá trị '{list_id}'.",
                      f"No disposal list '{list_id}'. Fix: see `luutru disposal list`.")
    return lst


# -- per-dossier eligibility -------------------------------------------------------------


def _check_dossier(services: Services, s: Session, code: str, *, list_id: str | None = None,
                   today: date | None = None, check_lock: bool = True) -> list[Finding]:
    """Why ``code`` may not be destroyed now (empty list = it may)."""
    today = today or now_vn().date()
    where = {"dossier": code}
    d = s.get(m.Dossier, code)
    if d is None:
        if s.get(m.Document, code) is not None:
            return [error("DISPOSAL_NOT_WHOLE_DOSSIER",
                          f"'{code}' là một văn bản, không phải hồ sơ. Chỉ được hủy nguyên hồ sơ.",
                          f"'{code}' is a document, not a dossier. Only whole dossiers may be destroyed.", **where)]
        if s.get(Tombstone, code) is not None:
            return [error("DISPOSAL_ALREADY_DESTROYED", f"Hồ sơ {code} đã bị hủy.",
                          f"Dossier {code} was already destroyed.", **where)]
        return [error("DISPOSAL_UNKNOWN_DOSSIER", f"Không có hồ sơ {code} trong kho lưu trữ. Sửa: kiểm tra mã hồ sơ.",
                      f"No dossier {code} in the archive. Fix: check the dossier code.", **where)]
    out: list[Finding] = []
    if d.retention_years is None:
        out.append(error("DISPOSAL_PERMANENT",
                         f"Hồ sơ {code} có thời hạn bảo quản vĩnh viễn: không bao giờ được hủy.",
                         f"Dossier {code} is permanent: it can never be destroyed.", **where))
    else:
        end = retention_end(d.end_date, d.retention_years)
        if end is not None and end >= today:
            out.append(error("DISPOSAL_NOT_EXPIRED",
                             f"Hồ sơ {code} còn thời hạn bảo quản đến hết ngày {end:%d/%m/%Y}.",
                             f"Dossier {code} is retained until {end.isoformat()} inclusive.",
                             details={"retention_end": end.isoformat()}, **where))
    for h in active_holds(s, code):
        out.append(error("DISPOSAL_HELD",
                         f"Hồ sơ {code} đang bị giữ lại (#{h.id}: {h.reason}, {h.placed_by}, {h.placed_at}). "
                         "Sửa: chỉ hủy sau khi người có thẩm quyền gỡ lệnh giữ.",
                         f"Dossier {code} is under hold #{h.id} ({h.reason}, by {h.placed_by} at {h.placed_at}). "
                         "Fix: it can only be destroyed after the hold is lifted.",
                         details={"hold_id": h.id}, **where))
    if transfer_required(s, code, d.retention_years) and not transfer_confirmed(s, code):
        out.append(error("DISPOSAL_TRANSFER_UNCONFIRMED",
                         f"Hồ sơ {code} phải nộp lưu vào lưu trữ lịch sử và chưa có xác nhận đã nhận. "
                         "Sửa: chờ biên bản/xác nhận giao nhận.",
                         f"Dossier {code} had to be transferred to a historical archive and its receipt is not "
                         "confirmed. Fix: wait for the receipt.", **where))
    # Already on another open list?
    other = s.execute(
        select(DisposalItem.list_id).join(DisposalList, DisposalList.id == DisposalItem.list_id).where(
            DisposalItem.dossier_code == code, DisposalList.status.in_(OPEN_STATES),
            DisposalList.id != (list_id or ""))).scalar()
    if other:
        out.append(error("DISPOSAL_ON_OTHER_LIST", f"Hồ sơ {code} đã có trong danh mục {other}.",
                         f"Dossier {code} is already on list {other}.", details={"list": other}, **where))
    if check_lock and not out:
        for loc in _locations(services):
            try:
                if not loc.has_aip(d.aip_id):
                    continue
                st = loc.lock_state(d.aip_id)
            except Exception as e:  # noqa: BLE001 - an unreadable lock never allows deletion
                out.append(error("DISPOSAL_LOCK_UNKNOWN", f"Không đọc được khóa lưu giữ của {code} tại {loc.url}: {e}",
                                 f"Cannot read the storage lock of {code} at {loc.url}: {e}", **where))
                continue
            if st.blocks_deletion(today):
                out.append(error("DISPOSAL_STORAGE_LOCKED",
                                 f"Kho {loc.url} chưa cho xóa hồ sơ {code}: {st.reason(today)}.",
                                 f"Storage {loc.url} does not allow deleting {code} yet: {st.reason(today)}.",
                                 **where))
    return out


def _locations(services: Services) -> list[Any]:
    return services.storage.locations


# -- drafting, opinions, decisions ------------------------------------------------------


def _next_list_id(s: Session, agency: str) -> str:
    year = now_vn().year
    prefix = f"DM-{agency}-{year}-"
    n = s.scalar(select(func.count()).select_from(DisposalList).where(DisposalList.id.like(prefix + "%"))) or 0
    while s.get(DisposalList, f"{prefix}{n + 1}") is not None:
        n += 1
    return f"{prefix}{n + 1}"


def draft(services: Services, *, actor: str, dossiers: dict[str, str], explanatory_note: str,
          title: str | None = None) -> dict[str, Any]:
    """Draft a list of expired records: ``dossiers`` maps each dossier code to its reason."""
    actor = _actor(actor)
    if not dossiers:
        raise _refuse("DISPOSAL_LIST_EMPTY", "Danh mục trống. Sửa: ghi ít nhất một mã hồ sơ.",
                      "The list is empty. Fix: name at least one dossier code.")
    if not (explanatory_note or "").strip():
        raise _refuse("DISPOSAL_NOTE_MISSING", "Thiếu bản thuyết minh tài liệu hết giá trị.",
                      "The explanatory note (bản thuyết minh) is missing. Fix: give --note.")
    findings: list[Finding] = []
    with services.catalog.session() as s:
        rows = []
        for code, reason in dossiers.items():
            code = code.strip()
            problems = _check_dossier(services, s, code)
            if not (reason or "").strip():
                problems.append(error("DISPOSAL_REASON_MISSING", f"Hồ sơ {code}: thiếu lý do hủy.",
                                      f"Dossier {code}: the reason for destruction is missing.", dossier=code))
            findings += problems
            if not problems:
                rows.append((s.get(m.Dossier, code), reason.strip()))
        agencies = {d.fonds_code for d, _r in rows}
        if len(agencies) > 1:
            findings.append(error("DISPOSAL_MIXED_AGENCIES",
                                  f"Danh mục gồm hồ sơ của nhiều cơ quan ({', '.join(sorted(agencies))}). "
                                  "Sửa: lập một danh mục cho mỗi cơ quan (phông).",
                                  f"The list mixes agencies ({', '.join(sorted(agencies))}). Fix: one list per agency.",
                                  ))
        if findings:
            raise DisposalError(findings)
        agency = rows[0][0].fonds_code
        agency_row = s.get(m.Agency, agency)
        list_id = _next_list_id(s, agency)
        s.add(DisposalList(
            id=list_id, agency_code=agency, agency_name=agency_row.name if agency_row else agency,
            title=title or f"Danh mục tài liệu hết giá trị của {agency_row.name if agency_row else agency}",
            explanatory_note=explanatory_note.strip(), status=DRAFT, drafted_by=actor, drafted_at=iso_vn(), steps={}))
        s.flush()
        for d, reason in rows:
            s.add(DisposalItem(list_id=list_id, dossier_code=d.code, reason=reason, state=PENDING, steps={},
                               snapshot=_snapshot(d)))
        _event(s, "drafted", actor, list_id=list_id, dossiers=[d.code for d, _r in rows])
    return show(services, list_id)


def _snapshot(d: m.Dossier) -> dict[str, Any]:
    end = retention_end(d.end_date, d.retention_years)
    return {"title": d.title, "year": d.year, "start_date": d.start_date.isoformat(),
            "end_date": d.end_date.isoformat(), "retention_years": d.retention_years,
            "retention_end": end.isoformat() if end else None, "access": d.access, "aip_id": d.aip_id,
            "agency_code": d.fonds_code, "manifest_sha256": d.manifest_sha256,
            "documents": len(d.documents)}


def add_opinion(services: Services, list_id: str, *, actor: str, opinion: str, comment: str = "",
                role: str = "") -> dict[str, Any]:
    """Record a council member's opinion (agree/disagree) on a draft list."""
    actor = _actor(actor)
    op = (opinion or "").strip().lower()
    op = {"dong y": AGREE, "đồng ý": AGREE, "yes": AGREE, "khong dong y": DISAGREE, "không đồng ý": DISAGREE,
          "no": DISAGREE}.get(op, op)
    if op not in (AGREE, DISAGREE):
        raise _refuse("DISPOSAL_OPINION_INVALID", f"Ý kiến '{opinion}' không hợp lệ: dùng agree hoặc disagree.",
                      f"Opinion '{opinion}' is invalid: use agree or disagree.")
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        if lst.status != DRAFT:
            raise _refuse("DISPOSAL_NOT_DRAFT", f"Danh mục {list_id} đang ở trạng thái {lst.status}; chỉ ghi ý kiến khi "
                          "còn là dự thảo.", f"List {list_id} is {lst.status}; opinions are recorded on drafts only.")
        s.add(DisposalOpinion(list_id=list_id, member=actor, role=role or "", opinion=op, comment=comment or "",
                              at=iso_vn()))
        _event(s, "opinion", actor, list_id=list_id, opinion=op, comment=comment, role=role)
    return show(services, list_id)


def _latest_opinions(s: Session, list_id: str) -> dict[str, DisposalOpinion]:
    latest: dict[str, DisposalOpinion] = {}
    for o in s.scalars(select(DisposalOpinion).where(DisposalOpinion.list_id == list_id).order_by(DisposalOpinion.id)):
        latest[o.member.casefold()] = o
    return latest


def approve(services: Services, list_id: str, *, actor: str, decision_ref: str, note: str = "") -> dict[str, Any]:
    """The competent person approves the list (never the person who drafted it)."""
    actor = _actor(actor)
    if not (decision_ref or "").strip():
        raise _refuse("DISPOSAL_DECISION_MISSING", "Thiếu số quyết định hủy tài liệu.",
                      "The decision number is missing. Fix: give --decision.")
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        if lst.status != DRAFT:
            raise _refuse("DISPOSAL_NOT_DRAFT", f"Danh mục {list_id} đang ở trạng thái {lst.status}.",
                          f"List {list_id} is {lst.status}; only a draft can be approved.")
        if _same_person(actor, lst.drafted_by):
            raise _refuse("DISPOSAL_FOUR_EYES",
                          f"{actor} đã lập danh mục {list_id} nên không được phê duyệt nó. Người có thẩm quyền khác "
                          "phải phê duyệt.",
                          f"{actor} drafted list {list_id} and so may not approve it; another competent person must.")
        latest = _latest_opinions(s, list_id)
        if not latest:
            raise _refuse("DISPOSAL_NO_COUNCIL_OPINION",
                          "Hội đồng xác định giá trị tài liệu chưa có ý kiến nào về danh mục này.",
                          "The appraisal council has recorded no opinion on this list yet.")
        against = [o.member for o in latest.values() if o.opinion == DISAGREE]
        if against:
            raise _refuse("DISPOSAL_COUNCIL_DISAGREES",
                          f"Thành viên hội đồng không đồng ý: {', '.join(against)}. Sửa: lập lại danh mục hoặc "
                          "thành viên ghi lại ý kiến.",
                          f"Council members disagree: {', '.join(against)}. Fix: redraft, or the member records a "
                          "new opinion.")
        findings: list[Finding] = []
        for it in s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id)):
            findings += _check_dossier(services, s, it.dossier_code, list_id=list_id)
        if findings:
            raise DisposalError(findings)
        lst.status, lst.decided_by, lst.decided_at = APPROVED, actor, iso_vn()
        lst.decision_ref, lst.decision_note = decision_ref.strip(), note or None
        _event(s, "approved", actor, list_id=list_id, decision_ref=lst.decision_ref, note=note)
    return show(services, list_id)


def reject(services: Services, list_id: str, *, actor: str, reason: str) -> dict[str, Any]:
    actor = _actor(actor)
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        if lst.status not in (DRAFT, APPROVED):
            raise _refuse("DISPOSAL_NOT_DRAFT", f"Danh mục {list_id} đang ở trạng thái {lst.status}.",
                          f"List {list_id} is {lst.status}; it can no longer be rejected.")
        if _same_person(actor, lst.drafted_by):
            raise _refuse("DISPOSAL_FOUR_EYES", f"{actor} đã lập danh mục {list_id} nên không được quyết định về nó.",
                          f"{actor} drafted list {list_id} and so may not decide on it.")
        lst.status, lst.decided_by, lst.decided_at, lst.decision_note = REJECTED, actor, iso_vn(), reason
        _event(s, "rejected", actor, list_id=list_id, reason=reason)
    return show(services, list_id)


# -- holds and transfer flags -----------------------------------------------------------


def place_hold(services: Services, code: str, *, actor: str, reason: str) -> dict[str, Any]:
    """Put a dossier on hold: it is excluded from destruction, and storage holds it too."""
    actor = _actor(actor)
    if not (reason or "").strip():
        raise _refuse("HOLD_REASON_MISSING", "Thiếu lý do giữ lại.", "The reason for the hold is missing.")
    with services.catalog.session() as s:
        d = s.get(m.Dossier, code)
        if d is None:
            raise _refuse("DISPOSAL_UNKNOWN_DOSSIER", f"Không có hồ sơ {code}.", f"No dossier {code}.", dossier=code)
        h = Hold(dossier_code=code, reason=reason.strip(), placed_by=actor, placed_at=iso_vn())
        s.add(h)
        s.flush()
        _event(s, "hold_placed", actor, dossier=code, hold_id=h.id, reason=reason)
        aip_id = d.aip_id
        hid = h.id
    services.storage.set_hold(aip_id, True)
    return {"hold_id": hid, "dossier_code": code, "reason": reason, "placed_by": actor}


def lift_hold(services: Services, hold_id: int, *, actor: str, reason: str) -> dict[str, Any]:
    actor = _actor(actor)
    with services.catalog.session() as s:
        h = s.get(Hold, int(hold_id))
        if h is None or h.lifted_at:
            raise _refuse("HOLD_UNKNOWN", f"Không có lệnh giữ #{hold_id} đang hiệu lực.",
                          f"No active hold #{hold_id}.")
        h.lifted_by, h.lifted_at, h.lift_reason = actor, iso_vn(), reason
        _event(s, "hold_lifted", actor, dossier=h.dossier_code, hold_id=h.id, reason=reason)
        s.flush()
        code = h.dossier_code
        still = active_holds(s, code)
        d = s.get(m.Dossier, code)
    # Storage hold off only when no hold remains and the dossier is not permanent
    # (permanent dossiers are stored under a hold of their own).
    if d is not None and not still and d.retention_years is not None:
        services.storage.set_hold(d.aip_id, False)
    return {"hold_id": int(hold_id), "dossier_code": code, "lifted_by": actor}


def list_holds(services: Services, *, active_only: bool = True) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        q = select(Hold).order_by(Hold.id)
        if active_only:
            q = q.where(Hold.lifted_at.is_(None))
        return [{"hold_id": h.id, "dossier_code": h.dossier_code, "reason": h.reason, "placed_by": h.placed_by,
                 "placed_at": h.placed_at, "lifted_by": h.lifted_by, "lifted_at": h.lifted_at} for h in s.scalars(q)]


def flag_transfer(services: Services, code: str, *, actor: str, archive: str | None = None) -> None:
    """Mark a fixed-term dossier as one that must go to a historical archive first."""
    actor = _actor(actor)
    with services.catalog.session() as s:
        t = s.get(DossierTransfer, code)
        if t is None:
            s.add(DossierTransfer(dossier_code=code, archive=archive, flagged_by=actor, flagged_at=iso_vn()))
        _event(s, "transfer_flagged", actor, dossier=code, archive=archive)


def confirm_transfer(services: Services, code: str, *, receipt_id: str, actor: str, archive: str | None = None) -> None:
    """Record the historical archive's receipt (normally done by the transfer-out step)."""
    actor = _actor(actor)
    with services.catalog.session() as s:
        t = s.get(DossierTransfer, code)
        if t is None:
            t = DossierTransfer(dossier_code=code)
            s.add(t)
        t.receipt_id, t.confirmed_at, t.archive = receipt_id, iso_vn(), archive or t.archive
        _event(s, "transfer_confirmed", actor, dossier=code, receipt_id=receipt_id)


# -- views ------------------------------------------------------------------------------


def _approvals(s: Session, lst: DisposalList) -> dict[str, Any]:
    return {
        "drafted": {"by": lst.drafted_by, "at": lst.drafted_at},
        "opinions": [{"member": o.member, "role": o.role, "opinion": o.opinion, "comment": o.comment, "at": o.at}
                     for o in s.scalars(select(DisposalOpinion).where(DisposalOpinion.list_id == lst.id)
                                        .order_by(DisposalOpinion.id))],
        "decided": {"by": lst.decided_by, "at": lst.decided_at, "decision_ref": lst.decision_ref,
                    "note": lst.decision_note, "outcome": lst.status if lst.status == REJECTED else
                    (APPROVED if lst.decided_by else None)},
        "executed": {"by": lst.executed_by, "at": lst.executed_at},
    }


def show(services: Services, list_id: str) -> dict[str, Any]:
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        items = list(s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id).order_by(DisposalItem.id)))
        events = list(s.scalars(select(DisposalEvent).where(DisposalEvent.list_id == list_id)
                                .order_by(DisposalEvent.id)))
        return {
            "id": lst.id, "agency_code": lst.agency_code, "agency_name": lst.agency_name, "title": lst.title,
            "explanatory_note": lst.explanatory_note, "status": lst.status, "approvals": _approvals(s, lst),
            "steps": lst.steps or {}, "minutes_aip_id": lst.minutes_aip_id, "last_error": lst.last_error,
            "items": [{"dossier_code": i.dossier_code, "reason": i.reason, "state": i.state, "steps": i.steps or {},
                       "note": i.note, **{k: v for k, v in (i.snapshot or {}).items() if k != "tombstone"}}
                      for i in items],
            "events": [{"action": e.action, "actor": e.actor, "at": e.at, "dossier_code": e.dossier_code,
                        "detail": e.detail} for e in events],
        }


def list_lists(services: Services, status: str | None = None) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        q = select(DisposalList).order_by(DisposalList.drafted_at)
        if status:
            q = q.where(DisposalList.status == status)
        out = []
        for lst in s.scalars(q):
            n = s.scalar(select(func.count()).select_from(DisposalItem).where(DisposalItem.list_id == lst.id))
            out.append({"id": lst.id, "agency_code": lst.agency_code, "status": lst.status, "dossiers": n,
                        "drafted_by": lst.drafted_by, "drafted_at": lst.drafted_at, "decided_by": lst.decided_by,
                        "executed_at": lst.executed_at, "minutes_aip_id": lst.minutes_aip_id})
        return out


def tombstones(services: Services, code: str | None = None) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        q = select(Tombstone).order_by(Tombstone.destroyed_at)
        if code:
            q = q.where(Tombstone.dossier_code == code)
        return [{c.name: getattr(t, c.key) for c in Tombstone.__table__.columns} for t in s.scalars(q)]


# -- execution --------------------------------------------------------------------------


@dataclass
class ExecutionReport:
    list_id: str
    status: str
    destroyed: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)
    minutes_aip_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == EXECUTED

    def to_dict(self) -> dict[str, Any]:
        return {"list_id": self.list_id, "status": self.status, "destroyed": self.destroyed,
                "withheld": self.withheld, "minutes_aip_id": self.minutes_aip_id, "error": self.error}


def _save_item(services: Services, item_id: int, **changes: Any) -> None:
    with services.catalog.session() as s:
        it = s.get(DisposalItem, item_id)
        assert it is not None
        for k, v in changes.items():
            setattr(it, k, v)


def _step(services: Services, item_id: int, name: str, value: Any, actor: str, list_id: str, code: str) -> None:
    """Persist one finished step (its own transaction) and record it as an event."""
    with services.catalog.session() as s:
        it = s.get(DisposalItem, item_id)
        assert it is not None
        steps = dict(it.steps or {})
        steps[name] = value
        it.steps = steps
        _event(s, f"destroy:{name}", actor, list_id=list_id, dossier=code, value=value)


def execute(services: Services, list_id: str, *, actor: str) -> ExecutionReport:
    """Destroy every dossier of an approved list, step by step; also resumes an interrupted run."""
    actor = _actor(actor)
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        if lst.status == EXECUTED:
            return _report(services, list_id)
        if lst.status not in (APPROVED, EXECUTING):
            raise _refuse("DISPOSAL_NOT_APPROVED",
                          f"Danh mục {list_id} đang ở trạng thái {lst.status}: chỉ hủy theo danh mục đã được phê duyệt.",
                          f"List {list_id} is {lst.status}: only an approved list can be executed.")
        first = lst.status == APPROVED
        if first:
            lst.executed_by, lst.executed_at = actor, iso_vn()
        lst.status = EXECUTING
        lst.last_error = None
        _event(s, "execution_started" if first else "execution_resumed", actor, list_id=list_id)
        item_ids = [i.id for i in s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id)
                                            .order_by(DisposalItem.id))]
    try:
        for item_id in item_ids:
            _destroy_item(services, list_id, item_id, actor)
        _finish_list(services, list_id, actor)
    except FaultInjected:
        raise
    except Exception as e:  # noqa: BLE001 - recorded on the list; resume continues from the saved steps
        log.exception("disposal %s failed", list_id)
        with services.catalog.session() as s:
            lst = _get_list(s, list_id)
            lst.last_error = f"{type(e).__name__}: {e}"[:4000]
            _event(s, "execution_failed", actor, list_id=list_id, error=lst.last_error)
    return _report(services, list_id)


resume = execute


def _report(services: Services, list_id: str) -> ExecutionReport:
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        rep = ExecutionReport(list_id, lst.status, minutes_aip_id=lst.minutes_aip_id, error=lst.last_error)
        for it in s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id).order_by(DisposalItem.id)):
            if it.state == DESTROYED:
                rep.destroyed.append(it.dossier_code)
            elif it.state == WITHHELD:
                rep.withheld[it.dossier_code] = it.note or ""
        return rep


def _destroy_item(services: Services, list_id: str, item_id: int, actor: str) -> None:
    with services.catalog.session() as s:
        it = s.get(DisposalItem, item_id)
        assert it is not None
        code, state, steps = it.dossier_code, it.state, dict(it.steps or {})
        snap = dict(it.snapshot or {})
        if state in (DESTROYED, WITHHELD):
            return
        if state == PENDING:
            # Last look before anything irreversible: a hold, a lock or a missing receipt
            # that appeared after approval withholds the dossier (it stays on record).
            problems = _check_dossier(services, s, code, list_id=list_id)
            if problems:
                it.state = WITHHELD
                it.note = "; ".join(f"{p.code}: {p.message_en}" for p in problems)
                _event(s, "withheld", actor, list_id=list_id, dossier=code,
                       findings=[p.to_dict() for p in problems])
                return
            d = s.get(m.Dossier, code)
            assert d is not None
            snap.update(_snapshot(d))
            snap["stored_manifest_sha256"] = services.storage.stored_manifest_sha256(d.aip_id)
            snap["encrypted"] = services.storage.is_encrypted(d.aip_id)
            it.snapshot = snap
            it.state = DESTROYING
            _event(s, "destruction_started", actor, list_id=list_id, dossier=code)
    aip_id = snap["aip_id"]

    # 1. The data key: from here on no copy anywhere can be read.
    if "key_destroyed" not in steps:
        if snap.get("encrypted"):
            services.storage.destroy_key(aip_id, reason=f"tiêu hủy theo danh mục {list_id}", actor=actor)
            value: Any = iso_vn()
        else:
            value = "not encrypted: deletion only"
        _step(services, item_id, "key_destroyed", value, actor, list_id, code)
    services.checkpoint("destroy_after_key")

    # 2. Every object version at every storage location.
    done = dict(steps.get("storage") or {})
    for loc in _locations(services):
        if loc.url in done:
            continue
        if loc.has_aip(aip_id):
            loc.delete_aip(aip_id, all_versions=True)
        done[loc.url] = iso_vn()
        _step(services, item_id, "storage", dict(done), actor, list_id, code)
    services.storage.forget_cached(aip_id)
    services.checkpoint("destroy_after_storage")

    # 3. The search index (entries; residue in segments goes with the rebuild at the end).
    if "index_removed" not in steps:
        services.index.delete_dossier(code)
        _step(services, item_id, "index_removed", iso_vn(), actor, list_id, code)
    services.checkpoint("destroy_after_index")

    # 4. Catalog rows out, tombstone in: one transaction.
    if "catalog_removed" not in steps:
        with services.catalog.session() as s:
            _secure_delete(s)
            lst = _get_list(s, list_id)
            it = s.get(DisposalItem, item_id)
            assert it is not None
            delete_dossier_rows(s, code)
            s.execute(delete(m.Event).where(m.Event.dossier_code == code))
            index_retries.drop(s, code)
            now = iso_vn()
            if s.get(Tombstone, code) is None:
                s.add(Tombstone(
                    dossier_code=code, aip_id=aip_id, agency_code=snap.get("agency_code", lst.agency_code),
                    year=snap.get("year"), title=snap.get("title", ""), start_date=snap.get("start_date"),
                    end_date=snap.get("end_date"), retention_years=snap.get("retention_years"),
                    retention_end=snap.get("retention_end"), documents=snap.get("documents", 0), list_id=list_id,
                    reason=it.reason, approvals=_approvals(s, lst), manifest_sha256=snap.get("manifest_sha256"),
                    stored_manifest_sha256=snap.get("stored_manifest_sha256") or {},
                    crypto_shredded=bool(snap.get("encrypted")), destroyed_by=actor, destroyed_at=now))
            steps2 = dict(it.steps or {})
            steps2["catalog_removed"] = now
            steps2["tombstone_written"] = now
            it.steps = steps2
            it.state = DESTROYED
            _event(s, "destroyed", actor, list_id=list_id, dossier=code, manifest_sha256=snap.get("manifest_sha256"))
    services.checkpoint("destroy_after_catalog")


def _secure_delete(s: Session) -> None:
    """SQLite: overwrite deleted content with zeros instead of leaving it in free pages."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(text("PRAGMA secure_delete=ON"))


def _list_step(services: Services, list_id: str, name: str, value: Any, actor: str) -> None:
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        steps = dict(lst.steps or {})
        steps[name] = value
        lst.steps = steps
        _event(s, f"list:{name}", actor, list_id=list_id, value=value)


def _finish_list(services: Services, list_id: str, actor: str) -> None:
    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        steps = dict(lst.steps or {})
        destroyed = s.scalar(select(func.count()).select_from(DisposalItem).where(
            DisposalItem.list_id == list_id, DisposalItem.state == DESTROYED)) or 0

    # Rebuild the search index from storage so no destroyed entry survives in old segments.
    if "index_purged" not in steps:
        if destroyed:
            purge_index(services)
        _list_step(services, list_id, "index_purged", iso_vn() if destroyed else "nothing destroyed", actor)
    services.checkpoint("destroy_after_index_purge")

    if "minutes_stored" not in steps:

        with services.catalog.session() as s:
            lst = _get_list(s, list_id)
            if not lst.minutes_aip_id:
                lst.minutes_aip_id = _minutes_id(s, lst)
            minutes_id = lst.minutes_aip_id
        store_minutes(services, show(services, list_id), minutes_id)
        with services.catalog.session() as s:
            for t in s.scalars(select(Tombstone).where(Tombstone.list_id == list_id)):
                t.minutes_aip_id = minutes_id
        _list_step(services, list_id, "minutes_stored", minutes_id, actor)
    services.checkpoint("destroy_after_minutes")

    if "catalog_compacted" not in steps:
        _list_step(services, list_id, "catalog_compacted", compact_catalog(services), actor)

    with services.catalog.session() as s:
        lst = _get_list(s, list_id)
        lst.status = EXECUTED
        _event(s, "executed", actor, list_id=list_id, minutes=lst.minutes_aip_id)


def _minutes_id(s: Session, lst: DisposalList) -> str:
    day = now_vn().strftime("%Y%m%d")
    prefix = f"BBH-{lst.agency_code}-{day}-"
    taken = {x for x in s.scalars(select(DisposalList.minutes_aip_id).where(
        DisposalList.minutes_aip_id.like(prefix + "%")))}
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def purge_index(services: Services) -> None:
    """Rebuild the search index from the AIPs in storage (drops deleted entries' residue)."""

    rep = reindex(services, catalog=False, index=True)
    if rep.index_failed:
        raise RuntimeError(f"index rebuild failed for {len(rep.index_failed)} AIP(s), e.g. {rep.index_failed[0]}")


def compact_catalog(services: Services) -> str:
    """Rewrite the catalog database so deleted rows leave no bytes behind (VACUUM).

    SQLite: ``VACUUM`` then ``wal_checkpoint(TRUNCATE)`` (empties the -wal file).
    PostgreSQL: ``VACUUM FULL`` of the tables rows were deleted from; WAL archives and
    backups of the database still hold the deleted *metadata* until they expire
    (docs/disposal.md) — the content itself is protected by the destroyed key.
    """
    engine = services.catalog.engine
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM")
            busy, _log, _ckpt = c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return iso_vn() + ("" if not busy else " (WAL busy: checkpoint incomplete, run again when idle)")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            for table in ("files", "documents", "events", "dossiers", "jobs"):
                c.exec_driver_sql(f"VACUUM FULL {table}")
        return iso_vn()
    return f"{iso_vn()} (no compaction for {engine.dialect.name})"
