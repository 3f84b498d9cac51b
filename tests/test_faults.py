"""Fault tests: ``kill -9`` at every ingest checkpoint and at random moments, through the
CLI and through worker processes; destruction killed at its checkpoints; a really full
disk during ingest.

What a user checks afterwards: storage never shows a half-written AIP (every listed AIP
validates as a BagIt bag), the catalog holds rows only for stored AIPs and exactly what
each AIP says (nothing lost, nothing twice), and a retry finishes the work with the
same result as a clean run.

Number of trials: ``LUUTRU_FAULT_TRIALS`` (default 20, half at checkpoints, half
SIGKILL after a random delay); the long soak (``LUUTRU_FAULT_SOAK_TRIALS``, default
200) is marked slow.  Runs on PostgreSQL when ``LUUTRU_TEST_DATABASE_URL`` says so.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select

import luutru.catalog.models as m
from luutru.catalog.records import load_aip_metadata
from luutru.config import Settings
from luutru.ingest.pipeline import ingest
from luutru.jobs import JobQueue
from luutru.packaging.bag import validate_bag
from luutru.services import Services
from tests.factory import base_spec, write_transfer
from tests.jobs_helpers import REPO, start_worker, worker_env
from tests.pgdb import catalog_url, pg_base

CHECKPOINTS = ["after_validation", "after_staging", "after_seal", "after_store", "after_catalog"]
TRIALS = int(os.environ.get("LUUTRU_FAULT_TRIALS", "20"))
SOAK_TRIALS = int(os.environ.get("LUUTRU_FAULT_SOAK_TRIALS", "200"))
PARALLEL = 2  # trials run two at a time (each is a separate home and database)


# -- databases and homes ---------------------------------------------------------------------


def fresh_db(home: Path) -> "contextlib.AbstractContextManager[str]":
    """A database of its own for one trial: SQLite in the home, or a new PostgreSQL database."""
    return catalog_url(home, "luutru_f")


def _env(home: Path, db: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")}
    env.update(LUUTRU_HOME=str(home), LUUTRU_DATABASE_URL=db, PYTHONPATH=str(REPO), **extra)
    return env


def _cli_ingest(transfer: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "luutru.cli.main", "ingest", str(transfer), "--json"], env=env,
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# -- what a user checks ----------------------------------------------------------------------


def check_no_partial(home: Path, db: str, *, mid_destruction: frozenset[str] = frozenset()) -> dict[str, Any]:
    """After a crash: every visible AIP is complete and valid; catalog rows only for stored
    AIPs, each exactly as its AIP describes.  ``mid_destruction``: dossiers a killed
    destruction may have left shredded (key gone) or deleted but still catalogued."""
    svc = Services(Settings(home=home, database_url=db))
    try:
        stored = sorted(svc.storage.list_aips())
        for aip in stored:
            problems = validate_bag(svc.storage.locations[0].aips / aip)
            assert problems == [], f"AIP {aip} is visible but not a valid bag: {problems}"
        with svc.catalog.session() as s:
            dossiers = {d.code: d for d in s.scalars(select(m.Dossier))}
            orphans = set(dossiers) - set(stored)
            assert orphans <= mid_destruction, f"catalog rows without AIP: {orphans}"
            unreadable = []
            for code, d in dossiers.items():
                if code in orphans:
                    continue
                try:
                    meta = load_aip_metadata(svc.storage, code, with_text=False)
                except Exception as e:  # noqa: BLE001
                    if type(e).__name__ != "KeyDestroyed" or code not in mid_destruction:
                        raise
                    unreadable.append(code)  # crypto-shredded mid-destruction: resumable, by design
                    continue
                assert d.manifest_sha256 == meta.manifest_sha256
                docs = sorted(s.scalars(select(m.Document.identifier).where(m.Document.dossier_code == code)))
                assert docs == sorted(x["ma_dinh_danh_van_ban"] for x in meta.documents)
                n_files = len(list(s.scalars(select(m.File.id).join(m.Document).where(m.Document.dossier_code == code))))
                assert n_files == sum(len(x["_service"]["components"]) for x in meta.documents)
                events = sorted(s.scalars(select(m.Event.id).where(m.Event.dossier_code == code)))
                assert events == sorted(e["event_id"] for e in meta.events)  # none lost, none twice
        return {"stored": stored, "catalogued": sorted(dossiers), "half_destroyed": sorted(orphans | set(unreadable))}
    finally:
        svc.close()


def snapshot(home: Path, db: str) -> dict[str, Any]:
    """The content of an archive, without what legitimately differs between runs (times,
    ids, the bytes of regenerated PDF/A copies)."""
    check_no_partial(home, db)
    svc = Services(Settings(home=home, database_url=db))
    try:
        with svc.catalog.session() as s:
            dossiers = sorted((d.code, d.title, d.retention_years, d.access, d.status, d.aip_id)
                              for d in s.scalars(select(m.Dossier)))
            documents = sorted((d.identifier, d.dossier_code, d.sequence, d.abstract, json.dumps(d.meta, sort_keys=True))
                               for d in s.scalars(select(m.Document)))
            files = sorted((f.document_identifier, f.role, f.path if f.role != "preservation" else "-",
                            f.size if f.role != "preservation" else 0, f.sha256 if f.role != "preservation" else "-")
                           for f in s.scalars(select(m.File)))
        return {"aips": sorted(svc.storage.list_aips()), "dossiers": dossiers, "documents": documents, "files": files}
    finally:
        svc.close()


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def transfer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_transfer(base_spec(3, 1), tmp_path_factory.mktemp("transfer") / "t")


@pytest.fixture(scope="module")
def clean(transfer: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A clean run through the CLI: its snapshot, and how long the process ran."""
    home = tmp_path_factory.mktemp("clean") / "home"
    home.mkdir()
    with fresh_db(home) as db:
        t0 = time.monotonic()
        p = _cli_ingest(transfer, _env(home, db))
        out, errs = p.communicate(timeout=300)
        took = time.monotonic() - t0
        assert p.returncode == 0, errs.decode()[-3000:]
        assert json.loads(out)["status"] == "accepted"
        snap = snapshot(home, db)
    assert len(snap["aips"]) == 3 and len(snap["documents"]) == 3
    return {"snapshot": snap, "seconds": took}


