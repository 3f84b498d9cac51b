"""retention and disposal: lists, items, opinions, events, holds, transfers, tombstones

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("disposal",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disposal_lists",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("agency_code", sa.String(13), nullable=False, index=True),
        sa.Column("agency_name", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("explanatory_note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("drafted_by", sa.String(100), nullable=False),
        sa.Column("drafted_at", sa.String(40), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.String(40), nullable=True),
        sa.Column("decision_ref", sa.String(200), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("executed_by", sa.String(100), nullable=True),
        sa.Column("executed_at", sa.String(40), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("minutes_aip_id", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_table(
        "disposal_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(40), sa.ForeignKey("disposal_lists.id"), nullable=False, index=True),
        sa.Column("dossier_code", sa.String(30), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.UniqueConstraint("list_id", "dossier_code"),
    )
    op.create_table(
        "disposal_opinions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(40), sa.ForeignKey("disposal_lists.id"), nullable=False, index=True),
        sa.Column("member", sa.String(100), nullable=False),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("opinion", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_table(
        "disposal_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(40), nullable=True, index=True),
        sa.Column("dossier_code", sa.String(30), nullable=True, index=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.String(40), nullable=False, index=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "disposal_holds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("dossier_code", sa.String(30), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(100), nullable=False),
        sa.Column("placed_at", sa.String(40), nullable=False),
        sa.Column("lifted_by", sa.String(100), nullable=True),
        sa.Column("lifted_at", sa.String(40), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
    )
    op.create_table(
        "dossier_transfers",
        sa.Column("dossier_code", sa.String(30), primary_key=True),
        sa.Column("receipt_id", sa.String(100), nullable=True),
        sa.Column("confirmed_at", sa.String(40), nullable=True),
        sa.Column("archive", sa.String(200), nullable=True),
        sa.Column("flagged_by", sa.String(100), nullable=True),
        sa.Column("flagged_at", sa.String(40), nullable=True),
    )
    op.create_table(
        "disposal_tombstones",
        sa.Column("dossier_code", sa.String(30), primary_key=True),
        sa.Column("aip_id", sa.String(64), nullable=False),
        sa.Column("agency_code", sa.String(13), nullable=False, index=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("start_date", sa.String(10), nullable=True),
        sa.Column("end_date", sa.String(10), nullable=True),
        sa.Column("retention_years", sa.Integer(), nullable=True),
        sa.Column("retention_end", sa.String(10), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.String(40), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=True),
        sa.Column("stored_manifest_sha256", sa.JSON(), nullable=False),
        sa.Column("crypto_shredded", sa.Boolean(), nullable=False),
        sa.Column("destroyed_by", sa.String(100), nullable=False),
        sa.Column("destroyed_at", sa.String(40), nullable=False),
        sa.Column("minutes_aip_id", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    for name in ("disposal_tombstones", "dossier_transfers", "disposal_holds", "disposal_events",
                 "disposal_opinions", "disposal_items", "disposal_lists"):
        op.drop_table(name)
