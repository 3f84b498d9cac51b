"""Transfer-out as 05/2025 SIPs: one package per permanent dossier, built from the AIPs, each
valid for eark-validator and for luutru's reader, with the handover record and catalogue in
documentation/, recorded like the BagIt packages, and refused when a stored file is damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import luutru.api.accounts as accounts
from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.ingest.sip_source import sip_packages
from luutru.transfer_out.digests import original_component
from luutru.transfer_out.errors import ExportError
from luutru.transfer_out.register import get_package
from luutru.transfer_out.registration import register
from luutru.transfer_out.sip import SUBMISSION_SUFFIX, build_sip_submission, submission_digest
from luutru.packaging.sip.reader import read_sip
from tests.factory import AGENCY, base_spec, write_transfer
from tests.sip_helpers import eark_errors, eark_only_disputed, eark_validate


@pytest.fixture()
def stored(services, tmp_path):
    spec = base_spec(2, 2)
    for d in spec.dossiers:
        d["thoi_han_bao_quan"] = "Vĩnh viễn"
    report = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert report.status == "accepted"
    with pytest.raises(ExportError) as e:  # Circular 06/2025 Art. 3: registered before it is built
        build_sip_submission(services, agency=AGENCY, dossiers=[d["ma_ho_so"] for d in spec.dossiers],
                             out_dir=tmp_path / "unregistered")
    assert {f.code for f in e.value.findings} == {"REGISTRATION_MISSING"}
    register(services, agency=AGENCY, archive_code="", archive_name="Trung tâm Lưu trữ lịch sử tỉnh",
             planned_year=2026, dossiers=[d["ma_ho_so"] for d in spec.dossiers], actor="archivist")
    return spec


def test_submission_of_sips(services, stored, tmp_path):
    codes = [d["ma_ho_so"] for d in stored.dossiers]
    r = build_sip_submission(services, agency=AGENCY, dossiers=codes, out_dir=tmp_path / "out",
                             archive_name="Trung tâm Lưu trữ lịch sử tỉnh")
    folder = Path(r.path)
    zips = sip_packages(folder)
    assert len(zips) == 2 and [p.name[:4] for p in zips] == ["001_", "002_"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in zips)
    side = json.loads((tmp_path / "out" / f"{r.package_id}{SUBMISSION_SUFFIX}").read_text(encoding="utf-8"))
    assert side["submission_sha256"] == r.payload_manifest_sha256 == submission_digest(
        (p["objid"], p["zip_sha256"]) for p in side["packages"])
    assert [p["dossier_code"] for p in side["packages"]] == codes
    for z, p in zip(zips, side["packages"]):
        eark_only_disputed(eark_errors(eark_validate(z)))
        res = read_sip(z, tmp_path / "r" / z.stem)
        assert res.ok, [f.message_en for f in res.findings]
        assert res.package.objid == p["objid"]
        meta = load_aip_metadata(services.storage, p["dossier_code"], with_text=False)
        assert res.package.dossier.catalogue == {k: v for k, v in meta.dossier.items() if k != "_service"}
        with zipfile.ZipFile(z) as zf:
            names = zf.namelist()
            handover = json.loads(zf.read(f"{p['objid']}/documentation/bien_ban_giao_nhan.json"))
            pkg_json = json.loads(zf.read(f"{p['objid']}/documentation/package.json"))
        assert f"{p['objid']}/documentation/bien_ban_giao_nhan.pdf" in names
        assert f"{p['objid']}/documentation/muc_luc_ho_so.pdf" in names
        assert handover["package_id"] == pkg_json["package_id"] == r.package_id
        assert [d["ma_ho_so"] for d in handover["dossiers"]] == codes
    listed = get_package(services, r.package_id)
    assert listed["status"] == "built" and listed["payload_manifest_sha256"] == r.payload_manifest_sha256
    assert {x["dossier_code"] for x in listed["members"]} == set(codes)


def test_damaged_stored_file_refuses_the_submission(services, stored, tmp_path):
    code = stored.dossiers[0]["ma_ho_so"]
    meta = load_aip_metadata(services.storage, code, with_text=False)
    comp = original_component(meta.documents[0])
    bag = services.settings.home_dir
    victim = next(p for p in bag.rglob(Path(comp["path"]).name) if p.is_file() and "objects" in p.parts)
    data = bytearray(victim.read_bytes())
    data[100] ^= 0xFF
    victim.write_bytes(bytes(data))
    with pytest.raises(ExportError) as e:
        build_sip_submission(services, agency=AGENCY, dossiers=[code], out_dir=tmp_path / "out")
    assert [f.code for f in e.value.findings] == ["SIP_FILE_CHANGED"]
    assert e.value.findings[0].document == meta.documents[0]["ma_dinh_danh_van_ban"]
    assert list((tmp_path / "out").iterdir()) == []


def test_cli_builds_sips_by_default(services, stored, tmp_path):
    env = dict(os.environ, LUUTRU_HOME=str(services.settings.home_dir), LUUTRU_DATABASE_URL=services.settings.db_url)
    codes = [d["ma_ho_so"] for d in stored.dossiers]
    # The actor signs in (luutru/cli/signin.py): here with an API token, as a script would.
    accounts.create_user(services, "luu.tru.vien", roles=["archivist"], password="mật-khẩu-lưu-trữ-1", actor="test")
    env["LUUTRU_TOKEN"], _ = accounts.create_token(services, "luu.tru.vien", actor="test")
    args = [sys.executable, "-m", "luutru.cli.main", "transfer-out", "build", "--agency", AGENCY, "--out",
            str(tmp_path / "cli"), "--as", "luu.tru.vien", "--json"] + [x for c in codes for x in ("--dossier", c)]
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert [p.name[:4] for p in sip_packages(Path(out["path"]))] == ["001_", "002_"]
    bad = subprocess.run(args[:-2 * len(codes)] + ["--format", "tar"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
