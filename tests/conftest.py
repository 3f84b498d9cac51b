"""Shared fixtures: a fresh LUUTRU_HOME per test, on SQLite or (when asked) PostgreSQL.

Siegfried (``LUUTRU_TEST_SIEGFRIED`` from .engines/env) is the format identifier of every
test's Settings, as in a deployment.

Set ``LUUTRU_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` to run
the catalog on PostgreSQL: each test then gets a database of its own, dropped after.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from luutru.config import Settings
from luutru.services import Services
from tests import engines
from tests.pgdb import catalog_url

# Format identification runs Siegfried as a deployment does, when setup installed it
# (without it every transfer carries SIEGFRIED_NOT_INSTALLED, as it would in service).
if engines.value("siegfried"):
    os.environ.setdefault("LUUTRU_SIEGFRIED", engines.value("siegfried") or "")

ARTIFACTS = Path(__file__).parent / "_artifacts"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with catalog_url(tmp_path / "home") as url:
        yield url


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