# -- ingest killed through the CLI -------------------------------------------------------------


def _trial(root: Path, transfer: Path, clean: dict[str, Any], *, fault_at: str | None = None,
           kill_after: float | None = None) -> dict[str, Any]:
    home = root / "home"
    home.mkdir(parents=True)
    with fresh_db(home) as db:
        extra = {"LUUTRU_FAULT_AT": fault_at} if fault_at else {}
        p = _cli_ingest(transfer, _env(home, db, **extra))
        if kill_after is not None:
            try:
                p.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGKILL)
        p.communicate(timeout=300)
        killed = p.returncode in (137, -signal.SIGKILL)
        if fault_at:
            assert p.returncode == 137, f"no crash at {fault_at}: rc={p.returncode}"
        after_crash = check_no_partial(home, db)
        # retry: must finish the work, and equal a clean run
        r = _cli_ingest(transfer, _env(home, db))
        out, errs = r.communicate(timeout=300)
        assert r.returncode == 0, errs.decode()[-3000:]
        report = json.loads(out)
        assert report["status"] == "accepted"
        assert {d["status"] for d in report["dossiers"]} <= {"stored", "already_stored"}
        assert sorted(d["code"] for d in report["dossiers"] if d["status"] == "already_stored") == \
            after_crash["stored"]  # what survived the crash was recognised, not stored twice
        assert snapshot(home, db) == clean["snapshot"]
        return {"killed": killed, "stored_at_crash": len(after_crash["stored"])}


