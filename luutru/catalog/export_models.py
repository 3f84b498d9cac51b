"""Catalog tables of transfers to a historical archive: the packages built and what each held.

Like the disposal tables these are records of their own (what left the archive, when,
with which hashes, and the receipt that came back): ``luutru reindex`` never touches
them.  The confirmation that matters for destruction is also written into the disposal
area's ``dossier_transfers`` table (see :mod:`luutru.transfer_out.confirm`).  Package
states are :class:`luutru.records.status.ExportStatus`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base
from luutru.records.status import ExportStatus


class ExportPackage(Base):
    """One transfer package (gói nộp lưu vào Lưu trữ lịch sử) built by this archive."""

    __tablename__ = "export_packages"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # package id, also in bag-info
    agency_code: Mapped[str] = mapped_column(String(13), index=True)
    agency_name: Mapped[str] = mapped_column(String(200))
    archive_code: Mapped[str] = mapped_column(String(40), default="")
    archive_name: Mapped[str] = mapped_column(String(200))
    as_of_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    built_at: Mapped[str] = mapped_column(String(40))
    built_by: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(Text)  # where the bag was written
    payload_manifest_sha256: Mapped[str] = mapped_column(String(64))  # hash of the bag's manifest-sha256.txt
    dossier_count: Mapped[int] = mapped_column(Integer, default=0)
    document_count: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default=ExportStatus.BUILT.value, index=True)
    receipt_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    confirmed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # the receipt as received


class ExportPackageDossier(Base):
    """One dossier in a package, with the hashes the receipt must give back."""

    __tablename__ = "export_package_dossiers"
    package_id: Mapped[str] = mapped_column(ForeignKey("export_packages.id"), primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
    title: Mapped[str] = mapped_column(Text)
    retention_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    aip_manifest_sha256: Mapped[str] = mapped_column(String(64))  # the sender's AIP
    content_sha256: Mapped[str] = mapped_column(String(64))  # catalogue paths + file hashes
    metadata_sha256: Mapped[str] = mapped_column(String(64))  # catalogue fields as sent
