"""Transfer to a historical archive as 05/2025 SIPs (SIP_hoso on E-ARK CSIP/SIP 2.0.4).

Beside the BagIt + XLSX package of :mod:`luutru.preservation.export` (which only another luutru
reads), a submission can be built as one SIP per dossier — what Circular 05/2025 requires between
systems::

    <out>/<package id>/001_uuid-….zip        one SIP_hoso per dossier (see docs/sip-05-2025.md)
    <out>/<package id>/002_uuid-….zip
    <out>/<package id>.submission.json       what was sent: OBJIDs, ZIP and METS SHA-256, per-dossier digests

The submission folder holds nothing but the packages, so it is itself an ingestable transfer.  Each
package's ``documentation/`` carries the draft handover record (biên bản giao nhận, JSON + PDF),
the catalogue of the whole submission (mục lục hồ sơ nộp lưu, PDF) and ``package.json`` naming the
submission; the receiving archive's receipt names every package by its OBJID and checksums.

Selection, the per-dossier content and metadata digests, the catalog records and confirmation are
those of :mod:`luutru.preservation.export`: a receipt for a SIP submission is confirmed by the
same ``luutru transfer-out confirm``.  The submission's "manifest" hash is the SHA-256 over the
sorted ``OBJID <TAB> ZIP SHA-256`` lines (:func:`submission_digest`), which the receiver
recomputes from what it received.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import select

import luutru.catalog.models as m
import luutru.packaging.atomic as atomic
import luutru.records.finding_codes.transfer_out as tfc
from luutru import __version__
from luutru.catalog.records import AipMetadata, load_aip_metadata
from luutru.config import SigningSettings
from luutru.packaging.pdf_signing import IssuedSignature, sign_issued_pdf
from luutru.packaging.sip.builder import SipBuildError, build_sip
from luutru.packaging.sip.from_aip import package_from_aip
from luutru.packaging.sip.model import SipAgent
from luutru.policies.transfer import TransferPolicy, load_transfer_policy
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import Services
from luutru.transfer_out.digests import (
    catalogue_fields,
    content_digest,
    metadata_digest,
    original_component,
)
from luutru.transfer_out.errors import ExportError, refuse
from luutru.transfer_out.handover import (
    handover_record,
    render_catalogue_pdf,
    render_handover_pdf,
)
from luutru.transfer_out.package import new_package_id, write_staged
from luutru.transfer_out.register import (
    BuildResult,
    PackageDossier,
    acting_user,
    record_build,
)
from luutru.transfer_out.registration import require_registration
from luutru.transfer_out.select import Candidate, select_dossiers

SIP_PROFILE = "luutru-transfer-out-sip/1"
SUBMISSION_SUFFIX = ".submission.json"
SIP_FORMAT = "SIP 05/2025 (E-ARK CSIP/SIP 2.0.4)"


def submission_digest(packages: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over ``OBJID \\t ZIP SHA-256`` lines, sorted: names a submission by its packages."""
    lines = "".join(f"{o}\t{s.lower()}\n" for o, s in sorted(packages))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def build_sip_submission(services: Services, *, agency: str, out_dir: Path | None = None, as_of: int | None = None,
                         dossiers: Sequence[str] | None = None, include_fixed_term: bool = False,
                         archive_name: str | None = None, archive_code: str | None = None, actor: str | None = None,
                         policy: TransferPolicy | None = None) -> BuildResult:
    """Select the dossiers and write one 05/2025 SIP each; raise :class:`ExportError` if refused."""
    t0 = time.monotonic()
    policy = policy or load_transfer_policy()
    actor = acting_user(actor)
    agency = agency.strip()
    as_of = as_of or now_vn().year
    chosen = select_dossiers(services, agency, as_of, dossiers, include_fixed_term=include_fixed_term, policy=policy)
    unregistered = require_registration(services, agency, [c.code for c in chosen])
    if unregistered:
        raise ExportError(unregistered)  # Circular 06/2025 Art. 3: register the submission first
    out_dir = Path(out_dir) if out_dir else services.settings.home_dir / policy.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    package_id = new_package_id(agency)
    (result, sidecar), final = write_staged(out_dir, package_id, lambda root: _write(
        services, root, package_id, chosen, policy, archive_name, archive_code, as_of))
    result.path = str(final)
    sidecar["path"] = str(final)
    atomic.write_atomic(out_dir / f"{package_id}{SUBMISSION_SUFFIX}",
                        json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True))
    record_build(services, result, actor, as_of, policy)
    result.seconds = round(time.monotonic() - t0, 3)
    return result


