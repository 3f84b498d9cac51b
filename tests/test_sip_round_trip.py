"""Round trip between two archive instances through 05/2025 SIPs.

Instance A ingests a transfer (template), builds a SIP submission of its permanent dossiers;
instance B (another LUUTRU_HOME and catalog) ingests the submission folder — and, separately, one
package ZIP on its own — with the ordinary pipeline.  Every catalogue field, every original's
bytes and every event of A must be in B; B's receipt names each package by OBJID and checksums;
A confirms it.  A package edited after building is refused at B naming the file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from luutru.catalog.records import load_aip_metadata
from luutru.config import Settings
from luutru.disposal.transfers import transfer_confirmed
from luutru.ingest.pipeline import ingest
from luutru.ingest.sip_source import sip_packages
from luutru.services import Services
from luutru.transfer_out.confirm import confirm_receipt
from luutru.transfer_out.digests import original_component
from luutru.transfer_out.errors import ExportError
from luutru.transfer_out.register import BuildResult
from luutru.transfer_out.select import chosen_dossiers
from luutru.transfer_out.registration import register
from luutru.transfer_out.sip import SUBMISSION_SUFFIX, build_sip_submission
from tests.factory import AGENCY, base_spec, write_transfer
from tests.pgdb import catalog_url

#: Not the dossier's metadata but its ingest: service fields, and which circular the submitted
#: catalogue followed (the sender read 02/2019, the receiver reads the 05/2025 SIP). The same
#: fields the package digests leave out (transfer_out.digests.NOT_HASHED).
STRIP = ("_service", "catalogue_version")


def _instance(home: Path) -> Iterator[Services]:
    with catalog_url(home) as url:
        svc = Services(Settings(home=home, database_url=url))
        try:
            yield svc
        finally:
            svc.close()


@pytest.fixture(scope="module")
def inst_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    base = tmp_path_factory.mktemp("sip-a")
    spec = base_spec(2, 3)
    for d in spec.dossiers:
        d["thoi_han_bao_quan"] = "Vĩnh viễn"
    for svc in _instance(base / "home"):
        report = ingest(write_transfer(spec, base / "transfer", fmt="xlsx"), svc)
        assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
        yield svc


@pytest.fixture(scope="module")
def submission(inst_a: Services, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    codes = sorted(d for d in (x.code for x in chosen_dossiers(inst_a, AGENCY, _codes(inst_a))))
    register(inst_a, agency=AGENCY, archive_code="", archive_name="Trung tâm Lưu trữ lịch sử tỉnh", planned_year=2026,
             dossiers=codes, actor="luu.tru.vien")
    return build_sip_submission(inst_a, agency=AGENCY, dossiers=codes, out_dir=tmp_path_factory.mktemp("sip-out"),
                                actor="luu.tru.vien", archive_name="Trung tâm Lưu trữ lịch sử tỉnh")


def _codes(svc: Services) -> list[str]:
    return sorted(svc.storage.list_aips())


@pytest.fixture(scope="module")
def received(submission: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, Any]]:
    for svc in _instance(tmp_path_factory.mktemp("sip-b") / "home"):
        yield svc, ingest(Path(submission.path), svc)


def test_round_trip_same_metadata_bytes_and_events(inst_a: Services, submission: BuildResult,
                                                    received: tuple[Services, Any]) -> None:
    b, report = received
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    assert report.kind == "sip"
    codes = _codes(inst_a)
    assert sorted(o.code for o in report.dossiers if o.status == "stored") == codes
    for code in codes:
        ma = load_aip_metadata(inst_a.storage, code, with_text=False)
        mb = load_aip_metadata(b.storage, code, with_text=False)
        assert {k: v for k, v in mb.dossier.items() if k not in STRIP} == {k: v for k, v in ma.dossier.items() if k not in STRIP}
        assert mb.dossier["_service"]["retention_years"] is None
        docs_a = {d["ma_dinh_danh_van_ban"]: d for d in ma.documents}
        docs_b = {d["ma_dinh_danh_van_ban"]: d for d in mb.documents}
        assert set(docs_a) == set(docs_b)
        for ident, da in docs_a.items():
            db = docs_b[ident]
            assert {k: v for k, v in db.items() if k not in STRIP} == {k: v for k, v in da.items() if k not in STRIP}
            oa, ob = original_component(da), original_component(db)
            with inst_a.storage.open_file(code, oa["path"]) as fa, b.storage.open_file(code, ob["path"]) as fb:
                assert fa.read() == fb.read()
        # every event of A, field for field, in order, at the head of B's history
        assert mb.events[:len(ma.events)] == ma.events
        later = [e["event_type"] for e in mb.events[len(ma.events):]]
        assert "information package creation" in later and "ingestion" in later


def test_receipt_names_packages_and_sender_confirms(inst_a: Services, submission: BuildResult,
                                                    received: tuple[Services, Any]) -> None:
    b, report = received
    (f,) = [f for f in report.findings if f.code == "TRANSFER_OUT_RECEIPT"]
    receipt = json.loads(Path(f.details["receipt"]).read_text(encoding="utf-8"))
    side = json.loads((Path(submission.path).parent / f"{submission.package_id}{SUBMISSION_SUFFIX}").read_text("utf-8"))
    assert receipt["package_id"] == submission.package_id
    assert receipt["package_payload_manifest_sha256"] == side["submission_sha256"]
    sent = {p["dossier_code"]: p for p in side["packages"]}
    for d in receipt["dossiers"]:
        p = sent[d["ma_ho_so"]]
        assert (d["objid"], d["package_sha256"], d["mets_sha256"]) == (p["objid"], p["zip_sha256"], p["mets_sha256"])
        assert d["matches_package"] is True
    assert sorted(f.details["objids"]) == sorted(p["objid"] for p in side["packages"])
    forged = json.loads(json.dumps(receipt))
    forged["dossiers"][0]["objid"] = "uuid-00000000-0000-0000-0000-000000000000"
    with pytest.raises(ExportError) as e:
        confirm_receipt(inst_a, forged, actor="luu.tru.vien")
    assert [(x.code, x.details.get("field")) for x in e.value.findings] == [("RECEIPT_HASH_MISMATCH", "objid")]
    r = confirm_receipt(inst_a, receipt, actor="luu.tru.vien")
    assert sorted(r.dossiers) == _codes(inst_a)
    with inst_a.catalog.session() as s:
        assert all(transfer_confirmed(s, c) for c in _codes(inst_a))


def test_one_package_zip_ingests_alone(submission: BuildResult, tmp_path: Path) -> None:
    one = sip_packages(Path(submission.path))[0]
    for svc in _instance(tmp_path / "c"):
        report = ingest(one, svc)
        assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
        assert len([o for o in report.dossiers if o.status == "stored"]) == 1
        (f,) = [f for f in report.findings if f.code == "TRANSFER_OUT_RECEIPT"]
        (d,) = json.loads(Path(f.details["receipt"]).read_text(encoding="utf-8"))["dossiers"]
        assert d["package"] == one.name and d["package_sha256"] == hashlib.sha256(one.read_bytes()).hexdigest()


def test_edited_package_is_refused_naming_the_file(submission: BuildResult, tmp_path: Path) -> None:
    src = sip_packages(Path(submission.path))[0]
    folder = tmp_path / "sub"
    folder.mkdir()
    bad = folder / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        victim = next(n for n in zin.namelist() if "/representations/rep1/data/" in n)
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == victim:
                data = data[:-10] + b"0123456789"
            zout.writestr(info, data)
    for svc in _instance(tmp_path / "d"):
        report = ingest(folder, svc)
        assert report.status == "rejected"
        named = [(f.code, f.file) for f in report.findings if f.is_error]
        assert ("SIP_CHECKSUM_MISMATCH", f"{src.name}/{victim.split('/', 1)[1]}") in named
        assert not list(svc.storage.list_aips())
    shutil.rmtree(folder)


def test_submission_bytes_are_what_the_sidecar_says(submission: BuildResult) -> None:
    side = json.loads((Path(submission.path).parent / f"{submission.package_id}{SUBMISSION_SUFFIX}").read_text("utf-8"))
    for p in side["packages"]:
        data = (Path(submission.path) / p["zip"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == p["zip_sha256"] and len(data) == p["zip_size"]
