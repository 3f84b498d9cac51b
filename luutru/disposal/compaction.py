"""After deletion, leave no bytes behind: index rebuilt from storage, catalog compacted.

Deleted index entries linger in old segments and deleted catalog rows in free pages
until they are rewritten; both steps run once per executed list.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from luutru.preservation.reindex import reindex
from luutru.records.timeutil import iso_vn
from luutru.services import Services

#: Tables rows of a destroyed dossier are deleted from (PostgreSQL ``VACUUM FULL``).
DERIVED_TABLES = ("files", "documents", "events", "dossiers", "jobs")


def secure_delete(s: Session) -> None:
    """SQLite: overwrite deleted content with zeros instead of leaving it in free pages."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(text("PRAGMA secure_delete=ON"))


def purge_index(services: Services) -> None:
    """Rebuild the search index from the AIPs in storage (drops deleted entries' residue)."""
    rep = reindex(services, catalog=False, index=True)
    if rep.index_failed:
        raise RuntimeError(f"index rebuild failed for {len(rep.index_failed)} AIP(s), e.g. {rep.index_failed[0]}")


def compact_catalog(services: Services) -> str:
    """Rewrite the catalog database so deleted rows leave no bytes behind (VACUUM).

    SQLite: ``VACUUM`` then ``wal_checkpoint(TRUNCATE)`` (empties the -wal file).
    PostgreSQL: ``VACUUM FULL`` of the tables rows were deleted from; WAL archives and
    backups of the database still hold the deleted *metadata* until they expire
    (docs/disposal.md) — the content itself is protected by the destroyed key.
    """
    engine = services.catalog.engine
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM")
            busy, _log, _ckpt = c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return iso_vn() + ("" if not busy else " (WAL busy: checkpoint incomplete, run again when idle)")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            for table in DERIVED_TABLES:
                c.exec_driver_sql(f"VACUUM FULL {table}")
        return iso_vn()
    return f"{iso_vn()} (no compaction for {engine.dialect.name})"
