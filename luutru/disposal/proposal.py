"""The proposal: a list of expired records, the council's opinions, and the decision.

The procedure (guidance 879/VTLTNN-NVĐP; Thái Nguyên 2021 Điều 19 for electronic
records), each step an event with who and when:

1. ``draft`` — the agency archive lists expired *whole dossiers* (danh mục tài liệu hết
   giá trị) with a reason each and an explanatory note (bản thuyết minh);
2. ``opinion`` — members of the appraisal council (Hội đồng xác định giá trị tài liệu)
   record their opinions; the latest opinion of each member counts; a quorum of
   distinct members must agree;
3. ``approve`` / ``reject`` — the competent person decides, with the decision number.

Who may do which step, and in which state, is decided by ``lifecycle``; this module
reads and writes the rows around it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import luutru.catalog.models as m
import luutru.disposal.lifecycle as lc
from luutru.catalog.disposal_models import DisposalItem, DisposalList, DisposalOpinion
from luutru.disposal.common import (
    DisposalError,
    check_actor,
    denials_recorded,
    get_list,
    record_event,
    refuse,
)
from luutru.disposal.eligibility import check_dossier
from luutru.disposal.listing import latest_opinions, show
from luutru.policies.retention import retention_end
from luutru.records.finding_codes.disposal import (
    DISPOSAL_COUNCIL_DISAGREES,
    DISPOSAL_DECISION_MISSING,
    DISPOSAL_LIST_EMPTY,
    DISPOSAL_MIXED_AGENCIES,
    DISPOSAL_NO_COUNCIL_OPINION,
    DISPOSAL_NOTE_MISSING,
    DISPOSAL_OPINION_INVALID,
    DISPOSAL_QUORUM_NOT_MET,
    DISPOSAL_REASON_MISSING,
)
from luutru.records.findings import Finding, finding
from luutru.records.status import DisposalItemState, DisposalListStatus
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import Services

AGREE, DISAGREE = "agree", "disagree"
_OPINION_WORDS = {"dong y": AGREE, "đồng ý": AGREE, "yes": AGREE, "khong dong y": DISAGREE,
                  "không đồng ý": DISAGREE, "no": DISAGREE}


def parties(s: Session, lst: DisposalList) -> lc.Parties:
    """Who already acted on ``lst``: drafter, council members (any opinion), approver."""
    members = tuple(o.member for o in latest_opinions(s, lst.id).values())
    return lc.Parties(lst.drafted_by, members, lst.decided_by)


def _next_list_id(s: Session, agency: str) -> str:
    prefix = f"DM-{agency}-{now_vn().year}-"
    n = s.scalar(select(func.count()).select_from(DisposalList).where(DisposalList.id.like(prefix + "%"))) or 0
    while s.get(DisposalList, f"{prefix}{n + 1}") is not None:
        n += 1
    return f"{prefix}{n + 1}"


def snapshot(d: m.Dossier) -> dict[str, Any]:
    """What the list shows of a dossier (kept after the dossier is gone, for minutes and tombstone)."""
    end = retention_end(d.end_date, d.retention_years)
    return {"title": d.title, "year": d.year, "start_date": d.start_date.isoformat(),
            "end_date": d.end_date.isoformat(), "retention_years": d.retention_years,
            "retention_end": end.isoformat() if end else None, "access": d.access, "aip_id": d.aip_id,
            "agency_code": d.fonds_code, "manifest_sha256": d.manifest_sha256,
            "documents": len(d.documents)}


def _eligible_rows(services: Services, s: Session, dossiers: dict[str, str]) -> list[tuple[m.Dossier, str]]:
    findings: list[Finding] = []
    rows = []
    for code, reason in dossiers.items():
        code = code.strip()
        problems = check_dossier(services, s, code)
        if not (reason or "").strip():
            problems.append(finding(DISPOSAL_REASON_MISSING, f"Hồ sơ {code}: thiếu lý do hủy.",
                                    f"Dossier {code}: the reason for destruction is missing.", dossier=code))
        findings += problems
        if not problems:
            rows.append((s.get(m.Dossier, code), reason.strip()))
    agencies = sorted({d.fonds_code for d, _r in rows})
    if len(agencies) > 1:
        findings.append(finding(DISPOSAL_MIXED_AGENCIES,
                                f"Danh mục gồm hồ sơ của nhiều cơ quan ({', '.join(agencies)}). "
                                "Sửa: lập một danh mục cho mỗi cơ quan (phông).",
                                f"The list mixes agencies ({', '.join(agencies)}). Fix: one list per agency."))
    if findings:
        raise DisposalError(findings)
    return rows


def draft(services: Services, *, actor: str, dossiers: dict[str, str], explanatory_note: str,
          title: str | None = None) -> dict[str, Any]:
    """Draft a list of expired records: ``dossiers`` maps each dossier code to its reason."""
    actor = check_actor(actor)
    if not dossiers:
        raise refuse(DISPOSAL_LIST_EMPTY, "Danh mục trống. Sửa: ghi ít nhất một mã hồ sơ.",
                     "The list is empty. Fix: name at least one dossier code.")
    if not (explanatory_note or "").strip():
        raise refuse(DISPOSAL_NOTE_MISSING, "Thiếu bản thuyết minh tài liệu hết giá trị.",
                     "The explanatory note (bản thuyết minh) is missing. Fix: give --note.")
    with services.catalog.session() as s:
        rows = _eligible_rows(services, s, dossiers)
        agency = rows[0][0].fonds_code
        agency_row = s.get(m.Agency, agency)
        name = agency_row.name if agency_row else agency
        list_id = _next_list_id(s, agency)
        s.add(DisposalList(
            id=list_id, agency_code=agency, agency_name=name, title=title or f"Danh mục tài liệu hết giá trị của {name}",
            explanatory_note=explanatory_note.strip(), status=DisposalListStatus.DRAFT.value, drafted_by=actor,
            drafted_at=iso_vn(), steps={}))
        s.flush()
        for d, reason in rows:
            s.add(DisposalItem(list_id=list_id, dossier_code=d.code, reason=reason,
                               state=DisposalItemState.PENDING.value, steps={}, snapshot=snapshot(d)))
        record_event(s, "drafted", actor, list_id=list_id, dossiers=[d.code for d, _r in rows])
    return show(services, list_id)


def add_opinion(services: Services, list_id: str, *, actor: str, opinion: str, comment: str = "",
                role: str = "") -> dict[str, Any]:
    """Record a council member's opinion (agree/disagree) on a draft list."""
    actor = check_actor(actor)
    op = (opinion or "").strip().lower()
    op = _OPINION_WORDS.get(op, op)
    if op not in (AGREE, DISAGREE):
        raise refuse(DISPOSAL_OPINION_INVALID, f"Ý kiến '{opinion}' không hợp lệ: dùng agree hoặc disagree.",
                     f"Opinion '{opinion}' is invalid: use agree or disagree.")
    with denials_recorded(services, actor, "opinion", list_id):
        with services.catalog.session() as s:
            lst = get_list(s, list_id)
            lc.opinion(list_id, DisposalListStatus(lst.status), actor, parties(s, lst))
            s.add(DisposalOpinion(list_id=list_id, member=actor, role=role or "", opinion=op, comment=comment or "",
                                  at=iso_vn()))
            record_event(s, "opinion", actor, list_id=list_id, opinion=op, comment=comment, role=role)
    return show(services, list_id)


