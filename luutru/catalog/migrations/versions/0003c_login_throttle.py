"""login throttle counts shared by every server process (issue 16: rate limit per deployment)

Revision ID: 0003c
Revises: 0003b
"""
import sqlalchemy as sa
from alembic import op

revision = "0003c"
down_revision = "0003b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.create_table(
        "login_locks",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("until", sa.Float(), nullable=False),
    )
    op.create_index("ix_login_locks_until", "login_locks", ["until"])


def downgrade() -> None:
    op.drop_index("ix_login_locks_until", "login_locks")
    op.drop_table("login_locks")
    op.drop_index("ix_login_failures_at", "login_failures")
    op.drop_index("ix_login_failures_key", "login_failures")
    op.drop_table("login_failures")
