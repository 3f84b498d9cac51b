"""Step 3 of a transfer to a historical archive (sending side): confirm the receipt.

The receipt the receiving archive returns (written by :mod:`luutru.transfer_out.receipt`
when it ingests the package) is checked against what was sent — package id, sender,
the package's payload manifest hash, the dossier codes, and per dossier the content and
metadata hashes — and only then are the dossiers marked transferred in the disposal
area's ``dossier_transfers`` table, which is what the destruction rules look at.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

import luutru.records.events as ev
import luutru.records.finding_codes.transfer_out as fc
from luutru.audit.trail import record_action
from luutru.catalog.disposal_models import DisposalEvent, DossierTransfer
from luutru.catalog.export_models import ExportPackage, ExportPackageDossier
from luutru.catalog.records import add_events
from luutru.preservation.event_log import store_events
from luutru.records.findings import Finding, finding
from luutru.records.status import DossierOutcome, ExportStatus, Outcome
from luutru.records.timeutil import iso_vn
from luutru.services import Services
from luutru.transfer_out.errors import ExportError, refuse
from luutru.transfer_out.layout import RECEIPT_PROFILE, TRANSFER
from luutru.transfer_out.register import acting_user

# Outcomes of the receiving ingest that count as received.
STORED = (DossierOutcome.STORED, DossierOutcome.ALREADY_STORED)


@dataclass
class ConfirmResult:
    package_id: str
    receipt_id: str
    dossiers: list[str]
    confirmed_at: str
    already: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_receipt(path: Path) -> dict[str, Any]:
    """A receipt file as a dict; unreadable or not JSON → :class:`ExportError`."""
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise refuse(fc.RECEIPT_UNREADABLE, f"Không đọc được giấy xác nhận '{path}': {e}. Sửa: dùng đúng tệp .json "
                     "do Lưu trữ lịch sử trả về.",
                     f"Cannot read the receipt '{path}': {e}. Fix: use the .json file the historical archive returned.",
                     file=str(path)) from e
    if not isinstance(obj, dict):
        raise refuse(fc.RECEIPT_INVALID,
                     "Giấy xác nhận không đúng định dạng (không phải đối tượng JSON). Sửa: dùng đúng tệp .json do Lưu "
                     "trữ lịch sử trả về.",
                     "The receipt is not a JSON object. Fix: use the .json file the historical archive returned.",
                     file=str(path))
    return obj


def _package_of(s: Session, receipt: Mapping[str, Any]) -> ExportPackage:
    """The package a well-formed receipt names; refused if malformed or never built here."""
    if receipt.get("profile") != RECEIPT_PROFILE or not receipt.get("package_id") or not receipt.get("receipt_id") \
            or not isinstance(receipt.get("dossiers"), list):
        raise refuse(fc.RECEIPT_INVALID,
                     f"Giấy xác nhận không đúng định dạng (cần profile {RECEIPT_PROFILE}, package_id, receipt_id, "
                     "dossiers). Sửa: dùng đúng tệp .json do Lưu trữ lịch sử trả về.",
                     f"The receipt is not in the expected form (profile {RECEIPT_PROFILE}, package_id, receipt_id, "
                     "dossiers). Fix: use the .json file the historical archive returned.")
    pid = str(receipt["package_id"])
    pkg = s.get(ExportPackage, pid)
    if pkg is None:
        raise refuse(fc.RECEIPT_UNKNOWN_PACKAGE,
                     f"Giấy xác nhận nói về gói '{pid}', nhưng kho này chưa lập gói nào như vậy. Sửa: kiểm tra đúng giấy "
                     "xác nhận của gói đã gửi (`luutru transfer-out list`).",
                     f"The receipt is for package '{pid}', which this archive never built. Fix: check it is the receipt "
                     "for a package sent from here (`luutru transfer-out list`).", details={"package_id": pid})
    return pkg


def _package_problems(pkg: ExportPackage, receipt: Mapping[str, Any]) -> list[Finding]:
    """Sender and payload manifest hash of the receipt against the package built."""
    out: list[Finding] = []
    pid = pkg.id
    sender = (receipt.get("sender") or {}).get("agency_code")
    if sender != pkg.agency_code:
        out.append(finding(fc.RECEIPT_SENDER_MISMATCH,
                           f"Giấy xác nhận ghi bên giao {sender}, gói {pid} do {pkg.agency_code} giao. Sửa: kiểm tra "
                           "đây đúng là giấy xác nhận của gói đã gửi; nếu đúng, yêu cầu bên nhận lập lại giấy xác nhận.",
                           f"The receipt names sender {sender}; package {pid} was sent for {pkg.agency_code}. Fix: check "
                           "it is the receipt for the package sent; if it is, ask the receiving archive for a corrected "
                           "receipt."))
    got_manifest = receipt.get("package_payload_manifest_sha256")
    if got_manifest != pkg.payload_manifest_sha256:
        out.append(finding(
            fc.RECEIPT_PACKAGE_HASH_MISMATCH,
            f"Mã băm manifest của gói trong giấy xác nhận ({got_manifest}) khác với gói đã lập ({pkg.payload_manifest_sha256}): "
            "bên nhận đã nhận một gói khác. Sửa: gửi lại đúng gói và yêu cầu giấy xác nhận mới.",
            f"The package manifest hash in the receipt ({got_manifest}) is not that of the package built "
            f"({pkg.payload_manifest_sha256}): a different package was received. Fix: resend the package and ask for a new receipt."))
    return out


def _dossier_problems(pid: str, members: list[ExportPackageDossier], received: Mapping[str, Mapping[str, Any]]
                      ) -> list[Finding]:
    """Each dossier sent must be confirmed stored with the hashes sent; none other may be listed."""
    out: list[Finding] = []
    for mem in members:
        got = received.get(mem.dossier_code)
        where = {"dossier": mem.dossier_code}
        if got is None or got.get("status") not in STORED:
            out.append(finding(
                fc.RECEIPT_DOSSIER_MISSING,
                f"Giấy xác nhận không xác nhận đã lưu hồ sơ {mem.dossier_code} của gói {pid}. Sửa: liên hệ bên nhận; "
                "hồ sơ chưa được coi là đã nộp lưu.",
                f"The receipt does not confirm that dossier {mem.dossier_code} of package {pid} was stored. Fix: contact "
                "the receiving archive; the dossier is not treated as transferred.", **where))
            continue
        for key, want in (("content_sha256", mem.content_sha256), ("metadata_sha256", mem.metadata_sha256)):
            if got.get(key) != want:
                out.append(finding(
                    fc.RECEIPT_HASH_MISMATCH,
                    f"Hồ sơ {mem.dossier_code}: {key} trong giấy xác nhận ({got.get(key)}) khác với khi gửi ({want}); "
                    "nội dung bên nhận lưu không giống nội dung đã gửi. Sửa: đối chiếu với bên nhận, gửi lại hồ sơ.",
                    f"Dossier {mem.dossier_code}: {key} in the receipt ({got.get(key)}) differs from what was sent "
                    f"({want}); the receiving archive did not store what was sent. Fix: check with them and resend.",
                    details={"field": key, "expected": want, "found": got.get(key)}, **where))
    for code in sorted(set(received) - {x.dossier_code for x in members}):
        out.append(finding(fc.RECEIPT_DOSSIER_UNEXPECTED,
                           f"Giấy xác nhận có hồ sơ {code} không thuộc gói {pid}. Sửa: kiểm tra đây đúng là giấy xác "
                           "nhận của gói này (`luutru transfer-out list`); nếu đúng, đối chiếu với bên nhận.",
                           f"The receipt lists dossier {code}, which is not in package {pid}. Fix: check it is the "
                           "receipt for this package (`luutru transfer-out list`); if it is, check with the receiving "
                           "archive.", dossier=code))
    return out


def _sip_package_problems(pkg: ExportPackage, received: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """For a submission of 05/2025 SIPs: each dossier's package in the receipt must be the one sent
    (OBJID and ZIP SHA-256, as kept in ``<package id>.submission.json`` beside the submission)."""
    sidecar = Path(pkg.path).parent / f"{pkg.id}.submission.json"
    try:
        sent = json.loads(sidecar.read_text(encoding="utf-8")).get("packages", [])
    except (OSError, ValueError):
        return []  # a BagIt package, or the record of the SIPs is gone: the digests still hold
    out: list[Finding] = []
    for p in sent:
        code = str(p.get("dossier_code"))
        got = received.get(code) or {}
        if got and (got.get("objid"), got.get("package_sha256")) != (p.get("objid"), p.get("zip_sha256")):
            out.append(finding(
                fc.RECEIPT_HASH_MISMATCH,
                f"Hồ sơ {code}: gói trong giấy xác nhận ({got.get('objid')}, {got.get('package_sha256')}) không phải gói "
                f"đã gửi ({p.get('objid')}, {p.get('zip_sha256')}). Sửa: đối chiếu với bên nhận, gửi lại gói.",
                f"Dossier {code}: the package in the receipt ({got.get('objid')}, {got.get('package_sha256')}) is not the "
                f"one sent ({p.get('objid')}, {p.get('zip_sha256')}). Fix: check with the receiver and resend.",
                dossier=code, details={"field": "objid", "expected": p.get("objid"), "found": got.get("objid")}))
    return out


def check_receipt(s: Session, receipt: Mapping[str, Any]) -> tuple[ExportPackage, list[ExportPackageDossier]]:
    """The package and its dossiers when ``receipt`` matches what was sent; else every problem refused at once."""
    pkg = _package_of(s, receipt)
    members = list(s.scalars(select(ExportPackageDossier).where(ExportPackageDossier.package_id == pkg.id)))
    received = {str(d.get("ma_ho_so")): d for d in receipt["dossiers"] if isinstance(d, dict)}
    findings = _package_problems(pkg, receipt) + _dossier_problems(pkg.id, members, received) \
        + _sip_package_problems(pkg, received)
    if findings:
        raise ExportError(findings)
    return pkg, members


def _mark_transferred(s: Session, pkg: ExportPackage, members: list[ExportPackageDossier],
                      receipt: Mapping[str, Any], actor: str, now: str, stored: dict[str, dict[str, Any]]) -> str:
    """Each dossier transferred (the disposal rule), its events (also into ``stored``: dossier →
    event, for the AIPs); the package confirmed. Returns the archive."""
    rid = str(receipt["receipt_id"])
    archive = ((receipt.get("receiving_archive") or {}).get("name") or pkg.archive_name)[:200]
    for x in members:
        t = s.get(DossierTransfer, x.dossier_code)
        if t is None:
            t = DossierTransfer(dossier_code=x.dossier_code)
            s.add(t)
        t.receipt_id, t.confirmed_at, t.archive = rid, now, archive
        s.add(DisposalEvent(dossier_code=x.dossier_code, action="transfer_confirmed", actor=actor, at=now,
                            detail={"receipt_id": rid, "package_id": pkg.id, "archive": archive}))
        event = ev.Event(
            TRANSFER, x.dossier_code, "success", f"transfer to {archive} confirmed by receipt {rid}",
            {"package_id": pkg.id, "receipt_id": rid, "content_sha256": x.content_sha256,
             "received_at": receipt.get("received_at"), "actor": actor}, event_datetime=now).to_dict()
        add_events(s, x.dossier_code, [event])
        stored[x.dossier_code] = event
    pkg.status, pkg.receipt_id, pkg.confirmed_at, pkg.confirmed_by = ExportStatus.CONFIRMED, rid, now, actor
    pkg.receipt = dict(receipt)
    return archive


def confirm_receipt(services: Services, receipt: Mapping[str, Any] | Path, *, actor: str | None = None) -> ConfirmResult:
    """Check a receipt against the package it names; then mark its dossiers transferred.

    Idempotent: the same receipt twice changes nothing the second time.  A different
    receipt for an already confirmed package is refused.
    """
    actor = acting_user(actor)
    if isinstance(receipt, (str, Path)):
        receipt = read_receipt(Path(receipt))
    try:
        with services.catalog.session() as s:
            pkg, members = check_receipt(s, receipt)
            rid = str(receipt["receipt_id"])
            codes = [x.dossier_code for x in members]
            if pkg.status == ExportStatus.CONFIRMED:
                if pkg.receipt_id == rid:
                    return ConfirmResult(pkg.id, rid, codes, pkg.confirmed_at or "", already=True)
                raise refuse(fc.RECEIPT_ALREADY_CONFIRMED,
                             f"Gói {pkg.id} đã được xác nhận bằng giấy {pkg.receipt_id} lúc {pkg.confirmed_at}. "
                             "Sửa: không cần làm gì nếu đó là cùng một lần giao nhận; nếu không, đối chiếu hai giấy "
                             "xác nhận với bên nhận.",
                             f"Package {pkg.id} was already confirmed by receipt {pkg.receipt_id} at {pkg.confirmed_at}. "
                             "Fix: nothing to do if it is the same handover; otherwise compare the two receipts with "
                             "the receiving archive.")
            now = iso_vn()
            stored: dict[str, dict[str, Any]] = {}
            archive = _mark_transferred(s, pkg, members, receipt, actor, now, stored)
            record_action(services, actor, "export.confirm", f"package:{pkg.id}", Outcome.SUCCESS,
                          {"receipt_id": rid, "dossiers": codes, "archive": archive}, session=s)
            result = ConfirmResult(pkg.id, rid, codes, now)
        for code, event in stored.items():  # into each AIP (a new revision), so reindex keeps it
            if services.storage.has_aip(code):
                store_events(services, code, [event], message=f"transfer confirmed by receipt {rid}", user=actor,
                             catalog=False)
        return result
    except ExportError as e:
        record_action(services, actor, "export.confirm", f"package:{receipt.get('package_id')}", Outcome.DENIED,
                      {"codes": [f.code for f in e.findings][:20]})
        raise
