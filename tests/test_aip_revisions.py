"""AIP revisions (OCFL versions): a change after ingest is a new revision in storage,
earlier revisions stay readable, reindex restores every event from storage alone."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

import luutru.catalog.models as m
from luutru.audit.trail import list_events
from luutru.catalog.records import load_aip_metadata
from luutru.packaging.ocfl import export_object
from luutru.preservation.corrections import correct_metadata
from luutru.preservation.fixity_run import run_audit
from luutru.preservation.reindex import reindex
from luutru.preservation.revisions import history, reader
from luutru.preservation.storage.keystore import KeyDestroyed
from luutru.records.events import FIXITY_CHECK, METADATA_MODIFICATION
from luutru.records.findings import Refused
from luutru.search import Rights, SearchQuery
from luutru.services import Services
from tests.disposal_helpers import PEOPLE_PASSWORD, copy_home, seed_template


def ocfl_validator() -> Path:
    """ocfl-py's validator, in its own environment (scripts/setup makes .venv-ocfl: its
    dependencies clash with boto3's); a missing one skips, or fails in CI."""
    exe = Path(__file__).resolve().parent.parent / ".venv-ocfl" / "bin" / "ocfl-validate.py"
    if not exe.exists():
        reason = "ocfl-py not installed: run scripts/setup (it makes .venv-ocfl)"
        if os.environ.get("LUUTRU_REQUIRE_ENGINES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return exe


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_template(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def svc(template, tmp_path: Path):
    home, _ing = template
    s = copy_home(home, tmp_path / "home")
    yield s
    s.close()


def _raw(svc: Services, code: str):
    def read(rel: str) -> bytes:
        with svc.storage.open_file(code, rel) as f:
            return f.read()
    return read


def _events(svc: Services, code: str) -> list[m.Event]:
    with svc.catalog.session() as s:
        return list(s.query(m.Event).filter(m.Event.dossier_code == code))


def test_correction_creates_revision_2_and_revision_1_stays_readable(svc: Services, template,
                                                                     tmp_path: Path) -> None:
    _home, ing = template
    code = ing.permanent
    before = load_aip_metadata(svc.storage, code)
    assert before.revision == before.revisions == 1
    old_title = before.dossier["tieu_de"]
    stored_before = {p: os.stat(p).st_mtime_ns for p in (svc.settings.home_dir / "storage" / "aips" / code).rglob("*")
                     if p.is_file()}

    c = correct_metadata(svc, code, fields={"tieu_de": "Hồ sơ kế hoạch (đã hiệu đính)"},
                         reason="Tiêu đề sai so với bản gốc", actor="lan.luutru")
    assert c.revision == 2 and c.changed == {"tieu_de": {"old": old_title, "new": "Hồ sơ kế hoạch (đã hiệu đính)"}}

    head = load_aip_metadata(svc.storage, code)
    v1 = load_aip_metadata(svc.storage, code, version=1)
    assert (head.revision, head.revisions) == (2, 2)
    assert head.dossier["tieu_de"] == "Hồ sơ kế hoạch (đã hiệu đính)"
    assert v1.dossier["tieu_de"] == old_title  # revision 1 readable as it was
    ev = [e for e in head.events if e["event_type"] == METADATA_MODIFICATION]
    assert ev and ev[0]["outcome_detail"]["reason"] == "Tiêu đề sai so với bản gốc"
    # Nothing stored before was rewritten: new files only, read-only like the bag.
    for p, mtime in stored_before.items():
        assert os.stat(p).st_mtime_ns == mtime, p
    rev_dir = svc.settings.home_dir / "storage" / "aips" / code / "revisions" / "v2"
    assert (rev_dir / "manifest-sha256.txt").is_file()
    assert not any(os.stat(p).st_mode & stat.S_IWUSR for p in rev_dir.rglob("*") if p.is_file())
    # Catalog, search and audit trail follow.
    with svc.catalog.session() as s:
        assert s.get(m.Dossier, code).title == "Hồ sơ kế hoạch (đã hiệu đính)"
    trail = list_events(svc, action="aip.correct", obj=f"dossier:{code}")
    assert trail and trail[0]["actor"] == "lan.luutru" and trail[0]["detail"]["revision"] == 2
    hits = svc.index.search(SearchQuery(text="hiệu đính"), Rights(see_restricted=True)).hits
    assert code in {h.dossier_code for h in hits}
    assert [h["version"] for h in history(svc.storage, code)] == [1, 2]

    # A standard OCFL object: ocfl-py validates the export (inventories, digests, content).
    obj = export_object(_raw(svc, code), svc.storage.list_files(code), tmp_path / "ocfl")
    r = subprocess.run([str(ocfl_validator()), str(obj)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "is VALID" in r.stdout + r.stderr, r.stdout + r.stderr
    inv = json.loads((obj / "inventory.json").read_text())
    assert inv["head"] == "v2" and inv["digestAlgorithm"] == "sha512" and "sha256" in inv["fixity"]

    # After reindex from storage alone: the corrected title and the event are back.
    reindex(svc)
    with svc.catalog.session() as s:
        assert s.get(m.Dossier, code).title == "Hồ sơ kế hoạch (đã hiệu đính)"
    assert any(e.event_type == METADATA_MODIFICATION for e in _events(svc, code))


def test_correction_refusals(svc: Services, template) -> None:
    _home, ing = template
    code = ing.permanent
    with pytest.raises(Refused) as e:
        correct_metadata(svc, code, fields={"tieu_de": "x"}, reason=" ", actor="a")
    assert e.value.findings[0].code == "CORRECTION_NO_REASON"
    with pytest.raises(Refused) as e:
        correct_metadata(svc, code, fields={"ma_ho_so": "x"}, reason="r", actor="a")
    assert e.value.findings[0].code == "CORRECTION_FIELD_UNKNOWN"
    with pytest.raises(Refused) as e:
        correct_metadata(svc, "000.00.00.X00.1999.99", fields={"tieu_de": "x"}, reason="r", actor="a")
    assert e.value.findings[0].code == "REVISION_UNKNOWN_DOSSIER"
    assert reader(svc.storage, code).head == 1  # nothing written


def test_fixity_event_survives_reindex(svc: Services, template) -> None:
    _home, ing = template
    codes = [ing.permanent, ing.current]
    rep = run_audit(svc, aip_ids=codes)
    assert rep.ok
    ids = {c: {e.id for e in _events(svc, c) if e.event_type == FIXITY_CHECK} for c in codes}
    assert all(ids.values())
    for c in codes:
        assert reader(svc.storage, c).head == 2
    reindex(svc)
    for c in codes:
        assert {e.id for e in _events(svc, c) if e.event_type == FIXITY_CHECK} == ids[c]
    # A second audit reads the revision too (its manifest covers the stored bytes) and finds it whole.
    rep2 = run_audit(svc, aip_ids=codes)
    assert rep2.ok, rep2
    for c in codes:
        assert reader(svc.storage, c).head == 3


def test_revisions_of_an_encrypted_aip_die_with_its_key(svc: Services, template) -> None:
    _home, ing = template
    code = ing.current  # fixed-term: stored encrypted
    assert svc.storage.is_encrypted(code)
    correct_metadata(svc, code, fields={"tieu_de": "Tiêu đề mới bí mật"}, reason="sai chính tả", actor="lan")
    rev = svc.settings.home_dir / "storage" / "aips" / code / "revisions" / "v2"
    stored = b"".join(p.read_bytes() for p in rev.rglob("*") if p.is_file())
    assert "Tiêu đề mới bí mật".encode() not in stored  # encrypted at rest
    assert load_aip_metadata(svc.storage, code).dossier["tieu_de"] == "Tiêu đề mới bí mật"
    rep = run_audit(svc, aip_ids=[code])  # fixity of the stored (encrypted) revision needs no key
    assert rep.ok, rep
    svc.storage.destroy_key(code, reason="test", actor="lan")
    svc.storage.forget_cached(code)
    with pytest.raises(KeyDestroyed):
        load_aip_metadata(svc.storage, code)
    with pytest.raises(KeyDestroyed):
        svc.storage.open_file(code, "revisions/v2/inventory.json").read()


def test_correction_through_the_api(svc: Services, template) -> None:
    from fastapi.testclient import TestClient

    from luutru.api.app import create_app
    from tests.api_helpers import bearer, make_accounts

    _home, ing = template
    code = ing.permanent
    tokens = make_accounts(svc)
    client = TestClient(create_app(services=svc))
    url = f"/api/dossiers/{code}/corrections"
    body = {"fields": {"tieu_de": "Tiêu đề hiệu đính qua API"}, "reason": "Sai so với văn bản gốc"}
    assert client.post(url, json=body, headers=bearer(tokens["researcher"])).status_code == 403
    r = client.post(url, json={**body, "reason": ""}, headers=bearer(tokens["archivist"]))
    assert r.status_code == 422 and "CORRECTION_NO_REASON" in r.text
    r = client.post(url, json=body, headers=bearer(tokens["archivist"]))
    assert r.status_code == 201, r.text
    assert r.json()["revision"] == 2
    r = client.get(f"/api/dossiers/{code}/revisions", headers=bearer(tokens["researcher"]))
    assert r.status_code == 200 and [v["version"] for v in r.json()["revisions"]] == [1, 2]
    assert r.json()["revisions"][1]["user"]["name"] == "archivist"
    # the dossier page lists the revisions; archivists get the correction form, researchers not
    page = client.get(f"/ho-so/{code}", headers={**bearer(tokens["archivist"]), "Accept": "text/html"})
    assert page.status_code == 200 and 'id="correct-form"' in page.text and "v2" in page.text
    assert "Sai so với văn bản gốc" in page.text
    page = client.get(f"/ho-so/{code}", headers={**bearer(tokens["researcher"]), "Accept": "text/html"})
    assert page.status_code == 200 and 'id="correct-form"' not in page.text


def test_correction_through_the_cli(svc: Services, template, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from luutru.cli.main import app

    _home, ing = template
    code = ing.permanent
    monkeypatch.setenv("LUUTRU_HOME", str(svc.settings.home_dir))
    monkeypatch.setenv("LUUTRU_DATABASE_URL", svc.settings.db_url)
    runner = CliRunner()
    fix = ["correct", code, "--set", "tieu_de=Tiêu đề từ CLI", "--reason", "sai chính tả"]
    # The actor signs in (luutru/cli/signin.py): a council member may not correct records.
    r = runner.invoke(app, [*fix, "--as", "hoa.hoidong"], input=PEOPLE_PASSWORD + "\n")
    assert r.exit_code == 1 and "SIGN_IN_NOT_PERMITTED" in r.output, r.output
    r = runner.invoke(app, [*fix, "--as", "tuan.luutru", "--json"], input="sai-mat-khau\n")
    assert r.exit_code == 1 and "SIGN_IN_FAILED" in r.stdout, r.output
    r = runner.invoke(app, [*fix, "--as", "tuan.luutru", "--json"], input=PEOPLE_PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["revision"] == 2
    r = runner.invoke(app, ["correct", code, "--set", "tieu_de=Tiêu đề từ CLI", "--reason", "x", "--as", "tuan.luutru"],
                      input=PEOPLE_PASSWORD + "\n")
    assert r.exit_code != 0 and "CORRECTION_NOTHING" in r.output
    r = runner.invoke(app, ["revisions", code, "--revision", "1", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["dossier"]["tieu_de"] != "Tiêu đề từ CLI"
    r = runner.invoke(app, ["revisions", code])
    assert r.exit_code == 0 and "v2" in r.stdout and "sai chính tả" in r.stdout


def test_same_transfer_after_a_correction_is_already_stored(svc: Services, template, tmp_path: Path) -> None:
    from luutru.ingest.pipeline import ingest
    from tests.disposal_helpers import build_spec
    from tests.factory import write_transfer

    _home, ing = template
    correct_metadata(svc, ing.permanent, fields={"tieu_de": "Tiêu đề đã hiệu đính"}, reason="sai", actor="lan")
    spec, _secret = build_spec()
    report = ingest(write_transfer(spec, tmp_path / "again"), svc)
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    assert {d.code: d.status for d in report.dossiers}[ing.permanent] == "already_stored"
    assert load_aip_metadata(svc.storage, ing.permanent).dossier["tieu_de"] == "Tiêu đề đã hiệu đính"


def test_a_revision_missing_at_a_replica_is_repaired_by_the_audit(tmp_path: Path) -> None:
    import shutil

    from luutru.preservation.fixity import CopyStatus, audit
    from luutru.preservation.revisions import write_revision
    from luutru.preservation.storage.local import LocalStorage
    from luutru.preservation.storage.replicated import ReplicatedStorage
    from tests.test_storage_local import make_bag

    bag = make_bag(tmp_path / "bag", {"metadata/dossier.json": b"{}", "objects/a.pdf": b"%PDF-1.4 a"})
    two = ReplicatedStorage(LocalStorage(tmp_path / "a"), [LocalStorage(tmp_path / "b")])
    two.put_aip("X1", bag)
    assert write_revision(two, "X1", {"data/metadata/dossier.json": b'{"v": 2}'}, message="m", user="u") == 2
    assert audit(two.locations, aip_ids=["X1"]).ok
    rev = tmp_path / "b" / "aips" / "X1" / "revisions"
    for p in rev.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(rev)
    rep = audit(two.locations, aip_ids=["X1"])
    statuses = {c.location: c.status for c in rep.aips[0].copies}
    assert statuses[two.replicas[0].url] is CopyStatus.REPAIRED, rep
    assert reader(two.replicas[0], "X1").read("data/metadata/dossier.json") == b'{"v": 2}'
