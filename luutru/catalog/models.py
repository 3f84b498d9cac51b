"""Catalog tables (SQLAlchemy 2).  The AIPs in storage are the truth; these rows are
derived from them and can always be rebuilt by ``luutru reindex``.

Schema changes go through Alembic migrations in ``luutru/catalog/migrations``; the same
migrations run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Agency(Base):
    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Fonds(Base):
    """All records of one agency (phông lưu trữ); keyed by the agency code."""

    __tablename__ = "fonds"
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    name: Mapped[str] = mapped_column(String(200))


class Transfer(Base):
    __tablename__ = "transfers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # running | accepted | rejected | failed
    dossier_count: Mapped[int] = mapped_column(Integer, default=0)
    document_count: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Dossier(Base):
    __tablename__ = "dossiers"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    fonds_code: Mapped[str] = mapped_column(ForeignKey("fonds.code"), index=True)
    transfer_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    retention_years: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None = permanent
    access: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    aip_id: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="stored")
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    documents: Mapped[list["Document"]] = relationship(back_populates="dossier", cascade="all, delete-orphan",
                                                        order_by="Document.sequence")


class Document(Base):
    __tablename__ = "documents"
    identifier: Mapped[str] = mapped_column(String(40), primary_key=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(11))
    notation: Mapped[str] = mapped_column(String(30))
    issued: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str] = mapped_column(Text)
    access: Mapped[str] = mapped_column(String(20))
    reliability: Mapped[str] = mapped_column(String(20))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    dossier: Mapped[Dossier] = relationship(back_populates="documents")
    files: Mapped[list["File"]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                               order_by="File.id")


class File(Base):
    """One component of a document: the original, a preservation copy, the extracted text."""

    __tablename__ = "files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_identifier: Mapped[str] = mapped_column(ForeignKey("documents.identifier", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # original | preservation | text
    path: Mapped[str] = mapped_column(String(500))  # path inside the AIP bag
    original_name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str | None] = mapped_column(String(100), nullable=True)
    puid: Mapped[str | None] = mapped_column(String(20), nullable=True)
    signature_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    document: Mapped[Document] = relationship(back_populates="files")


class Event(Base):
    """A PREMIS event, mirrored from the AIP (or recorded after storage, e.g. audits)."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_code: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    object: Mapped[str] = mapped_column(String(500))
    event_type: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    outcome_detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    agent: Mapped[str] = mapped_column(String(100))
    event_datetime: Mapped[str] = mapped_column(String(40), index=True)


Index("ix_documents_issued", Document.issued)
