"""Catalog tables of retention and disposal: lists, opinions, approvals, holds,
transfer confirmations, execution steps and tombstones.

Unlike the rows ``luutru reindex`` rebuilds from the AIPs, these are records of their
own (who proposed, reviewed, approved and destroyed what, and when): reindex never
touches them.  A tombstone is what remains of a destroyed dossier; the minutes of each
destruction are also stored as a permanent AIP, so the essentials survive the loss of
the database too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from luutru.catalog.models import Base
from luutru.records.status import DisposalItemState


class DisposalList(Base):
    """A list of expired records (danh mục tài liệu hết giá trị) and its procedure."""

    __tablename__ = "disposal_lists"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. DM-000.00.31.H57-2026-1
    agency_code: Mapped[str] = mapped_column(String(13), index=True)
    agency_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    explanatory_note: Mapped[str] = mapped_column(Text)  # bản thuyết minh
    status: Mapped[str] = mapped_column(String(20), index=True)  # records.status.DisposalListStatus
    drafted_by: Mapped[str] = mapped_column(String(100))
    drafted_at: Mapped[str] = mapped_column(String(40))
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decision_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)  # số quyết định hủy
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    executed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    executed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Batch steps after the per-dossier ones: {"index_purged": at, "catalog_compacted": at, ...}
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    minutes_aip_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class DisposalItem(Base):
    """One whole dossier on a list, with its reason and its execution state."""

    __tablename__ = "disposal_items"
    __table_args__ = (UniqueConstraint("list_id", "dossier_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("disposal_lists.id"), index=True)
    dossier_code: Mapped[str] = mapped_column(String(30), index=True)
    reason: Mapped[str] = mapped_column(Text)  # lý do hủy
    # What the list showed when drafted (title, dates, retention, manifest hash …)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default=DisposalItemState.PENDING.value)
    # Execution steps done: {"key_destroyed": at, "storage": {url: at}, "index_removed": at,
    # "catalog_removed": at, "tombstone_written": at}
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # why withheld / last error


class DisposalOpinion(Base):
    """An appraisal council member's opinion on a list (the latest per member counts)."""

    __tablename__ = "disposal_opinions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("disposal_lists.id"), index=True)
    member: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(100), default="")  # chủ tịch, thành viên, thư ký …
    opinion: Mapped[str] = mapped_column(String(20))  # agree | disagree
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[str] = mapped_column(String(40))


class DisposalEvent(Base):
    """Every step of the procedure: who did what, when (also for holds)."""

    __tablename__ = "disposal_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    dossier_code: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Hold(Base):
    """A hold (e.g. litigation, inspection): the dossier must not be destroyed."""

    __tablename__ = "disposal_holds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(String(30), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[str] = mapped_column(String(40))
    lifted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lifted_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lift_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class DossierTransfer(Base):
    """Transfer of a dossier to a historical archive and the receipt confirming it.

    A row without ``confirmed_at`` flags a dossier that must be transferred (and so may
    not be destroyed yet); the transfer-out step fills ``receipt_id``/``confirmed_at``.
    Permanent dossiers always need a confirmed transfer.
    """

    __tablename__ = "dossier_transfers"
    dossier_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    receipt_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    confirmed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    archive: Mapped[str | None] = mapped_column(String(200), nullable=True)  # receiving archive
    flagged_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    flagged_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Tombstone(Base):
    """What remains of a destroyed dossier: identification, approvals, and the hash of
    what was destroyed.  Never derived from storage, never removed by reindex."""

    __tablename__ = "disposal_tombstones"
    dossier_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    aip_id: Mapped[str] = mapped_column(String(64))
    agency_code: Mapped[str] = mapped_column(String(13), index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(Text)
    start_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    end_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    retention_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    retention_end: Mapped[str | None] = mapped_column(String(10), nullable=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    list_id: Mapped[str] = mapped_column(String(40), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    approvals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # drafted/opinions/decided
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)  # plaintext manifest
    stored_manifest_sha256: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {location: sha256}
    crypto_shredded: Mapped[bool] = mapped_column(Boolean, default=False)
    destroyed_by: Mapped[str] = mapped_column(String(100))
    destroyed_at: Mapped[str] = mapped_column(String(40))
    minutes_aip_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
