"""Metadata correction by an archivist: a new AIP revision, with its reason, on the audit trail.

The ingested metadata (revision 1) and every earlier revision stay readable; the
correction writes the changed ``dossier.json``/``documents.json`` and a PREMIS
``metadata modification`` event (old and new value of each field, reason, who) into
the next revision, then the catalog rows and the search entry are rebuilt from the
stored AIP by the one commit path.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import luutru.records.finding_codes.preservation as fc
from luutru.audit.trail import record_action
from luutru.preservation.commit import index, record
from luutru.preservation.revisions import DOCUMENTS_JSON, DOSSIER_JSON, append_events, json_bytes, reader
from luutru.records.errors import AipNotFound
from luutru.records.events import METADATA_MODIFICATION, Event
from luutru.records.findings import Finding, Refused, finding
from luutru.records.status import Outcome
from luutru.services import Services

#: Fields that name the AIP or the agency: a "correction" of them would be another dossier.
FROZEN = frozenset({"ma_ho_so", "ma_co_quan", "ma_dinh_danh_van_ban", "_service"})


@dataclass(frozen=True)
class Correction:
    code: str
    revision: int
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)  # field → {"old", "new"}
    index_warning: Finding | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "revision": self.revision, "changed": self.changed,
                "index_warning": self.index_warning.to_dict() if self.index_warning else None}


def _refuse(code: Any, vi: str, en: str, **where: Any) -> Refused:
    return Refused([finding(code, vi, en, **where)])


def _apply(target: dict[str, Any], values: dict[str, Any], prefix: str, dossier: str) -> dict[str, dict[str, Any]]:
    changed = {}
    for name, new in values.items():
        if name in FROZEN or name not in target:
            raise _refuse(fc.CORRECTION_FIELD_UNKNOWN,
                          f"Trường '{name}' không có trong siêu dữ liệu {prefix or 'hồ sơ'} hoặc không được hiệu đính",
                          f"Field '{name}' is not in the {prefix or 'dossier'} metadata or may not be corrected",
                          dossier=dossier, details={"field": name})
        old = target[name]
        if isinstance(old, int) and not isinstance(old, bool) and isinstance(new, str) and new.strip().isdigit():
            new = int(new)
        if old != new:
            changed[f"{prefix}{name}"] = {"old": old, "new": new}
            target[name] = new
    return changed


def correct_metadata(services: Services, code: str, *, fields: dict[str, Any], reason: str, actor: str,
                     document: str | None = None) -> Correction:
    """Correct dossier fields (or one document's, with ``document``); returns the new revision."""
    if not reason or not reason.strip():
        raise _refuse(fc.CORRECTION_NO_REASON, f"Hiệu đính siêu dữ liệu hồ sơ {code} thiếu lý do",
                      f"The metadata correction of dossier {code} has no reason", dossier=code)
    try:
        revs = reader(services.storage, code)
    except AipNotFound:
        raise _refuse(fc.REVISION_UNKNOWN_DOSSIER, f"Không có AIP của hồ sơ {code} trong kho lưu trữ",
                      f"No AIP of dossier {code} is in storage", dossier=code) from None
    dossier = json.loads(revs.read(DOSSIER_JSON))
    documents = json.loads(revs.read(DOCUMENTS_JSON))
    extra: dict[str, bytes] = {}
    if document is None:
        new_dossier = copy.deepcopy(dossier)
        changed = _apply(new_dossier, fields, "", code)
        extra[DOSSIER_JSON] = json_bytes(new_dossier)
    else:
        new_docs = copy.deepcopy(documents)
        doc = next((d for d in new_docs if d.get("ma_dinh_danh_van_ban") == document), None)
        if doc is None:
            raise _refuse(fc.CORRECTION_FIELD_UNKNOWN, f"Văn bản '{document}' không có trong hồ sơ {code}",
                          f"Document '{document}' is not in dossier {code}", dossier=code)
        changed = _apply(doc, fields, f"{document}.", code)
        extra[DOCUMENTS_JSON] = json_bytes(new_docs)
    if not changed:
        raise _refuse(fc.CORRECTION_NOTHING, f"Hiệu đính hồ sơ {code} không thay đổi giá trị nào",
                      f"The correction of dossier {code} changes no value", dossier=code)
    event = Event(METADATA_MODIFICATION, document or code, "success", f"metadata corrected: {reason.strip()}",
                  {"fields": changed, "reason": reason.strip(), "actor": actor}).to_dict()
    rev = append_events(services.storage, code, [event], message=f"metadata correction: {reason.strip()}",
                        user=actor, work_dir=services.settings.work_dir, extra=extra)
    assert rev is not None
    record_action(services, actor, "aip.correct", f"dossier:{code}", Outcome.SUCCESS,
                  {"revision": rev, "fields": changed, "reason": reason.strip(), "document": document})
    meta = record(services, code)
    return Correction(code, rev, changed, index(services, code, meta))
