"""The catalog on PostgreSQL: the same migrations as SQLite, safe concurrent start-up,
and the scale-out deployment files that point at it.

Runs against ``LUUTRU_TEST_DATABASE_URL`` (or the local PostgreSQL if reachable); says
so when skipped.  The whole suite also runs on PostgreSQL with that variable set.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from luutru.catalog.db import Catalog, alembic_config
from tests.jobs_helpers import REPO, pg_database


@pytest.fixture
def pg_url():
    yield from pg_database()


def _schema(url: str) -> dict[str, set[str]]:
    cat = Catalog(url)
    try:
        insp = inspect(cat.engine)
        return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()}
    finally:
        cat.dispose()


def test_same_migrations_give_the_same_schema_on_sqlite_and_postgresql(pg_url, tmp_path):
    pg = _schema(pg_url)
    lite = _schema(f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert pg == lite
    assert {"dossiers", "documents", "files", "events", "jobs", "alembic_version"} <= set(pg)


def test_many_processes_starting_at_once_migrate_once(pg_url):
    """API and workers start together: the advisory lock makes one migrate, the rest wait."""
    code = ("import sys; from luutru.catalog.db import Catalog; c = Catalog(sys.argv[1]); "
            "from sqlalchemy import text\n"
            "with c.engine.connect() as x: print(sorted(r[0] for r in x.execute(text('select version_num from alembic_version'))))")
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e[-2000:] for _o, e in outs]
    heads = {o.strip() for o, _e in outs}
    # Every process sees the same, complete set of heads: one per area branch of migrations.
    expected = sorted(ScriptDirectory.from_config(alembic_config(pg_url)).get_heads())
    assert heads == {str(expected)}


def test_ingest_and_catalog_on_postgresql(pg_url, tmp_path):
    from sqlalchemy import func, select

    import luutru.catalog.models as m
    from luutru.config import Settings
    from luutru.ingest.pipeline import ingest
    from luutru.services import Services
    from tests.factory import base_spec, write_transfer

    svc = Services(Settings(home=tmp_path / "home", database_url=pg_url))
    try:
        rep = ingest(write_transfer(base_spec(2, 2), tmp_path / "t"), svc)
        assert rep.status == "accepted"
        with svc.catalog.session() as s:
            assert s.scalar(select(func.count()).select_from(m.Document)) == 4
            d = s.scalars(select(m.Dossier)).first()
            assert d.meta["ma_ho_so"] == d.code  # JSON columns round-trip
        again = ingest(write_transfer(base_spec(2, 2), tmp_path / "t2"), svc)
        assert {o.status for o in again.dossiers} == {"already_stored"}
    finally:
        svc.close()


def test_scale_out_compose_file_parses_and_wires_the_services():
    """No container engine runs here: this checks the YAML, not a live deployment."""
    d = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())
    svc = d["services"]
    assert {"api", "worker", "postgres", "seaweedfs", "s3-init", "opensearch"} <= set(svc)
    for name in ("api", "worker"):
        env = svc[name]["environment"]
        assert env["LUUTRU_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["LUUTRU_STORAGE_URL"].startswith("s3://") and env["LUUTRU_JOBS_MODE"] == "workers"
        # Two copies by default (Circular 05/2025), the second on a volume of its own.
        assert "file:///var/lib/luutru-copy2/aips" in env["LUUTRU_REPLICA_URLS"]
        assert "luutru-copy2:/var/lib/luutru-copy2" in svc[name]["volumes"]
        assert svc[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert svc["worker"]["command"] == ["luutru", "worker", "run"]
    assert "ObjectLockEnabledForBucket=True" in svc["s3-init"]["command"][2]
    # The engines and versions named here are the ones CI starts (scripts/engines/engines.sh).
    engines = (REPO / "scripts" / "engines" / "engines.sh").read_text()
    os_version = re.search(r"^OPENSEARCH_VERSION=(\S+)", engines, re.M).group(1)
    assert svc["opensearch"]["image"].endswith(f":${{OPENSEARCH_VERSION:-{os_version}}}")
    assert env["LUUTRU_SEARCH_URL"].startswith("opensearch+http://opensearch:9200")
    assert svc["seaweedfs"]["image"].endswith(":${SEAWEEDFS_VERSION:-4.53}") and "# SeaweedFS 4.53 " in engines
    assert svc["postgres"]["image"] == "postgres:15" and "PG_VERSION_WANTED=15" in engines
    verapdf = re.search(r"^VERAPDF_VERSION=(\S+)", engines, re.M).group(1)
    assert f"<verapdf.version>{verapdf}</verapdf.version>" in (REPO / "scripts/engines/verapdf/pom.xml").read_text()
    docker = (REPO / "deploy" / "Dockerfile").read_text()
    assert "pip install" in docker and "COPY luutru" in docker
