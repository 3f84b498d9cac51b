"""Transfer of permanent records to a historical archive, end to end between two instances.

Instance A (the agency archive) ingests a transfer, selects its due permanent dossiers,
builds the package; instance B (the historical archive, another LUUTRU_HOME) ingests the
package with the ordinary pipeline and writes a receipt; A confirms the receipt with the
CLI.  Then every catalogue field of every dossier and document, and the SHA-256 of every
original file, must be the same in A and B; and the disposal rule must see the receipt.
Negative cases: a tampered package is rejected at B naming the bad file; a receipt for
another package is refused; fixed-term dossiers are not selected.

The tests do not depend on their order (``pytest -p randomly``): the module-wide
instances (A with the transfer ingested, its package, B after ingesting it) are only
read by the tests that share them, or written where no other test looks (another
package, refused confirmations); the round trip, which confirms the package and
rebuilds A's catalog, runs on instances of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import bagit
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import luutru.api.accounts as accounts
import luutru.catalog.models as m
from luutru.api.app import create_app
from luutru.catalog.audit_models import AuditEvent
from luutru.catalog.disposal_models import DossierTransfer
from luutru.catalog.records import load_aip_metadata
from luutru.config import Settings
from luutru.disposal.transfers import transfer_confirmed, transfer_required
from luutru.ingest.checks.fulltext import extract_pdf_text
from luutru.ingest.pipeline import ingest
from luutru.packaging.bag import BAGIT_LOCK
from luutru.packaging.catalogue_reader import read_catalogue
from luutru.preservation.reindex import reindex
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS
from luutru.services import Services
from luutru.transfer_out.confirm import confirm_receipt
from luutru.transfer_out.digests import original_component
from luutru.transfer_out.errors import ExportError
from luutru.transfer_out.layout import (
    CATALOGUE_PDF,
    HANDOVER_JSON,
    HANDOVER_PDF,
    METADATA_DIR,
)
from luutru.transfer_out.package import build_package
from luutru.transfer_out.register import BuildResult, get_package
from luutru.transfer_out.registration import register
from luutru.transfer_out.select import chosen_dossiers, due_for_transfer
from tests.api_helpers import bearer, make_accounts
from tests.factory import (
    AGENCY,
    TransferSpec,
    document_row,
    dossier_row,
    make_pdf,
    write_transfer,
)
from tests.pgdb import catalog_url

AS_OF = 2026  # fixed, so the due list does not depend on the clock
# Law 2024 Art. 17: 5 years from the deposit year, at the latest the year after closing
DUE = [f"{AGENCY}.2015.01", f"{AGENCY}.2018.04"]  # permanent, closed 2015 / 2018: due by 2021 / 2024
NOT_DUE = f"{AGENCY}.2024.02"  # permanent, closed 2024: due in 2030
FIXED = f"{AGENCY}.2012.03"  # 10 years, closed 2012: never selected by default


def _spec() -> TransferSpec:
    spec = TransferSpec()
    rows = [(1, 2015, "Vĩnh viễn", 3), (2, 2024, "Vĩnh viễn", 1), (3, 2012, "10 năm", 1), (4, 2018, "Vĩnh viễn", 2)]
    for n, year, retention, docs in rows:
        d = dossier_row(n, docs, year=year, retention=retention,
                        title=f"Hồ sơ về việc quy hoạch sử dụng đất huyện Châu Thành năm {year} số {n:02d}")
        d.update(thoi_gian_bat_dau=f"05/01/{year}", thoi_gian_ket_thuc=f"28/12/{year}")
        if n == 1:  # optional fields too, so the round trip covers them
            d.update(chu_giai="Có bản đồ kèm theo", tu_khoa="quy hoạch; đất đai", so_luong_trang=12,
                     nguoi_lap="Nguyễn Thị Hạnh", nhom_thoi_han="1.1", ky_hieu_thong_tin="QH-01")
        spec.dossiers.append(d)
        for s in range(1, docs + 1):
            # dossier 1 has two files with the same name in different folders
            path = f"files/{year}-{n}/{'phu-luc' if s == 2 else 'chinh'}/văn bản.pdf" if n == 1 and s <= 2 \
                else f"files/{year}-{n}/{s:04d}_tờ trình.pdf"
            data = make_pdf([f"TỜ TRÌNH số {s}/TTr-UBND năm {year}", f"Về việc quy hoạch sử dụng đất, hồ sơ {n}"])
            spec.files[path] = data
            over: dict[str, Any] = {"ngay_van_ban": f"15/03/{year}"}
            if n == 1 and s == 3:
                over.update(che_do_su_dung="Hạn chế", nguoi_ky="Trần Văn Bình", ghi_chu="Bản gốc điện tử có chữ ký số",
                            tu_khoa="đất đai", so_trang=2)
            spec.documents.append(document_row(d, s, path, hashlib.sha256(data).hexdigest() if s != 2 else None, **over))
    return spec


@contextmanager
def _instance(home: Path) -> Iterator[Services]:
    """One more archive instance: its own LUUTRU_HOME and catalog (a database of its own on
    PostgreSQL when LUUTRU_TEST_DATABASE_URL names one, as tests/conftest.py does)."""
    with catalog_url(home) as url:
        svc = Services(Settings(home=home, database_url=url))
        try:
            yield svc
        finally:
            svc.close()


@contextmanager
def _sender(base: Path) -> Iterator[Services]:
    """Instance A (the agency archive) with the transfer ingested."""
    with _instance(base / "home") as svc:
        report = ingest(write_transfer(_spec(), base / "transfer", fmt="xlsx"), svc)
        assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
        # Circular 06/2025 Art. 3: the submission is registered before a package is built
        register(svc, agency=AGENCY, archive_code="", archive_name="Lưu trữ lịch sử tỉnh", planned_year=AS_OF,
                 dossiers=DUE + [NOT_DUE], actor="luu.tru.vien")
        yield svc


def _build(inst_a: Services, out_dir: Path) -> BuildResult:
    return build_package(inst_a, agency=AGENCY, as_of=AS_OF, out_dir=out_dir, actor="luu.tru.vien")


@contextmanager
def _receiver(package: BuildResult, base: Path) -> Iterator[tuple[Services, Any]]:
    """Instance B (the historical archive, another LUUTRU_HOME) after ingesting the package."""
    with _instance(base / "home") as svc:
        yield svc, ingest(Path(package.path), svc)


@pytest.fixture(scope="module")
def inst_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Instance A, shared by the tests that only read it (one ingest for all of them)."""
    with _sender(tmp_path_factory.mktemp("instance-a")) as svc:
        yield svc


