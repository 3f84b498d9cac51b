"""Rules of the 2024 law and Circulars 05/2025, 06/2025, 10/2022 that need no catalog or files."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from luutru.policies import catalogue_rules as cr
from luutru.policies.backup_policy import backup_findings
from luutru.policies.deadlines import deposit_deadline, historical_due_year, historical_is_due, late_deposit
from luutru.policies.digitisation import ScanFacts, ScanImage, check_digitised, load_rule
from luutru.policies.retention_schedule import DEFAULT_PATH, load_schedule
from luutru.policies.schedule_rules import agency_entry
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS, Version
from luutru.records.findings import Severity

TODAY = date(2026, 11, 29)


def _dossier(**over):
    row = {
        "ma_ho_so": "000.00.31.H57.2021.05", "ma_co_quan": "000.00.31.H57", "ten_co_quan": "Sở Nội vụ",
        "nam_hinh_thanh": 2021, "so_ky_hieu_ho_so": "05", "tieu_de": "Hồ sơ tuyển dụng",
        "thoi_han_bao_quan": "01", "che_do_su_dung": "01: Công khai", "ngon_ngu": "01",
        "thoi_gian_bat_dau": "05/01/2021", "thoi_gian_ket_thuc": "12/2021", "tong_so_van_ban": 2,
        "so_luong_trang": 10, "che_do_du_phong": "0",
    }
    row.update(over)
    return row


def _read(row, version=Version.V2025, columns=DOSSIER_COLUMNS):
    return cr.read_row(columns, row, version=version, where="HoSo:2")


# --- the catalogue row ----------------------------------------------------------------

def test_05_2025_row_stores_codes_and_labels():
    res = _read(_dossier())
    assert not res.findings
    assert res.values["thoi_han_bao_quan"] == "Vĩnh viễn" and res.codes["thoi_han_bao_quan"] == "01"
    assert res.values["retention_years"] is None
    assert res.codes["che_do_su_dung"] == "01" and res.codes["ngon_ngu"] == ["01"]
    assert res.values["thoi_gian_ket_thuc"] == "2021-12"  # month-only date kept as such


def test_02_2019_row_maps_to_the_same_record_and_says_what_it_mapped():
    new = _read(_dossier(thoi_han_bao_quan="01: Vĩnh viễn", che_do_su_dung="Công khai", ngon_ngu="Tiếng Việt"))
    old = _read(_dossier(thoi_han_bao_quan="Vĩnh viễn", che_do_su_dung="Công khai", ngon_ngu="Tiếng Việt",
                         so_luong_trang=None, che_do_du_phong=None), Version.V2019)
    assert not old.findings
    for key in ("thoi_han_bao_quan", "che_do_su_dung", "ngon_ngu"):
        assert (old.values[key], old.codes[key]) == (new.values[key], new.codes[key])
    old2 = _read(_dossier(thoi_han_bao_quan="10", che_do_su_dung="Hạn chế"), Version.V2019)
    assert old2.codes["thoi_han_bao_quan"] == "06" and old2.values["retention_years"] == 10
    assert {(m.field, m.raw, m.code) for m in old2.mapped} == {("thoi_han_bao_quan", "10", "06"),
                                                              ("che_do_su_dung", "Hạn chế", "02")}


def test_ambiguous_retention_names_row_column_and_accepted_forms():
    res = _read(_dossier(thoi_han_bao_quan=1))
    (f,) = res.findings
    assert f.code == "FIELD_AMBIGUOUS_VALUE" and f.row == "HoSo:2" and f.field == "thoi_han_bao_quan"
    assert "Thời hạn lưu trữ" in f.message_vi and "01: Vĩnh viễn" in f.message_vi
    assert "01: Vĩnh viễn" in f.details["accepted"]


def test_full_date_needed_for_document_date():
    doc = {"ma_dinh_danh_van_ban": "X1", "ma_ho_so": "A", "so_thu_tu": 1, "ten_loai_van_ban": "02",
           "ngay_van_ban": "03/2021", "co_quan_ban_hanh": "UBND", "trich_yeu": "t", "ngon_ngu": "01",
           "so_trang": 1, "che_do_su_dung": "01", "muc_do_tin_cay": "01", "duong_dan_tep": "a.pdf"}
    res = cr.read_row(DOCUMENT_COLUMNS, doc, version=Version.V2025, where="VanBan:2")
    assert [f.code for f in res.findings] == ["FIELD_BAD_DATE"]


def test_document_id_limit_is_25():
    doc = {"ma_dinh_danh_van_ban": "000.00.31.H57.2021.05.0001"}
    res = cr.read_row(DOCUMENT_COLUMNS, doc, version=Version.V2025, where="VanBan:2", present={"ma_dinh_danh_van_ban"})
    assert [f.code for f in res.findings] == ["FIELD_TOO_LONG"]


def test_secret_access_is_refused():
    res = _read(_dossier(che_do_su_dung="03: Mật"))
    assert [f.code for f in cr.check_state_secret(res, "HoSo:2")] == ["STATE_SECRET"]


@pytest.mark.parametrize(("code", "ok"), [
    ("000.00.31.H57.2021.05", True), ("000.00.31.H57.2021.05.7", True), ("TTLT1.000.00.31.H57.2021.05", True),
    ("000.00.31.H57.7.05", True), ("000.00.31.H57.2020.05", False)])
def test_dossier_code_forms_accepted(code, ok):
    res = _read(_dossier(ma_ho_so=code, muc_luc_so=7, ma_luu_tru_lich_su="TTLT1"))
    assert (cr.check_dossier_code(res, "HoSo:2") == []) is ok


def test_fonds_code_of_a_closed_fonds():
    res = _read(_dossier(ma_ho_so="P12.1975.3", ma_co_quan="P12", nam_hinh_thanh=1975, so_ky_hieu_ho_so="3"))
    assert cr.check_dossier_code(res, "HoSo:2") == []


def test_02_2019_catalogue_number_in_the_year_column():
    res = _read(_dossier(ma_ho_so="000.00.31.H57.7.05", nam_hinh_thanh=7), Version.V2019)
    assert cr.split_year_or_catalogue(res, Version.V2019, "HoSo:2", TODAY) == []
    assert (res.values["nam_hinh_thanh"], res.values["muc_luc_so"]) == (None, 7)
    assert cr.check_dossier_code(res, "HoSo:2") == []
    assert any(m.how == "catalogue-number" for m in res.mapped)
    res25 = _read(_dossier(nam_hinh_thanh=7))
    assert [f.code for f in cr.split_year_or_catalogue(res25, Version.V2025, "HoSo:2", TODAY)] == ["YEAR_INVALID"]


def test_backup_status_needed_when_backup_regime_is_yes():
    assert [f.code for f in cr.check_backup(_read(_dossier(che_do_du_phong="1")), "HoSo:2")] == ["BACKUP_STATUS_MISSING"]
    assert cr.check_backup(_read(_dossier(che_do_du_phong="1", tinh_trang_du_phong="01")), "HoSo:2") == []


def test_paper_original_for_digitised_dossiers():
    assert [f.code for f in cr.check_paper_original(_read(_dossier(muc_do_tin_cay="Số hóa")), "HoSo:2")] == ["PAPER_CODE_MISSING"]
    ok = _read(_dossier(muc_do_tin_cay="02", ma_ho_so_goc_giay="TTLT1.K2-G3-H15.125"))
    assert cr.check_paper_original(ok, "HoSo:2") == []


def test_archival_document_code_made_or_checked():
    res = cr.read_row(DOCUMENT_COLUMNS, {"so_thu_tu": 3}, version=Version.V2025, where="VanBan:2", present=set())
    assert cr.check_document_codes(res, "000.00.31.H57.2021.05", "VanBan:2") == []
    assert res.values["ma_luu_tru_tai_lieu"] == "000.00.31.H57.2021.05.0000003"
    bad = cr.read_row(DOCUMENT_COLUMNS, {"so_thu_tu": 3, "ma_luu_tru_tai_lieu": "000.00.31.H57.2021.05.0003"},
                      version=Version.V2025, where="VanBan:2", present=set())
    assert [f.code for f in cr.check_document_codes(bad, "000.00.31.H57.2021.05", "VanBan:2")] == ["DOCUMENT_CODE_MISMATCH"]


def test_document_retention_defaults_to_the_dossiers():
    d = _read(_dossier(thoi_han_bao_quan="06"))
    doc = cr.read_row(DOCUMENT_COLUMNS, {}, version=Version.V2025, where="VanBan:2", present=set())
    cr.document_retention(doc, d)
    assert (doc.values["thoi_han_bao_quan"], doc.codes["thoi_han_bao_quan"], doc.values["retention_years"]) == ("10 năm", "06", 10)


# --- deadlines (Law 2024 Art. 17; Decree 30 Art. 30.2) --------------------------------

def test_deposit_deadline_one_year_from_the_closing_year():
    assert deposit_deadline(date(2023, 3, 5)) == date(2024, 12, 31)
    assert late_deposit("HS1", date(2023, 3, 5), date(2024, 12, 31)) == []
    (f,) = late_deposit("HS1", date(2023, 3, 5), date(2025, 1, 2))
    assert (f.code, f.severity, f.dossier) == ("DEPOSIT_LATE", Severity.WARNING, "HS1")


def test_construction_records_three_months_after_settlement():
    assert deposit_deadline(date(2023, 3, 5), settlement=date(2024, 11, 30)) == date(2025, 2, 28)
    assert late_deposit("HS2", date(2023, 3, 5), date(2025, 3, 1), settlement=date(2024, 11, 30))[0].details["construction"]


def test_historical_transfer_five_years_from_deposit():
    assert historical_due_year(2026) == 2031
    assert historical_is_due(2026, 2031) and not historical_is_due(2026, 2030)


# --- digitised copies ---------------------------------------------------------------------

def test_digitisation_rule_severity_by_date_and_map_resolution():
    rule = load_rule()
    facts = ScanFacts(images=(ScanImage(1, 250, 24),), has_text_layer=True, is_pdfa=True)
    assert check_digitised(facts, rule, doc_type_code="02", received=date(2025, 8, 1)) == []
    (f,) = check_digitised(facts, rule, doc_type_code="30", received=date(2025, 8, 1))
    assert (f.code, f.severity, f.details["required"]) == ("DIGITISED_LOW_RESOLUTION", Severity.ERROR, 300)
    (g,) = check_digitised(facts, rule, doc_type_code="31", received=date(2025, 6, 30))
    assert g.severity is Severity.WARNING


def test_digitisation_two_layers_and_colour_depth():
    rule = load_rule()
    facts = ScanFacts(images=(ScanImage(2, 300, 8),), has_text_layer=False, is_pdfa=False)
    codes = [f.code for f in check_digitised(facts, rule, doc_type_code=None, received=date(2026, 1, 1))]
    assert codes == ["DIGITISED_NOT_PDFA", "DIGITISED_NO_TEXT_LAYER", "DIGITISED_COLOUR_DEPTH"]


def test_backup_single_copy_warning():
    assert backup_findings(2) == []
    (f,) = backup_findings(1, locations=("file:///srv/luutru",))
    assert f.code == "BACKUP_SINGLE_COPY" and f.severity is Severity.WARNING


# --- retention schedule (Circular 10/2022) ---------------------------------------------------

def test_every_schedule_item_names_its_source_and_status():
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for g in doc["groups"]:
        for it in g["items"]:
            assert it.get("source") and it.get("status") in {"V-P", "V-S", "V-I", "I", "U", "conflict"}, it["code"]


def test_items_corrected_to_10_2022():
    s = load_schedule(agency=None)
    assert s.get("2.8").retention.years == 5
    assert s.get("3.4").retention.years == 10
    assert s.get("3.13").retention.years == 5
    assert (s.get("13.6").retention.years, s.get("13.7").retention.years) == (20, 5)


def test_agency_schedule_rule():
    assert agency_entry(shorter=False, common_status="V-P", basis=None).allowed
    assert not agency_entry(shorter=True, common_status="U", basis=None).allowed
    assert not agency_entry(shorter=True, common_status="V-P", basis="TT 10/2022").allowed
    d = agency_entry(shorter=True, common_status="conflict", basis="Thông tư 10/2022/TT-BNV mục 3")
    assert d.allowed and d.override
