"""``luutru demo`` run twice: the second run reuses the loaded samples and prints the
accounts again with new passwords; ``--reset`` starts again only in a home the demo made."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from luutru.api import accounts
from luutru.catalog.models import Dossier
from luutru.config import Settings
from luutru.services import Services


def run_demo(tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUUTRU_HOME": str(tmp / "home"), "COLUMNS": "200"}
    env.pop("LUUTRU_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "luutru.cli.main", "demo", "--no-serve", "--dossiers", "1",
                           "--out-dir", str(tmp / "samples"), *extra],
                          capture_output=True, text=True, env=env, timeout=600, cwd=tmp)


def passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+(demo-\S+)\s+\w+$", output, re.M))


def stored(tmp: Path) -> int:
    svc = Services(Settings(home=tmp / "home"))
    try:
        with svc.catalog.session() as s:
            return int(s.scalar(select(func.count()).select_from(Dossier)) or 0)
    finally:
        svc.close()


def can_log_in(tmp: Path, user: str, password: str) -> bool:
    svc = Services(Settings(home=tmp / "home"))
    try:
        return accounts.authenticate(svc, user, password) is not None
    finally:
        svc.close()


def test_demo_twice_reuses_the_data_and_prints_the_accounts_again(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    p1 = passwords(first.stdout)
    assert set(p1) == {"quantri", "luutruvien", "hoidong", "pheduyet", "nghiencuu", "nopluu"}
    n = stored(tmp_path)
    assert n > 0

    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "demo data already loaded, reused" in second.stdout
    assert "DOSSIER_EXISTS_DIFFERENT" not in second.stdout + second.stderr
    p2 = passwords(second.stdout)
    assert set(p2) == set(p1) and all(p2[u] != p1[u] for u in p1)
    assert stored(tmp_path) == n
    assert can_log_in(tmp_path, "nghiencuu", p2["nghiencuu"])
    assert not can_log_in(tmp_path, "nghiencuu", p1["nghiencuu"])

    again = run_demo(tmp_path, "--reset")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "already loaded" not in again.stdout and stored(tmp_path) == n


def test_reset_refuses_a_home_the_demo_did_not_make(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "catalog.sqlite").write_bytes(b"an archive's own catalog")
    r = run_demo(tmp_path, "--reset")
    assert r.returncode == 2
    assert "left as it is" in r.stderr
    assert (home / "catalog.sqlite").read_bytes() == b"an archive's own catalog"
