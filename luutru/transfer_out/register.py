"""The register of packages built for a historical archive (tables ``export_packages`` and
``export_package_dossiers``): what left the archive, when, by whom, with which hashes.

These rows are records of their own, not derived from the AIPs: ``luutru reindex``
leaves them alone.  Building a package writes them, with a PREMIS ``packing`` event
per dossier and ``export.build`` in the audit trail, in one transaction.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

import luutru.records.events as ev
from luutru.audit.trail import record_action
from luutru.catalog.export_models import ExportPackage, ExportPackageDossier
from luutru.catalog.records import add_events
from luutru.policies.transfer import TransferPolicy
from luutru.records.status import ExportStatus, Outcome
from luutru.records.timeutil import iso_vn
from luutru.services import Services
from luutru.transfer_out.layout import PACKING


@dataclass
class PackageDossier:
    """One dossier of a package, with the hashes the receipt must give back."""

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
    """A package built: where, for whom, what it holds (``payload_manifest_sha256`` names it)."""

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
    findings: list[dict[str, Any]] = field(default_factory=list)  # e.g. ISSUED_UNSIGNED for the handover PDF

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def acting_user(actor: str | None) -> str:
    """Who acts: the name given, else the login name of the process, else ``system``."""
    a = (actor or "").strip()
    if not a:
        try:
            a = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            a = "system"
    return a[:100]


def record_build(services: Services, r: BuildResult, actor: str, as_of: int, policy: TransferPolicy) -> None:
    """Register a package just built: its rows, a ``packing`` event per dossier, the audit event."""
    with services.catalog.session() as s:
        s.add(ExportPackage(
            id=r.package_id, agency_code=r.agency_code, agency_name=r.agency_name,
            archive_code=policy.archive_code, archive_name=r.archive_name, as_of_year=as_of, built_at=iso_vn(),
            built_by=actor, path=r.path, payload_manifest_sha256=r.payload_manifest_sha256,
            dossier_count=len(r.dossiers), document_count=r.documents, bytes=r.bytes, status=ExportStatus.BUILT))
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
        record_action(services, actor, "export.build", f"package:{r.package_id}", Outcome.SUCCESS,
                      {"agency": r.agency_code, "dossiers": [x.code for x in r.dossiers], "path": r.path,
                       "payload_manifest_sha256": r.payload_manifest_sha256}, session=s)


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
    """Every package built (of ``agency`` when given), oldest first."""
    with services.catalog.session() as s:
        q = select(ExportPackage).order_by(ExportPackage.built_at, ExportPackage.id)
        if agency:
            q = q.where(ExportPackage.agency_code == agency)
        return [_package_dict(p) for p in s.scalars(q)]


def get_package(services: Services, package_id: str) -> dict[str, Any] | None:
    """One package with its dossiers and their hashes; None if never built here."""
    with services.catalog.session() as s:
        p = s.get(ExportPackage, package_id)
        if p is None:
            return None
        members = list(s.scalars(select(ExportPackageDossier).where(ExportPackageDossier.package_id == package_id)
                                 .order_by(ExportPackageDossier.dossier_code)))
        return _package_dict(p, members)
