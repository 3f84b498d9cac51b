"""The receiving side of a transfer to a historical archive: the receipt.

Called by the ingest pipeline (``POST_INGEST_HOOKS``) after *every* accepted transfer,
so it does nothing unless the transfer is a BagIt package from this software
(``BagIt-Profile-Identifier: luutru-transfer-out/1`` in ``bag-info.txt``).  For such a
package the pipeline has already verified the bag (every payload and tag file against
its manifest), every file against the catalogue's SHA-256, and run the per-file checks;
this hook then writes the receipt the sender needs:

* ``LUUTRU_HOME/receipts/<package id>.json`` — each dossier received with the content
  and metadata hashes recomputed from what *this* archive stored (see
  :func:`luutru.transfer_out.digests.stored_digests`), its AIP manifest hash, and the
  hash of the package's payload manifest;
* ``LUUTRU_HOME/receipts/<package id>.pdf`` — the same for people to sign;
* ``LUUTRU_HOME/receipts/<package id>.sender/`` — a copy of the package's
  ``transfer-out/`` folder (handover record, sender's AIP metadata and PREMIS events),
  so the provenance that came with the records is kept.

The paths go into the ingest report as an INFO finding.  A failure here never fails the
ingest (the records are stored by then): it becomes a WARNING saying how to redo it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import luutru.records.finding_codes.transfer_out as fc
from luutru.audit.trail import record_action
from luutru.catalog.records import load_aip_metadata
from luutru.packaging import atomic
from luutru.packaging.bag import bag_info
from luutru.records.findings import Finding, finding
from luutru.records.status import DossierOutcome, Outcome
from luutru.records.timeutil import iso_vn
from luutru.services import FaultInjected, Services
from luutru.transfer_out.digests import stored_digests
from luutru.packaging.pdf_signing import sign_issued_pdf
from luutru.transfer_out.handover import render_receipt_pdf
from luutru.transfer_out.layout import PACKAGE_JSON, PROFILE, RECEIPT_PROFILE, TAG_DIR


def package_root(transfer_root: Path) -> Path | None:
    """The bag directory when ``transfer_root`` is the payload (``data/``) of a bag, else None."""
    root = Path(transfer_root)
    if root.name == "data" and (root.parent / "bagit.txt").is_file():
        return root.parent
    return None


def package_profile(bag_dir: Path) -> str | None:
    info_ = bag_info(bag_dir)
    if info_ is None:
        return None
    value = info_.get("BagIt-Profile-Identifier")
    return value[0] if isinstance(value, list) else value


def receipts_dir(services: Services) -> Path:
    d = services.settings.home_dir / "receipts"
    d.mkdir(parents=True, exist_ok=True)
    return d


def build_receipt(services: Services, report: Any, bag_dir: Path) -> dict[str, Any]:
    """The receipt for an accepted package, from what this archive stored."""

    package = json.loads((bag_dir / PACKAGE_JSON).read_text(encoding="utf-8"))
    outcomes = {o.code: o for o in report.dossiers}
    manifest = hashlib.sha256((bag_dir / "manifest-sha256.txt").read_bytes()).hexdigest()
    sent = {d["code"]: d for d in package.get("dossiers", [])}
    codes = list(dict.fromkeys(list(sent) + list(outcomes)))
    dossiers = []
    for code in codes:
        o = outcomes.get(code)
        entry: dict[str, Any] = {"ma_ho_so": code, "tieu_de": o.title if o else sent.get(code, {}).get("title"),
                                 "status": o.status if o else "not_received", "documents": o.documents if o else 0}
        if o is not None and o.status in (DossierOutcome.STORED, DossierOutcome.ALREADY_STORED):
            meta = load_aip_metadata(services.storage, o.aip or code, with_text=False)
            content, metadata = stored_digests(meta)
            entry.update(content_sha256=content, metadata_sha256=metadata, aip_id=meta.aip_id,
                         aip_manifest_sha256=meta.manifest_sha256,
                         matches_package=(code in sent and sent[code].get("content_sha256") == content
                                          and sent[code].get("metadata_sha256") == metadata))
        dossiers.append(entry)
    receiver = package.get("receiver") or {}
    return {
        "profile": RECEIPT_PROFILE,
        "receipt_id": f"BN-{package['package_id']}-{uuid.uuid4().hex[:6]}",
        "package_id": package["package_id"],
        "package_payload_manifest_sha256": manifest,
        "sender": package.get("sender") or {},
        "receiving_archive": {"code": receiver.get("archive_code") or "", "name": receiver.get("archive_name") or ""},
        "received_at": iso_vn(),
        "transfer_id": report.transfer_id,
        "dossiers": dossiers,
    }


def after_accept(services: Services, report: Any, transfer_root: Path) -> list[Finding]:
    """Post-ingest hook: a receipt for a transfer-out package; nothing for any other transfer."""
    bag_dir = package_root(transfer_root)
    if bag_dir is None or package_profile(bag_dir) != PROFILE or not (bag_dir / PACKAGE_JSON).is_file():
        return []
    try:
        receipt = build_receipt(services, report, bag_dir)
        pid = receipt["package_id"]
        out = receipts_dir(services)
        jpath, ppath = out / f"{pid}.json", out / f"{pid}.pdf"

        tmp_pdf = out / f".{pid}.{uuid.uuid4().hex[:6]}.pdf"
        render_receipt_pdf(tmp_pdf, receipt)
        signing = sign_issued_pdf(tmp_pdf, services.settings.signing, what_vi="giấy xác nhận",
                                  what_en="receipt", reason=f"Giấy xác nhận {receipt['receipt_id']}", name=ppath.name)
        atomic.replace(tmp_pdf, ppath)
        atomic.write_atomic(jpath, json.dumps(receipt, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
        sender_copy = out / f"{pid}.sender"
        shutil.rmtree(sender_copy, ignore_errors=True)
        shutil.copytree(bag_dir / TAG_DIR, sender_copy)
        _audit(services, pid, receipt)
    except FaultInjected:
        raise
    except Exception as e:  # noqa: BLE001 - the records are stored; a failed receipt must not fail the ingest
        return [finding(
            fc.TRANSFER_OUT_RECEIPT_FAILED,
            f"Đã lưu các hồ sơ của gói nộp lưu nhưng chưa lập được giấy xác nhận ({e}). Sửa: nộp lại cùng gói "
            "(`luutru ingest`): hồ sơ đã lưu không bị trùng và giấy xác nhận được lập lại.",
            f"The package's dossiers are stored but the receipt could not be written ({e}). Fix: ingest the same "
            "package again (`luutru ingest`): nothing is duplicated and the receipt is written again.")]
    bad = [d["ma_ho_so"] for d in receipt["dossiers"] if not d.get("matches_package")]
    findings = [finding(
        fc.TRANSFER_OUT_RECEIPT,
        f"Gói nộp lưu {pid}: đã lập giấy xác nhận {receipt['receipt_id']} tại {jpath} (bản PDF: {ppath}). "
        "Gửi tệp .json cho bên giao để xác nhận (`luutru transfer-out confirm`).",
        f"Transfer package {pid}: receipt {receipt['receipt_id']} written to {jpath} (PDF: {ppath}). "
        "Send the .json file to the sender to confirm (`luutru transfer-out confirm`).",
        details={"receipt": str(jpath), "pdf": str(ppath), "package_id": pid, "receipt_id": receipt["receipt_id"],
                 "pdf_signed": signing.signed})]
    findings += signing.findings
    if bad:
        findings.append(finding(
            fc.TRANSFER_OUT_RECEIPT_MISMATCH,
            f"Gói {pid}: nội dung đã lưu của {', '.join(bad)} khác mã băm bên giao khai trong gói; bên giao sẽ không "
            "xác nhận được. Sửa: đối chiếu với bên giao.",
            f"Package {pid}: what was stored for {', '.join(bad)} differs from the hashes the sender declared; the "
            "sender will not be able to confirm. Fix: check with the sender.", details={"dossiers": bad}))
    return findings


def _audit(services: Services, pid: str, receipt: dict[str, Any]) -> None:

    record_action(services, "system", "export.receipt", f"package:{pid}", Outcome.SUCCESS,
                  {"receipt_id": receipt["receipt_id"], "dossiers": [d["ma_ho_so"] for d in receipt["dossiers"]],
                   "transfer_id": receipt["transfer_id"]})
