"""The 05/2025 field table, its 02/2019 headers, the code grammar and partial dates."""

from __future__ import annotations

from datetime import date

import pytest

from luutru.records import code_grammar as cg
from luutru.records.fields import (
    DOCUMENT_COLUMNS,
    DOSSIER_COLUMNS,
    FONDS_COLUMNS,
    SHEETS,
    Version,
    by_key,
    detect_version,
    header_lookup,
)
from luutru.records.model import fold
from luutru.records.vocabularies import vocabularies


def test_every_vocabulary_named_by_a_column_exists_and_every_list_is_used():
    used = {c.vocabulary for _, cols in SHEETS for c in cols if c.vocabulary}
    assert used == set(vocabularies())


def test_headers_name_one_column_per_sheet():
    for _, cols in SHEETS:
        header_lookup(cols)  # raises on a header naming two columns


@pytest.mark.parametrize(("key", "max_len", "required"), [
    ("ma_ho_so", 100, True), ("tieu_de", 1000, True), ("thoi_han_bao_quan", 100, True),
    ("che_do_su_dung", 30, True), ("ngon_ngu", 100, True), ("tong_so_van_ban", 10, True),
    ("so_luong_to", 10, False), ("so_luong_trang", 10, False), ("tinh_trang_vat_ly", 50, False),
    ("muc_do_tin_cay", 40, False), ("ma_ho_so_goc_giay", 100, False), ("che_do_du_phong", 1, False),
    ("tinh_trang_du_phong", 2, False), ("chu_giai", 2000, False), ("ky_hieu_thong_tin", 30, False),
])
def test_dossier_fields_of_05_2025(key, max_len, required):
    col = by_key(DOSSIER_COLUMNS)[key]
    assert (col.max_len, col.required) == (max_len, required)


@pytest.mark.parametrize(("key", "max_len", "required"), [
    ("ma_dinh_danh_van_ban", 25, True), ("ma_luu_tru_tai_lieu", 100, False), ("so_thu_tu", 7, True),
    ("ten_loai_van_ban", 100, True), ("so_van_ban", 11, False), ("ky_hieu_van_ban", 30, False),
    ("co_quan_ban_hanh", 200, True), ("trich_yeu", 500, True), ("so_trang", 4, True),
    ("che_do_su_dung", 20, True), ("muc_do_tin_cay", 30, True), ("but_tich", 2000, False),
    ("quy_trinh_xu_ly", 1, False), ("ghi_chu", 500, False),
])
def test_document_fields_of_05_2025(key, max_len, required):
    col = by_key(DOCUMENT_COLUMNS)[key]
    assert (col.max_len, col.required) == (max_len, required)


def test_number_and_notation_are_if_any_in_both_versions():
    cols = by_key(DOCUMENT_COLUMNS)
    for key in ("so_van_ban", "ky_hieu_van_ban"):
        assert not cols[key].required_in(Version.V2025) and not cols[key].required_in(Version.V2019)


def test_fonds_table_has_the_02_2019_fields_and_the_05_2025_status():
    keys = [c.key for c in FONDS_COLUMNS]
    assert len(keys) == 15
    assert "trang_thai_phong" in keys and "che_do_du_phong" in keys


def test_current_wording_in_headers():
    labels = {c.key: c.label_vi for c in DOSSIER_COLUMNS}
    assert labels["thoi_han_bao_quan"] == "Thời hạn lưu trữ"
    assert labels["che_do_su_dung"] == "Mức độ tiếp cận"


def test_version_detection_from_headers():
    old = ["Mã hồ sơ", "Thời hạn bảo quản", "Chế độ sử dụng", "Mục lục số hoặc năm hình thành hồ sơ"]
    new = ["Mã hồ sơ", "Thời hạn lưu trữ", "Mức độ tiếp cận", "Năm hình thành hồ sơ"]
    assert detect_version(old, DOSSIER_COLUMNS)[0] is Version.V2019
    assert detect_version(new, DOSSIER_COLUMNS)[0] is Version.V2025
    assert detect_version([fold(h).upper() for h in old], DOSSIER_COLUMNS)[0] is Version.V2019
    assert detect_version(["ma_ho_so", "thoi_han_bao_quan"], DOSSIER_COLUMNS)[0] is Version.V2019
    assert detect_version(["ma_ho_so", "thoi_han_bao_quan", "che_do_du_phong"], DOSSIER_COLUMNS)[0] is Version.V2025
    docs_old = ["Mã định danh văn bản", "Tên loại văn bản", "Chế độ sử dụng"]
    assert detect_version(docs_old, DOCUMENT_COLUMNS)[0] is Version.V2019


