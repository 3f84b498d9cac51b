"""Data-level access: which records and transfers a caller may see.

Permissions (``require``) say whether a caller may use a route at all; these helpers
say which rows they get.  Records a caller may not see answer 404, as if absent, so
their existence is not disclosed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

import luutru.catalog.models as m
from luutru.api.auth import Principal
from luutru.catalog.accounts_models import TransferSubmission
from luutru.catalog.queries import dossier_view
from luutru.disposal.tombstone import tombstones
from luutru.policies.access import readable
from luutru.records.timeutil import iso_vn
from luutru.search.query import Rights
from luutru.services import Services


def may_see(rights: Rights, agency_code: str | None, *accesses: str | None) -> bool:
    """A record of ``agency_code`` whose access regimes (dossier, document …) are ``accesses``."""
    if rights.agencies is not None and agency_code not in rights.agencies:
        return False
    return readable(rights.sees_restricted_of(agency_code), *accesses)


def visible_dossier(services: Services, rights: Rights, code: str) -> dict[str, Any] | None:
    """The dossier view as ``rights`` see it (restricted documents left out where not visible);
    None when the caller may not see the dossier at all."""
    view = dossier_view(services.catalog, code, see_restricted=rights.see_restricted)
    if view is not None and not rights.sees_restricted_of(view["dossier"]["agency_code"]):
        view = dossier_view(services.catalog, code, see_restricted=False)
    if view is None or not may_see(rights, view["dossier"]["agency_code"]):
        return None
    return view


def report_for(services: Services, rights: Rights, report: dict[str, Any] | None) -> dict[str, Any] | None:
    """A transfer report as ``rights`` may read it: the title of a dossier the reader may not
    see (restricted, or not stored so its regime is unknown: fail closed) is withheld, and so
    are the messages of findings about it (they may quote its cells)."""
    if not report or rights.see_restricted:
        return report
    codes = [d.get("code") for d in report.get("dossiers", [])]
    with services.catalog.session() as s:
        stored = dict(s.execute(select(m.Dossier.code, m.Dossier.access).where(m.Dossier.code.in_(codes))).all())
    shown = {c for c, a in stored.items() if readable(rights.see_restricted, a)}
    out = dict(report)
    out["dossiers"] = [d if d.get("code") in shown else {**d, "title": "", "title_withheld": True}
                       for d in report.get("dossiers", [])]
    out["findings"] = [f if not f.get("dossier") or f.get("dossier") in shown else
                       {**f, "message_vi": f"[{f.get('code')}] (hồ sơ hạn chế tiếp cận)",
                        "message_en": f"[{f.get('code')}] (restricted dossier)", "details": {},
                        "withheld": True} for f in report.get("findings", [])]
    return out


def file_context(services: Services, file_id: int) -> dict[str, Any] | None:
    """A file row with what access decisions need: its document, dossier, agency and regimes."""
    with services.catalog.session() as s:
        f = s.get(m.File, file_id)
        if f is None:
            return None
        doc = f.document
        dossier = doc.dossier
        return {"file": f, "aip_id": dossier.aip_id, "document": doc.identifier, "dossier": dossier.code,
                "agency": dossier.fonds_code, "doc_access": doc.access, "dossier_access": dossier.access,
                "signature_status": f.signature_status}


def visible_tombstone(services: Services, rights: Rights, code: str) -> dict[str, Any] | None:
    """What remains of a destroyed dossier, for a caller who could see the agency's records: when,
    by which list and decision, the minutes; the title only for readers of the agency's restricted
    records (the tombstone keeps no access regime).  None when there is none to show."""
    found = tombstones(services, code)
    if not found or not may_see(rights, found[0]["agency_code"]):
        return None
    t = found[0]
    decided = (t.get("approvals") or {}).get("decided") or {}
    out = {k: t.get(k) for k in ("dossier_code", "agency_code", "year", "start_date", "end_date", "retention_years",
                                 "retention_end", "documents", "list_id", "reason", "destroyed_by", "destroyed_at",
                                 "minutes_aip_id")}
    out["title"] = t.get("title") if rights.sees_restricted_of(t["agency_code"]) else None
    out["decision"] = {"decision_ref": decided.get("decision_ref"), "by": decided.get("by"), "at": decided.get("at")}
    return out


def submitted_by(services: Services, transfer_id: str) -> str | None:
    with services.catalog.session() as s:
        row = s.get(TransferSubmission, transfer_id)
        return row.username if row else None


def may_see_transfer(services: Services, who: Principal, transfer_id: str) -> bool:
    """Submitters see the transfers they submitted; other roles with transfers:read see all."""
    if not who.is_submitter:
        return True
    return submitted_by(services, transfer_id) == who.username


def transfer_ids_of(services: Services, username: str) -> list[str]:
    with services.catalog.session() as s:
        return list(s.scalars(select(TransferSubmission.transfer_id).where(TransferSubmission.username == username)))


def note_submission(services: Services, transfer_id: str, who: Principal) -> None:

    with services.catalog.session() as s:
        s.add(TransferSubmission(transfer_id=transfer_id, username=who.username, agency_code=who.agency_code,
                                 submitted_at=iso_vn()))
