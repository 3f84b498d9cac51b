"""The job queue and workers: leases, fencing, retries, embedded and multi-process runs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

import luutru.catalog.models as m
from luutru.config import Settings
from luutru.jobs import (
    JobFailed,
    JobQueue,
    JobSettings,
    UnknownKind,
    Worker,
    register,
    submit,
)
from luutru.jobs.clock import ManualClock
from luutru.services import Services
from tests.factory import base_spec, write_transfer
from tests.jobs_helpers import REPO, TEST_KINDS, pg_database, start_worker, worker_env


@pytest.fixture(autouse=True)
def _test_kinds(monkeypatch):
    monkeypatch.setenv("LUUTRU_JOBS_KINDS", TEST_KINDS)


def fast(**over) -> JobSettings:
    base = dict(lease_seconds=30, heartbeat_seconds=0.2, poll_seconds=0.05, retry_backoff_seconds=0, max_attempts=3)
    base.update(over)
    return JobSettings(**base)


def test_enqueue_claim_complete(services, tmp_path):
    q = JobQueue(services.catalog, fast())
    log = tmp_path / "log"
    a = q.enqueue("record", {"log": str(log)})
    b = q.enqueue("record", {"log": str(log)}, priority=5)
    assert q.enqueue("record", {"log": "other"}, job_id=a) == a  # idempotent by id
    c1 = q.claim("w1")
    assert c1 is not None and c1.id == b  # higher priority first
    c2 = q.claim("w2")
    assert c2 is not None and c2.id == a
    assert q.claim("w3") is None  # both leased
    assert q.complete(c1, {"ok": 1})
    v = q.get(b)
    assert v.status == "done" and v.result == {"ok": 1} and v.worker == "w1" and v.finished_at.endswith("+07:00")
    assert [h["event"] for h in v.history] == ["queued", "claimed", "done"]
    assert q.counts() == {"done": 1, "running": 1}


def test_unknown_kind_is_refused_with_the_known_ones(services):
    with pytest.raises(UnknownKind) as e:
        JobQueue(services.catalog).enqueue("nope")
    assert "ingest" in str(e.value) and "reindex" in str(e.value)


def test_expired_lease_is_taken_again_and_the_old_owner_is_fenced(services):
    clock = ManualClock()
    q = JobQueue(services.catalog, fast(), clock=clock)
    jid = q.enqueue("record", {"log": "x"})
    first = q.claim("dead-worker", lease_seconds=30)
    assert first.attempt == 1
    clock.advance(29)
    assert q.claim("w2", lease_seconds=30) is None  # still leased
    clock.advance(2)
    second = q.claim("w2", lease_seconds=30)
    assert second is not None and second.id == jid and second.attempt == 2 and second.token != first.token
    # The dead worker wakes up: it can neither renew nor finish the job any more.
    assert not q.heartbeat(first)
    assert not q.complete(first, {"stale": True})
    assert q.complete(second, {"fresh": True})
    v = q.get(jid)
    assert v.result == {"fresh": True} and v.worker == "w2"
    assert "lease_expired" in [h["event"] for h in v.history]


def test_a_job_that_kills_every_worker_stops_after_max_attempts(services):
    clock = ManualClock()
    q = JobQueue(services.catalog, fast(max_attempts=2), clock=clock)
    jid = q.enqueue("record", {"log": "x"})
    for _ in range(2):
        assert q.claim("w", lease_seconds=30) is not None
        clock.advance(31)
    assert q.claim("w") is None
    v = q.get(jid)
    assert v.status == "failed" and "worker lost 2 times" in v.error


def test_exceptions_are_retried_then_failed_and_can_be_retried_by_hand(services):
    st = fast(max_attempts=2)
    q = JobQueue(services.catalog, st)
    jid = q.enqueue("boom")
    Worker(services, settings=st).run(until_empty=True)
    v = q.get(jid)
    assert v.status == "failed" and v.attempts == 2 and "boom on try 2" in v.error
    assert [h["event"] for h in v.history].count("try_failed") == 1
    with pytest.raises(ValueError):
        q.cancel(jid)
    assert q.retry(jid).status == "queued"
    with pytest.raises(ValueError):
        q.retry(jid)  # only failed/cancelled jobs


def test_job_failed_is_not_retried_automatically(services):
    def refuse(svc, payload, ctx):
        raise JobFailed("disk full, free space first", {"code": "DISK_FULL"})

    register("refuse_test", refuse)
    st = fast()
    q = JobQueue(services.catalog, st)
    jid = q.enqueue("refuse_test")
    Worker(services, settings=st).run(until_empty=True)
    v = q.get(jid)
    assert v.status == "failed" and v.attempts == 1 and v.result == {"code": "DISK_FULL"}


def test_heartbeat_records_progress_and_renews_the_lease(services, tmp_path):
    st = fast(lease_seconds=0.6, heartbeat_seconds=0.1)
    q = JobQueue(services.catalog, st)
    jid = q.enqueue("sleep", {"seconds": 1.5, "started": str(tmp_path / "s")})
    w = Worker(services, settings=st)
    assert w.run_one()  # runs 1.5 s with a 0.6 s lease: only heartbeats keep it
    v = q.get(jid)
    assert v.status == "done" and v.attempts == 1 and v.stage == "sleep" and v.total > 0


def test_last_progress_is_written_before_the_job_function_returns(services):
    """What a job records before returning (ingest: the transfer row 'accepted') is never
    newer than its progress; the outcome carries the last progress in the same write."""
    seen = {}

    def work(svc, payload, ctx):
        ctx.progress("store", 0, 3)
        ctx.progress("store", 1, 3)
        ctx.progress("store", 3, 3)  # the end of a stage is written at once
        v = JobQueue(svc.catalog).get(ctx.job_id)
        seen.update(stage=v.stage, done=v.done, total=v.total, status=v.status)
        return {"ok": True}

    register("progress_test", work)
    st = fast(heartbeat_seconds=3600, progress_seconds=3600)  # no heartbeat, no timed write
    q = JobQueue(services.catalog, st)
    jid = q.enqueue("progress_test")
    assert Worker(services, settings=st).run_one()
    assert seen == {"stage": "store", "done": 3, "total": 3, "status": "running"}
    v = q.get(jid).to_dict()
    assert v["status"] == "done" and v["percent"] == 100.0


def test_a_job_of_a_dead_local_process_is_taken_again_at_start_up(services):
    """kill -9 of a single server: on restart its running job is runnable at once."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    q = JobQueue(services.catalog, fast())
    jid = q.enqueue("record", {"log": "x"})
    alive = q.enqueue("record", {"log": "y"})
    assert q.claim(f"{socket.gethostname()}:{dead_pid}:abc123", lease_seconds=3600).id == jid
    assert q.claim(f"{socket.gethostname()}:{os.getppid()}:def456", lease_seconds=3600).id == alive
    assert q.claim("other-host:1:x", lease_seconds=3600) is None
    assert q.expire_dead_local_leases() == [jid]  # the live process keeps its job
    again = q.claim("new-server")
    assert again is not None and again.id == jid and again.attempt == 2


