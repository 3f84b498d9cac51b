"""Each class of bad catalogue input gives its finding, with where and how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from luutru.ingest.pipeline import ingest
from luutru.records.findings import Severity
from tests.factory import base_spec, make_pdf, write_transfer


def run(services, spec, tmp_path: Path, fmt: str = "csv"):
    root = write_transfer(spec, tmp_path / "transfer", fmt=fmt)
    return ingest(root, services)


def codes(report, severity=Severity.ERROR):
    return [f.code for f in report.findings if f.severity is severity]


def stored(services) -> list[str]:
    return list(services.storage.list_aips())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_valid_transfer_is_accepted(services, tmp_path, fmt):
    rep = run(services, base_spec(2, 3), tmp_path, fmt)
    assert rep.status == "accepted", [f.message_en for f in rep.findings]
    assert codes(rep) == []
    assert sorted(stored(services)) == ["000.00.31.H57.2021.01", "000.00.31.H57.2021.02"]
    assert [d.status for d in rep.dossiers] == ["stored", "stored"]


def test_every_field_problem_is_reported_not_just_the_first(services, tmp_path):
    spec = base_spec(2, 2)
    d = spec.dossiers[0]
    d["ma_co_quan"] = "H57 / 31"  # bad structure (spaces, slash)
    d["thoi_gian_bat_dau"] = "31/02/2021"  # no such day
    d["thoi_han_bao_quan"] = "mãi mãi"  # not a retention value
    d["tieu_de"] = "x" * 1001  # too long
    doc = spec.documents[3]
    doc["trich_yeu"] = ""  # required
    doc["so_trang"] = "hai"  # not a number
    doc["che_do_su_dung"] = "Bí mật nội bộ"  # not a controlled value
    rep = run(services, spec, tmp_path)
    got = codes(rep)
    for code in ("AGENCY_CODE_INVALID", "FIELD_BAD_DATE", "FIELD_BAD_VALUE", "FIELD_TOO_LONG", "FIELD_REQUIRED",
                 "FIELD_NOT_NUMBER", "DOSSIER_CODE_MISMATCH"):
        assert code in got, (code, got)
    assert rep.status == "rejected"
    assert stored(services) == []
    f = next(f for f in rep.findings if f.code == "FIELD_BAD_DATE")
    assert f.row == "ho_so.csv:2" and f.field == "thoi_gian_bat_dau"
    assert "dd/mm/yyyy" in f.message_vi and "Fix:" in f.message_en


def test_code_structure_rules(services, tmp_path):
    spec = base_spec(1, 2)
    spec.documents[1]["ma_dinh_danh_van_ban"] = spec.dossiers[0]["ma_ho_so"] + ".7"
    spec.dossiers[0]["so_ky_hieu_ho_so"] = "01/ABC"
    rep = run(services, spec, tmp_path)
    got = codes(rep)
    # 05/2025 fixes only the identifier's length (25) and uniqueness, not its shape
    assert "DOCUMENT_ID_MISMATCH" not in got
    assert "DOSSIER_NUMBER_INVALID" in got


def test_duplicates_and_counts(services, tmp_path):
    spec = base_spec(2, 2)
    spec.dossiers.append(dict(spec.dossiers[1]))  # duplicate dossier code
    spec.documents.append(dict(spec.documents[0]))  # duplicate document identifier
    spec.dossiers[0]["tong_so_van_ban"] = 5
    rep = run(services, spec, tmp_path)
    got = codes(rep)
    assert got.count("DOSSIER_CODE_DUPLICATE") == 2
    assert got.count("DOCUMENT_ID_DUPLICATE") == 2
    assert "DOCUMENT_COUNT_MISMATCH" in got


def test_date_range_and_dates_inside_dossier(services, tmp_path):
    spec = base_spec(1, 2)
    spec.dossiers[0]["thoi_gian_bat_dau"] = "01/12/2021"
    spec.dossiers[0]["thoi_gian_ket_thuc"] = "01/01/2021"
    rep = run(services, spec, tmp_path)
    assert "DATE_RANGE_INVERTED" in codes(rep)


def test_document_outside_dossier_dates_is_a_warning(services, tmp_path):
    spec = base_spec(1, 2)
    spec.documents[0]["ngay_van_ban"] = "15/03/2019"
    rep = run(services, spec, tmp_path)
    assert "DOCUMENT_DATE_OUTSIDE_DOSSIER" in codes(rep, Severity.WARNING)
    assert rep.status == "accepted"


def test_state_secret_is_refused(services, tmp_path):
    spec = base_spec(1, 2)
    spec.documents[1]["do_mat"] = "Tối mật"
    rep = run(services, spec, tmp_path)
    f = [f for f in rep.findings if f.code == "STATE_SECRET"]
    assert len(f) == 1 and f[0].document == spec.documents[1]["ma_dinh_danh_van_ban"]
    assert rep.status == "rejected" and stored(services) == []


def test_catalogue_missing_and_columns_missing(services, tmp_path):
    root = tmp_path / "empty"
    (root / "files").mkdir(parents=True)
    (root / "files" / "a.pdf").write_bytes(make_pdf(["x"]))
    rep = ingest(root, services)
    assert "CATALOGUE_MISSING" in codes(rep)
    spec = base_spec(1, 1)
    t = write_transfer(spec, tmp_path / "t2")
    text = (t / "ho_so.csv").read_text(encoding="utf-8").replace("tieu_de", "title_wrong")
    (t / "ho_so.csv").write_text(text, encoding="utf-8")
    rep = ingest(t, services)
    got = codes(rep)
    assert "CATALOGUE_MISSING_COLUMN" in got
    kept = [f for f in rep.findings if f.code == "CATALOGUE_COLUMN_KEPT"]
    assert kept and kept[0].severity is Severity.INFO and kept[0].field == "title_wrong"  # kept, never dropped


def test_unreadable_workbook(services, tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "muc_luc_ho_so.xlsx").write_bytes(b"this is not a workbook")
    rep = ingest(root, services)
    assert codes(rep) == ["CATALOGUE_UNREADABLE"]
    assert rep.status == "rejected"


def test_retention_checked_against_the_schedule_group(services, tmp_path):
    spec = base_spec(2, 1)
    spec.dossiers[0]["nhom_thoi_han"] = "1.3"  # annual review conference: permanent
    spec.dossiers[0]["thoi_han_bao_quan"] = "10 năm"
    spec.dossiers[1]["nhom_thoi_han"] = "99.99"  # not in the schedule
    rep = run(services, spec, tmp_path)
    short = [f for f in rep.findings if f.code == "RETENTION_SHORTER_THAN_SCHEDULE"]
    assert len(short) == 1 and short[0].dossier == spec.dossiers[0]["ma_ho_so"] and short[0].row == "ho_so.csv:2"
    assert "RETENTION_GROUP_UNKNOWN" in codes(rep, Severity.WARNING)
    assert rep.status == "rejected"
