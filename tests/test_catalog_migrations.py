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
