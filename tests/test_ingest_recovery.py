"""Crashes between steps leave no AIP or a complete one; re-runs are safe; reindex rebuilds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from sqlalchemy import select

import luutru.catalog.index_retries as index_retries
import luutru.catalog.models as m
import luutru.ingest.steps as steps
import luutru.records.events as ev
from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.preservation.reindex import reindex
from luutru.services import FaultInjected, Services
from tests.factory import base_spec, write_transfer

CHECKPOINTS = ["after_validation", "after_staging", "after_seal", "after_store", "after_catalog"]


def snapshot(services: Services) -> dict:
    """What a user would compare: every catalog row of the derived tables, as plain data."""
    with services.catalog.session() as s:
        dossiers = [(d.code, d.title, d.retention_years, d.access, d.start_date, d.end_date, d.aip_id, d.manifest_sha256,
                     d.meta, d.stored_at) for d in s.scalars(select(m.Dossier).order_by(m.Dossier.code))]
        docs = [(d.identifier, d.dossier_code, d.sequence, d.doc_type, d.number, d.notation, d.issued, d.issuer,
                 d.abstract, d.access, d.reliability, d.meta) for d in s.scalars(select(m.Document).order_by(m.Document.identifier))]
        files = sorted((f.document_identifier, f.role, f.path, f.original_name, f.size, f.sha256, f.mime, f.puid,
                        f.signature_status) for f in s.scalars(select(m.File)))
        events = sorted((e.id, e.dossier_code, e.object, e.event_type, e.outcome, e.event_datetime)
                        for e in s.scalars(select(m.Event)))
        agencies = [(a.code, a.name) for a in s.scalars(select(m.Agency))]
    return {"dossiers": dossiers, "documents": docs, "files": files, "events": events, "agencies": agencies}


def assert_storage_consistent(services: Services) -> None:
    for aip in services.storage.list_aips():
        path = services.storage.locations[0].aips / aip  # local backend
        bagit.Bag(str(path)).validate()


@pytest.mark.parametrize("point", CHECKPOINTS)
def test_crash_between_steps_then_rerun(services, tmp_path, point):
    spec = base_spec(2, 2)
    root = write_transfer(spec, tmp_path / "t")

    def boom(name: str) -> None:
        if name == point:
            raise FaultInjected(name)

    services.fault_hook = boom
    with pytest.raises(FaultInjected):
        ingest(root, services)
    services.fault_hook = None
    # whatever is visible is complete
    assert_storage_consistent(services)
    rep = ingest(root, services)
    assert rep.status == "accepted", [f.message_en for f in rep.findings]
    assert sorted(services.storage.list_aips()) == sorted(d["ma_ho_so"] for d in spec.dossiers)
    assert_storage_consistent(services)
    snap = snapshot(services)
    assert len(snap["dossiers"]) == 2 and len(snap["documents"]) == 4
    # the work area holds nothing from either run
    assert [p.name for p in services.settings.work_dir.iterdir()] == []


def test_killed_process_leaves_no_partial_aip(settings, tmp_path):
    """A real ``kill -9`` equivalent (os._exit) right after sealing, before the atomic store."""
    spec = base_spec(2, 2)
    root = write_transfer(spec, tmp_path / "t")
    env = {"LUUTRU_HOME": str(settings.home), "LUUTRU_DATABASE_URL": settings.db_url,
           "LUUTRU_FAULT_AT": "after_store", "PATH": "/usr/bin:/bin"}
    code = subprocess.run([sys.executable, "-m", "luutru.cli.main", "ingest", str(root)], env=env,
                          capture_output=True, cwd=Path(__file__).parent.parent).returncode  # bytes: output may stop mid-character
    assert code == 137
    svc = Services(settings)
    try:
        stored = list(svc.storage.list_aips())
        # the first dossier was stored, then the process died; the second one's store runs
        # ahead on a thread (StoreAhead), so it may be complete too, never half-written
        assert 1 <= len(stored) <= 2
        for aip in stored:
            bagit.Bag(str(svc.storage.locations[0].aips / aip)).validate()
        rep = ingest(root, svc)
        assert rep.status == "accepted"
        assert sorted(d.status for d in rep.dossiers) == sorted(
            ["already_stored"] * len(stored) + ["stored"] * (2 - len(stored)))
        assert len(list(svc.storage.list_aips())) == 2
    finally:
        svc.close()


def test_rerun_is_idempotent_and_changed_content_is_refused(services, tmp_path):
    spec = base_spec(2, 2)
    root = write_transfer(spec, tmp_path / "t")
    assert ingest(root, services).status == "accepted"
    before = snapshot(services)
    rep = ingest(root, services)
    assert rep.status == "accepted"
    assert [d.status for d in rep.dossiers] == ["already_stored", "already_stored"]
    assert snapshot(services) == before
    spec.dossiers[0]["tieu_de"] = "Tiêu đề đã sửa"
    root2 = write_transfer(spec, tmp_path / "t2")
    rep = ingest(root2, services)
    assert rep.status == "rejected"
    assert [f.dossier for f in rep.findings if f.code == "DOSSIER_EXISTS_DIFFERENT"] == [spec.dossiers[0]["ma_ho_so"]]
    assert snapshot(services) == before


def test_reindex_rebuilds_the_same_catalog(services, tmp_path):
    spec = base_spec(3, 3)
    root = write_transfer(spec, tmp_path / "t")
    assert ingest(root, services).status == "accepted"
    before = snapshot(services)
    # wipe the catalog file entirely: storage alone must be enough
    services.close()
    for p in services.settings.home_dir.glob("catalog.sqlite*"):
        p.unlink()
    svc2 = Services(services.settings)
    try:
        rep = reindex(svc2)
        assert rep.aips == 3 and rep.failed == []
        assert snapshot(svc2) == before
    finally:
        svc2.close()


def test_index_failure_never_fails_the_stored_aip_and_is_retried(services, tmp_path):
    from luutru.ingest.pipeline import retry_index_queue
    from luutru.search.base import IndexingError
    from luutru.search.query import Rights, SearchQuery

    spec = base_spec(1, 2)
    spec.dossiers[0]["tieu_de"] = "Hồ sơ hội nghị tại tỉnh Đắk Lắk"
    idx = services.index
    real = idx.index_dossier

    def broken(*a, **k):
        raise IndexingError("chỉ mục hỏng", "index broken")

    idx.index_dossier = broken
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted"
    assert [f.dossier for f in rep.findings if f.code == "INDEX_QUEUED"] == [spec.dossiers[0]["ma_ho_so"]]
    assert list(services.storage.list_aips()) == [spec.dossiers[0]["ma_ho_so"]]
    with services.catalog.session() as s:  # an `index` job in the one job queue
        assert index_retries.pending(s, 100) == [spec.dossiers[0]["ma_ho_so"]]
    assert idx.search(SearchQuery(text="dak lak"), Rights.everything()).total == 0
    idx.index_dossier = real
    assert retry_index_queue(services) == (1, 0)
    assert idx.search(SearchQuery(text="dak lak"), Rights.everything()).total >= 1


def test_one_index_commit_per_transfer_and_a_failed_commit_is_queued(services, tmp_path):
    """The index is committed once for the transfer; when that commit fails, every dossier
    of the transfer is queued (INDEX_QUEUED each) and the stored AIPs stand."""
    from luutru.ingest.pipeline import retry_index_queue
    from luutru.search.base import IndexingError
    from luutru.search.query import Rights, SearchQuery

    spec = base_spec(3, 2)
    codes = sorted(d["ma_ho_so"] for d in spec.dossiers)
    idx = services.index
    real_commit, calls = idx.commit, []

    def broken():
        calls.append(1)
        raise IndexingError("chỉ mục hỏng", "index commit failed")

    idx.commit = broken
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted"
    assert len(calls) == 1  # one commit for the transfer, not one per dossier
    assert sorted(f.dossier for f in rep.findings if f.code == "INDEX_QUEUED") == codes
    assert sorted(services.storage.list_aips()) == codes
    with services.catalog.session() as s:
        assert sorted(index_retries.pending(s, 100)) == codes
    idx.commit = real_commit
    assert retry_index_queue(services) == (3, 0)
    assert all(idx.search(SearchQuery(dossier_code=c), Rights.everything()).total >= 1 for c in codes)


def test_a_rerun_whose_index_commit_succeeds_clears_the_pending_retries(services, tmp_path):
    """The retries left by a failed index commit are dropped by the next transfer that
    indexes those dossiers, in the batch's own commit (not one transaction per dossier)."""
    from luutru.search.base import IndexingError

    spec = base_spec(3, 2)
    codes = sorted(d["ma_ho_so"] for d in spec.dossiers)
    root = write_transfer(spec, tmp_path / "t")
    idx = services.index
    real_commit = idx.commit

    def broken():
        raise IndexingError("chỉ mục hỏng", "index commit failed")

    idx.commit = broken
    assert ingest(root, services).status == "accepted"
    with services.catalog.session() as s:
        assert sorted(index_retries.pending(s, 100)) == codes
    idx.commit = real_commit
    indexed, real_index = [], idx.index_dossier

    def counted(dossier, *a, **k):
        indexed.append(dossier["ma_ho_so"])
        return real_index(dossier, *a, **k)

    idx.index_dossier = counted
    rep = ingest(root, services)  # the same transfer again: already stored, catalogued and indexed again
    assert rep.status == "accepted"
    assert sorted(f.dossier for f in rep.findings if f.code == "DOSSIER_ALREADY_STORED") == codes
    assert sorted(indexed) == codes  # once each: no retry was left for the queue to run again
    with services.catalog.session() as s:
        assert index_retries.pending(s, 100) == []