def test_a_failed_index_update_is_an_index_job_that_a_worker_retries(services, tmp_path):
    """One retry queue: an index failure at ingest is an ``index`` job, retried with back-off."""
    from luutru.search.base import IndexingError
    from luutru.search.query import Rights, SearchQuery

    spec = base_spec(1, 1)
    code = spec.dossiers[0]["ma_ho_so"]
    idx = services.index
    real = idx.index_dossier

    def broken(*a, **k):
        raise IndexingError("chỉ mục hỏng", "index broken")

    idx.index_dossier = broken
    from luutru.ingest.pipeline import ingest

    assert ingest(write_transfer(spec, tmp_path / "t"), services).status == "accepted"
    q = JobQueue(services.catalog, fast())
    v = q.get(f"index:{code}")
    assert v is not None and v.kind == "index" and v.status == "queued" and "index broken" in v.error
    clock, st = ManualClock(), fast(retry_backoff_seconds=60)
    # index jobs only: the ingest also queued its preservation actions (a PDF/A copy)
    assert Worker(services, settings=st, clock=clock, kinds=["index"]).run(until_empty=True) == 0  # not due yet (back-off)
    clock.advance(3600)
    assert Worker(services, settings=st, clock=clock, kinds=["index"]).run(until_empty=True) == 1
    assert q.get(f"index:{code}").status == "queued"  # still broken: queued again with back-off
    idx.index_dossier = real
    clock.advance(3600)
    assert Worker(services, settings=st, clock=clock, kinds=["index"]).run(until_empty=True) == 1
    assert q.get(f"index:{code}").status == "done"
    assert idx.search(SearchQuery(text=spec.dossiers[0]["tieu_de"]), Rights.everything()).total >= 1


def test_ingest_job_in_embedded_mode(services, tmp_path):
    t = write_transfer(base_spec(2, 2), tmp_path / "t")
    jid = submit(services, "ingest", {"path": str(t)}, wait=True, timeout=120, settings=fast(mode="in_process"))
    v = JobQueue(services.catalog).get(jid)
    assert v.status == "done", v.error
    assert v.result["status"] == "accepted" and v.result["transfer_id"] == jid
    assert set(v.result["dossiers"].values()) == {"stored"}
    with services.catalog.session() as s:
        assert len(s.scalars(select(m.Dossier)).all()) == 2
        assert s.get(m.Transfer, jid).status == "accepted"
    # reindex as a job keeps the jobs table (it is not derived from storage)
    rid = submit(services, "reindex", {}, wait=True, timeout=120, settings=fast(mode="in_process"))
    r = JobQueue(services.catalog).get(rid)
    assert r.status == "done" and r.result["aips"] == 2 and r.result["documents"] == 4
    assert JobQueue(services.catalog).get(jid).status == "done"