def _run_trials(tmp_path: Path, transfer: Path, clean: dict[str, Any], plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with ThreadPoolExecutor(PARALLEL) as ex:
        futs = [ex.submit(_trial, tmp_path / f"trial{i}", transfer, clean, **plan) for i, plan in enumerate(plans)]
        return [f.result() for f in futs]


def _plans(n: int, clean: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    at = [{"fault_at": CHECKPOINTS[i % len(CHECKPOINTS)]} for i in range((n + 1) // 2)]
    # SIGKILL anywhere from process start to a little past a clean run's end
    rand = [{"kill_after": rng.uniform(0.2, clean["seconds"] * 1.1)} for _ in range(n // 2)]
    return at + rand


def test_ingest_killed_at_checkpoints_and_random_moments(tmp_path, transfer, clean):
    seed = int(os.environ.get("LUUTRU_FAULT_SEED", "20240501"))
    results = _run_trials(tmp_path, transfer, clean, _plans(TRIALS, clean, seed))
    assert sum(r["killed"] for r in results) >= (TRIALS + 1) // 2  # every checkpoint trial died
    if TRIALS >= 10:  # the crashes hit before any store and after some (checkpoints make sure);
        # the next dossiers' stores run ahead on threads, so "after some" may be all three
        at_crash = {r["stored_at_crash"] for r in results}
        assert 0 in at_crash and any(k > 0 for k in at_crash), at_crash


@pytest.mark.slow
def test_ingest_kill_soak(tmp_path, transfer, clean):
    rng = random.Random(int(os.environ.get("LUUTRU_FAULT_SEED", "7")))
    plans = [{"kill_after": rng.uniform(0.2, clean["seconds"] * 1.1)} for _ in range(SOAK_TRIALS)]
    results = _run_trials(tmp_path, transfer, clean, plans)
    assert len({r["stored_at_crash"] for r in results}) >= 3


# -- ingest killed inside a worker process -------------------------------------------------------


@pytest.mark.parametrize("point", ["after_seal", "after_store", "after_catalog"])
def test_worker_killed_during_ingest_job_is_finished_by_another(tmp_path, transfer, clean, point):
    home = tmp_path / "home"
    home.mkdir()
    with fresh_db(home) as db:
        svc = Services(Settings(home=home, database_url=db))
        try:
            q = JobQueue(svc.catalog)
            jid = q.enqueue("ingest", {"path": str(transfer)})
            env = worker_env(home, db, LUUTRU_JOBS_LEASE_SECONDS="1.5", LUUTRU_JOBS_HEARTBEAT_SECONDS="0.3")
            victim = start_worker(dict(env, LUUTRU_FAULT_AT=point), "--once", log=tmp_path / "victim.log")
            assert _wait(victim, 300) == 137
            v = q.get(jid)
            assert v.status == "running" and v.attempts == 1  # left as the dead worker had it
            check_no_partial(home, db)
            time.sleep(1.6)  # the lease runs out
            # only the ingest: the preservation actions it queues would change the snapshot
            rescuer = start_worker(env, "--once", "--kinds", "ingest", log=tmp_path / "rescuer.log")
            assert _wait(rescuer, 300) == 0
            v = q.get(jid)
            assert v.status == "done", v.error or (tmp_path / "rescuer.log").read_text()[-3000:]
            assert v.attempts == 2 and v.result["status"] == "accepted" and v.result["transfer_id"] == jid
            with svc.catalog.session() as s:
                assert s.get(m.Transfer, jid).status == "accepted"
            assert not (svc.settings.work_dir / f"ingest-{jid}").exists()  # staging cleaned by the re-run
        finally:
            svc.close()
        assert snapshot(home, db) == clean["snapshot"]


def _wait(p: subprocess.Popen, timeout: float) -> int:
    return p.wait(timeout=timeout)


# -- destruction killed at its checkpoints and at random moments ---------------------------------

DESTROY_CHECKPOINTS = ["destroy_after_key", "destroy_after_storage", "destroy_after_index", "destroy_after_catalog",
                       "destroy_after_index_purge", "destroy_after_minutes"]


@pytest.fixture(scope="module")
def disposal_template(tmp_path_factory: pytest.TempPathFactory):
    try:
        from tests.disposal_helpers import seed_template
    except ImportError as e:  # pragma: no cover - the disposal area is not installed
        pytest.skip(f"destruction fault trials need the disposal area: {e}")
    return seed_template(tmp_path_factory.mktemp("dseed"))


def _destruction_trial(root: Path, template: Any, *, fault_at: str | None = None,
                       kill_after: float | None = None) -> None:
    import luutru.disposal.listing as listing
    import luutru.disposal.tombstone as tombstone
    from tests.disposal_helpers import approved_list, copy_home, token_of

    home_t, ing = template
    svc = copy_home(home_t, root / "home")
    try:
        list_id = approved_list(svc, ing.expired)
        home, db = svc.settings.home_dir, svc.settings.db_url
        token = token_of(svc, "tuan")  # the command line signs "tuan" in (luutru/cli/signin.py)
    finally:
        svc.close()
    env = _env(home, db, LUUTRU_TOKEN=token, **({"LUUTRU_FAULT_AT": fault_at} if fault_at else {}))
    p = subprocess.Popen([sys.executable, "-m", "luutru.cli.main", "disposal", "execute", list_id, "--as", "tuan"],
                         env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after is not None:
        try:
            p.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
    _out, errs = p.communicate(timeout=300)
    if fault_at:
        assert p.returncode == 137, errs.decode()[-2000:]
    # Whatever the moment: no half-deleted AIP is visible, the catalog matches storage.
    after = check_no_partial(home, db, mid_destruction=frozenset(ing.expired))
    assert {ing.current, ing.permanent} <= set(after["stored"])
    svc = Services(Settings(home=home, database_url=db))
    try:
        shown = listing.show(svc, list_id)
        status = shown["status"]
        states = {it.get("code", it.get("dossier_code")): it["state"] for it in shown["items"]}
    finally:
        svc.close()
    for code in after["half_destroyed"]:  # the list says so: the dossier is being destroyed
        assert states.get(code) == "destroying", (code, states)
    # killed before it began → run it again; killed half-way → resume; finished → nothing
    verb = {"approved": ["execute", list_id, "--as", "tuan"],
            "executing": ["resume", list_id, "--as", "tuan", "--json"]}.get(status)
    assert verb is not None or status == "executed", status
    if verb:
        r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "disposal", *verb], env=_env(home, db, LUUTRU_TOKEN=token),
                           cwd=REPO, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    svc = Services(Settings(home=home, database_url=db))
    try:
        shown = listing.show(svc, list_id)
        assert shown["status"] == "executed", shown["status"]
        stored = set(svc.storage.list_aips())
        assert not stored & set(ing.expired)  # destroyed everywhere
        assert {ing.current, ing.permanent} <= stored  # nothing else touched
        assert len(tombstone.tombstones(svc)) == 2  # one per destroyed dossier, not more
        assert len([a for a in stored if a.startswith("BBH-")]) == 1  # minutes written once
        with svc.catalog.session() as s:
            assert not set(s.scalars(select(m.Dossier.code))) & set(ing.expired)
    finally:
        svc.close()
    check_no_partial(home, db)


@pytest.mark.parametrize("point", DESTROY_CHECKPOINTS)
def test_destruction_killed_at_checkpoint_is_resumed(tmp_path, disposal_template, point):
    _destruction_trial(tmp_path, disposal_template, fault_at=point)


def test_destruction_killed_at_random_moments_is_resumed(tmp_path, disposal_template):
    rng = random.Random(int(os.environ.get("LUUTRU_FAULT_SEED", "11")))
    n = max(2, TRIALS // 5)
    with ThreadPoolExecutor(PARALLEL) as ex:
        futs = [ex.submit(_destruction_trial, tmp_path / f"d{i}", disposal_template,
                          kill_after=rng.uniform(0.5, 4.0)) for i in range(n)]
        for f in futs:
            f.result()


# -- disk full during ingest ---------------------------------------------------------------------


def _noise_pdf(px: int, seed: int) -> bytes:
    """A valid one-page PDF carrying an incompressible image (px × px RGB)."""
    import io

    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.frombytes("RGB", (px, px), random.Random(seed).randbytes(px * px * 3))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(img), 50, 300, 400, 400)
    c.showPage()
    c.save()
    return buf.getvalue()


def _big_transfer(root: Path, mb_per_file: float, files: int) -> Path:
    import hashlib

    spec = base_spec(1, files)
    px = int((mb_per_file * 1024 * 1024 / 3) ** 0.5)
    for i, doc in enumerate(spec.documents):
        data = _noise_pdf(px, i)
        spec.files[doc["duong_dan_tep"]] = data
        doc["sha256"] = hashlib.sha256(data).hexdigest()
    return write_transfer(spec, root)


@contextlib.contextmanager
def small_fs(mountpoint: Path, size: str) -> Iterator[bool]:
    """A real small file system (tmpfs) when this process may mount one; else False."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    ok = shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)], capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def _simulate_enospc(monkeypatch: pytest.MonkeyPatch, after_bytes: int) -> None:
    """Fallback where mounting is not allowed: writes fail with ENOSPC past a budget."""
    import luutru.preservation.aip as aip

    real = aip.copy_file_hashing
    budget = {"left": after_bytes}

    def copy_hashing(src, dst, progress=None):  # type: ignore[no-untyped-def]
        size = Path(src).stat().st_size if isinstance(src, Path) else 0
        if size > budget["left"]:
            Path(dst).parent.mkdir(parents=True, exist_ok=True)
            Path(dst).write_bytes(b"\0" * budget["left"])  # half-written, as a full disk leaves it
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        budget["left"] -= size
        return real(src, dst, progress)

    monkeypatch.setattr(aip, "copy_file_hashing", copy_hashing)


def _assert_nothing_half_written(svc: Services, report: Any) -> None:
    assert report.status == "failed"
    assert list(svc.storage.list_aips()) == []
    assert svc.storage.sweep_incoming() == 0  # no half-copied bag left in storage
    assert [p.name for p in svc.settings.work_dir.iterdir() if p.name.startswith("ingest-")] == []  # staging cleaned
    with svc.catalog.session() as s:
        assert s.scalars(select(m.Dossier)).all() == []
        assert s.scalars(select(m.Document)).all() == []
        assert s.get(m.Transfer, report.transfer_id).status == "failed"


def test_disk_full_while_staging_gives_disk_full_and_leaves_nothing(tmp_path, database_url, monkeypatch):
    transfer = _big_transfer(tmp_path / "t", 2.5, 2)  # 5 MB of incompressible PDFs
    home = tmp_path / "small"
    with small_fs(home, "4m") as real_fs:
        if not real_fs:
            _simulate_enospc(monkeypatch, 3 * 1024 * 1024)
        svc = Services(Settings(home=home, database_url=database_url if pg_base() else
                                f"sqlite:///{tmp_path / 'catalog.sqlite'}"))
        try:
            report = ingest(transfer, svc)
            full = [f for f in report.findings if f.code == "DISK_FULL"]
            assert full, [f.to_dict() for f in report.findings if f.is_error]
            assert "giải phóng" in full[0].message_vi and "free space" in full[0].message_en
            _assert_nothing_half_written(svc, report)
        finally:
            svc.close()


def test_disk_full_in_storage_leaves_no_aip(tmp_path, database_url):
    """Staging fits, the storage file system does not: the AIP is refused whole."""
    transfer = _big_transfer(tmp_path / "t", 2.5, 2)
    store = tmp_path / "store"
    with small_fs(store, "4m") as real_fs:
        if not real_fs:
            pytest.skip("cannot mount a small file system here (needs root); staging case covers ENOSPC")
        home = tmp_path / "home"
        svc = Services(Settings(home=home, storage_url=store.as_uri(), database_url=database_url))
        try:
            report = ingest(transfer, svc)
            errors = [f for f in report.findings if f.is_error]
            _assert_nothing_half_written(svc, report)
            codes = {f.code for f in errors}
            assert "DISK_FULL" in codes, [f.to_dict() for f in errors]
        finally:
            svc.close()
