"""transfer to a historical archive: packages and their dossiers

Revision ID: 0005
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("export",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_packages",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("agency_code", sa.String(13), nullable=False, index=True),
        sa.Column("agency_name", sa.String(200), nullable=False),
        sa.Column("archive_code", sa.String(40), nullable=False),
        sa.Column("archive_name", sa.String(200), nullable=False),
        sa.Column("as_of_year", sa.Integer(), nullable=True),
        sa.Column("built_at", sa.String(40), nullable=False),
        sa.Column("built_by", sa.String(100), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("payload_manifest_sha256", sa.String(64), nullable=False),
        sa.Column("dossier_count", sa.Integer(), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("receipt_id", sa.String(100), nullable=True),
        sa.Column("confirmed_at", sa.String(40), nullable=True),
        sa.Column("confirmed_by", sa.String(100), nullable=True),
        sa.Column("receipt", sa.JSON(), nullable=True),
    )
    op.create_table(
        "export_package_dossiers",
        sa.Column("package_id", sa.String(40), sa.ForeignKey("export_packages.id"), primary_key=True),
        sa.Column("dossier_code", sa.String(30), primary_key=True, index=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("retention_years", sa.Integer(), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("aip_manifest_sha256", sa.String(64), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("metadata_sha256", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("export_package_dossiers")
    op.drop_table("export_packages")
