"""Step 2 of a transfer to a historical archive: build the package.

A BagIt bag (SHA-256) the receiving archive ingests as any transfer.  Its payload is
exactly a transfer in the ingest template::

    data/muc_luc_ho_so.xlsx              the catalogue, filled from the AIPs (with SHA-256)
    data/files/<dossier code>/<name>     the original files, at the catalogue's paths

and its tag files (outside ``data/``, covered by ``tagmanifest-sha256.txt`` and so
verified on arrival, but never seen by the catalogue ↔ files check)::

    transfer-out/package.json                      package id, sender, dossiers and their hashes
    transfer-out/muc_luc_ho_so.pdf                 the catalogue for people
    transfer-out/bien_ban_giao_nhan.{json,pdf}     the draft handover record
    transfer-out/aip-metadata/<code>/{dossier,documents,premis}.json   the sender's AIP metadata

``bag-info.txt`` carries ``BagIt-Profile-Identifier: luutru-transfer-out/1``, the
package id (``External-Identifier``) and the sender agency code.  The bag is written
in ``<out>/.<id>.partial``, validated in full, then renamed: a crash leaves no half
package under the final name.  Selection is :mod:`luutru.transfer_out.select`, the
register of packages :mod:`luutru.transfer_out.register`, the per-dossier hashes
:mod:`luutru.transfer_out.digests`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TypeVar

import luutru.catalog.models as m
import luutru.records.finding_codes.transfer_out as fc
from luutru import __version__
from luutru.catalog.records import AipMetadata, load_aip_metadata
from luutru.packaging.bag import copy_file_hashing, sha256_file, validate_bag
from luutru.packaging.bag_seal import seal_bag, write_declaration, write_manifest
from luutru.config import SigningSettings
from luutru.packaging.catalogue_writer import write_xlsx_template
from luutru.packaging.pdf_signing import IssuedSignature, sign_issued_pdf
from luutru.policies.transfer import TransferPolicy, load_transfer_policy
from luutru.preservation.aip import safe_component_name
from luutru.records.code_grammar import PartialDate
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS, Kind
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
from luutru.transfer_out.layout import (
    CATALOGUE_NAME,
    CATALOGUE_PDF,
    FILES_DIR,
    HANDOVER_JSON,
    HANDOVER_PDF,
    METADATA_DIR,
    PACKAGE_JSON,
    PATH_MAX,
    PROFILE,
)
from luutru.transfer_out.register import (
    BuildResult,
    PackageDossier,
    acting_user,
    record_build,
)
from luutru.transfer_out.registration import require_registration
from luutru.transfer_out.select import Candidate, select_dossiers

R = TypeVar("R")
AIP_METADATA_FILES = ("dossier", "documents", "premis")


def build_package(services: Services, *, agency: str, out_dir: Path | None = None, as_of: int | None = None,
                  dossiers: Sequence[str] | None = None, include_fixed_term: bool = False,
                  archive_name: str | None = None, archive_code: str | None = None, actor: str | None = None,
                  make_zip: bool = False, policy: TransferPolicy | None = None) -> BuildResult:
    """Select the dossiers and write the transfer package; raise :class:`ExportError` if refused."""
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
    result, final = write_staged(out_dir, package_id, lambda root: _write_package(
        services, root, package_id, chosen, policy, archive_name, archive_code, as_of))
    result.path = str(final)
    if make_zip:
        result.zip_path = str(_zip_bag(final, out_dir / f"{package_id}.zip"))
    record_build(services, result, actor, as_of, policy)
    result.seconds = round(time.monotonic() - t0, 3)
    return result


def new_package_id(agency: str) -> str:
    return f"LS-{agency}-{now_vn():%Y%m%d}-{uuid.uuid4().hex[:6]}"


def write_staged(out_dir: Path, package_id: str, write: Callable[[Path], R]) -> tuple[R, Path]:
    """Run ``write`` on ``<out_dir>/.<id>.partial``, then rename it to ``<out_dir>/<id>``;
    on any failure the partial folder is removed.  Returns what ``write`` returned and the final path."""
    staging = out_dir / f".{package_id}.partial"
    final = out_dir / package_id
    try:
        result = write(staging)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result, final


# -- the payload: original files and the catalogue --------------------------------------------------


@dataclass
class _Payload:
    """What is written under ``data/`` so far, and what the tag files need to describe it."""

    hashes: dict[str, tuple[str, int]] = field(default_factory=dict)  # bag path → (sha256, size)
    dossier_rows: list[dict[str, Any]] = field(default_factory=list)  # catalogue rows (template cells)
    document_rows: list[dict[str, Any]] = field(default_factory=list)
    sent_dossiers: list[dict[str, Any]] = field(default_factory=list)  # JSON form of the fields as sent
    sent_documents: list[dict[str, Any]] = field(default_factory=list)
    members: list[PackageDossier] = field(default_factory=list)
    aip_metadata: dict[str, dict[str, bytes]] = field(default_factory=dict)  # code → name → the AIP's JSON
    agency_name: str = ""


def _cell(col_kind: Kind, value: Any) -> Any:
    """A stored (JSON) value back into a template cell: ISO dates → date cells."""
    if value is None:
        return None
    if col_kind is Kind.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            try:
                return PartialDate.from_iso(value).display()  # "2021-12" -> "12/2021", as people write it
            except (TypeError, ValueError):
                return value
    return value


def _row(columns: Sequence[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    return {c.key: _cell(c.kind, values.get(c.key)) for c in columns}


def _package_name(original: str, code: str) -> str:
    """File name inside ``files/<code>/``, shortened (extension kept) so the path fits the column."""
    name = safe_component_name(original)
    room = PATH_MAX - len(f"{FILES_DIR}/{code}/")
    if len(name) > room:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and len(ext) <= 10 else ""
        name = (stem if dot else name)[: room - len(ext)] + ext
    return name


def _copy_original(services: Services, meta: AipMetadata, doc: Mapping[str, Any], dest: Path) -> tuple[str, int]:
    """Copy a document's original file out of storage, checked against its recorded SHA-256."""
    comp = original_component(doc)
    code, ident = meta.code, doc["ma_dinh_danh_van_ban"]
    if comp is None:
        raise refuse(fc.TRANSFER_OUT_NO_ORIGINAL,
                     f"Văn bản {ident} không có tệp gốc trong AIP. Sửa: chạy `luutru audit` và khôi phục AIP.",
                     f"Document {ident} has no original file in its AIP. Fix: run `luutru audit` and repair the AIP.",
                     dossier=code, document=ident)
    with services.storage.open_file(meta.aip_id, comp["path"]) as fh:
        sha, size = copy_file_hashing(fh, dest)
    if sha != comp["sha256"]:
        raise refuse(
            fc.TRANSFER_OUT_FIXITY,
            f"Tệp {comp['path']} của hồ sơ {code} không khớp mã băm đã lưu ({sha} ≠ {comp['sha256']}); không lập gói với "
            "tệp hỏng. Sửa: chạy `luutru audit` để khôi phục từ bản sao, rồi lập lại gói.",
            f"File {comp['path']} of dossier {code} does not match its recorded hash ({sha} ≠ {comp['sha256']}); no "
            "package is built with a damaged file. Fix: run `luutru audit` to repair it from a replica, then build again.",
            dossier=code, document=ident, file=comp["path"])
    return sha, size