def _council_consents(s: Session, list_id: str, quorum: int) -> None:
    """No member against, and at least ``quorum`` distinct members for."""
    latest = latest_opinions(s, list_id)
    if not latest:
        raise refuse(DISPOSAL_NO_COUNCIL_OPINION, "Hội đồng xác định giá trị tài liệu chưa có ý kiến nào về danh mục này.",
                     "The appraisal council has recorded no opinion on this list yet.")
    against = [o.member for o in latest.values() if o.opinion == DISAGREE]
    if against:
        raise refuse(DISPOSAL_COUNCIL_DISAGREES,
                     f"Thành viên hội đồng không đồng ý: {', '.join(against)}. Sửa: lập lại danh mục hoặc "
                     "thành viên ghi lại ý kiến.",
                     f"Council members disagree: {', '.join(against)}. Fix: redraft, or the member records a "
                     "new opinion.")
    agreeing = len(latest)
    if agreeing < quorum:
        raise refuse(DISPOSAL_QUORUM_NOT_MET,
                     f"Mới có {agreeing} thành viên hội đồng đồng ý; cần ít nhất {quorum} người khác nhau. "
                     "Sửa: chờ thêm ý kiến của hội đồng.",
                     f"Only {agreeing} council member(s) agreed; at least {quorum} different people must. "
                     "Fix: wait for more council opinions.", details={"agreeing": agreeing, "quorum": quorum})


def approve(services: Services, list_id: str, *, actor: str, decision_ref: str, note: str = "") -> dict[str, Any]:
    """The competent person approves the list (never the person who drafted it, nor a council member)."""
    actor = check_actor(actor)
    if not (decision_ref or "").strip():
        raise refuse(DISPOSAL_DECISION_MISSING, "Thiếu số quyết định hủy tài liệu.",
                     "The decision number is missing. Fix: give --decision.")
    with denials_recorded(services, actor, "approve", list_id):
        with services.catalog.session() as s:
            lst = get_list(s, list_id)
            new = lc.approve(list_id, DisposalListStatus(lst.status), actor, parties(s, lst))
            _council_consents(s, list_id, services.settings.disposal_council_quorum)
            findings: list[Finding] = []
            for it in s.scalars(select(DisposalItem).where(DisposalItem.list_id == list_id)):
                findings += check_dossier(services, s, it.dossier_code, list_id=list_id)
            if findings:
                raise DisposalError(findings)
            lst.status, lst.decided_by, lst.decided_at = new.value, actor, iso_vn()
            lst.decision_ref, lst.decision_note = decision_ref.strip(), note or None
            record_event(s, "approved", actor, list_id=list_id, decision_ref=lst.decision_ref, note=note)
    return show(services, list_id)


def reject(services: Services, list_id: str, *, actor: str, reason: str) -> dict[str, Any]:
    """The competent person rejects a draft or an approved list that has not started."""
    actor = check_actor(actor)
    with denials_recorded(services, actor, "reject", list_id):
        with services.catalog.session() as s:
            lst = get_list(s, list_id)
            new = lc.reject(list_id, DisposalListStatus(lst.status), actor, parties(s, lst))
            lst.status, lst.decided_by, lst.decided_at, lst.decision_note = new.value, actor, iso_vn(), reason
            record_event(s, "rejected", actor, list_id=list_id, reason=reason)
    return show(services, list_id)
