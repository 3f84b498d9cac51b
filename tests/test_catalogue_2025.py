"""A 05/2025 catalogue using every value list, and the same dossiers as a 02/2019 catalogue.

Real XLSX and CSV files are written with openpyxl / csv and read back through the
catalogue reader and the validator, as an ingest does.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from luutru.packaging.catalogue_reader import read_catalogue
from luutru.packaging.catalogue_lists import LISTS_SHEET, add_list_validations, write_lists_sheet
from luutru.ingest.validate import validate_catalogue
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS, FONDS_COLUMNS, Version
from luutru.records.model import AccessRegime, Reliability
from luutru.records.vocabularies import vocabularies

TODAY = date(2026, 11, 29)
AG = "000.00.31.H57"

# --- the same three dossiers, as 05/2025 values and as 02/2019 values --------------------

D25 = [
    {"ma_ho_so": f"{AG}.2025.01", "ma_co_quan": AG, "ten_co_quan": "Sở Nội vụ", "nam_hinh_thanh": 2025,
     "so_ky_hieu_ho_so": "01", "tieu_de": "Hồ sơ ban hành quy chế", "thoi_han_bao_quan": "01",
     "che_do_su_dung": "01: Công khai", "ngon_ngu": "01; 02", "thoi_gian_bat_dau": "05/01/2025",
     "thoi_gian_ket_thuc": "28/03/2025", "tong_so_van_ban": 2, "so_luong_trang": 12, "che_do_du_phong": "1",
     "tinh_trang_du_phong": "01", "tinh_trang_vat_ly": "01", "muc_do_tin_cay": "01"},
    {"ma_ho_so": f"{AG}.2025.02-TCĐT", "ma_co_quan": AG, "ten_co_quan": "Sở Nội vụ", "nam_hinh_thanh": 2025,
     "so_ky_hieu_ho_so": "02-TCĐT", "tieu_de": "Hồ sơ đào tạo", "thoi_han_bao_quan": "06",
     "che_do_su_dung": "02", "ngon_ngu": "Tiếng Việt", "thoi_gian_bat_dau": "02/2025",
     "thoi_gian_ket_thuc": "2025", "tong_so_van_ban": 1, "so_luong_trang": 3, "che_do_du_phong": "0",
     "tinh_trang_vat_ly": "Bình thường", "muc_do_tin_cay": "02", "ma_ho_so_goc_giay": "TTLT1.K2-G3-H15.125",
     "so_luong_to": 2},
    {"ma_ho_so": f"{AG}.2025.03", "ma_co_quan": AG, "ten_co_quan": "Sở Nội vụ", "nam_hinh_thanh": 2025,
     "so_ky_hieu_ho_so": "03", "tieu_de": "Hồ sơ thanh tra", "thoi_han_bao_quan": "07: 15 năm",
     "che_do_su_dung": "Công khai", "ngon_ngu": "Hán Nôm", "thoi_gian_bat_dau": "01/02/2025",
     "thoi_gian_ket_thuc": "30/06/2025", "tong_so_van_ban": 1, "so_luong_trang": 4, "che_do_du_phong": "0",
     "tinh_trang_vat_ly": "03: Hỏng", "muc_do_tin_cay": "Hỗn hợp"},
]


def _docs25():
    rows = []
    spec = [(D25[0], 1, "02", "01"), (D25[0], 2, "HĐ", "Gốc điện tử"), (D25[1], 1, "30: Bản đồ", "02"),
            (D25[2], 1, "Công văn", "03")]
    for d, seq, typ, rel in spec:
        rows.append({
            "ma_dinh_danh_van_ban": f"H57.25.{d['so_ky_hieu_ho_so']}.{seq}", "ma_ho_so": d["ma_ho_so"], "so_thu_tu": seq,
            "ten_loai_van_ban": typ, "ngay_van_ban": "15/03/2025" if d is D25[0] else "20/02/2025",
            "co_quan_ban_hanh": "UBND tỉnh", "trich_yeu": f"Tài liệu {seq}", "ngon_ngu": "01", "so_trang": 2,
            "che_do_su_dung": "01", "muc_do_tin_cay": rel, "duong_dan_tep": f"files/{seq}.pdf",
            "quy_trinh_xu_ly": "1" if rel in ("01", "Gốc điện tử", "03") else "0",
            "che_do_du_phong": "0", "tinh_trang_vat_ly": "Tốt"})
    return rows


# 02/2019: old headers, old wordings, numbers as years, no backup fields
def _d19():
    out = []
    for d, ret, acc, lang in zip(D25, ("Vĩnh viễn", "10", "15 năm"), ("Công khai", "Hạn chế", "Công khai"),
                                 ("Tiếng Việt, Tiếng Anh", "Tiếng Việt", "Hán-Nôm")):
        r = {k: v for k, v in d.items() if k not in ("che_do_du_phong", "tinh_trang_du_phong", "muc_do_tin_cay",
                                                   "ma_ho_so_goc_giay")}
        r.update(thoi_han_bao_quan=ret, che_do_su_dung=acc, ngon_ngu=lang)
        r["tinh_trang_vat_ly"] = {"01": "Tốt", "Bình thường": "Bình thường", "03: Hỏng": "Hỏng"}[d["tinh_trang_vat_ly"]]
        out.append(r)
    return out


def _docs19():
    out = []
    for r in _docs25():
        r = {k: v for k, v in r.items() if k not in ("quy_trinh_xu_ly", "che_do_du_phong")}
        r["ten_loai_van_ban"] = {"02": "Quyết định", "HĐ": "Hợp đồng", "30: Bản đồ": "Bản đồ",
                                 "Công văn": "Công văn"}[r["ten_loai_van_ban"]]
        r["muc_do_tin_cay"] = {"01": "Bản gốc điện tử", "Gốc điện tử": "Bản gốc điện tử", "02": "Số hóa",
                               "03": "Hỗn hợp"}[r["muc_do_tin_cay"]]
        r["che_do_su_dung"] = "Công khai"
        r["ngon_ngu"] = "Tiếng Việt"
        out.append(r)
    return out


def _header19(col):
    return col.headers_2019[0] if col.headers_2019 else col.label_vi


def _write_xlsx(path: Path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cols, rows, header, extra in sheets:
        ws = wb.create_sheet(name)
        ws.append([header(c) for c in cols if not c.since_2025 or header is _label] + list(extra))
        for r in rows:
            ws.append([r.get(c.key) for c in cols if not c.since_2025 or header is _label]
                      + [r.get(h) for h in extra])
    wb.save(path)


def _label(col):
    return col.label_vi


def _transfer(tmp: Path, version: str) -> Path:
    root = tmp / version
    root.mkdir()
    if version == "2025":
        fonds = [{"ma_phong": AG, "ten_phong": "Sở Nội vụ", "trang_thai_phong": "Mở", "ngon_ngu": "01",
                  "che_do_du_phong": "1"}]
        dossiers = [dict(d, **{"Số hộp (kho)": f"H{i}"}) for i, d in enumerate(D25, 1)]
        _write_xlsx(root / "muc_luc_ho_so.xlsx", [
            ("Phong", FONDS_COLUMNS, fonds, _label, ()),
            ("HoSo", DOSSIER_COLUMNS, dossiers, _label, ("Số hộp (kho)",)),
            ("VanBan", DOCUMENT_COLUMNS, _docs25(), _label, ())])
    else:
        _write_xlsx(root / "muc_luc_ho_so.xlsx", [
            ("HoSo", DOSSIER_COLUMNS, _d19(), _header19, ()),
            ("VanBan", DOCUMENT_COLUMNS, _docs19(), _header19, ())])
    return root


@pytest.fixture()
def both(tmp_path):
    out = {}
    for v in ("2025", "2019"):
        raw = read_catalogue(_transfer(tmp_path, v))
        out[v] = (raw, validate_catalogue(raw, TODAY))
    return out


def test_05_2025_catalogue_with_every_list_ingests(both):
    raw, cat = both["2025"]
    assert raw.version is Version.V2025
    assert [f.code for f in cat.findings if f.is_error] == []
    assert len(cat.dossiers) == 3 and sum(len(cat.documents_of(c)) for c in cat.dossiers) == 4
    d1, d2, d3 = (cat.dossiers[d["ma_ho_so"]] for d in D25)
    assert d1.retention.permanent and d1.fields["codes"]["thoi_han_bao_quan"] == "01"
    assert d1.fields["thoi_han_bao_quan"] == "Vĩnh viễn" and d1.fields["retention_years"] is None
    assert d1.fields["codes"]["ngon_ngu"] == ["01", "02"] and d1.fields["ngon_ngu"] == "Tiếng Việt; Tiếng Anh"
    assert d1.fields["codes"]["che_do_du_phong"] == "1" and d1.fields["codes"]["tinh_trang_du_phong"] == "01"
    assert d2.retention.years == 10 and d2.access is AccessRegime.RESTRICTED
    assert d2.fields["che_do_su_dung"] == "Sử dụng có điều kiện"
    assert (d2.start_date, d2.end_date) == (date(2025, 2, 1), date(2025, 12, 31))
    assert d2.fields["thoi_gian_ket_thuc"] == "2025"
    assert d3.retention.years == 15 and d3.fields["codes"]["thoi_han_bao_quan"] == "07"
    assert d3.fields["codes"]["tinh_trang_vat_ly"] == "03"
    docs = cat.documents_of(d1.code)
    assert docs[1].fields["codes"]["ten_loai_van_ban"] == "21" and docs[1].reliability is Reliability.BORN_DIGITAL
    assert docs[0].fields["ma_luu_tru_tai_lieu"] == f"{d1.code}.0000001"
    assert docs[0].fields["codes"]["thoi_han_bao_quan"] == "01"  # taken from the dossier
    used = {k for rec in list(cat.dossiers.values()) + [x for c in cat.dossiers for x in cat.documents_of(c)]
            for k in rec.fields["codes"]} | {k for f in cat.fonds for k in f["codes"]}
    listed = {c.key for cols in (DOSSIER_COLUMNS, DOCUMENT_COLUMNS, FONDS_COLUMNS) for c in cols if c.vocabulary}
    assert used == listed
    assert {c.vocabulary for cols in (DOSSIER_COLUMNS, DOCUMENT_COLUMNS, FONDS_COLUMNS) for c in cols
            if c.key in used and c.vocabulary} == set(vocabularies())


def test_unknown_column_is_kept_and_reported(both):
    raw, cat = both["2025"]
    d1 = cat.dossiers[D25[0]["ma_ho_so"]]
    assert d1.fields["extra_columns"] == {"Số hộp (kho)": "H1"}
    assert cat.kept_columns["HoSo"] == ["Số hộp (kho)"]
    kept = [f for f in cat.findings if f.code == "CATALOGUE_COLUMN_KEPT"]
    assert kept and kept[0].severity.value == "info" and kept[0].field == "Số hộp (kho)"


def test_same_dossiers_as_02_2019_catalogue_give_identical_records(both):
    raw19, cat19 = both["2019"]
    _, cat25 = both["2025"]
    assert raw19.version is Version.V2019
    assert [f.code for f in cat19.findings if f.is_error] == []
    assert set(cat19.dossiers) == set(cat25.dossiers)
    for code, new in cat25.dossiers.items():
        old = cat19.dossiers[code]
        for attr in ("code", "agency_code", "agency_name", "year", "number", "title", "retention", "start_date",
                     "end_date", "document_count"):
            assert getattr(old, attr) == getattr(new, attr), (code, attr)
        for key in ("thoi_han_bao_quan", "retention_years", "tinh_trang_vat_ly"):
            assert old.fields[key] == new.fields[key], (code, key)
        assert old.fields["codes"]["thoi_han_bao_quan"] == new.fields["codes"]["thoi_han_bao_quan"]
        assert old.fields["catalogue_version"] == "02/2019/TT-BNV"
    assert cat19.dossiers[D25[0]["ma_ho_so"]].fields["codes"]["ngon_ngu"] == ["01", "02"]
    assert cat19.dossiers[D25[1]["ma_ho_so"]].access is AccessRegime.RESTRICTED
    for code in cat25.dossiers:
        for a, b in zip(cat19.documents_of(code), cat25.documents_of(code)):
            assert a.fields["codes"]["ten_loai_van_ban"] == b.fields["codes"]["ten_loai_van_ban"]
            assert a.reliability == b.reliability and a.fields["ma_luu_tru_tai_lieu"] == b.fields["ma_luu_tru_tai_lieu"]


def test_02_2019_report_lists_every_mapped_value(both):
    _, cat19 = both["2019"]
    mapped = {(m.row, m.field, m.raw) for m in cat19.mapped}
    assert ("HoSo:3", "thoi_han_bao_quan", "10") in mapped
    assert ("HoSo:3", "che_do_su_dung", "Hạn chế") in mapped
    assert ("HoSo:4", "thoi_han_bao_quan", "15 năm") in mapped
    assert ("VanBan:2", "muc_do_tin_cay", "Bản gốc điện tử") in mapped
    rep = cat19.report()
    assert rep["version"] == "02/2019/TT-BNV" and len(rep["mapped"]) == len(cat19.mapped)


def test_ambiguous_value_in_a_catalogue_names_row_column_and_forms(tmp_path):
    root = _transfer(tmp_path, "2025")
    wb = openpyxl.load_workbook(root / "muc_luc_ho_so.xlsx")
    ws = wb["HoSo"]
    col = [c.value for c in ws[1]].index("Thời hạn lưu trữ") + 1
    ws.cell(row=2, column=col, value=1)  # Excel dropped the leading zero of "01"
    wb.save(root / "muc_luc_ho_so.xlsx")
    cat = validate_catalogue(read_catalogue(root), TODAY)
    (f,) = [f for f in cat.findings if f.is_error]
    assert (f.code, f.row, f.field) == ("FIELD_AMBIGUOUS_VALUE", "HoSo:2", "thoi_han_bao_quan")
    assert "01: Vĩnh viễn" in f.message_vi and D25[0]["ma_ho_so"] not in cat.dossiers


def test_old_luutru_csv_with_machine_keys_reads_as_02_2019(tmp_path):
    root = tmp_path / "csv"
    root.mkdir()
    for name, cols, rows in (("ho_so.csv", DOSSIER_COLUMNS, _d19()), ("van_ban.csv", DOCUMENT_COLUMNS, _docs19())):
        keys = [c.key for c in cols if not c.since_2025]
        with open(root / name, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, keys)
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "") for k in keys})
    raw = read_catalogue(root)
    cat = validate_catalogue(raw, TODAY)
    assert raw.version is Version.V2019 and not [f for f in cat.findings if f.is_error]
    assert cat.dossiers[D25[1]["ma_ho_so"]].retention.years == 10


def test_late_deposit_is_a_warning_naming_the_dossier(both):
    # dossiers closed in 2025 and received in 2026 are on time; received in 2027 they are late
    raw, cat = both["2025"]
    cat27 = validate_catalogue(raw, date(2027, 1, 2))
    codes = {f.dossier for f in cat27.findings if f.code == "DEPOSIT_LATE"}
    assert codes == set(cat.dossiers)
    assert not [f for f in cat.findings if f.code == "DEPOSIT_LATE"]


def test_template_drop_downs_open_in_libreoffice(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ranges = write_lists_sheet(wb)
    n = 0
    for name, cols in (("Phong", FONDS_COLUMNS), ("HoSo", DOSSIER_COLUMNS), ("VanBan", DOCUMENT_COLUMNS)):
        ws = wb.create_sheet(name, index=len(wb.sheetnames) - 1)
        ws.append([c.label_vi for c in cols])
        n += add_list_validations(ws, cols, ranges, 500)
    assert n == sum(1 for cols in (FONDS_COLUMNS, DOSSIER_COLUMNS, DOCUMENT_COLUMNS) for c in cols if c.vocabulary)
    path = tmp_path / "mau.xlsx"
    wb.save(path)
    back = openpyxl.load_workbook(path)
    lists = back[LISTS_SHEET]
    assert lists.cell(row=2, column=1).value == "01: Vĩnh viễn"
    dvs = back["HoSo"].data_validations.dataValidation
    assert dvs and all(dv.formula1.startswith(f"'{LISTS_SHEET}'!$") for dv in dvs)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed: the workbook was checked with openpyxl only")
    out = subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                         capture_output=True, text=True, timeout=180,
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "mau.pdf").stat().st_size > 1000
    # LibreOffice's own reading of the drop-downs: one list validation per controlled column
    ods = subprocess.run([soffice, "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(path)],
                         capture_output=True, text=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert ods.returncode == 0, ods.stderr
    import zipfile

    content = zipfile.ZipFile(tmp_path / "mau.ods").read("content.xml").decode()
    import re

    referenced = set(re.findall(r"of:cell-content-is-in-list\(\[\$DanhMuc\.\$([A-Z]+)\$2", content))
    used = {c.vocabulary for cols in (FONDS_COLUMNS, DOSSIER_COLUMNS, DOCUMENT_COLUMNS) for c in cols if c.vocabulary}
    expected = {ranges[k].split("!$")[1].split("$")[0] for k in used}
    assert referenced == expected and len(expected) == len(vocabularies())
    # each controlled column is a validated cell range in LibreOffice's reading
    assert content.count("table:content-validation-name=") >= n
    assert "03: Mật" not in content  # refused value not offered
