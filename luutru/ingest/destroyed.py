"""Dossiers destroyed earlier cannot come back silently (issue 16).

Why at ingest: a destroyed dossier's code is gone from storage, so the "already stored"
comparison finds nothing and the same code (perhaps relabelled permanent) would be
stored again as if new.  The tombstone (``catalog.disposal_models.Tombstone``, kept for
ever, never touched by reindex) is consulted for every dossier of the transfer, and a
hit is an error naming the destruction: its list, the approval decision, the date and
the minutes.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

import luutru.records.finding_codes.ingest as fc
from luutru.catalog.disposal_models import Tombstone
from luutru.records.findings import Finding, finding
from luutru.services import Services


def _day(iso: str | None) -> str:
    """dd/mm/yyyy of an ISO timestamp (people read dates this way)."""
    if not iso or len(iso) < 10:
        return iso or "?"
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def destroyed_findings(services: Services, codes: Iterable[str]) -> list[Finding]:
    """DOSSIER_DESTROYED (error) for each code with a tombstone."""
    wanted = sorted(set(codes))
    if not wanted:
        return []
    with services.catalog.session() as s:
        rows = list(s.scalars(select(Tombstone).where(Tombstone.dossier_code.in_(wanted))))
        facts = [(t.dossier_code, t.list_id, ((t.approvals or {}).get("decided") or {}).get("decision_ref"),
                  t.destroyed_at, t.minutes_aip_id) for t in rows]
    out = []
    for code, list_id, decision, at, minutes in facts:
        decision_vi = f"quyết định {decision}" if decision else "quyết định phê duyệt"
        decision_en = f"decision {decision}" if decision else "the approval decision"
        out.append(finding(
            fc.DOSSIER_DESTROYED,
            f"Hồ sơ {code} đã bị tiêu hủy ngày {_day(at)} theo danh sách {list_id} ({decision_vi}"
            f"{f', biên bản {minutes}' if minutes else ''}); không thể nộp lưu lại với cùng mã. Sửa: kiểm tra mã "
            "hồ sơ; nếu là hồ sơ khác thì đặt mã mới, nếu việc tiêu hủy có sai sót thì báo lưu trữ viên.",
            f"Dossier {code} was destroyed on {_day(at)} under disposal list {list_id} ({decision_en}"
            f"{f', minutes {minutes}' if minutes else ''}); it cannot be transferred again under the same code. "
            "Fix: check the dossier code; give a different dossier a new code, and report a wrongful destruction "
            "to the archivist.",
            dossier=code, details={"list_id": list_id, "decision_ref": decision, "destroyed_at": at,
                                   "minutes_aip_id": minutes}))
    return out
