"""Throw-away catalog databases for tests: SQLite in a home folder, or a PostgreSQL
database of its own (created, then dropped) when LUUTRU_TEST_DATABASE_URL names one."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def pg_base() -> str | None:
    """The PostgreSQL URL the suite runs against, or None when it runs on SQLite."""
    url = os.environ.get("LUUTRU_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@contextmanager
def temporary_database(base_url: str, prefix: str = "luutru_t") -> Iterator[str]:
    """A new, empty PostgreSQL database next to ``base_url``; dropped (forcibly) afterwards."""
    url = make_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def catalog_url(home: Path, prefix: str = "luutru_t") -> Iterator[str]:
    """The catalog URL of one archive instance: SQLite in ``home``, or a PostgreSQL database of its own."""
    base = pg_base()
    if base is None:
        yield f"sqlite:///{Path(home) / 'catalog.sqlite'}"
        return
    with temporary_database(base, prefix) as url:
        yield url
