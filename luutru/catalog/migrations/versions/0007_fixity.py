"""fixity audit state in the catalog (it was a SQLite file of its own)

Revision ID: 0007
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = ("fixity",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fixity_checks",
        sa.Column("aip_id", sa.String(length=100), nullable=False),
        sa.Column("checked_at", sa.String(length=40), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("aip_id"),
    )
    op.create_table(
        "fixity_runs",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("selection_sha256", sa.String(length=64), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.String(length=40), nullable=False),
        sa.Column("finished_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("run_id"),
    )
    op.create_index("ix_fixity_runs_selection_sha256", "fixity_runs", ["selection_sha256"])
    op.create_table(
        "fixity_run_done",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("aip_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "aip_id"),
    )


def downgrade() -> None:
    op.drop_table("fixity_run_done")
    op.drop_index("ix_fixity_runs_selection_sha256", table_name="fixity_runs")
    op.drop_table("fixity_runs")
    op.drop_table("fixity_checks")
