"""Shared fixtures: a fresh LUUTRU_HOME per test, on SQLite or (when asked) PostgreSQL.

Set ``LUUTRU_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` to run
the catalog on PostgreSQL: each test then gets a database of its own, dropped after.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from luutru.config import Settings
from luutru.context import Services

ARTIFACTS = Path(__file__).parent / "_artifacts"


def _pg_database(base_url: str) -> Iterator[str]:
    url = make_url(base_url)
    name = f"luutru_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    base = os.environ.get("LUUTRU_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        yield from _pg_database(base)
    else:
        yield f"sqlite:///{tmp_path / 'home' / 'catalog.sqlite'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return Settings(home=home, database_url=database_url)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    svc = Services(settings)
    yield svc
    svc.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
