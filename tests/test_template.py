"""The catalogue template: what an agency clerk sees when opening it, and CSV round trips."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from luutru.packaging.catalogue_writer import GUIDE_SHEET, columns_markdown, write_csv_catalogue, write_xlsx_template
from luutru.packaging.catalogue_lists import LISTS_SHEET
from luutru.records.fields import (
    DOCUMENT_COLUMNS, DOCUMENT_CSV, DOCUMENT_SHEET, DOSSIER_COLUMNS, DOSSIER_CSV, DOSSIER_SHEET, FONDS_COLUMNS,
    FONDS_SHEET,
)
from luutru.records.vocabularies import vocabulary

DOSSIER = {
    "ma_ho_so": "000.00.31.H57.2021.05", "ma_co_quan": "000.00.31.H57", "ten_co_quan": "Sở Nội vụ tỉnh Tiền Giang",
    "nam_hinh_thanh": 2021, "so_ky_hieu_ho_so": "05", "tieu_de": "Hồ sơ thi tuyển công chức năm 2021",
    "thoi_han_bao_quan": "20 năm", "che_do_su_dung": "Hạn chế", "ngon_ngu": "Tiếng Việt",
    "thoi_gian_bat_dau": date(2021, 3, 5), "thoi_gian_ket_thuc": date(2021, 11, 30), "tong_so_van_ban": 1,
}
DOCUMENT = {
    "ma_dinh_danh_van_ban": "H57.2021.05.1", "ma_ho_so": "000.00.31.H57.2021.05", "so_thu_tu": 1,
    "ten_loai_van_ban": "Quyết định", "so_van_ban": "031", "ky_hieu_van_ban": "2021/QĐ-UBND",
    "ngay_van_ban": date(2021, 3, 5), "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Tiền Giang",
    "trich_yeu": 'Ban hành Quy chế "văn thư", lưu trữ; sửa đổi, bổ sung', "ngon_ngu": "Tiếng Việt", "so_trang": 3,
    "che_do_su_dung": "Công khai", "muc_do_tin_cay": "Bản gốc điện tử",
    "duong_dan_tep": "files/05/0001_quyet-dinh.pdf",
}


def _validations(ws) -> dict[str, object]:
    """Column letter → data validation covering row 2 of that column."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if rng.min_row == 2:
                found[openpyxl.utils.get_column_letter(rng.min_col)] = dv
    return found


def _letter(columns, key: str) -> str:
    return openpyxl.utils.get_column_letter([c.key for c in columns].index(key) + 1)


