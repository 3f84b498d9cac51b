"""Scheduled renewal of archive timestamps, before their TSA certificates expire.

Why: the newest archive timestamp of an evidence copy (ingest/checks/evidence.py) proves
everything under it only while its TSA certificate is valid.  Before that certificate
ends (``LUUTRU_TIMESTAMP_RENEW_DAYS`` ahead, default 365), this job adds the TSA's
validation data and a new timestamp (pyHanko's archival timestamp chain), and the
renewed copy replaces the old one *as a new revision of the AIP*: the earlier evidence
stays readable in the earlier revision.

The revision is written by a :data:`RevisionWriter` (``aip_id, {path: bytes}, [events]``);
the job uses :func:`luutru.preservation.actions.common.replace_files` (AIP revisions, OCFL
versions: new objects only, never an overwrite); :func:`no_revision_writer` refuses with a
clear message, for callers that must not change storage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import luutru.records.events as ev
import luutru.records.finding_codes.signatures as sfc
from luutru.catalog.records import load_aip_metadata
from luutru.ingest.checks.signatures import load_trust_roots
from luutru.preservation.actions.common import replace_files
from luutru.preservation.signature_evidence import (
    newest_timestamp,
    renew_timestamp,
    renewal_due,
)
from luutru.records.findings import Finding, finding
from luutru.services import Services

log = logging.getLogger(__name__)

EVIDENCE_ROLE = "signature_evidence"

#: Writes a new revision of an AIP: logical path -> new bytes, and the PREMIS events (dicts).
RevisionWriter = Callable[[str, dict[str, bytes], list[dict[str, Any]]], None]


class RevisionsUnavailable(RuntimeError):
    """This build cannot write AIP revisions, so nothing is renewed."""


def no_revision_writer(aip_id: str, changes: dict[str, bytes], events: list[dict[str, Any]]) -> None:
    raise RevisionsUnavailable(
        f"renewed evidence of {aip_id} not stored: writing it needs AIP revisions (luutru.preservation.revisions); "
        "stored bytes are never overwritten")


@dataclass(frozen=True)
class DueEvidence:
    aip_id: str
    document: str
    path: str  # bag-relative path of the evidence copy
    tsa_not_after: str | None


@dataclass
class RenewalReport:
    checked: int = 0
    due: list[DueEvidence] = field(default_factory=list)
    renewed: list[str] = field(default_factory=list)  # "<aip>/<path>"
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "due": len(self.due), "renewed": self.renewed,
                "findings": [f.to_dict() for f in self.findings]}


def _read(services: Services, aip_id: str, rel: str) -> bytes:
    with services.storage.open_file(aip_id, rel) as fh:
        return fh.read()


def find_due(services: Services, *, now: datetime, margin_days: int) -> tuple[int, list[DueEvidence]]:
    """(evidence copies checked, those whose newest archive timestamp must be renewed now)."""
    checked, due = 0, []
    for aip_id in services.storage.list_aips():
        meta = load_aip_metadata(services.storage, aip_id, with_text=False)
        for doc in meta.documents:
            for comp in (doc.get("_service") or {}).get("components", []):
                if comp.get("role") != EVIDENCE_ROLE:
                    continue
                checked += 1
                _at, not_after = newest_timestamp(_read(services, aip_id, comp["path"]))
                if renewal_due(not_after, now, margin_days):
                    due.append(DueEvidence(aip_id, doc.get("ma_dinh_danh_van_ban", ""), comp["path"], not_after))
    return checked, due


def _failed(item: DueEvidence, why: str) -> Finding:
    return finding(sfc.TIMESTAMP_RENEWAL_FAILED,
                   f"Không gia hạn được dấu thời gian lưu trữ của {item.document} ({why}). {sfc.TIMESTAMP_RENEWAL_FAILED.fix_vi}",
                   f"Could not renew the archive timestamp of {item.document} ({why}). {sfc.TIMESTAMP_RENEWAL_FAILED.fix_en}",
                   dossier=item.aip_id, document=item.document, details={"path": item.path})


def renew_due(services: Services, *, writer: RevisionWriter, now: datetime | None = None) -> RenewalReport:
    """Renew every due evidence copy; one revision per AIP.  Problems are findings."""
    cfg = services.settings.signing
    now = now or datetime.now(timezone.utc)
    rep = RenewalReport()
    rep.checked, rep.due = find_due(services, now=now, margin_days=cfg.timestamp_renew_days)
    if not rep.due:
        return rep
    if not cfg.tsa_url:
        rep.findings += [_failed(d, "LUUTRU_TSA_URL not set") for d in rep.due]
        return rep
    roots = load_trust_roots(services.settings.trust_roots)
    by_aip: dict[str, list[DueEvidence]] = {}
    for d in rep.due:
        by_aip.setdefault(d.aip_id, []).append(d)
    for aip_id, items in by_aip.items():
        changes: dict[str, bytes] = {}
        events: list[dict[str, Any]] = []
        for d in items:
            res = renew_timestamp(_read(services, aip_id, d.path), trust_roots=roots, tsa_url=cfg.tsa_url,
                                  timeout=cfg.evidence_timeout_s)
            if not res.ok or res.pdf is None:
                rep.findings.append(_failed(d, f"{res.problem}: {res.detail}"[:300]))
                continue
            changes[d.path] = res.pdf
            events.append(ev.Event(ev.SIGNATURE_EVIDENCE, d.path, "success",
                                   f"archive timestamp renewed at {res.timestamp_at} (TSA certificate until "
                                   f"{res.tsa_not_after}; previous until {d.tsa_not_after})", res.to_dict()).to_dict())
        if not changes:
            continue
        try:
            writer(aip_id, changes, events)
        except RevisionsUnavailable as e:
            rep.findings += [_failed(d, str(e)) for d in items if d.path in changes]
            continue
        rep.renewed += [f"{aip_id}/{p}" for p in changes]
    return rep


def timestamp_renewal_job(services: Services, payload: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Job kind ``timestamp-renewal`` (run it on a schedule, e.g. monthly): renew archive
    timestamps due within ``LUUTRU_TIMESTAMP_RENEW_DAYS``; payload ``{}``."""
    def writer(aip_id: str, changes: dict[str, bytes], events: list[dict[str, Any]]) -> None:
        replace_files(services, aip_id, changes, events, message="archive timestamps renewed")

    rep = renew_due(services, writer=writer)
    for f in rep.findings:
        log.warning("%s", f.message_en)
    ctx.progress("renew", len(rep.renewed), len(rep.due))
    return rep.to_dict()
