"""Engine, sessions and migrations for the catalog database."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

# Key of the PostgreSQL advisory lock held while migrating (any fixed 64-bit number).
_MIGRATION_LOCK = 0x6C75757472750001


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str, *, pool_size: int | None = None, pool_timeout: float | None = None) -> Engine:
    """An engine with a bounded pool: past ``pool_size`` (+ as many overflow) connections a
    caller waits ``pool_timeout`` seconds, then gets ``sqlalchemy.exc.TimeoutError`` (the API answers 503)."""
    u = make_url(url)
    pool: dict[str, float] = {}
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)  # a new LUUTRU_HOME
    if u.database and u.database != ":memory:":
        if pool_size is not None:
            pool.update(pool_size=pool_size, max_overflow=pool_size)
        if pool_timeout is not None:
            pool["pool_timeout"] = pool_timeout
    engine = create_engine(url, future=True, pool_pre_ping=True, **pool)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _sqlite_sync_again)
    return engine


def _sqlite_sync_again(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
    """A connection back in the pool after a deferred commit waits for the disk again."""
    if record is not None and record.info.pop("deferred_sync", False) and dbapi_conn is not None:
        dbapi_conn.execute("PRAGMA synchronous=FULL")  # (None: an invalidated connection, not reused)


def _defer_sync(s: Session) -> None:
    """Let this transaction's commit return before its log reaches the disk (see
    :meth:`Catalog.session`)."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA synchronous=NORMAL")  # before any write: outside a transaction
        conn.connection.info["deferred_sync"] = True  # the pool record's info: reset at checkin
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # The SQLite driver does not open a transaction before DDL by itself: without this
            # a process killed mid-migration leaves tables without a version, and two processes
            # opening a new catalog at once both create them.  EXCLUSIVE makes the migration one
            # transaction and makes the second process wait (busy_timeout), then find it done.
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
        if engine.dialect.name == "postgresql":
            # Several workers and the API start at once in the scale-out set: one
            # migrates, the others wait here and then find nothing left to do.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")  # each area adds its own branch from 0001


class Catalog:
    """The catalog database: one engine, migrated on open."""

    def __init__(self, url: str, *, migrate_now: bool = True, pool_size: int | None = None,
                 pool_timeout: float | None = None):
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size, pool_timeout=pool_timeout)
        if migrate_now:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, durable: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.

        ``durable=False``: the commit returns before the database's log reaches the disk
        (SQLite ``synchronous=NORMAL`` in WAL mode, PostgreSQL ``synchronous_commit=off``).
        The transaction is atomic and survives a crash of the process, and it becomes
        durable with the next durable commit on the same database (its log is written in
        order).  For rows that can be rebuilt from storage and that a durable commit
        follows before anyone is told: an ingest's per-dossier catalog rows, then its
        report (issue 17: a disk flush per dossier was a tenth of an ingest of signed PDFs)."""
        with self._sessions() as s:
            with s.begin():
                if not durable:
                    _defer_sync(s)
                yield s

    def dispose(self) -> None:
        self.engine.dispose()
