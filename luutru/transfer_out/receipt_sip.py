"""The receiving side of a 05/2025 SIP submission: the receipt names every package by its OBJID and checksums.

Called after an accepted ingest whose transfer was one or more SIPs.  For each package the receipt
gives its OBJID, the SHA-256 and size of the ZIP as received (or, for a package folder, of its root
``METS.xml``), the SHA-256 of the root ``METS.xml``, and, per dossier, the content and metadata
digests recomputed from what *this* archive stored (:func:`luutru.preservation.export.stored_digests`).
``package_payload_manifest_sha256`` is :func:`luutru.preservation.export_sip.submission_digest` over
the packages received, so the sender's ``luutru transfer-out confirm`` checks it as it checks a BagIt
package's manifest hash.  Packages from luutru name their submission in ``documentation/package.json``;
packages from other systems get a receipt keyed by their OBJIDs.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import luutru.packaging.atomic as atomic
from luutru.catalog.records import load_aip_metadata
from luutru.ingest.sip_source import ReceivedSip
from luutru.records.findings import Finding, info, warning
from luutru.records.timeutil import iso_vn
from luutru.services import Services
from luutru.transfer_out.digests import stored_digests
from luutru.packaging.pdf_signing import sign_issued_pdf
from luutru.transfer_out.handover import render_receipt_pdf
from luutru.transfer_out.layout import RECEIPT_PROFILE
from luutru.transfer_out.sip import submission_digest


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while buf := fh.read(1024 * 1024):
            h.update(buf)
            n += len(buf)
    return h.hexdigest(), n


def _package_json(root: Path) -> dict[str, Any]:
    p = root / "documentation" / "package.json"
    try:
        obj = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return obj if isinstance(obj, dict) else {}


def build_sip_receipt(services: Services, report: Any, packages: list[ReceivedSip]) -> dict[str, Any]:
    outcomes = {o.code: o for o in report.dossiers}
    meta_json = next((j for j in (_package_json(p.root) for p in packages) if j.get("package_id")), {})
    sent = {d.get("code"): d for d in meta_json.get("dossiers", []) if isinstance(d, dict)}
    entries, pairs = [], []
    for p in packages:
        src = p.source if p.source.is_file() else p.root / "METS.xml"
        pkg_sha, pkg_size = _sha256(src)
        mets_sha, _ = _sha256(p.root / "METS.xml")
        pairs.append((p.objid, pkg_sha))
        o = outcomes.get(p.dossier_code)
        entry: dict[str, Any] = {"ma_ho_so": p.dossier_code, "objid": p.objid, "package": p.source.name,
                                 "package_sha256": pkg_sha, "package_size": pkg_size, "mets_sha256": mets_sha,
                                 "tieu_de": o.title if o else None, "status": o.status if o else "not_received",
                                 "documents": o.documents if o else 0}
        if o is not None and o.status in ("stored", "already_stored"):
            meta = load_aip_metadata(services.storage, o.aip or p.dossier_code, with_text=False)
            content, metadata = stored_digests(meta)
            want = sent.get(p.dossier_code) or {}
            entry.update(content_sha256=content, metadata_sha256=metadata, aip_id=meta.aip_id,
                         aip_manifest_sha256=meta.manifest_sha256,
                         matches_package=(not want or (want.get("content_sha256") == content
                                                       and want.get("metadata_sha256") == metadata)))
        entries.append(entry)
    package_id = meta_json.get("package_id") or "+".join(sorted(o for o, _s in pairs))
    receiver = meta_json.get("receiver") or {}
    return {
        "profile": RECEIPT_PROFILE,
        "package_format": "sip-05-2025",
        "receipt_id": f"BN-{meta_json.get('package_id') or 'SIP'}-{uuid.uuid4().hex[:6]}",
        "package_id": package_id,
        "package_payload_manifest_sha256": submission_digest(pairs),
        "sender": meta_json.get("sender") or {},
        "receiving_archive": {"code": receiver.get("archive_code") or "", "name": receiver.get("archive_name") or ""},
        "received_at": iso_vn(),
        "transfer_id": report.transfer_id,
        "packages": [{"objid": o, "package_sha256": s} for o, s in sorted(pairs)],
        "dossiers": entries,
    }


def write_sip_receipt(services: Services, report: Any, packages: list[ReceivedSip]) -> list[Finding]:
    """Write ``receipts/<package id>.json`` and ``.pdf``; a failure is a warning, never a failed ingest."""
    try:
        receipt = build_sip_receipt(services, report, packages)
        out = services.settings.home_dir / "receipts"
        out.mkdir(parents=True, exist_ok=True)
        name = receipt["receipt_id"] if "+" in receipt["package_id"] else receipt["package_id"]
        jpath, ppath = out / f"{name}.json", out / f"{name}.pdf"
        tmp_pdf = atomic.temp_beside(ppath)
        render_receipt_pdf(tmp_pdf, receipt)
        signing = sign_issued_pdf(tmp_pdf, services.settings.signing, what_vi="giấy xác nhận",
                                  what_en="receipt", reason=f"Giấy xác nhận {receipt['receipt_id']}", name=ppath.name)
        atomic.replace(tmp_pdf, ppath)
        atomic.write_atomic(jpath, json.dumps(receipt, ensure_ascii=False, indent=2, sort_keys=True))
    except (OSError, ValueError, KeyError) as e:
        return [warning(
            "TRANSFER_OUT_RECEIPT_FAILED",
            f"Đã lưu các hồ sơ của gói nhưng chưa lập được giấy xác nhận ({e}). Sửa: nộp lại cùng gói (`luutru ingest`).",
            f"The packages' dossiers are stored but the receipt could not be written ({e}). Fix: ingest the same "
            "packages again (`luutru ingest`).")]
    findings = [info(
        "TRANSFER_OUT_RECEIPT",
        f"Gói nộp lưu {receipt['package_id']}: đã lập giấy xác nhận {receipt['receipt_id']} tại {jpath} (PDF: {ppath}).",
        f"Package {receipt['package_id']}: receipt {receipt['receipt_id']} written to {jpath} (PDF: {ppath}).",
        details={"receipt": str(jpath), "pdf": str(ppath), "package_id": receipt["package_id"],
                 "receipt_id": receipt["receipt_id"], "objids": [p["objid"] for p in receipt["packages"]],
                 "pdf_signed": signing.signed})]
    findings += signing.findings
    bad = [d["ma_ho_so"] for d in receipt["dossiers"] if d.get("matches_package") is False]
    if bad:
        findings.append(warning(
            "TRANSFER_OUT_RECEIPT_MISMATCH",
            f"Nội dung đã lưu của {', '.join(bad)} khác mã băm bên giao khai trong gói. Sửa: đối chiếu với bên giao.",
            f"What was stored for {', '.join(bad)} differs from the hashes the sender declared. Fix: check with the sender.",
            details={"dossiers": bad}))
    return findings