def test_ingest_job_with_missing_transfer_fails_clearly(services, tmp_path):
    jid = submit(services, "ingest", {"path": str(tmp_path / "gone.zip")}, wait=True, timeout=60,
                 settings=fast(mode="in_process"))
    v = JobQueue(services.catalog).get(jid)
    assert v.status == "failed" and "transfer not found" in v.error and v.attempts == 1


def test_embedded_submit_runs_in_a_background_thread(services, tmp_path):
    log = tmp_path / "log"
    ids = [submit(services, "record", {"log": str(log)}, settings=fast(mode="in_process")) for _ in range(5)]
    q = JobQueue(services.catalog)
    deadline = time.time() + 20
    while time.time() < deadline and not all(q.get(i).status == "done" for i in ids):
        time.sleep(0.05)
    assert all(q.get(i).status == "done" for i in ids)
    assert sorted(line.split()[0] for line in log.read_text().splitlines()) == sorted(ids)


def _many_workers(db_url: str, tmp_path: Path, n_workers: int, n_jobs: int) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    svc = Services(Settings(home=home, database_url=db_url))
    try:
        q = JobQueue(svc.catalog)
        log = tmp_path / "taken.log"
        ids = [q.enqueue("record", {"log": str(log), "sleep": 0.01}) for _ in range(n_jobs)]
        env = worker_env(home, db_url)
        procs = [start_worker(env, "--once", log=tmp_path / f"w{i}.out") for i in range(n_workers)]
        for p in procs:
            assert p.wait(timeout=120) == 0, (tmp_path / "w0.out").read_text()[-3000:]
        lines = [ln.split() for ln in log.read_text().splitlines()]
        taken = Counter(jid for jid, _pid in lines)
        assert set(taken) == set(ids)
        assert max(taken.values()) == 1, [j for j, n in taken.items() if n > 1]  # never twice
        assert all(q.get(i).status == "done" and q.get(i).attempts == 1 for i in ids)
        assert len({pid for _jid, pid in lines}) > 1  # the work was actually shared
    finally:
        svc.close()


def test_several_worker_processes_on_postgresql_never_take_the_same_job(tmp_path):
    for url in pg_database():
        _many_workers(url, tmp_path, n_workers=4, n_jobs=120)


def test_several_worker_processes_on_sqlite_never_take_the_same_job(tmp_path):
    _many_workers(f"sqlite:///{tmp_path / 'catalog.sqlite'}", tmp_path, n_workers=3, n_jobs=60)


def test_killed_worker_process_job_is_finished_by_another(tmp_path):
    """kill -9 a worker mid-job: after the lease expires another worker completes it."""
    for url in pg_database():
        home = tmp_path / "home"
        home.mkdir()
        svc = Services(Settings(home=home, database_url=url))
        try:
            q = JobQueue(svc.catalog)
            started = tmp_path / "started"
            jid = q.enqueue("sleep", {"seconds": 2, "started": str(started)})
            env = worker_env(home, url, LUUTRU_JOBS_LEASE_SECONDS="2", LUUTRU_JOBS_HEARTBEAT_SECONDS="0.5")
            victim = start_worker(env, log=tmp_path / "victim.out")
            deadline = time.time() + 30
            while not started.exists() and time.time() < deadline:
                time.sleep(0.05)
            assert started.exists(), (tmp_path / "victim.out").read_text()
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            assert q.get(jid).status == "running"  # as the dead worker left it
            t0 = time.time()
            rescuer = start_worker(env, "--once", log=tmp_path / "rescuer.out")
            # --once: the job is not runnable yet (lease), so keep the rescuer polling
            rescuer.wait(timeout=60)
            while q.get(jid).status != "done" and time.time() - t0 < 30:
                r = start_worker(env, "--once", log=tmp_path / "rescuer.out")
                r.wait(timeout=60)
                time.sleep(0.2)
            v = q.get(jid)
            assert v.status == "done" and v.attempts == 2 and v.result["attempt"] == 2
            assert int(started.read_text()) != victim.pid
        finally:
            svc.close()


def test_cli_jobs_list_show_retry(services, tmp_path, monkeypatch):
    st = fast(max_attempts=1)
    jid = JobQueue(services.catalog, st).enqueue("boom")
    Worker(services, settings=st).run(until_empty=True)
    env = worker_env(services.settings.home_dir, services.settings.db_url, LUUTRU_JOBS_MAX_ATTEMPTS="1")
    run = lambda *a: subprocess.run([sys.executable, "-m", "luutru.cli.main", *a], env=env, cwd=REPO,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    r = run("jobs", "list", "--json")
    assert r.returncode == 0, r.stderr
    assert [j["id"] for j in json.loads(r.stdout)] == [jid]
    r = run("jobs", "show", jid)
    assert r.returncode == 1 and json.loads(r.stdout)["status"] == "failed"
    r = run("jobs", "show", "no-such-job")
    assert r.returncode == 2 and "no such job" in r.stderr
    r = run("jobs", "retry", jid)
    assert f"{jid}: Đang chờ (queued)" in r.stdout or f"{jid}: Lỗi (failed)" in r.stdout
    r = run("jobs", "add", "nope")
    assert r.returncode == 2 and "unknown job kind" in r.stderr
