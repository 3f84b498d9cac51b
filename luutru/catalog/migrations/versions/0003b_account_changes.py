"""account changes that wait for a second administrator (issue 16: no self-grant)

Revision ID: 0003b
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003b"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_changes",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_account_changes_status", "account_changes", ["status"])


def downgrade() -> None:
    op.drop_index("ix_account_changes_status", "account_changes")
    op.drop_table("account_changes")