def _pack_documents(services: Services, meta: AipMetadata, code: str, data: Path,
                    payload: _Payload) -> list[dict[str, Any]]:
    """Copy the originals of one dossier to ``data/files/<code>/``; their fields as sent, in order.

    Two files of one dossier with the same name get the document's sequence number as a prefix."""
    used: set[str] = set()
    sent: list[dict[str, Any]] = []
    for doc in sorted(meta.documents, key=lambda d: d.get("so_thu_tu") or 0):
        comp = original_component(doc) or {}
        name = _package_name(comp.get("original_name") or doc.get("duong_dan_tep") or "file", code)
        if name.casefold() in used:
            name = _package_name(f"{int(doc.get('so_thu_tu') or 0):04d}_{name}", code)
        used.add(name.casefold())
        rel = f"{FILES_DIR}/{code}/{name}"
        sha, size = _copy_original(services, meta, doc, data / rel)
        payload.hashes[f"data/{rel}"] = (sha, size)
        fields = catalogue_fields(doc)
        fields.update(duong_dan_tep=rel, sha256=sha)
        sent.append(fields)
    return sent


def _aip_metadata_files(services: Services, aip_id: str) -> dict[str, bytes]:
    """The sender's AIP metadata and PREMIS events, byte for byte."""
    raw: dict[str, bytes] = {}
    for name in AIP_METADATA_FILES:
        with services.storage.open_file(aip_id, f"data/metadata/{name}.json") as fh:
            raw[name] = fh.read()
    return raw