def _members(chosen: list[Candidate], metas: list[AipMetadata]
             ) -> tuple[list[PackageDossier], list[dict[str, Any]], list[dict[str, Any]]]:
    """Each dossier's counts and hashes, and the catalogue fields of the dossiers and documents sent."""
    members: list[PackageDossier] = []
    sent_dossiers: list[dict[str, Any]] = []
    sent_documents: list[dict[str, Any]] = []
    for c, meta in zip(chosen, metas):
        docs = sorted(meta.documents, key=lambda d: d.get("so_thu_tu") or 0)
        triples = []
        total = 0
        for doc in docs:
            comp = original_component(doc)
            if comp is None:
                raise refuse(tfc.TRANSFER_OUT_NO_ORIGINAL,
                             f"Văn bản {doc['ma_dinh_danh_van_ban']} không có tệp gốc trong AIP. Sửa: chạy `luutru audit`.",
                             f"Document {doc['ma_dinh_danh_van_ban']} has no original file in its AIP. Fix: run `luutru audit`.",
                             dossier=c.code, document=doc["ma_dinh_danh_van_ban"])
            triples.append((doc["ma_dinh_danh_van_ban"], doc.get("duong_dan_tep") or "", comp["sha256"]))
            total += int(comp.get("size") or 0)
        dfields, docs_fields = catalogue_fields(meta.dossier), [catalogue_fields(d) for d in docs]
        sent_dossiers.append(dfields)
        sent_documents.extend(docs_fields)
        members.append(PackageDossier(c.code, c.title, c.retention_years, len(docs), total, meta.manifest_sha256,
                                      content_digest(triples), metadata_digest(dfields, docs_fields)))
    return members, sent_dossiers, sent_documents