@pytest.fixture(scope="module")
def package(inst_a: Services, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return _build(inst_a, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def received(package: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, Any]]:
    """Instance B after ingesting the shared package."""
    with _receiver(package, tmp_path_factory.mktemp("instance-b")) as pair:
        yield pair


@pytest.fixture
def own_transfer(tmp_path: Path) -> Iterator[tuple[Services, BuildResult, Services, Any]]:
    """A, its package and B, for a test that changes them (confirms the package, rebuilds A)."""
    with _sender(tmp_path / "a") as a:
        pkg = _build(a, tmp_path / "out")
        with _receiver(pkg, tmp_path / "b") as (b, report):
            yield a, pkg, b, report


def _cli(svc: Services, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:  # noqa: A002
    """The real command, in its own process, on the instance ``svc``."""
    env = dict(os.environ, LUUTRU_HOME=str(svc.settings.home_dir), LUUTRU_DATABASE_URL=svc.settings.db_url)
    env.pop("LUUTRU_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "luutru.cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=120, input=input if input is not None else "")


ARCHIVIST, ARCHIVIST_PASSWORD = "luu.tru.vien", "mật-khẩu-lưu-trữ-1"


def _signed_in(svc: Services) -> dict[str, str]:
    """``_cli`` arguments that sign the archivist in (``transfer-out confirm`` asks who acts)."""
    if accounts.get_user(svc, ARCHIVIST) is None:
        accounts.create_user(svc, ARCHIVIST, roles=["archivist"], password=ARCHIVIST_PASSWORD, actor="test")
    return {"input": ARCHIVIST_PASSWORD + "\n"}


def _receipt(report: Any) -> Path:
    (f,) = [f for f in report.findings if f.code == "TRANSFER_OUT_RECEIPT"]
    return Path(f.details["receipt"])


# -- selection ----------------------------------------------------------------------------------


def test_due_list_holds_only_permanent_dossiers_whose_deadline_came(inst_a: Services) -> None:
    assert [c.code for c in due_for_transfer(inst_a, AGENCY, AS_OF)] == DUE
    assert [c.code for c in due_for_transfer(inst_a, AGENCY, 2029)] == DUE
    assert [c.code for c in due_for_transfer(inst_a, AGENCY, 2030)] == sorted(DUE + [NOT_DUE])
    assert [c.code for c in due_for_transfer(inst_a, AGENCY, 2020)] == []  # deposit by 2016 + 5 = 2021
    # the fixed-term dossier closed in 2012 is never due, whatever the year
    assert FIXED not in [c.code for c in due_for_transfer(inst_a, AGENCY, 2100, include_transferred=True)]


def test_explicit_fixed_term_dossier_is_refused_unless_asked(inst_a: Services, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as e:
        chosen_dossiers(inst_a, AGENCY, [FIXED, "000.00.31.H57.1999.99"])
    codes = {f.code: f for f in e.value.findings}
    assert set(codes) == {"TRANSFER_OUT_NOT_PERMANENT", "TRANSFER_OUT_UNKNOWN_DOSSIER"}
    assert codes["TRANSFER_OUT_NOT_PERMANENT"].dossier == FIXED
    assert "--include-fixed-term" in codes["TRANSFER_OUT_NOT_PERMANENT"].message_en
    assert [c.code for c in chosen_dossiers(inst_a, AGENCY, [FIXED], include_fixed_term=True)] == [FIXED]
    # the same through the command: exit 1, the reason on stderr, no package written
    r = _cli(inst_a, "transfer-out", "build", "--agency", AGENCY, "--dossier", FIXED, "--out", str(tmp_path / "x"),
             "--as", ARCHIVIST, **_signed_in(inst_a))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "TRANSFER_OUT_NOT_PERMANENT" in r.stderr and "vĩnh viễn" in r.stderr
    assert not list((tmp_path / "x").glob("LS-*"))


def test_package_needs_a_registered_submission(inst_a: Services, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as e:
        build_package(inst_a, agency=AGENCY, dossiers=[FIXED], include_fixed_term=True, out_dir=tmp_path,
                      actor="luu.tru.vien")
    (f,) = e.value.findings
    assert f.code == "REGISTRATION_MISSING" and f.details["dossiers"] == [FIXED]
    assert not list(tmp_path.glob("LS-*"))


# -- the package ---------------------------------------------------------------------------------


def test_package_is_a_valid_bag_in_the_ingest_template(package: BuildResult, inst_a: Services) -> None:
    root = Path(package.path)
    bag = bagit.Bag(str(root))
    bag.validate()
    assert bag.info["BagIt-Profile-Identifier"] == "luutru-transfer-out/1"
    assert bag.info["External-Identifier"] == package.package_id
    assert bag.info["Organization-Address"] == AGENCY
    assert "sha256" in bag.algorithms
    assert [d.code for d in package.dossiers] == DUE

    cat = read_catalogue(root / "data")
    assert not [f for f in cat.findings if f.is_error]
    assert sorted(r.values["ma_ho_so"] for r in cat.dossiers) == DUE
    assert len(cat.documents) == 5
    payload = {p.relative_to(root / "data").as_posix() for p in (root / "data").rglob("*") if p.is_file()}
    listed = {r.values["duong_dan_tep"] for r in cat.documents}
    assert payload == listed | {"muc_luc_ho_so.xlsx"}  # nothing unlisted in the payload
    for r in cat.documents:
        path = r.values["duong_dan_tep"]
        assert path.startswith(f"files/{r.values['ma_ho_so']}/")
        assert hashlib.sha256((root / "data" / path).read_bytes()).hexdigest() == r.values["sha256"]
    # the two same-named files of dossier 1 both travel, under distinct names
    assert len({p for p in listed if p.startswith(f"files/{DUE[0]}/")}) == 3

    handover = json.loads((root / HANDOVER_JSON).read_text(encoding="utf-8"))
    assert handover["sender"]["agency_code"] == AGENCY and handover["receiver"]["archive_name"]
    assert handover["totals"] == {"dossiers": 2, "documents": 5, "files": 5, "bytes": package.bytes}
    assert [(d["ma_ho_so"], d["documents"]) for d in handover["dossiers"]] == [(DUE[0], 3), (DUE[1], 2)]
    assert [s["side"] for s in handover["signatures"]] == ["sender", "receiver"]
    text = extract_pdf_text(root / HANDOVER_PDF).text or ""
    assert "BIÊN BẢN" in text and "ĐẠI DIỆN BÊN GIAO" in text and DUE[1] in text
    cat_text = extract_pdf_text(root / CATALOGUE_PDF).text or ""
    assert "MỤC LỤC HỒ SƠ" in cat_text and "quy hoạch sử dụng đất" in cat_text
    for code in DUE:
        premis = json.loads((root / METADATA_DIR / code / "premis.json").read_text(encoding="utf-8"))
        assert {e["event_type"] for e in premis} >= {"ingestion", "message digest calculation"}
    # recorded in A: the package, its dossiers, a "packing" event each
    assert get_package(inst_a, package.package_id)["status"] == "built"
    with inst_a.catalog.session() as s:
        packed = s.scalars(select(m.Event.dossier_code).where(m.Event.event_type == "packing")).all()
    assert set(DUE) <= set(packed)


# -- round trip ------------------------------------------------------------------------------------


def test_round_trip_metadata_and_bytes_equal_and_receipt_confirmed(
        own_transfer: tuple[Services, BuildResult, Services, Any]) -> None:
    inst_a, package, b, report = own_transfer
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    assert [(o.code, o.status) for o in report.dossiers] == [(c, "stored") for c in DUE]
    receipt_path = _receipt(report)
    assert receipt_path == b.settings.home_dir / "receipts" / f"{package.package_id}.json"
    assert receipt_path.with_suffix(".pdf").is_file()
    receipt = json.loads(receipt_path.read_text(encoding="utf-8"))
    assert receipt["package_id"] == package.package_id
    assert all(d["matches_package"] for d in receipt["dossiers"])
    assert (b.settings.home_dir / "receipts" / f"{package.package_id}.sender" / "bien_ban_giao_nhan.json").is_file()

    for code in DUE:
        ma, mb = load_aip_metadata(inst_a.storage, code, with_text=False), load_aip_metadata(b.storage, code, with_text=False)
        same = ("_service", "catalogue_version")  # A read a 02/2019 catalogue, B the exported 05/2025 one
        assert {k: v for k, v in mb.dossier.items() if k not in same} == \
            {k: v for k, v in ma.dossier.items() if k not in same}
        assert (ma.dossier["catalogue_version"], mb.dossier["catalogue_version"]) == ("02/2019/TT-BNV", "05/2025/TT-BNV")
        assert set(mb.dossier) >= {c.key for c in DOSSIER_COLUMNS}
        assert mb.dossier["_service"]["retention_years"] is None  # still permanent at B
        docs_a = {d["ma_dinh_danh_van_ban"]: d for d in ma.documents}
        docs_b = {d["ma_dinh_danh_van_ban"]: d for d in mb.documents}
        assert set(docs_a) == set(docs_b)
        for ident, da in docs_a.items():
            db = docs_b[ident]
            orig_a, orig_b = original_component(da), original_component(db)
            for col in DOCUMENT_COLUMNS:
                if col.key == "duong_dan_tep":  # packaging column: the path inside the package
                    assert db[col.key].startswith(f"files/{code}/")
                elif col.key == "sha256":  # packaging column: now always filled, = the original's hash
                    assert db[col.key] == orig_a["sha256"]
                else:
                    assert db[col.key] == da[col.key], (ident, col.key)
            assert db["_service"]["access_regime"] == da["_service"]["access_regime"]
            with inst_a.storage.open_file(code, orig_a["path"]) as fa, b.storage.open_file(code, orig_b["path"]) as fb:
                bytes_a, bytes_b = fa.read(), fb.read()
            assert hashlib.sha256(bytes_b).hexdigest() == hashlib.sha256(bytes_a).hexdigest() == orig_a["sha256"]

    with inst_a.catalog.session() as s:
        assert not any(transfer_confirmed(s, c) for c in DUE)
    # The receipt frees the agency's copies: its actor signs in (luutru/cli/signin.py), here with
    # the password on standard input; a researcher account is refused and changes nothing.
    signed_in = _signed_in(inst_a)
    accounts.create_user(inst_a, "ban.doc", roles=["researcher"], password="mật-khẩu-bạn-đọc-1", actor="test")
    r = _cli(inst_a, "transfer-out", "confirm", str(receipt_path), "--as", "ban.doc", input="mật-khẩu-bạn-đọc-1\n")
    assert r.returncode == 1 and "SIGN_IN_NOT_PERMITTED" in r.stderr, r.stdout + r.stderr
    with inst_a.catalog.session() as s:
        assert not any(transfer_confirmed(s, c) for c in DUE)
    r = _cli(inst_a, "transfer-out", "confirm", str(receipt_path), "--as", ARCHIVIST, **signed_in)
    assert r.returncode == 0, r.stdout + r.stderr
    assert package.package_id in r.stdout
    with inst_a.catalog.session() as s:
        for code in DUE:
            assert transfer_required(s, code, None) and transfer_confirmed(s, code)
            assert s.get(DossierTransfer, code).receipt_id == receipt["receipt_id"]
        assert not transfer_confirmed(s, NOT_DUE)
        moved = s.scalars(select(m.Event).where(m.Event.event_type == "transfer")).all()
        assert sorted(e.dossier_code for e in moved) == DUE
        assert all(e.outcome_detail["receipt_id"] == receipt["receipt_id"] for e in moved)
        audit = s.scalars(select(AuditEvent.action)).all()
    assert "export.build" in audit and "export.confirm" in audit
    assert get_package(inst_a, package.package_id)["status"] == "confirmed"
    assert due_for_transfer(inst_a, AGENCY, AS_OF) == []  # confirmed ones are no longer due

    # the transfer records are not derived from the AIPs: a rebuild of the catalog keeps them
    assert not reindex(inst_a, index=False).failed
    with inst_a.catalog.session() as s:
        assert all(transfer_confirmed(s, c) for c in DUE)
        # ... and the confirmation events come back from the AIPs (written as a new revision)
        moved = s.scalars(select(m.Event).where(m.Event.event_type == "transfer")).all()
        assert sorted(e.dossier_code for e in moved) == DUE
    assert get_package(inst_a, package.package_id)["status"] == "confirmed"

    again = _cli(inst_a, "transfer-out", "confirm", str(receipt_path), "--as", ARCHIVIST, "--json", **signed_in)
    assert again.returncode == 0 and json.loads(again.stdout)["already"] is True
    listed = _cli(inst_a, "transfer-out", "list", "--json")
    assert [p["status"] for p in json.loads(listed.stdout) if p["package_id"] == package.package_id] == ["confirmed"]


def test_ordinary_transfer_gets_no_receipt(services: Services, tmp_path: Path) -> None:
    b = services
    spec = TransferSpec()
    d = dossier_row(7, 1, year=2023)
    spec.dossiers.append(d)
    data = make_pdf(["Công văn số 7"])
    spec.files["files/07/0001.pdf"] = data
    spec.documents.append(document_row(d, 1, "files/07/0001.pdf", hashlib.sha256(data).hexdigest()))
    root = write_transfer(spec, tmp_path / "ordinary")
    bagit.make_bag(str(root), checksums=["sha256"])  # a plain bag, not a transfer-out package
    receipts = b.settings.home_dir / "receipts"
    before = sorted(receipts.iterdir()) if receipts.exists() else []
    report = ingest(root, b)
    assert report.status == "accepted"
    assert not [f for f in report.findings if f.code.startswith("TRANSFER_OUT")]
    assert (sorted(receipts.iterdir()) if receipts.exists() else []) == before


# -- refusals ----------------------------------------------------------------------------------------


def test_tampered_package_is_rejected_naming_the_file(package: BuildResult, services: Services, tmp_path: Path) -> None:
    copy = tmp_path / "tampered"
    shutil.copytree(package.path, copy)
    victim = sorted((copy / "data" / "files" / DUE[1]).iterdir())[0]
    rel = victim.relative_to(copy).as_posix()
    data = bytearray(victim.read_bytes())
    i = data.index(b"/Producer") if b"/Producer" in data else len(data) // 2
    data[i + 1] ^= 0x20  # one byte changed, same size: only the checksums can tell
    victim.write_bytes(bytes(data))
    report = ingest(copy, services)
    assert report.status == "rejected"
    bad = [f for f in report.findings if f.is_error]
    assert {(f.code, f.file) for f in bad} == {("BAG_CHECKSUM_MISMATCH", rel),
                                               ("CHECKSUM_MISMATCH", rel.removeprefix("data/"))}
    assert not list(services.storage.list_aips())
    assert not (services.settings.home_dir / "receipts").exists()

    # re-bagged over the changed file: the bag is consistent, the catalogue's SHA-256 is not
    with BAGIT_LOCK:
        bag = bagit.Bag(str(copy))
        bag.save(manifests=True)
    report = ingest(copy, services)
    assert report.status == "rejected"
    bad = [f for f in report.findings if f.is_error]
    assert {f.code for f in bad} == {"CHECKSUM_MISMATCH"} and bad[0].file == rel.removeprefix("data/")
    assert not list(services.storage.list_aips())


def test_receipt_for_another_package_is_refused(inst_a: Services, package: BuildResult,
                                                received: tuple[Services, Any], tmp_path: Path) -> None:
    _, report = received
    receipt = json.loads(_receipt(report).read_text(encoding="utf-8"))
    other = build_package(inst_a, agency=AGENCY, dossiers=[NOT_DUE], out_dir=tmp_path, actor="luu.tru.vien")

    forged = dict(receipt, package_id=other.package_id)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    r = _cli(inst_a, "transfer-out", "confirm", str(path), "--as", ARCHIVIST, "--json", **_signed_in(inst_a))
    assert r.returncode == 1, r.stdout + r.stderr
    codes = {(f["code"], f["dossier"]) for f in json.loads(r.stdout)["findings"]}
    assert ("RECEIPT_PACKAGE_HASH_MISMATCH", None) in codes
    assert ("RECEIPT_DOSSIER_MISSING", NOT_DUE) in codes
    assert {("RECEIPT_DOSSIER_UNEXPECTED", c) for c in DUE} <= codes
    with inst_a.catalog.session() as s:
        assert not transfer_confirmed(s, NOT_DUE)
    assert get_package(inst_a, other.package_id)["status"] == "built"

    with pytest.raises(ExportError) as e:
        confirm_receipt(inst_a, dict(receipt, package_id="LS-000.00.31.H57-20990101-ffffff"))
    assert [f.code for f in e.value.findings] == ["RECEIPT_UNKNOWN_PACKAGE"]

    changed = json.loads(json.dumps(receipt))
    changed["dossiers"][1]["content_sha256"] = "0" * 64
    with pytest.raises(ExportError) as e:
        confirm_receipt(inst_a, changed)
    assert [(f.code, f.dossier) for f in e.value.findings] == [("RECEIPT_HASH_MISMATCH", DUE[1])]

    bad = tmp_path / "not-json.json"
    bad.write_text("{ không phải JSON", encoding="utf-8")
    r = _cli(inst_a, "transfer-out", "confirm", str(bad), "--as", ARCHIVIST, **_signed_in(inst_a))
    assert r.returncode == 1 and "RECEIPT_UNREADABLE" in r.stderr and "Traceback" not in r.stderr


# -- API -------------------------------------------------------------------------------------------------


def test_api_due_build_and_refusal(services: Services, tmp_path: Path) -> None:
    spec = TransferSpec()
    for n, retention in ((1, "Vĩnh viễn"), (3, "10 năm")):
        d = dossier_row(n, 1, year=2012, retention=retention)
        d.update(thoi_gian_bat_dau="05/01/2012", thoi_gian_ket_thuc="28/12/2012")
        spec.dossiers.append(d)
        data = make_pdf([f"Văn bản {n}"])
        spec.files[f"files/{n}.pdf"] = data
        spec.documents.append(document_row(d, 1, f"files/{n}.pdf", hashlib.sha256(data).hexdigest(),
                                           ngay_van_ban="15/03/2012"))
    assert ingest(write_transfer(spec, tmp_path / "t"), services).status == "accepted"
    tokens = make_accounts(services)
    client = TestClient(create_app(services=services))
    arch = bearer(tokens["archivist"])
    r = client.get("/api/export/due", params={"agency": AGENCY, "as_of": AS_OF}, headers=arch)
    assert r.status_code == 200 and [c["code"] for c in r.json()] == [f"{AGENCY}.2012.01"]
    assert client.get("/api/export/due", params={"agency": AGENCY}, headers=bearer(tokens["researcher"])).status_code == 403
    r = client.post("/api/export/packages", json={"agency": AGENCY, "dossiers": [f"{AGENCY}.2012.03"]}, headers=arch)
    assert r.status_code == 409 and r.json()["findings"][0]["code"] == "TRANSFER_OUT_NOT_PERMANENT"
    r = client.post("/api/export/packages", json={"agency": AGENCY, "as_of": AS_OF}, headers=arch)
    assert r.status_code == 409 and r.json()["findings"][0]["code"] == "REGISTRATION_MISSING"
    register(services, agency=AGENCY, archive_code="", archive_name="LTLS", planned_year=AS_OF,
             dossiers=[f"{AGENCY}.2012.01"], actor="archivist")
    r = client.post("/api/export/packages", json={"agency": AGENCY, "as_of": AS_OF}, headers=arch)
    assert r.status_code == 201, r.text
    pid = r.json()["package_id"]
    assert Path(r.json()["path"]).parent == services.settings.home_dir / "exports"
    r = client.get(f"/api/export/packages/{pid}", headers=arch)
    assert r.status_code == 200 and [x["dossier_code"] for x in r.json()["members"]] == [f"{AGENCY}.2012.01"]
    r = client.post("/api/export/receipts", json={"profile": "x"}, headers=arch)
    assert r.status_code == 409 and r.json()["findings"][0]["code"] == "RECEIPT_INVALID"
