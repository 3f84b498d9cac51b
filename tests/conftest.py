"""Shared fixtures: a fresh LUUTRU_HOME per test, on SQLite or (when asked) PostgreSQL.

Siegfried (``LUUTRU_TEST_SIEGFRIED`` from .engines/env) is the format identifier of every
test's Settings, as in a deployment.

Set ``LUUTRU_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` to run
the catalog on PostgreSQL: each test then gets a database of its own, dropped after.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterator

import pytest

from luutru.config import Settings
from luutru.services import Services
from tests import engines
from tests.pgdb import catalog_url
from tests.pki import make_test_pki

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


# Names by which a test module opens PostgreSQL itself (tests/pgdb.py, tests/jobs_helpers.py).
_OPENS_POSTGRES = ("catalog_url", "pg_database", "pg_url", "temporary_database", "pg_base",
                   "LUUTRU_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass of scripts/test runs the tests that put a catalog on PostgreSQL:
    those using the ``database_url`` fixture (``settings``, ``services`` …) and every test of
    a module that opens PostgreSQL itself.  The others never touch that catalog: they ran,
    identically, in the SQLite pass, and are deselected here (counted as deselected)."""
    if os.environ.get("LUUTRU_TEST_PASS") != "postgresql":
        return
    opens: dict[Path, bool] = {}
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        path = Path(str(item.path))
        if path not in opens:
            opens[path] = any(t in path.read_text(encoding="utf-8") for t in _OPENS_POSTGRES)
        uses_catalog = opens[path] or "database_url" in getattr(item, "fixturenames", ())
        (keep if uses_catalog else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):
    """The test PKI of the signature tests, one per module; pyHanko's own log kept quiet
    (an untrusted or tampered signature is what these tests expect)."""
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    return make_test_pki(tmp_path_factory.mktemp("pki"))
