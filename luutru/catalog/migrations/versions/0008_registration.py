"""submission registrations with a historical archive (Circular 06/2025 Art. 3)

Revision ID: 0008
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0001"
branch_labels = ("registration",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submission_registrations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("agency_code", sa.String(13), nullable=False, index=True),
        sa.Column("archive_code", sa.String(40), nullable=False),
        sa.Column("archive_name", sa.String(200), nullable=False),
        sa.Column("planned_year", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.String(40), nullable=False),
        sa.Column("registered_by", sa.String(100), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("dossier_codes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("submission_registrations")
