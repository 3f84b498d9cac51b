"""index retries become jobs of the one job queue; the index_queue table goes

Revision ID: 0006
Revises: 0004

Each row of ``index_queue`` becomes an ``index`` job (id ``index:<dossier code>``),
due at once, so ``luutru reindex --pending`` and the workers find it.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

_index_queue = sa.table(
    "index_queue",
    sa.column("dossier_code", sa.String), sa.column("attempts", sa.Integer),
    sa.column("last_error", sa.Text), sa.column("queued_at", sa.String),
)
_jobs = sa.table(
    "jobs",
    sa.column("id", sa.String), sa.column("kind", sa.String), sa.column("payload", sa.JSON),
    sa.column("status", sa.String), sa.column("priority", sa.Integer), sa.column("attempts", sa.Integer),
    sa.column("max_attempts", sa.Integer), sa.column("run_after", sa.Float), sa.column("created_at", sa.String),
    sa.column("stage", sa.String), sa.column("done", sa.Integer), sa.column("total", sa.Integer),
    sa.column("error", sa.Text), sa.column("history", sa.JSON),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_index_queue)).all()
    taken = {r[0] for r in conn.execute(sa.select(_jobs.c.id).where(_jobs.c.kind == "index"))}
    new = [{"id": f"index:{r.dossier_code}", "kind": "index", "payload": {"dossier": r.dossier_code},
            "status": "queued", "priority": 0, "attempts": 0, "max_attempts": 100, "run_after": 0.0,
            "created_at": r.queued_at, "stage": "", "done": 0, "total": 0, "error": r.last_error or "",
            "history": [{"at": r.queued_at, "event": "index_failed", "tries": r.attempts}]}
           for r in rows if f"index:{r.dossier_code}" not in taken]
    if new:
        op.bulk_insert(_jobs, new)
    op.drop_table("index_queue")


def downgrade() -> None:
    op.create_table(
        "index_queue",
        sa.Column("dossier_code", sa.String(length=30), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("queued_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("dossier_code"),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(_jobs.c.payload, _jobs.c.error, _jobs.c.created_at)
                        .where(_jobs.c.kind == "index", _jobs.c.status != "done")).all()
    back = []
    for payload, error, created in rows:
        doc = payload if isinstance(payload, dict) else json.loads(payload)
        back.append({"dossier_code": doc["dossier"], "attempts": 1, "last_error": error or "", "queued_at": created})
    if back:
        op.bulk_insert(_index_queue, back)
    op.execute(_jobs.delete().where(_jobs.c.kind == "index"))
