"""Whether one dossier may be destroyed now: the checks run at drafting, approval and execution.

Never destroyed, at any step: permanent dossiers; dossiers whose retention has not
ended; dossiers under a hold; dossiers that had to go to a historical archive whose
receipt is not confirmed; a dossier already on another open list; anything that is
not a whole dossier; and, at the last look, a copy some storage location still locks.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import luutru.catalog.models as m
from luutru.catalog.disposal_models import DisposalItem, DisposalList, Tombstone
from luutru.disposal.common import locations
from luutru.disposal.hold import active_holds
from luutru.disposal.lifecycle import OPEN_STATES
from luutru.disposal.transfers import transfer_confirmed, transfer_required
from luutru.policies.retention import is_permanent, still_retained
from luutru.records.finding_codes.disposal import (
    DISPOSAL_ALREADY_DESTROYED,
    DISPOSAL_HELD,
    DISPOSAL_LOCK_UNKNOWN,
    DISPOSAL_NOT_EXPIRED,
    DISPOSAL_NOT_WHOLE_DOSSIER,
    DISPOSAL_ON_OTHER_LIST,
    DISPOSAL_PERMANENT,
    DISPOSAL_STORAGE_LOCKED,
    DISPOSAL_TRANSFER_UNCONFIRMED,
    DISPOSAL_UNKNOWN_DOSSIER,
)
from luutru.records.findings import Finding, finding
from luutru.records.timeutil import now_vn
from luutru.services import Services


def check_dossier(services: Services, s: Session, code: str, *, list_id: str | None = None,
                  today: date | None = None, check_lock: bool = True) -> list[Finding]:
    """Why ``code`` may not be destroyed now (empty list = it may)."""
    today = today or now_vn().date()
    d = s.get(m.Dossier, code)
    if d is None:
        return [_missing(s, code)]
    out = _retention(d, today) + _holds(s, code) + _transfer(s, d) + _other_list(s, code, list_id)
    if check_lock and not out:
        out += _locks(services, d, today)
    return out


def _missing(s: Session, code: str) -> Finding:
    where = {"dossier": code}
    if s.get(m.Document, code) is not None:
        return finding(DISPOSAL_NOT_WHOLE_DOSSIER, f"'{code}' là một văn bản, không phải hồ sơ. Chỉ được hủy nguyên hồ sơ.",
                       f"'{code}' is a document, not a dossier. Only whole dossiers may be destroyed.", **where)
    if s.get(Tombstone, code) is not None:
        return finding(DISPOSAL_ALREADY_DESTROYED, f"Hồ sơ {code} đã bị hủy.", f"Dossier {code} was already destroyed.",
                       **where)
    return finding(DISPOSAL_UNKNOWN_DOSSIER, f"Không có hồ sơ {code} trong kho lưu trữ. Sửa: kiểm tra mã hồ sơ.",
                   f"No dossier {code} in the archive. Fix: check the dossier code.", **where)


def _retention(d: m.Dossier, today: date) -> list[Finding]:
    code = d.code
    if is_permanent(d.retention_years):
        return [finding(DISPOSAL_PERMANENT, f"Hồ sơ {code} có thời hạn bảo quản vĩnh viễn: không bao giờ được hủy.",
                        f"Dossier {code} is permanent: it can never be destroyed.", dossier=code)]
    end = still_retained(d.end_date, d.retention_years, today)
    if end is None:
        return []
    return [finding(DISPOSAL_NOT_EXPIRED, f"Hồ sơ {code} còn thời hạn bảo quản đến hết ngày {end:%d/%m/%Y}.",
                    f"Dossier {code} is retained until {end.isoformat()} inclusive.",
                    details={"retention_end": end.isoformat()}, dossier=code)]


def _holds(s: Session, code: str) -> list[Finding]:
    return [finding(DISPOSAL_HELD,
                    f"Hồ sơ {code} đang bị giữ lại (#{h.id}: {h.reason}, {h.placed_by}, {h.placed_at}). "
                    "Sửa: chỉ hủy sau khi người có thẩm quyền gỡ lệnh giữ.",
                    f"Dossier {code} is under hold #{h.id} ({h.reason}, by {h.placed_by} at {h.placed_at}). "
                    "Fix: it can only be destroyed after the hold is lifted.",
                    details={"hold_id": h.id}, dossier=code) for h in active_holds(s, code)]


def _transfer(s: Session, d: m.Dossier) -> list[Finding]:
    code = d.code
    if not transfer_required(s, code, d.retention_years) or transfer_confirmed(s, code):
        return []
    return [finding(DISPOSAL_TRANSFER_UNCONFIRMED,
                    f"Hồ sơ {code} phải nộp lưu vào lưu trữ lịch sử và chưa có xác nhận đã nhận. "
                    "Sửa: chờ biên bản/xác nhận giao nhận.",
                    f"Dossier {code} had to be transferred to a historical archive and its receipt is not "
                    "confirmed. Fix: wait for the receipt.", dossier=code)]


def _other_list(s: Session, code: str, list_id: str | None) -> list[Finding]:
    other = s.execute(
        select(DisposalItem.list_id).join(DisposalList, DisposalList.id == DisposalItem.list_id).where(
            DisposalItem.dossier_code == code, DisposalList.status.in_([x.value for x in OPEN_STATES]),
            DisposalList.id != (list_id or ""))).scalar()
    if not other:
        return []
    return [finding(DISPOSAL_ON_OTHER_LIST, f"Hồ sơ {code} đã có trong danh mục {other}.",
                    f"Dossier {code} is already on list {other}.", details={"list": other}, dossier=code)]


def _locks(services: Services, d: m.Dossier, today: date) -> list[Finding]:
    code, out = d.code, []
    for loc in locations(services):
        try:
            if not loc.has_aip(d.aip_id):
                continue
            st = loc.lock_state(d.aip_id)
        except Exception as e:  # noqa: BLE001 - an unreadable lock never allows deletion
            out.append(finding(DISPOSAL_LOCK_UNKNOWN, f"Không đọc được khóa lưu giữ của {code} tại {loc.url}: {e}",
                               f"Cannot read the storage lock of {code} at {loc.url}: {e}", dossier=code))
            continue
        if st.blocks_deletion(today):
            out.append(finding(DISPOSAL_STORAGE_LOCKED, f"Kho {loc.url} chưa cho xóa hồ sơ {code}: {st.reason(today)}.",
                               f"Storage {loc.url} does not allow deleting {code} yet: {st.reason(today)}.",
                               dossier=code))
    return out