def _pack_dossier(services: Services, c: Candidate, aip_id: str, data: Path, payload: _Payload) -> None:
    meta = load_aip_metadata(services.storage, aip_id, with_text=False)
    payload.agency_name = meta.dossier.get("ten_co_quan") or payload.agency_name
    docs_sent = _pack_documents(services, meta, c.code, data, payload)
    dossier_fields = catalogue_fields(meta.dossier)
    payload.dossier_rows.append(_row(DOSSIER_COLUMNS, dossier_fields))
    payload.document_rows.extend(_row(DOCUMENT_COLUMNS, f) for f in docs_sent)
    payload.sent_dossiers.append(dossier_fields)
    payload.sent_documents.extend(docs_sent)
    triples = [(f["ma_dinh_danh_van_ban"], f["duong_dan_tep"], f["sha256"]) for f in docs_sent]
    total = sum(payload.hashes[f"data/{f['duong_dan_tep']}"][1] for f in docs_sent)
    payload.members.append(PackageDossier(c.code, c.title, c.retention_years, len(docs_sent), total,
                                          meta.manifest_sha256, content_digest(triples),
                                          metadata_digest(dossier_fields, docs_sent)))
    payload.aip_metadata[c.code] = _aip_metadata_files(services, meta.aip_id)


def _write_payload(services: Services, data: Path, chosen: list[Candidate]) -> _Payload:
    """Every chosen dossier's originals, then the catalogue of them all."""
    payload = _Payload()
    with services.catalog.session() as s:
        aip_ids = {c.code: s.get(m.Dossier, c.code).aip_id for c in chosen}  # type: ignore[union-attr]
    for c in chosen:
        _pack_dossier(services, c, aip_ids[c.code], data, payload)
    catalogue = data / CATALOGUE_NAME
    write_xlsx_template(catalogue, rows=(payload.dossier_rows, payload.document_rows))
    payload.hashes[f"data/{CATALOGUE_NAME}"] = (sha256_file(catalogue), catalogue.stat().st_size)
    return payload


# -- the bag: manifest, tag files, bag-info --------------------------------------------------------


def _write_payload_manifest(root: Path, hashes: Mapping[str, tuple[str, int]], bagging_date: str) -> str:
    """``bagit.txt`` and ``manifest-sha256.txt`` from the hashes taken while copying (no second
    read of the payload); returns the SHA-256 of the manifest, which names the package."""
    write_declaration(root, bagging_date)
    return sha256_file(write_manifest(root, hashes))


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str), encoding="utf-8")


def _write_tag_files(root: Path, package: dict[str, Any], handover: dict[str, Any], payload: _Payload,
                     signing: SigningSettings) -> IssuedSignature:
    """``transfer-out/``: package.json, the handover record (JSON + PDF signed by the archive), the
    catalogue PDF, the AIP metadata."""
    _write_json(root / PACKAGE_JSON, package)
    _write_json(root / HANDOVER_JSON, handover)
    render_handover_pdf(root / HANDOVER_PDF, handover)
    signed = sign_issued_pdf(root / HANDOVER_PDF, signing, what_vi="biên bản giao nhận", what_en="handover record",
                             reason=f"Biên bản giao nhận {package['package_id']}")
    render_catalogue_pdf(root / CATALOGUE_PDF, payload.sent_dossiers, payload.sent_documents,
                         package_id=package["package_id"], agency_name=payload.agency_name,
                         created_at=package["created_at"])
    for code, raw in payload.aip_metadata.items():
        for name, blob in raw.items():
            p = root / METADATA_DIR / code / f"{name}.json"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(blob)
    return signed