def test_02_2019_headers_map_to_the_same_keys():
    look = header_lookup(DOSSIER_COLUMNS)
    assert look[fold("Thời hạn bảo quản")] == look[fold("Thời hạn lưu trữ")] == "thoi_han_bao_quan"
    assert look[fold("Chú giải")] == look[fold("Ghi chú")] == "chu_giai"
    assert look[fold("Mục lục số hoặc năm hình thành hồ sơ")] == "nam_hinh_thanh"
    dl = header_lookup(DOCUMENT_COLUMNS)
    assert dl[fold("Mã định danh văn bản")] == dl[fold("docId")] == "ma_dinh_danh_van_ban"
    assert dl[fold("docCode")] == "ma_luu_tru_tai_lieu"


# --- code grammar --------------------------------------------------------------------

def test_dossier_code_forms():
    forms = cg.dossier_code_forms("000.00.31.H57", 2021, "05", catalogue=7, archive="TTLT1")
    assert forms == ("000.00.31.H57.2021.05", "000.00.31.H57.2021.05.7", "000.00.31.H57.7.05",
                     "TTLT1.000.00.31.H57.2021.05", "TTLT1.000.00.31.H57.2021.05.7", "TTLT1.000.00.31.H57.7.05")
    assert cg.dossier_code_forms("P12", 1975, "3", catalogue=None) == ("P12.1975.3",)


def test_agency_and_fonds_codes():
    assert cg.is_agency_code("000.00.31.H57")
    assert cg.is_fonds_code("000.00.31.H57") and cg.is_fonds_code("P12") and cg.is_fonds_code("TW-01")
    assert not cg.is_fonds_code("a b") and not cg.is_fonds_code("X" * 14)
    assert not cg.is_fonds_code("000.0.31.H57")  # a mistyped agency identifier


def test_dossier_number_allows_vietnamese_letters():
    assert cg.is_dossier_number("12-TCĐT") and cg.is_dossier_number("05")
    assert not cg.is_dossier_number("12.TC") and not cg.is_dossier_number("a_b") and not cg.is_dossier_number("-1")


def test_archival_document_code_has_seven_digits():
    code = cg.document_code("000.00.31.H57.2021.05", 3)
    assert code == "000.00.31.H57.2021.05.0000003"
    assert cg.split_document_code(code) == ("000.00.31.H57.2021.05", 3)
    assert cg.split_document_code("000.00.31.H57.2021.05.0003") is None


def test_paper_original_code():
    assert cg.is_paper_code("TTLT1.K2-G3-H15.125")
    assert not cg.is_paper_code("no dots")


@pytest.mark.parametrize(("cell", "iso", "first", "last"), [
    ("05/03/2021", "2021-03-05", date(2021, 3, 5), date(2021, 3, 5)),
    ("2021-03-05", "2021-03-05", date(2021, 3, 5), date(2021, 3, 5)),
    ("03/2021", "2021-03", date(2021, 3, 1), date(2021, 3, 31)),
    ("02/2024", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("12/2021", "2021-12", date(2021, 12, 1), date(2021, 12, 31)),
    ("1975", "1975", date(1975, 1, 1), date(1975, 12, 31)),
    (1975, "1975", date(1975, 1, 1), date(1975, 12, 31)),
])
def test_partial_dates(cell, iso, first, last):
    d = cg.parse_partial_date(cell, allow_partial=True)
    assert (d.iso(), d.first(), d.last()) == (iso, first, last)
    assert cg.PartialDate.from_iso(d.iso()) == d


@pytest.mark.parametrize("cell", ["03/2021", "1975"])
def test_partial_dates_refused_where_a_full_date_is_needed(cell):
    with pytest.raises(ValueError):
        cg.parse_partial_date(cell, allow_partial=False)


@pytest.mark.parametrize("cell", ["31/02/2021", "13/2021", "2021-13", "abc", "0/2021"])
def test_impossible_dates(cell):
    with pytest.raises(ValueError):
        cg.parse_partial_date(cell, allow_partial=True)
