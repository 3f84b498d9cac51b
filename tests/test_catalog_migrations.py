"""Opening a new SQLite catalog from several processes at once migrates it exactly once."""

from __future__ import annotations

import multiprocessing as mp

import sqlalchemy as sa


def _open(url: str) -> None:
    from luutru.catalog.db import Catalog

    Catalog(url).dispose()


def test_concurrent_first_open_of_a_sqlite_catalog(tmp_path):
    for trial in range(3):
        url = f"sqlite:///{tmp_path / f'c{trial}.sqlite'}"
        ctx = mp.get_context("spawn")
        procs = [ctx.Process(target=_open, args=(url,)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
        eng = sa.create_engine(url)
        with eng.connect() as c:
            heads = c.exec_driver_sql("select version_num from alembic_version").scalars().all()
        eng.dispose()
        assert "0001" not in heads and len(heads) >= 1  # every branch at its head, once


def test_index_queue_rows_become_index_jobs_and_back(database_url):
    """Migration 0006 folds the index retry queue into the jobs table (SQLite and PostgreSQL)."""
    from alembic import command

    import luutru.catalog.index_retries as index_retries
    from luutru.catalog.db import Catalog, alembic_config

    cat = Catalog(database_url)
    try:
        with cat.session() as s:
            index_retries.queue_retry(s, "000.00.31.H57.2021.07", "index down", max_attempts=100)
        with cat.engine.begin() as conn:
            cfg = alembic_config(database_url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006-1")
        with cat.engine.connect() as c:
            rows = c.exec_driver_sql("select dossier_code, last_error from index_queue").all()
            assert [tuple(r) for r in rows] == [("000.00.31.H57.2021.07", "index down")]
            assert c.exec_driver_sql("select count(*) from jobs where kind = 'index'").scalar() == 0
        with cat.engine.begin() as conn:
            cfg = alembic_config(database_url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
        with cat.session() as s:
            assert index_retries.pending(s, 10) == ["000.00.31.H57.2021.07"]
        with cat.engine.connect() as c:
            assert not sa.inspect(c).has_table("index_queue")
    finally:
        cat.dispose()
