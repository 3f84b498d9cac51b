"""Deferred commits of the catalog (``Catalog.session(durable=False)``): the commit does
not wait for the disk, the rows are committed all the same, and the next session waits
for the disk again.  Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

import luutru.catalog.models as m


def _sync(s) -> str:
    if s.get_bind().dialect.name == "sqlite":
        return {0: "off", 1: "normal", 2: "full", 3: "extra"}[s.execute(text("PRAGMA synchronous")).scalar()]
    return str(s.execute(text("SHOW synchronous_commit")).scalar())


def test_a_deferred_commit_commits_and_the_next_session_waits_for_the_disk_again(services) -> None:
    catalog = services.catalog
    with catalog.session() as s:
        durable = _sync(s)
    assert durable in ("full", "on")
    for _ in range(3):  # the pool hands the same connection back: it must not stay deferred
        with catalog.session(durable=False) as s:
            assert _sync(s) in ("normal", "off")
            s.add(m.Agency(code=f"T{_}", name="Văn phòng"))
        with catalog.session() as s:
            assert _sync(s) == durable
            assert s.get(m.Agency, f"T{_}") is not None  # committed, visible to the next transaction


def test_a_failed_deferred_transaction_leaves_nothing(services) -> None:
    try:
        with services.catalog.session(durable=False) as s:
            s.add(m.Agency(code="X1", name="Văn phòng"))
            s.flush()
            raise RuntimeError("crash half-way")
    except RuntimeError:
        pass
    with services.catalog.session() as s:
        assert s.get(m.Agency, "X1") is None
        assert _sync(s) in ("full", "on")
