"""Check workers are forked from a fork server that imported the check libraries once
(isolation.py): a worker has them before its first call, is not a child of the ingest
process itself, and a worker killed for overrunning its limit is replaced the same way.
Each case runs in a fresh interpreter: the fork server is one per process, and its
imports are fixed when it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, os, sys
from luutru.ingest.checks.isolation import TimeLimitedWorker
from tests.worker_probe import loaded, spin
out = {}
with TimeLimitedWorker(loaded, preload=("tests.worker_probe", "xml.dom.minidom")) as w:
    first = w.run("xml.dom.minidom", timeout=60)
    out["preloaded"], out["parent"] = first.value
    out["me"] = os.getpid()
    out["not_preloaded"] = w.run("wave", timeout=60).value[0]
with TimeLimitedWorker(spin, preload=("tests.worker_probe",)) as w:
    out["timed_out"] = w.run(timeout=0.5).timed_out
    out["restarts"] = w.restarts
with TimeLimitedWorker(loaded) as w:
    out["after_restart"] = w.run("xml.dom.minidom", timeout=60).value[0]
print(json.dumps(out))
"""


def test_workers_come_from_a_fork_server_that_imported_the_libraries() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["preloaded"] is True  # imported by the fork server, before the worker's first call
    assert out["not_preloaded"] is False  # nothing else is imported behind the caller's back
    assert out["parent"] != out["me"]  # forked by the server, not by the ingest process
    assert out["timed_out"] is True and out["restarts"] == 1
    assert out["after_restart"] is True  # a replacement worker comes from the same server
