"""Transfer of permanent records to a historical archive (nộp lưu vào Lưu trữ lịch sử).

Three steps, each an event in the catalog and the audit trail:

1. **select** — the permanent dossiers of one agency whose deadline has come
   (``luutru/policies/transfer.yaml``: start year + N ≤ as-of year), or a given list;
2. **build** — a BagIt bag (SHA-256) the receiving archive ingests as any transfer.
   Its payload is exactly a transfer in the ingest template::

       data/muc_luc_ho_so.xlsx              the catalogue, filled from the AIPs (with SHA-256)
       data/files/<dossier code>/<name>     the original files, at the catalogue's paths

   and its tag files (outside ``data/``, covered by ``tagmanifest-sha256.txt`` and so
   verified on arrival, but never seen by the catalogue ↔ files check)::

       transfer-out/package.json                      package id, sender, dossiers and their hashes
       transfer-out/muc_luc_ho_so.pdf                 the catalogue for people
       transfer-out/bien_ban_giao_nhan.{json,pdf}     the draft handover record
       transfer-out/aip-metadata/<code>/{dossier,documents,premis}.json   the sender's AIP metadata

   ``bag-info.txt`` carries ``BagIt-Profile-Identifier: luutru-transfer-out/1``, the
   package id (``External-Identifier``) and the sender agency code;
3. **confirm** — the receipt the receiving archive returns (written by
   :mod:`luutru.transfer_out.receipt` when it ingests the package) is checked against
   what was sent — package id, dossier codes, and per dossier the content and metadata
   hashes — and only then are the dossiers marked transferred in the disposal area's
   ``dossier_transfers`` table, which is what the destruction rules look at.

Why two hashes per dossier: the receiving archive builds its own AIPs (its own ids,
times and events), so AIP manifests cannot be compared.  What must survive is (a) the
bytes of every original file at its catalogue path — ``content_sha256`` — and (b) every
catalogue field — ``metadata_sha256``, over the RFC 8785 canonical JSON of the fields.
Both are computed here from what is sent, and at the receiver from what it stored.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import time
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import rfc8785
from sqlalchemy import select

import luutru.catalog.models as m
import luutru.records.events as ev
from luutru import __version__
from luutru.audit.trail import record_action
from luutru.catalog.disposal_models import DisposalEvent, DossierTransfer
from luutru.catalog.export_models import (
    BUILT,
    CONFIRMED,
    ExportPackage,
    ExportPackageDossier,
)
from luutru.catalog.records import AipMetadata, add_events, load_aip_metadata
from luutru.packaging.bag import (
    copy_file_hashing,
    seal_bag,
    sha256_file,
    validate_bag,
    write_declaration,
    write_manifest,
)
from luutru.packaging.catalogue_writer import write_xlsx_template
from luutru.policies.transfer import TransferPolicy, load_transfer_policy
from luutru.preservation.aip import safe_component_name
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS, Kind
from luutru.records.findings import Finding, Refused, error
from luutru.records.timeutil import iso_vn, now_vn
from luutru.services import Services
from luutru.transfer_out.handover import render_catalogue_pdf, render_handover_pdf

PROFILE = "luutru-transfer-out/1"
RECEIPT_PROFILE = "luutru-transfer-out-receipt/1"
TAG_DIR = "transfer-out"
PACKAGE_JSON = f"{TAG_DIR}/package.json"
HANDOVER_JSON = f"{TAG_DIR}/bien_ban_giao_nhan.json"
HANDOVER_PDF = f"{TAG_DIR}/bien_ban_giao_nhan.pdf"
CATALOGUE_PDF = f"{TAG_DIR}/muc_luc_ho_so.pdf"
METADATA_DIR = f"{TAG_DIR}/aip-metadata"
CATALOGUE_NAME = "muc_luc_ho_so.xlsx"
# Catalogue columns that describe the package rather than the record: rewritten on export.
PACKAGING_FIELDS = ("duong_dan_tep", "sha256")
# PREMIS event types (Library of Congress vocabulary).
PACKING, TRANSFER = "packing", "transfer"


class ExportError(Refused):
    """A transfer-out step was refused; ``findings`` say why, per dossier, and how to fix it."""

    kind = "transfer_out_refused"


def _refuse(code: str, vi: str, en: str, **where: Any) -> ExportError:
    return ExportError([error(code, vi, en, **where)])


# -- hashes both sides compute --------------------------------------------------------------


def _fields(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "_service"}


def content_digest(documents: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 over ``identifier \\t catalogue path \\t file SHA-256`` lines, sorted by identifier."""
    lines = "".join(f"{i}\t{p}\t{s.lower()}\n" for i, p, s in sorted(documents))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def metadata_digest(dossier: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of the RFC 8785 canonical JSON of every catalogue field of a dossier and its documents."""
    body = {"dossier": _fields(dossier),
            "documents": sorted((_fields(d) for d in documents), key=lambda d: str(d.get("ma_dinh_danh_van_ban")))}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def original_component(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    for comp in doc.get("_service", {}).get("components", []):
        if comp.get("role") == "original":
            return comp
    return None


def stored_digests(meta: AipMetadata) -> tuple[str, str]:
    """(content, metadata) digests of a dossier as an archive stored it (used by the receiver)."""
    triples = []
    for doc in meta.documents:
        comp = original_component(doc) or {}
        triples.append((doc["ma_dinh_danh_van_ban"], doc.get("duong_dan_tep") or "", comp.get("sha256") or ""))
    return content_digest(triples), metadata_digest(meta.dossier, meta.documents)


# -- selection ----------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A dossier that may go into a package."""

    code: str
    title: str
    agency_code: str
    retention_years: int | None
    end_date: str
    due_year: int | None
    transferred: bool  # a receipt is already confirmed
    packages: list[str] = field(default_factory=list)  # packages it was already sent in

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _confirmed_codes(s: Any, codes: Iterable[str]) -> set[str]:

    codes = list(codes)
    if not codes:
        return set()
    rows = s.scalars(select(DossierTransfer).where(DossierTransfer.dossier_code.in_(codes)))
    return {r.dossier_code for r in rows if r.confirmed_at}


def _packages_of(s: Any, codes: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    codes = list(codes)
    if codes:
        for r in s.scalars(select(ExportPackageDossier).where(ExportPackageDossier.dossier_code.in_(codes))):
            out.setdefault(r.dossier_code, []).append(r.package_id)
    return out


def _deposit_year(d: m.Dossier) -> int | None:
    try:
        return int((d.stored_at or "")[:4])
    except ValueError:
        return None


def due_dossiers(services: Services, agency: str, as_of: int, *, policy: TransferPolicy | None = None,
                 include_transferred: bool = False) -> list[Candidate]:
    """Permanent dossiers of ``agency`` whose transfer deadline falls in or before ``as_of``."""
    policy = policy or load_transfer_policy()
    with services.catalog.session() as s:
        rows = list(s.scalars(select(m.Dossier).where(m.Dossier.fonds_code == agency, m.Dossier.retention_years.is_(None))
                              .order_by(m.Dossier.code)))
        confirmed = _confirmed_codes(s, [d.code for d in rows])
        sent = _packages_of(s, [d.code for d in rows])
        out = []
        for d in rows:
            due_year = policy.due_year(d.end_date, _deposit_year(d))
            if due_year > as_of:
                continue
            if d.code in confirmed and not include_transferred:
                continue
            out.append(Candidate(d.code, d.title, d.fonds_code, d.retention_years, d.end_date.isoformat(), due_year,
                                 d.code in confirmed, sent.get(d.code, [])))
        return out


def chosen_dossiers(services: Services, agency: str, codes: Sequence[str], *, include_fixed_term: bool = False,
                    policy: TransferPolicy | None = None) -> list[Candidate]:
    """An explicit list: every code must exist, belong to ``agency``, and be permanent
    (unless ``include_fixed_term``); otherwise every problem is reported at once."""
    policy = policy or load_transfer_policy()
    findings: list[Finding] = []
    out: list[Candidate] = []
    with services.catalog.session() as s:
        confirmed = _confirmed_codes(s, codes)
        sent = _packages_of(s, codes)
        for code in dict.fromkeys(c.strip() for c in codes if c.strip()):
            d = s.get(m.Dossier, code)
            if d is None:
                findings.append(error(
                    "TRANSFER_OUT_UNKNOWN_DOSSIER",
                    f"Không có hồ sơ '{code}' trong kho. Sửa: kiểm tra mã hồ sơ (`luutru show`).",
                    f"No dossier '{code}' in the archive. Fix: check the dossier code (`luutru show`).", dossier=code))
                continue
            if d.fonds_code != agency:
                findings.append(error(
                    "TRANSFER_OUT_OTHER_AGENCY",
                    f"Hồ sơ {code} thuộc cơ quan {d.fonds_code}, không thuộc {agency}. Một gói chỉ chứa hồ sơ của một cơ quan. "
                    "Sửa: lập gói riêng cho từng cơ quan.",
                    f"Dossier {code} belongs to agency {d.fonds_code}, not {agency}. A package holds one agency's records. "
                    "Fix: build one package per agency.", dossier=code))
                continue
            if d.retention_years is not None and not include_fixed_term:
                findings.append(error(
                    "TRANSFER_OUT_NOT_PERMANENT",
                    f"Hồ sơ {code} có thời hạn bảo quản {d.retention_years} năm, không phải vĩnh viễn; chỉ tài liệu bảo quản "
                    "vĩnh viễn được nộp lưu vào Lưu trữ lịch sử. Sửa: bỏ hồ sơ này, hoặc thêm --include-fixed-term nếu "
                    "có quyết định nộp lưu riêng.",
                    f"Dossier {code} has a fixed retention of {d.retention_years} years, not permanent; only permanent "
                    "records go to the historical archive. Fix: leave it out, or pass --include-fixed-term when a "
                    "specific decision requires its transfer.", dossier=code))
                continue
            out.append(Candidate(code, d.title, d.fonds_code, d.retention_years, d.end_date.isoformat(),
                                 policy.due_year(d.end_date, _deposit_year(d)) if d.retention_years is None else None,
                                 code in confirmed, sent.get(code, [])))
    if findings:
        raise ExportError(findings)
    if not out:
        raise _refuse("TRANSFER_OUT_NOTHING", "Không có hồ sơ nào được chọn.", "No dossier was given.")
    return out


# -- building ----------------------------------------------------------------------------------


@dataclass
class PackageDossier:
    code: str
    title: str
    retention_years: int | None
    documents: int
    bytes: int
    aip_manifest_sha256: str
    content_sha256: str
    metadata_sha256: str


@dataclass
class BuildResult:
    package_id: str
    path: str
    zip_path: str | None
    agency_code: str
    agency_name: str
    archive_name: str
    dossiers: list[PackageDossier]
    documents: int
    files: int
    bytes: int
    payload_manifest_sha256: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d


def _cell(col_kind: Kind, value: Any) -> Any:
    """A stored (JSON) value back into a template cell: ISO dates → date cells."""
    if value is None:
        return None
    if col_kind is Kind.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _row(columns: Sequence[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    return {c.key: _cell(c.kind, values.get(c.key)) for c in columns}


PATH_MAX = 255  # the catalogue's duong_dan_tep column


def _package_name(original: str, code: str) -> str:
    """File name inside ``files/<code>/``, shortened (extension kept) so the path fits the column."""
    name = safe_component_name(original)
    room = PATH_MAX - len(f"files/{code}/")
    if len(name) > room:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and len(ext) <= 10 else ""
        name = (stem if dot else name)[: room - len(ext)] + ext
    return name


def _package_id(agency: str) -> str:
    return f"LS-{agency}-{now_vn():%Y%m%d}-{uuid.uuid4().hex[:6]}"


def _actor(actor: str | None) -> str:
    a = (actor or "").strip()
    if not a:
        try:
            a = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            a = "system"
    return a[:100]


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str), encoding="utf-8")


def _audit(services: Services, actor: str, action: str, obj: str, outcome: str, detail: dict[str, Any],
           session: Any | None = None) -> None:

    record_action(services, actor, action, obj, outcome, detail, session=session)


def build_package(services: Services, *, agency: str, out_dir: Path | None = None, as_of: int | None = None,
                  dossiers: Sequence[str] | None = None, include_fixed_term: bool = False,
                  archive_name: str | None = None, archive_code: str | None = None, actor: str | None = None,
                  make_zip: bool = False, policy: TransferPolicy | None = None) -> BuildResult:
    """Select the dossiers and write the transfer package; raise :class:`ExportError` if refused."""
    t0 = time.monotonic()
    policy = policy or load_transfer_policy()
    actor = _actor(actor)
    agency = agency.strip()
    as_of = as_of or now_vn().year
    if dossiers:
        chosen = chosen_dossiers(services, agency, dossiers, include_fixed_term=include_fixed_term, policy=policy)
    else:
        chosen = due_dossiers(services, agency, as_of, policy=policy)
        if not chosen:
            raise _refuse(
                "TRANSFER_OUT_NOTHING_DUE",
                f"Cơ quan {agency} không có hồ sơ vĩnh viễn nào đến hạn nộp lưu vào Lưu trữ lịch sử tính đến năm {as_of} "
                f"(năm bắt đầu tính + {policy.years} ≤ {as_of}; hồ sơ đã có xác nhận giao nhận không tính). "
                "Sửa: kiểm tra mã cơ quan, --as-of, hoặc chỉ định hồ sơ bằng --dossier.",
                f"Agency {agency} has no permanent dossier due for the historical archive as of {as_of} "
                f"(start year + {policy.years} ≤ {as_of}; dossiers with a confirmed receipt are left out). "
                "Fix: check the agency code and --as-of, or name dossiers with --dossier.")
    out_dir = Path(out_dir) if out_dir else services.settings.home_dir / policy.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    package_id = _package_id(agency)
    staging = out_dir / f".{package_id}.partial"
    final = out_dir / package_id
    try:
        result = _write_package(services, staging, package_id, chosen, policy, archive_name, archive_code, as_of)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.path = str(final)
    if make_zip:
        result.zip_path = str(_zip_bag(final, out_dir / f"{package_id}.zip"))
    _record_build(services, result, actor, as_of, policy)
    result.seconds = round(time.monotonic() - t0, 3)
    return result


def _copy_original(services: Services, meta: AipMetadata, doc: Mapping[str, Any], dest: Path) -> tuple[str, int]:
    comp = original_component(doc)
    code, ident = meta.code, doc["ma_dinh_danh_van_ban"]
    if comp is None:
        raise _refuse("TRANSFER_OUT_NO_ORIGINAL",
                      f"Văn bản {ident} không có tệp gốc trong AIP. Sửa: chạy `luutru audit` và khôi phục AIP.",
                      f"Document {ident} has no original file in its AIP. Fix: run `luutru audit` and repair the AIP.",
                      dossier=code, document=ident)
    with services.storage.open_file(meta.aip_id, comp["path"]) as fh:
        sha, size = copy_file_hashing(fh, dest)
    if sha != comp["sha256"]:
        raise _refuse(
            "TRANSFER_OUT_FIXITY",
            f"Tệp {comp['path']} của hồ sơ {code} không khớp mã băm đã lưu ({sha} ≠ {comp['sha256']}); không lập gói với "
            "tệp hỏng. Sửa: chạy `luutru audit` để khôi phục từ bản sao, rồi lập lại gói.",
            f"File {comp['path']} of dossier {code} does not match its recorded hash ({sha} ≠ {comp['sha256']}); no "
            "package is built with a damaged file. Fix: run `luutru audit` to repair it from a replica, then build again.",
            dossier=code, document=ident, file=comp["path"])
    return sha, size


def _write_package(services: Services, root: Path, package_id: str, chosen: list[Candidate], policy: TransferPolicy,
                   archive_name: str | None, archive_code: str | None, as_of: int) -> BuildResult:

    shutil.rmtree(root, ignore_errors=True)
    data = root / "data"
    data.mkdir(parents=True)
    hashes: dict[str, tuple[str, int]] = {}  # payload path → (sha256, size)
    dossier_rows: list[dict[str, Any]] = []
    document_rows: list[dict[str, Any]] = []
    sent_dossiers: list[dict[str, Any]] = []  # JSON form of the fields as sent
    sent_documents: list[dict[str, Any]] = []
    members: list[PackageDossier] = []
    aip_meta_raw: dict[str, dict[str, bytes]] = {}
    agency_name = ""
    agency_code = chosen[0].agency_code
    with services.catalog.session() as s:
        aip_ids = {c.code: s.get(m.Dossier, c.code).aip_id for c in chosen}  # type: ignore[union-attr]
    for c in chosen:
        meta = load_aip_metadata(services.storage, aip_ids[c.code], with_text=False)
        agency_name = meta.dossier.get("ten_co_quan") or agency_name
        used: set[str] = set()
        triples: list[tuple[str, str, str]] = []
        docs_sent: list[dict[str, Any]] = []
        total = 0
        for doc in sorted(meta.documents, key=lambda d: d.get("so_thu_tu") or 0):
            comp = original_component(doc) or {}
            name = _package_name(comp.get("original_name") or doc.get("duong_dan_tep") or "file", c.code)
            if name.casefold() in used:
                name = _package_name(f"{int(doc.get('so_thu_tu') or 0):04d}_{name}", c.code)
            used.add(name.casefold())
            rel = f"files/{c.code}/{name}"
            sha, size = _copy_original(services, meta, doc, data / rel)
            hashes[f"data/{rel}"] = (sha, size)
            total += size
            fields = _fields(doc)
            fields.update(duong_dan_tep=rel, sha256=sha)
            docs_sent.append(fields)
            triples.append((doc["ma_dinh_danh_van_ban"], rel, sha))
        dossier_fields = _fields(meta.dossier)
        dossier_rows.append(_row(DOSSIER_COLUMNS, dossier_fields))
        document_rows.extend(_row(DOCUMENT_COLUMNS, f) for f in docs_sent)
        sent_dossiers.append(dossier_fields)
        sent_documents.extend(docs_sent)
        members.append(PackageDossier(c.code, c.title, c.retention_years, len(docs_sent), total, meta.manifest_sha256,
                                      content_digest(triples), metadata_digest(dossier_fields, docs_sent)))
        raw: dict[str, bytes] = {}
        for name in ("dossier", "documents", "premis"):
            with services.storage.open_file(meta.aip_id, f"data/metadata/{name}.json") as fh:
                raw[name] = fh.read()
        aip_meta_raw[c.code] = raw

    catalogue = data / CATALOGUE_NAME
    write_xlsx_template(catalogue, rows=(dossier_rows, document_rows))
    hashes[f"data/{CATALOGUE_NAME}"] = (sha256_file(catalogue), catalogue.stat().st_size)

    created = iso_vn()
    write_declaration(root, created[:10])
    payload_manifest = sha256_file(write_manifest(root, hashes))

    archive = {"archive_code": archive_code if archive_code is not None else policy.archive_code,
               "archive_name": archive_name or policy.archive_name}
    n_docs = sum(x.documents for x in members)
    n_bytes = sum(h[1] for k, h in hashes.items() if k.startswith("data/files/"))
    starts = [d.get("thoi_gian_bat_dau") for d in sent_dossiers if d.get("thoi_gian_bat_dau")]
    ends = [d.get("thoi_gian_ket_thuc") for d in sent_dossiers if d.get("thoi_gian_ket_thuc")]
    by_code = {d["ma_ho_so"]: d for d in sent_dossiers}
    handover = {
        "kind": "bien_ban_giao_nhan_tai_lieu", "draft": True, "package_id": package_id, "created_at": created,
        "legal_basis": policy.legal_basis,
        "sender": {"agency_code": agency_code, "agency_name": agency_name, "representative": {"name": None, "title": None}},
        "receiver": {**archive, "representative": {"name": None, "title": None}},
        "fonds": {"code": agency_code, "name": agency_name},
        "period": {"from": min(starts) if starts else None, "to": max(ends) if ends else None},
        "totals": {"dossiers": len(members), "documents": n_docs, "files": n_docs, "bytes": n_bytes},
        "dossiers": [{"ma_ho_so": x.code, "tieu_de": x.title,
                      "thoi_gian_bat_dau": by_code[x.code].get("thoi_gian_bat_dau"),
                      "thoi_gian_ket_thuc": by_code[x.code].get("thoi_gian_ket_thuc"),
                      "thoi_han_bao_quan": by_code[x.code].get("thoi_han_bao_quan"),
                      "che_do_su_dung": by_code[x.code].get("che_do_su_dung"),
                      "documents": x.documents, "files": x.documents, "bytes": x.bytes,
                      "content_sha256": x.content_sha256} for x in members],
        "attachments": [f"data/{CATALOGUE_NAME}", CATALOGUE_PDF],
        "package_payload_manifest_sha256": payload_manifest,
        "handover_date": None, "place": None,
        "signatures": [
            {"side": "sender", "label_vi": "ĐẠI DIỆN BÊN GIAO", "name": None, "title": None, "signed_at": None},
            {"side": "receiver", "label_vi": "ĐẠI DIỆN BÊN NHẬN", "name": None, "title": None, "signed_at": None},
        ],
    }
    package = {
        "profile": PROFILE, "package_id": package_id, "created_at": created, "software": f"luutru {__version__}",
        "as_of_year": as_of, "policy": {"years": policy.years, "count_from": policy.count_from,
                                        "legal_basis": policy.legal_basis},
        "sender": {"agency_code": agency_code, "agency_name": agency_name},
        "receiver": archive,
        "payload_manifest_sha256": payload_manifest,
        "dossiers": [asdict(x) for x in members],
    }
    _write_json(root / PACKAGE_JSON, package)
    _write_json(root / HANDOVER_JSON, handover)
    render_handover_pdf(root / HANDOVER_PDF, handover)
    render_catalogue_pdf(root / CATALOGUE_PDF, sent_dossiers, sent_documents, package_id=package_id,
                         agency_name=agency_name, created_at=created)
    for code, raw in aip_meta_raw.items():
        for name, blob in raw.items():
            p = root / METADATA_DIR / code / f"{name}.json"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(blob)

    seal_bag(root, hashes, {
        "BagIt-Profile-Identifier": PROFILE,
        "External-Identifier": package_id,
        "Source-Organization": agency_name,
        "Organization-Address": agency_code,
        "Bag-Group-Identifier": agency_code,
        "Internal-Sender-Identifier": agency_code,
        "External-Description": f"Nộp lưu {len(members)} hồ sơ vĩnh viễn vào {archive['archive_name']}",
        "Bagging-Date": created[:10],
        "Bag-Software-Agent": f"luutru {__version__}",
    })
    problems = validate_bag(root)
    if problems:
        raise _refuse("TRANSFER_OUT_BAG_INVALID",
                      "Gói vừa lập không hợp lệ: " + "; ".join(problems[:5]) + ". Sửa: kiểm tra ổ đĩa rồi lập lại.",
                      "The package just built is invalid: " + "; ".join(problems[:5]) + ". Fix: check the disk and build again.")
    return BuildResult(package_id, str(root), None, agency_code, agency_name, archive["archive_name"], members, n_docs,
                       n_docs, n_bytes, payload_manifest, 0.0)


def _zip_bag(bag_dir: Path, zip_path: Path) -> Path:
    tmp = zip_path.with_suffix(".zip.partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for p in sorted(bag_dir.rglob("*")):
            if p.is_file():
                z.write(p, f"{bag_dir.name}/{p.relative_to(bag_dir).as_posix()}")
    os.replace(tmp, zip_path)
    return zip_path


def _record_build(services: Services, r: BuildResult, actor: str, as_of: int, policy: TransferPolicy) -> None:
    with services.catalog.session() as s:
        s.add(ExportPackage(
            id=r.package_id, agency_code=r.agency_code, agency_name=r.agency_name,
            archive_code=policy.archive_code, archive_name=r.archive_name, as_of_year=as_of, built_at=iso_vn(),
            built_by=actor, path=r.path, payload_manifest_sha256=r.payload_manifest_sha256,
            dossier_count=len(r.dossiers), document_count=r.documents, bytes=r.bytes, status=BUILT))
        s.flush()
        for x in r.dossiers:
            s.add(ExportPackageDossier(package_id=r.package_id, dossier_code=x.code, title=x.title,
                                       retention_years=x.retention_years, documents=x.documents, bytes=x.bytes,
                                       aip_manifest_sha256=x.aip_manifest_sha256, content_sha256=x.content_sha256,
                                       metadata_sha256=x.metadata_sha256))
            add_events(s, x.code, [ev.Event(PACKING, x.code, "success",
                                            f"packed for transfer to the historical archive ({r.archive_name})",
                                            {"package_id": r.package_id, "content_sha256": x.content_sha256,
                                             "actor": actor}).to_dict()])
        _audit(services, actor, "export.build", f"package:{r.package_id}", "success",
               {"agency": r.agency_code, "dossiers": [x.code for x in r.dossiers], "path": r.path,
                "payload_manifest_sha256": r.payload_manifest_sha256}, session=s)


# -- confirmation ------------------------------------------------------------------------------


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
        raise _refuse("RECEIPT_UNREADABLE", f"Không đọc được giấy xác nhận '{path}': {e}. Sửa: dùng đúng tệp .json "
                      "do Lưu trữ lịch sử trả về.",
                      f"Cannot read the receipt '{path}': {e}. Fix: use the .json file the historical archive returned.",
                      file=str(path)) from e
    if not isinstance(obj, dict):
        raise _refuse("RECEIPT_INVALID", "Giấy xác nhận không đúng định dạng.", "The receipt is not a JSON object.",
                      file=str(path))
    return obj


def _check_receipt(s: Any, receipt: Mapping[str, Any]) -> tuple[ExportPackage, list[ExportPackageDossier]]:
    if receipt.get("profile") != RECEIPT_PROFILE or not receipt.get("package_id") or not receipt.get("receipt_id") \
            or not isinstance(receipt.get("dossiers"), list):
        raise _refuse("RECEIPT_INVALID",
                      f"Giấy xác nhận không đúng định dạng (cần profile {RECEIPT_PROFILE}, package_id, receipt_id, "
                      "dossiers). Sửa: dùng đúng tệp .json do Lưu trữ lịch sử trả về.",
                      f"The receipt is not in the expected form (profile {RECEIPT_PROFILE}, package_id, receipt_id, "
                      "dossiers). Fix: use the .json file the historical archive returned.")
    pid = str(receipt["package_id"])
    pkg = s.get(ExportPackage, pid)
    if pkg is None:
        raise _refuse("RECEIPT_UNKNOWN_PACKAGE",
                      f"Giấy xác nhận nói về gói '{pid}', nhưng kho này chưa lập gói nào như vậy. Sửa: kiểm tra đúng giấy "
                      "xác nhận của gói đã gửi (`luutru transfer-out list`).",
                      f"The receipt is for package '{pid}', which this archive never built. Fix: check it is the receipt "
                      "for a package sent from here (`luutru transfer-out list`).", details={"package_id": pid})
    members = list(s.scalars(select(ExportPackageDossier).where(ExportPackageDossier.package_id == pid)))
    findings: list[Finding] = []
    sender = (receipt.get("sender") or {}).get("agency_code")
    if sender != pkg.agency_code:
        findings.append(error("RECEIPT_SENDER_MISMATCH",
                              f"Giấy xác nhận ghi bên giao {sender}, gói {pid} do {pkg.agency_code} giao.",
                              f"The receipt names sender {sender}; package {pid} was sent for {pkg.agency_code}."))
    got_manifest = receipt.get("package_payload_manifest_sha256")
    if got_manifest != pkg.payload_manifest_sha256:
        findings.append(error(
            "RECEIPT_PACKAGE_HASH_MISMATCH",
            f"Mã băm manifest của gói trong giấy xác nhận ({got_manifest}) khác với gói đã lập ({pkg.payload_manifest_sha256}): "
            "bên nhận đã nhận một gói khác. Sửa: gửi lại đúng gói và yêu cầu giấy xác nhận mới.",
            f"The package manifest hash in the receipt ({got_manifest}) is not that of the package built "
            f"({pkg.payload_manifest_sha256}): a different package was received. Fix: resend the package and ask for a new receipt."))
    received = {str(d.get("ma_ho_so")): d for d in receipt["dossiers"] if isinstance(d, dict)}
    for mem in members:
        got = received.get(mem.dossier_code)
        where = {"dossier": mem.dossier_code}
        if got is None or got.get("status") not in ("stored", "already_stored"):
            findings.append(error(
                "RECEIPT_DOSSIER_MISSING",
                f"Giấy xác nhận không xác nhận đã lưu hồ sơ {mem.dossier_code} của gói {pid}. Sửa: liên hệ bên nhận; "
                "hồ sơ chưa được coi là đã nộp lưu.",
                f"The receipt does not confirm that dossier {mem.dossier_code} of package {pid} was stored. Fix: contact "
                "the receiving archive; the dossier is not treated as transferred.", **where))
            continue
        for key, want in (("content_sha256", mem.content_sha256), ("metadata_sha256", mem.metadata_sha256)):
            if got.get(key) != want:
                findings.append(error(
                    "RECEIPT_HASH_MISMATCH",
                    f"Hồ sơ {mem.dossier_code}: {key} trong giấy xác nhận ({got.get(key)}) khác với khi gửi ({want}); "
                    "nội dung bên nhận lưu không giống nội dung đã gửi. Sửa: đối chiếu với bên nhận, gửi lại hồ sơ.",
                    f"Dossier {mem.dossier_code}: {key} in the receipt ({got.get(key)}) differs from what was sent "
                    f"({want}); the receiving archive did not store what was sent. Fix: check with them and resend.",
                    details={"field": key, "expected": want, "found": got.get(key)}, **where))
    extra = sorted(set(received) - {x.dossier_code for x in members})
    for code in extra:
        findings.append(error("RECEIPT_DOSSIER_UNEXPECTED",
                              f"Giấy xác nhận có hồ sơ {code} không thuộc gói {pid}.",
                              f"The receipt lists dossier {code}, which is not in package {pid}.", dossier=code))
    if findings:
        raise ExportError(findings)
    return pkg, members


def confirm_receipt(services: Services, receipt: Mapping[str, Any] | Path, *, actor: str | None = None) -> ConfirmResult:
    """Check a receipt against the package it names; then mark its dossiers transferred.

    Idempotent: the same receipt twice changes nothing the second time.  A different
    receipt for an already confirmed package is refused.
    """
    actor = _actor(actor)
    if isinstance(receipt, (str, Path)):
        receipt = read_receipt(Path(receipt))
    try:
        with services.catalog.session() as s:
            pkg, members = _check_receipt(s, receipt)
            rid = str(receipt["receipt_id"])
            codes = [x.dossier_code for x in members]
            if pkg.status == CONFIRMED:
                if pkg.receipt_id == rid:
                    return ConfirmResult(pkg.id, rid, codes, pkg.confirmed_at or "", already=True)
                raise _refuse("RECEIPT_ALREADY_CONFIRMED",
                              f"Gói {pkg.id} đã được xác nhận bằng giấy {pkg.receipt_id} lúc {pkg.confirmed_at}.",
                              f"Package {pkg.id} was already confirmed by receipt {pkg.receipt_id} at {pkg.confirmed_at}.")
            now = iso_vn()
            archive = ((receipt.get("receiving_archive") or {}).get("name") or pkg.archive_name)[:200]
            for x in members:
                t = s.get(DossierTransfer, x.dossier_code)
                if t is None:
                    t = DossierTransfer(dossier_code=x.dossier_code)
                    s.add(t)
                t.receipt_id, t.confirmed_at, t.archive = rid, now, archive
                s.add(DisposalEvent(dossier_code=x.dossier_code, action="transfer_confirmed", actor=actor, at=now,
                                    detail={"receipt_id": rid, "package_id": pkg.id, "archive": archive}))
                add_events(s, x.dossier_code, [ev.Event(
                    TRANSFER, x.dossier_code, "success", f"transfer to {archive} confirmed by receipt {rid}",
                    {"package_id": pkg.id, "receipt_id": rid, "content_sha256": x.content_sha256,
                     "received_at": receipt.get("received_at"), "actor": actor}, event_datetime=now).to_dict()])
            pkg.status, pkg.receipt_id, pkg.confirmed_at, pkg.confirmed_by = CONFIRMED, rid, now, actor
            pkg.receipt = dict(receipt)
            _audit(services, actor, "export.confirm", f"package:{pkg.id}", "success",
                   {"receipt_id": rid, "dossiers": codes, "archive": archive}, session=s)
            return ConfirmResult(pkg.id, rid, codes, now)
    except ExportError as e:
        _audit(services, actor, "export.confirm", f"package:{receipt.get('package_id')}", "denied",
               {"codes": [f.code for f in e.findings][:20]})
        raise


# -- views ---------------------------------------------------------------------------------------


def _package_dict(p: ExportPackage, members: list[ExportPackageDossier] | None = None) -> dict[str, Any]:
    d = {"package_id": p.id, "agency_code": p.agency_code, "agency_name": p.agency_name,
         "archive_name": p.archive_name, "status": p.status, "built_at": p.built_at, "built_by": p.built_by,
         "path": p.path, "dossiers": p.dossier_count, "documents": p.document_count, "bytes": p.bytes,
         "payload_manifest_sha256": p.payload_manifest_sha256, "receipt_id": p.receipt_id,
         "confirmed_at": p.confirmed_at, "confirmed_by": p.confirmed_by}
    if members is not None:
        d["members"] = [{"dossier_code": x.dossier_code, "title": x.title, "documents": x.documents, "bytes": x.bytes,
                         "content_sha256": x.content_sha256, "metadata_sha256": x.metadata_sha256} for x in members]
    return d


def list_packages(services: Services, agency: str | None = None) -> list[dict[str, Any]]:
    with services.catalog.session() as s:
        q = select(ExportPackage).order_by(ExportPackage.built_at, ExportPackage.id)
        if agency:
            q = q.where(ExportPackage.agency_code == agency)
        return [_package_dict(p) for p in s.scalars(q)]


def get_package(services: Services, package_id: str) -> dict[str, Any] | None:
    with services.catalog.session() as s:
        p = s.get(ExportPackage, package_id)
        if p is None:
            return None
        members = list(s.scalars(select(ExportPackageDossier).where(ExportPackageDossier.package_id == package_id)
                                 .order_by(ExportPackageDossier.dossier_code)))
        return _package_dict(p, members)
