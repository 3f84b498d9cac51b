"""`luutru status` summary on a real catalog: one copy is a warning (Circular 05/2025 Art. 27)."""

from __future__ import annotations

import json
import subprocess
import sys

from luutru.config import Settings
from luutru.services import Services
from luutru.preservation.status import status


def test_single_copy_is_said(services):
    st = status(services)
    assert st.copies == 1 and st.dossiers == 0 and st.last_audit is None
    assert [w["code"] for w in st.warnings] == ["BACKUP_SINGLE_COPY"]
    text = "\n".join(st.lines())
    assert "BACKUP_SINGLE_COPY" in text and "catalog=" in text


def test_two_locations_no_warning(tmp_path, database_url):
    home = tmp_path / "h2"
    home.mkdir()
    replica = tmp_path / "replica"
    replica.mkdir()
    svc = Services(Settings(home=home, database_url=database_url, replica_urls=[replica.as_uri()]))
    try:
        st = status(svc)
        assert st.copies == 2 and st.warnings == []
    finally:
        svc.close()


def test_status_command_prints_one_screen(tmp_path):
    env = {"LUUTRU_HOME": str(tmp_path / "h"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "status", "--json"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["copies"] == 1 and st["warnings"][0]["code"] == "BACKUP_SINGLE_COPY"
    assert set(st["engines"]) == {"catalog", "storage", "search", "verapdf", "siegfried"}