def test_abandoned_scratch_space_is_swept_but_a_live_one_is_not(services, tmp_path):
    from luutru.ingest.staging import StagingArea

    work = services.settings.work_dir
    dead = work / "ingest-killed-run"
    (dead / "000.00.31.H57.2021.01" / "data").mkdir(parents=True)
    (dead / "000.00.31.H57.2021.01" / "data" / "x.pdf").write_bytes(b"%PDF-1.4 half")
    (work / "ingest-killed-run.lock").write_bytes(b"")  # lock file left by a killed process, not held
    with StagingArea(work, "still-running") as live:
        (live.root / "a").write_bytes(b"in use")
        rep = ingest(write_transfer(base_spec(1, 1), tmp_path / "t"), services)
        assert rep.status == "accepted"
        assert not dead.exists() and not (work / "ingest-killed-run.lock").exists()
        assert (live.root / "a").read_bytes() == b"in use"
    assert sorted(p.name for p in work.iterdir()) == []


def test_dossiers_sealed_during_the_checks_carry_their_final_warning_count(services, tmp_path, monkeypatch):
    """Each dossier is sealed as soon as its own files are checked (ingest/steps._AsChecked);
    the VALIDATION event in its AIP still counts exactly the warnings the report gives it."""
    sealed_during_checks: list[str] = []
    real = steps._seal_bag
    in_checks = {"now": False}
    real_checks = steps.per_file.check_files

    def checks(*a, **kw):
        in_checks["now"] = True
        try:
            return real_checks(*a, **kw)
        finally:
            in_checks["now"] = False

    def seal_bag(ctx, sd, warnings):
        if in_checks["now"]:
            sealed_during_checks.append(sd.record.code)
        return real(ctx, sd, warnings)

    monkeypatch.setattr(steps.per_file, "check_files", checks)
    monkeypatch.setattr(steps, "_seal_bag", seal_bag)
    rep = ingest(write_transfer(base_spec(3, 2), tmp_path / "t"), services)
    assert rep.status == "accepted", [f.message_en for f in rep.findings]
    assert sorted(sealed_during_checks) == sorted(d.code for d in rep.dossiers)  # each once, none again
    for d in rep.dossiers:
        events = load_aip_metadata(services.storage, d.code, with_text=False).events
        validation = [e for e in events if e["event_type"] == ev.VALIDATION and e["object"] == d.code]
        assert [e["outcome_detail"]["warnings"] for e in validation] == [d.warnings]
        assert d.warnings > 0  # the count is not trivially zero