def test_blank_template_has_every_column_in_order_with_notes(tmp_path: Path) -> None:
    path = write_xlsx_template(tmp_path / "muc_luc_ho_so.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [FONDS_SHEET, DOSSIER_SHEET, DOCUMENT_SHEET, LISTS_SHEET, GUIDE_SHEET]
    for sheet, columns in ((FONDS_SHEET, FONDS_COLUMNS), (DOSSIER_SHEET, DOSSIER_COLUMNS),
                           (DOCUMENT_SHEET, DOCUMENT_COLUMNS)):
        ws = wb[sheet]
        assert [c.value for c in ws[1]] == [c.label_vi for c in columns]
        assert ws.max_row == 1  # no data in a blank template
        assert ws.freeze_panes == "A2"
        for cell, col in zip(ws[1], columns):
            assert cell.font.b
            note = cell.comment.text
            assert col.label_en in note and col.key in note
            assert ("có / yes" in note) == col.required
            if col.max_len:
                assert f"max {col.max_len}" in note
            if col.note_vi:
                assert col.note_vi in note
            assert ws.column_dimensions[cell.column_letter].width >= 12


def test_template_dropdowns_offer_every_value_list(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx_template(tmp_path / "t.xlsx"))
    lists = wb[LISTS_SHEET]
    offered = {lists.cell(row=1, column=c).value: [lists.cell(row=r, column=c).value for r in range(2, 40)
                                                   if lists.cell(row=r, column=c).value]
               for c in range(1, lists.max_column + 1)}
    assert offered[vocabulary("retention").title_vi][:2] == ["01: Vĩnh viễn", "02: 70 năm"]
    assert offered[vocabulary("access").title_vi] == ["01: Công khai", "02: Sử dụng có điều kiện"]  # no "Mật"
    assert len(offered[vocabulary("document_type").title_vi]) == 32
    for sheet, columns in ((FONDS_SHEET, FONDS_COLUMNS), (DOSSIER_SHEET, DOSSIER_COLUMNS),
                           (DOCUMENT_SHEET, DOCUMENT_COLUMNS)):
        dvs = _validations(wb[sheet])
        for col in columns:
            if col.vocabulary:
                dv = dvs[_letter(columns, col.key)]
                assert dv.type == "list" and dv.formula1.startswith(f"'{LISTS_SHEET}'!$")
                assert dv.errorStyle == "warning"  # codes, labels and older wordings stay allowed
    assert _validations(wb[DOCUMENT_SHEET])[_letter(DOCUMENT_COLUMNS, "ngay_van_ban")].type == "date"
    # partial dates allowed: no date validation, text cells (02/2025 must not become 01/02/2025)
    assert _letter(DOSSIER_COLUMNS, "thoi_gian_bat_dau") not in _validations(wb[DOSSIER_SHEET]) or \
        _validations(wb[DOSSIER_SHEET])[_letter(DOSSIER_COLUMNS, "thoi_gian_bat_dau")].type != "date"


def test_guide_sheet_is_bilingual_and_lists_the_columns(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_xlsx_template(tmp_path / "t.xlsx"))[GUIDE_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "HƯỚNG DẪN" in text and "HOW TO FILL IN" in text
    assert "dd/mm/yyyy" in text and "Tuyệt mật" in text and "BagIt" in text
    assert "05/2025" in text and "07: 15 năm" in text
    for col in FONDS_COLUMNS + DOSSIER_COLUMNS + DOCUMENT_COLUMNS:
        assert col.key in text


def test_filled_workbook_has_real_dates_and_keeps_text_codes(tmp_path: Path) -> None:
    path = write_xlsx_template(tmp_path / "t.xlsx", ([DOSSIER], [DOCUMENT]))
    wb = openpyxl.load_workbook(path)
    hoso, vanban = wb[DOSSIER_SHEET], wb[DOCUMENT_SHEET]
    start = hoso[f"{_letter(DOSSIER_COLUMNS, 'thoi_gian_bat_dau')}2"]
    assert start.value == datetime(2021, 3, 5) and start.number_format == "dd/mm/yyyy"
    issued = vanban[f"{_letter(DOCUMENT_COLUMNS, 'ngay_van_ban')}2"]
    assert issued.value == datetime(2021, 3, 5) and issued.number_format == "dd/mm/yyyy"
    assert hoso[f"{_letter(DOSSIER_COLUMNS, 'so_ky_hieu_ho_so')}2"].value == "05"
    assert hoso[f"{_letter(DOSSIER_COLUMNS, 'nam_hinh_thanh')}2"].value == 2021
    assert vanban[f"{_letter(DOCUMENT_COLUMNS, 'so_van_ban')}2"].value == "031"
    assert vanban[f"{_letter(DOCUMENT_COLUMNS, 'trich_yeu')}2"].value == DOCUMENT["trich_yeu"]
    # a deliberately wrong text date is written as given, for the validator to report
    bad = dict(DOCUMENT, ngay_van_ban="31/02/2021")
    wb2 = openpyxl.load_workbook(write_xlsx_template(tmp_path / "bad.xlsx", ([DOSSIER], [bad])))
    assert wb2[DOCUMENT_SHEET][f"{_letter(DOCUMENT_COLUMNS, 'ngay_van_ban')}2"].value == "31/02/2021"


def test_timestamped_workbook_is_reproducible(tmp_path: Path) -> None:
    stamp = datetime(2025, 12, 31, 8, 0)
    a = write_xlsx_template(tmp_path / "a.xlsx", ([DOSSIER], [DOCUMENT]), timestamp=stamp).read_bytes()
    b = write_xlsx_template(tmp_path / "b.xlsx", ([DOSSIER], [DOCUMENT]), timestamp=stamp).read_bytes()
    assert a == b
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.properties.modified == stamp


def test_csv_catalogue_round_trip(tmp_path: Path) -> None:
    hs, vb = write_csv_catalogue(tmp_path, [DOSSIER], [DOCUMENT])
    assert (hs.name, vb.name) == (DOSSIER_CSV, DOCUMENT_CSV)
    raw = hs.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8, keys as headers
    with hs.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [c.key for c in DOSSIER_COLUMNS]
    assert rows[0]["thoi_gian_bat_dau"] == "05/03/2021" and rows[0]["so_ky_hieu_ho_so"] == "05"
    assert rows[0]["ten_co_quan"] == "Sở Nội vụ tỉnh Tiền Giang" and rows[0]["chu_giai"] == ""
    with vb.open(encoding="utf-8", newline="") as fh:
        docs = list(csv.DictReader(fh))
    assert list(docs[0]) == [c.key for c in DOCUMENT_COLUMNS]
    assert docs[0]["trich_yeu"] == DOCUMENT["trich_yeu"]  # quotes, commas, semicolons survive
    assert docs[0]["ngay_van_ban"] == "05/03/2021" and docs[0]["so_trang"] == "3"


@pytest.mark.parametrize("columns", [FONDS_COLUMNS, DOSSIER_COLUMNS, DOCUMENT_COLUMNS], ids=["Phong", "HoSo", "VanBan"])
def test_transfer_format_doc_tables_match_fields(columns) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "transfer-format.md").read_text(encoding="utf-8")
    assert columns_markdown(columns) in doc, "regenerate the tables: python -m luutru.packaging.catalogue_writer"
