"""In a scale-out deployment (LUUTRU_JOBS_MODE=workers) an upload waits for a worker
process; the job's progress and the report come back through the API."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from luutru.api.app import create_app
from luutru.jobs import JobQueue, Worker
from tests.api_helpers import bearer, make_accounts, upload_zip


def test_upload_is_taken_by_a_worker_when_the_deployment_runs_workers(services, tmp_path):
    services.settings.jobs.mode = "workers"  # as LUUTRU_JOBS_MODE=workers sets it
    tokens = make_accounts(services)
    client = TestClient(create_app(services=services))
    h = bearer(tokens["submitter"])
    with open(upload_zip(tmp_path), "rb") as fh:
        r = client.post("/api/transfers", files={"file": ("nop_luu.zip", fh, "application/zip")}, headers=h)
    assert r.status_code == 202
    tid = r.json()["id"]
    time.sleep(1.0)
    assert client.get(f"/api/transfers/{tid}", headers=h).json()["status"] in ("queued", "running")
    view = JobQueue(services.catalog).get(tid)
    assert view is not None and view.kind == "ingest" and view.status == "queued"  # nobody took it yet

    worker = Worker(services, name="test-worker")
    t = threading.Thread(target=lambda: worker.run(until_empty=True), daemon=True)
    t.start()
    deadline = time.time() + 120
    while time.time() < deadline:
        got = client.get(f"/api/transfers/{tid}", headers=h).json()
        if got["status"] in ("accepted", "rejected", "failed"):
            break
        time.sleep(0.2)
    t.join(60)
    assert got["status"] == "accepted", got
    assert JobQueue(services.catalog).get(tid).worker == "test-worker"
    assert all(d["status"] == "stored" for d in got["report"]["dossiers"])