def _bag_info(package: dict[str, Any], n_dossiers: int) -> dict[str, str]:
    sender, created = package["sender"], package["created_at"]
    return {
        "BagIt-Profile-Identifier": PROFILE,
        "External-Identifier": package["package_id"],
        "Source-Organization": sender["agency_name"],
        "Organization-Address": sender["agency_code"],
        "Bag-Group-Identifier": sender["agency_code"],
        "Internal-Sender-Identifier": sender["agency_code"],
        "External-Description": f"Nộp lưu {n_dossiers} hồ sơ vĩnh viễn vào {package['receiver']['archive_name']}",
        "Bagging-Date": created[:10],
        "Bag-Software-Agent": f"luutru {__version__}",
    }


def _check_bag(root: Path) -> None:
    problems = validate_bag(root)
    if problems:
        raise refuse(fc.TRANSFER_OUT_BAG_INVALID,
                     "Gói vừa lập không hợp lệ: " + "; ".join(problems[:5]) + ". Sửa: kiểm tra ổ đĩa rồi lập lại.",
                     "The package just built is invalid: " + "; ".join(problems[:5])
                     + ". Fix: check the disk and build again.")


def _write_package(services: Services, root: Path, package_id: str, chosen: list[Candidate], policy: TransferPolicy,
                   archive_name: str | None, archive_code: str | None, as_of: int) -> BuildResult:
    """The whole bag in ``root``: payload, manifest, tag files, bag-info; validated."""
    shutil.rmtree(root, ignore_errors=True)
    data = root / "data"
    data.mkdir(parents=True)
    payload = _write_payload(services, data, chosen)
    created = iso_vn()
    payload_manifest = _write_payload_manifest(root, payload.hashes, created[:10])
    agency_code, members = chosen[0].agency_code, payload.members
    archive = {"archive_code": archive_code if archive_code is not None else policy.archive_code,
               "archive_name": archive_name or policy.archive_name}
    handover = handover_record(
        package_id=package_id, created=created, legal_basis=policy.legal_basis, agency_code=agency_code,
        agency_name=payload.agency_name, archive=archive, members=members, sent_dossiers=payload.sent_dossiers,
        attachments=[f"data/{CATALOGUE_NAME}", CATALOGUE_PDF], payload_manifest_sha256=payload_manifest)
    package = {
        "profile": PROFILE, "package_id": package_id, "created_at": created, "software": f"luutru {__version__}",
        "as_of_year": as_of, "policy": {"years": policy.years, "count_from": policy.count_from,
                                        "legal_basis": policy.legal_basis},
        "sender": {"agency_code": agency_code, "agency_name": payload.agency_name},
        "receiver": archive,
        "payload_manifest_sha256": payload_manifest,
        "dossiers": [asdict(x) for x in members],
    }
    signed = _write_tag_files(root, package, handover, payload, services.settings.signing)
    seal_bag(root, payload.hashes, _bag_info(package, len(members)))
    _check_bag(root)
    n_docs = sum(x.documents for x in members)
    n_bytes = sum(x.bytes for x in members)
    return BuildResult(package_id, str(root), None, agency_code, payload.agency_name, archive["archive_name"],
                       members, n_docs, n_docs, n_bytes, payload_manifest, 0.0,
                       findings=[f.to_dict() for f in signed.findings])


def _zip_bag(bag_dir: Path, zip_path: Path) -> Path:
    tmp = zip_path.with_suffix(".zip.partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for p in sorted(bag_dir.rglob("*")):
            if p.is_file():
                z.write(p, f"{bag_dir.name}/{p.relative_to(bag_dir).as_posix()}")
    os.replace(tmp, zip_path)
    return zip_path