def _documentation(doc_dir: Path, handover: dict[str, Any], package_json: dict[str, Any],
                   sent_dossiers: list[dict[str, Any]], sent_documents: list[dict[str, Any]],
                   signing: SigningSettings) -> tuple[dict[str, Any], IssuedSignature]:
    """The ``documentation/`` files every package of the submission carries (PDFs rendered in ``doc_dir``;
    the handover record signed by the archive)."""
    render_handover_pdf(doc_dir / "bien_ban_giao_nhan.pdf", handover)
    signed = sign_issued_pdf(doc_dir / "bien_ban_giao_nhan.pdf", signing, what_vi="biên bản giao nhận",
                             what_en="handover record", reason=f"Biên bản giao nhận {package_json['package_id']}")
    render_catalogue_pdf(doc_dir / "muc_luc_ho_so.pdf", sent_dossiers, sent_documents,
                         package_id=package_json["package_id"], agency_name=package_json["sender"]["agency_name"],
                         created_at=package_json["created_at"])
    return {
        "bien_ban_giao_nhan.json": json.dumps(handover, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"),
        "bien_ban_giao_nhan.pdf": doc_dir / "bien_ban_giao_nhan.pdf",
        "muc_luc_ho_so.pdf": doc_dir / "muc_luc_ho_so.pdf",
        "package.json": json.dumps(package_json, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"),
    }, signed


def _build_sips(services: Services, root: Path, chosen: list[Candidate], metas: list[AipMetadata],
                members: list[PackageDossier], documentation: dict[str, Any], package_json: dict[str, Any]
                ) -> list[dict[str, Any]]:
    """One SIP per dossier in ``root``; what the submission sidecar says of each."""
    archive = package_json["receiver"]
    creator = SipAgent("luutru", "luutru", "software", role="CREATOR", version=__version__)
    receiver = SipAgent(archive["archive_code"] or archive["archive_name"], archive["archive_name"], "organization",
                        role="PRESERVATION")
    packages: list[dict[str, Any]] = []
    for seq, (c, meta, member) in enumerate(zip(chosen, metas, members), 1):
        pkg = package_from_aip(meta.dossier, meta.documents, meta.events,
                               lambda p, a=meta.aip_id: services.storage.open_file(a, p),
                               sequence=seq, submission_id=package_json["package_id"], agents=[receiver])
        pkg.created = package_json["created_at"]
        pkg.documentation = documentation
        try:
            built = build_sip(pkg, root, creator=creator)
        except SipBuildError as e:
            raise ExportError(e.findings) from e
        packages.append({"sequence": seq, "dossier_code": c.code, "objid": built.objid, "zip": built.path.name,
                         "zip_sha256": built.sha256, "zip_size": built.size, "mets_sha256": built.mets_sha256,
                         "content_sha256": member.content_sha256, "metadata_sha256": member.metadata_sha256})
    return packages


def _write(services: Services, root: Path, package_id: str, chosen: list[Candidate], policy: TransferPolicy,
           archive_name: str | None, archive_code: str | None, as_of: int) -> tuple[BuildResult, dict[str, Any]]:
    # write_staged gives a fresh .partial folder
    root.mkdir(parents=True)
    archive = {"archive_code": archive_code if archive_code is not None else policy.archive_code,
               "archive_name": archive_name or policy.archive_name}
    created = iso_vn()
    with services.catalog.session() as s:
        aip_ids = {c.code: s.scalar(select(m.Dossier.aip_id).where(m.Dossier.code == c.code)) for c in chosen}
    metas = [load_aip_metadata(services.storage, aip_ids[c.code], with_text=False) for c in chosen]
    agency_code = chosen[0].agency_code
    agency_name = next((x.dossier.get("ten_co_quan") for x in metas if x.dossier.get("ten_co_quan")), "")
    members, sent_dossiers, sent_documents = _members(chosen, metas)
    handover = handover_record(
        package_id=package_id, created=created, legal_basis=policy.legal_basis, agency_code=agency_code,
        agency_name=agency_name, archive=archive, members=members, sent_dossiers=sent_dossiers,
        attachments=["documentation/muc_luc_ho_so.pdf"],
        payload_manifest_sha256=None)  # the submission digest, known once every package is built
    handover["package_format"] = SIP_FORMAT
    package_json = {
        "profile": SIP_PROFILE, "package_id": package_id, "created_at": created, "software": f"luutru {__version__}",
        "as_of_year": as_of, "sender": {"agency_code": agency_code, "agency_name": agency_name}, "receiver": archive,
        "dossiers": [{"code": x.code, "content_sha256": x.content_sha256, "metadata_sha256": x.metadata_sha256}
                     for x in members],
    }
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=f".{package_id}.doc") as tmpd:
        documentation, signed = _documentation(Path(tmpd), handover, package_json, sent_dossiers, sent_documents,
                                               services.settings.signing)
        packages = _build_sips(services, root, chosen, metas, members, documentation, package_json)
    digest = submission_digest((p["objid"], p["zip_sha256"]) for p in packages)
    sidecar = {"profile": SIP_PROFILE, "package_id": package_id, "created_at": created, "sender": package_json["sender"],
               "receiver": archive, "submission_sha256": digest, "packages": packages}
    n_docs = sum(x.documents for x in members)
    result = BuildResult(package_id, str(root), None, agency_code, agency_name, archive["archive_name"], members,
                         n_docs, n_docs, sum(x.bytes for x in members), digest, 0.0,
                         findings=[f.to_dict() for f in signed.findings])
    return result, sidecar
