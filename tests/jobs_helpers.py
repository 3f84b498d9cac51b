"""Job kinds and fixtures shared by the job and fault tests.

Worker subprocesses load the kinds below through ``LUUTRU_JOBS_KINDS``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.pgdb import temporary_database

REPO = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_KINDS = ("record=tests.jobs_helpers:record_job,sleep=tests.jobs_helpers:sleep_job,"
              "boom=tests.jobs_helpers:boom_job")


def record_job(services: Any, payload: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Append 'job-id pid' to a shared log (O_APPEND: one whole line per write)."""
    time.sleep(payload.get("sleep", 0.0))
    line = f"{ctx.job_id} {os.getpid()}\n".encode()
    fd = os.open(payload["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return {"pid": os.getpid()}


def sleep_job(services: Any, payload: dict[str, Any], ctx: Any) -> dict[str, Any]:
    Path(payload["started"]).write_text(str(os.getpid()))
    end = time.monotonic() + payload.get("seconds", 60)
    while time.monotonic() < end:
        ctx.progress("sleep", int(time.monotonic()), int(end))
        time.sleep(0.05)
    return {"slept": payload.get("seconds", 60), "attempt": ctx.attempt}


def boom_job(services: Any, payload: dict[str, Any], ctx: Any) -> None:
    raise RuntimeError(f"boom on try {ctx.attempt}")


def pg_base_url() -> str | None:
    """A reachable PostgreSQL URL (the test one, or the local default), else None."""
    url = os.environ.get("LUUTRU_TEST_DATABASE_URL") or PG_DEFAULT
    if not url.startswith("postgresql"):
        url = PG_DEFAULT
    try:
        eng = create_engine(url, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
        return url
    except Exception:  # noqa: BLE001 - unreachable: the caller skips with a reason
        return None


def pg_database() -> Iterator[str]:
    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL not reachable: set LUUTRU_TEST_DATABASE_URL=postgresql+psycopg://… to run")
    with temporary_database(base, "luutru_j") as url:
        yield url


def worker_env(home: Path, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")}
    env.update({
        "LUUTRU_HOME": str(home), "LUUTRU_DATABASE_URL": db_url, "LUUTRU_JOBS_KINDS": TEST_KINDS,
        "LUUTRU_JOBS_POLL_SECONDS": "0.1", "PYTHONPATH": str(REPO),
    })
    env.update(extra)
    return env


def start_worker(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "luutru.cli.main", "worker", "run", *args], env=env, cwd=REPO,
                            stdout=out, stderr=out)
