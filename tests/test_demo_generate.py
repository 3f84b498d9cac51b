"""The demo transfers: the good one is clean and complete, the bad one has exactly its listed errors."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import bagit
import openpyxl
import pikepdf
import pytest
from pypdf import PdfReader

from luutru.demo import bag_transfer, generate_demo, zip_transfer
from luutru.demo.defects import INVALID_DATE
from luutru.demo.generate import SUBMITTER_DIR, SUBMITTER_SIZES
from luutru.packaging.catalogue_writer import TEMPLATE_NAME
from luutru.policies.access import state_secret_fields
from luutru.records.codes import AGENCY_CODE_RE, document_identifier, dossier_code
from luutru.records.fields import (
    DOCUMENT_COLUMNS,
    DOCUMENT_CSV,
    DOCUMENT_SHEET,
    DOSSIER_COLUMNS,
    DOSSIER_CSV,
    DOSSIER_SHEET,
)
from luutru.records.model import (
    AccessRegime,
    Reliability,
    Retention,
    fold,
)

N_DOSSIERS = 6


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    result = generate_demo(out, dossiers=N_DOSSIERS, progress=lambda d, t: calls.append((d, t)))
    result.progress_calls = calls
    return result


def read_xlsx(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows keyed by column key, headers matched by Vietnamese label (as the template writes them)."""
    wb = openpyxl.load_workbook(path)
    out = []
    for sheet, columns in ((DOSSIER_SHEET, DOSSIER_COLUMNS), (DOCUMENT_SHEET, DOCUMENT_COLUMNS)):
        ws = wb[sheet]
        by_label = {fold(c.label_vi): c.key for c in columns}
        keys = [by_label[fold(str(c.value))] for c in ws[1]]
        out.append([dict(zip(keys, row)) for row in ws.iter_rows(min_row=2, values_only=True)])
    return out[0], out[1]


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value), "%d/%m/%Y").date()
    except ValueError:
        return None


def disk_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {TEMPLATE_NAME}


def audit(root: Path) -> Counter:
    """Count every problem an archivist would check for, by defect code."""
    dossiers, docs = read_xlsx(root / TEMPLATE_NAME)
    found: Counter = Counter()
    on_disk = disk_files(root)
    on_disk_nfc = {unicodedata.normalize("NFC", p): p for p in on_disk}
    listed = {d["duong_dan_tep"] for d in docs}
    for row in dossiers + docs:
        columns = DOSSIER_COLUMNS if "ma_dinh_danh_van_ban" not in row else DOCUMENT_COLUMNS
        found["required_missing"] += sum(1 for c in columns if c.required and row.get(c.key) in (None, ""))
    for d in dossiers:
        found["agency_code_invalid"] += not AGENCY_CODE_RE.match(d["ma_co_quan"])
        try:
            Retention.parse(d["thoi_han_bao_quan"])
        except ValueError:
            found["retention_invalid"] += 1
        found["end_before_start"] += as_date(d["thoi_gian_ket_thuc"]) < as_date(d["thoi_gian_bat_dau"])
        found["document_count_mismatch"] += d["tong_so_van_ban"] != sum(1 for v in docs if v["ma_ho_so"] == d["ma_ho_so"])
    counts = Counter(v["ma_dinh_danh_van_ban"] for v in docs)
    found["document_duplicate"] = sum(1 for n in counts.values() if n > 1)
    for v in docs:
        found["date_invalid"] += as_date(v["ngay_van_ban"]) is None
        found["state_secret"] += bool(state_secret_fields({"do_mat": v["do_mat"]}))
        path = v["duong_dan_tep"]
        if path not in on_disk:
            if path in on_disk_nfc:
                found["file_name_nfd"] += 1
                path = on_disk_nfc[path]
            else:
                found["file_missing"] += 1
                continue
        if v["sha256"] and hashlib.sha256((root / path).read_bytes()).hexdigest() != v["sha256"]:
            found["checksum_mismatch"] += 1
    found["file_unlisted"] = sum(1 for p in on_disk_nfc if p not in listed)
    return +found


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def test_good_transfer_counts_and_progress(demo) -> None:
    dossiers, docs = read_xlsx(demo.good / TEMPLATE_NAME)
    assert len(dossiers) == demo.good_dossiers == N_DOSSIERS
    assert len(docs) == demo.good_documents == demo.good_files
    assert 3 * N_DOSSIERS <= len(docs) <= 15 * N_DOSSIERS
    assert len({d["ma_co_quan"] for d in dossiers}) >= 5  # several agencies
    assert sorted(disk_files(demo.good)) == sorted(d["duong_dan_tep"] for d in docs)
    assert (demo.progress_calls[-1][0] == demo.progress_calls[-1][1]
            == demo.good_documents + demo.bad_documents + sum(SUBMITTER_SIZES))
    assert audit(demo.good) == Counter()  # a clean transfer


def test_submitter_transfer_holds_only_the_demo_submitters_agency(demo) -> None:
    dossiers, docs = read_xlsx(demo.good.parent / SUBMITTER_DIR / TEMPLATE_NAME)
    assert len(dossiers) == len(SUBMITTER_SIZES) and len(docs) == sum(SUBMITTER_SIZES)
    assert {d["ma_co_quan"] for d in dossiers} == {demo.submitter_agency}
    good_codes = {d["ma_ho_so"] for d in read_xlsx(demo.good / TEMPLATE_NAME)[0]}
    assert not good_codes & {d["ma_ho_so"] for d in dossiers}  # new dossiers, not already stored
    with zipfile.ZipFile(demo.submitter_zip) as z:
        assert f"{SUBMITTER_DIR}/{TEMPLATE_NAME}" in z.namelist()


def test_good_transfer_rows_are_consistent(demo) -> None:
    dossiers, docs = read_xlsx(demo.good / TEMPLATE_NAME)
    by_code = {d["ma_ho_so"]: d for d in dossiers}
    for d in dossiers:
        assert d["ma_ho_so"] == dossier_code(d["ma_co_quan"], d["nam_hinh_thanh"], d["so_ky_hieu_ho_so"])
        assert 3 <= d["tong_so_van_ban"] <= 15
        AccessRegime.parse(d["che_do_su_dung"])
        for col in DOSSIER_COLUMNS:
            if col.max_len and d.get(col.key) is not None:
                assert len(str(d[col.key])) <= col.max_len, col.key
    for v in docs:
        parent = by_code[v["ma_ho_so"]]
        assert v["ma_dinh_danh_van_ban"] == document_identifier(v["ma_ho_so"], v["so_thu_tu"])
        assert parent["thoi_gian_bat_dau"] <= v["ngay_van_ban"] <= parent["thoi_gian_ket_thuc"]
        Reliability.parse(v["muc_do_tin_cay"])
        AccessRegime.parse(v["che_do_su_dung"])
        assert v["duong_dan_tep"] == unicodedata.normalize("NFC", v["duong_dan_tep"])
        assert not v["duong_dan_tep"].startswith("/") and ".." not in v["duong_dan_tep"].split("/")
        for col in DOCUMENT_COLUMNS:
            if col.max_len and v.get(col.key) is not None:
                assert len(str(v[col.key])) <= col.max_len, col.key
    with_sum = [v for v in docs if v["sha256"]]
    assert len(with_sum) >= 0.6 * len(docs)
    for v in with_sum:
        assert hashlib.sha256((demo.good / v["duong_dan_tep"]).read_bytes()).hexdigest() == v["sha256"]
    assert re.fullmatch(r"\d+", docs[0]["so_van_ban"])


def test_good_pdfs_open_and_carry_the_abstract(demo) -> None:
    _, docs = read_xlsx(demo.good / TEMPLATE_NAME)
    pdfs = [v for v in docs if v["duong_dan_tep"].endswith(".pdf")]
    assert len(pdfs) >= 0.8 * len(docs)
    for v in pdfs:
        path = demo.good / v["duong_dan_tep"]
        with pikepdf.open(path) as pdf:
            assert float(pdf.pdf_version) >= 1.4
            assert len(pdf.pages) == v["so_trang"]
            assert str(pdf.docinfo["/Author"]) == v["co_quan_ban_hanh"]
            assert str(pdf.docinfo["/Subject"]) == v["trich_yeu"]
        text = pdf_text(path)
        assert " ".join(v["trich_yeu"].split()) in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert v["nguoi_ky"] in text and f"{v['so_van_ban']}/{v['ky_hieu_van_ban']}" in text


def test_scanned_copies_are_colour_images_at_200_dpi(tmp_path: Path) -> None:
    # Old dossiers are digitised; generate enough to include some.
    result = generate_demo(tmp_path, seed=7, dossiers=12)
    _, docs = read_xlsx(result.good / TEMPLATE_NAME)
    scans = [v for v in docs if v["muc_do_tin_cay"] == "Số hóa"]
    assert scans
    for v in scans[:3]:
        with pikepdf.open(result.good / v["duong_dan_tep"]) as pdf:
            page = pdf.pages[0]
            (image,) = page.get_images().values()
            img = pikepdf.PdfImage(image)
            width_in = float(page.mediabox[2]) / 72
            assert img.colorspace == "/DeviceRGB" and img.width / width_in >= 199
        assert " ".join(v["trich_yeu"].split()) in pdf_text(result.good / v["duong_dan_tep"])
    formats = Counter(v["duong_dan_tep"].rsplit(".", 1)[1] for v in docs)
    assert formats["xlsx"] >= 1
    for v in docs:
        if v["duong_dan_tep"].endswith(".xlsx"):
            assert openpyxl.load_workbook(result.good / v["duong_dan_tep"]).active["A2"].value


def test_bad_transfer_has_exactly_the_listed_defects(demo) -> None:
    listed = Counter(d.code for d in demo.defects)
    assert all(n == 1 for n in listed.values()) and len(listed) == 12
    found = audit(demo.bad)
    assert found == listed
    text = demo.bad_errors.read_text(encoding="utf-8")
    assert demo.bad_errors.parent == demo.bad.parent  # beside the transfer, not inside it
    for d in demo.defects:
        assert f"[{d.code}]" in text and d.vi in text and d.en in text
    assert disk_files(demo.bad) - {d["duong_dan_tep"] for d in read_xlsx(demo.bad / TEMPLATE_NAME)[1]}


def test_bad_transfer_nfd_name_and_text_date(demo) -> None:
    (nfd,) = [d for d in demo.defects if d.code == "file_name_nfd"]
    on_disk = [p for p in disk_files(demo.bad) if unicodedata.normalize("NFC", p) == nfd.file]
    assert on_disk and on_disk[0] != nfd.file and on_disk[0] == unicodedata.normalize("NFD", nfd.file)
    assert "Quyết định" in nfd.file
    assert not (demo.bad / nfd.file).exists() or (demo.bad / nfd.file).samefile(demo.bad / on_disk[0])
    _, docs = read_xlsx(demo.bad / TEMPLATE_NAME)
    assert [v["ngay_van_ban"] for v in docs if isinstance(v["ngay_van_ban"], str)] == [INVALID_DATE]


def test_same_seed_same_bytes(demo, tmp_path: Path) -> None:
    again = generate_demo(tmp_path, dossiers=N_DOSSIERS)
    for first, second in ((demo.good, again.good), (demo.bad, again.bad)):
        names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert demo.bad_errors.read_bytes() == again.bad_errors.read_bytes()
    other = generate_demo(tmp_path / "other", seed=99, dossiers=N_DOSSIERS)
    assert (other.good / TEMPLATE_NAME).read_bytes() != (demo.good / TEMPLATE_NAME).read_bytes()


def test_csv_form(tmp_path: Path) -> None:
    result = generate_demo(tmp_path, dossiers=2, csv=True)
    assert not (result.good / TEMPLATE_NAME).exists()
    with (result.good / DOSSIER_CSV).open(encoding="utf-8", newline="") as fh:
        dossiers = list(csv.DictReader(fh))
    with (result.good / DOCUMENT_CSV).open(encoding="utf-8", newline="") as fh:
        docs = list(csv.DictReader(fh))
    assert len(dossiers) == 2 and len(docs) == result.good_documents
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", v["ngay_van_ban"]) for v in docs)
    assert all((result.good / v["duong_dan_tep"]).is_file() for v in docs)


def test_refuses_to_overwrite_unless_asked(demo, tmp_path: Path) -> None:
    generate_demo(tmp_path, dossiers=1)
    with pytest.raises(FileExistsError):
        generate_demo(tmp_path, dossiers=1)
    assert generate_demo(tmp_path, dossiers=1, overwrite=True).good_dossiers == 1


def test_zip_and_bag_packagings(demo, tmp_path: Path) -> None:
    z = zip_transfer(demo.good, tmp_path / "good.zip")
    with zipfile.ZipFile(z) as zf:
        names = set(zf.namelist())
    assert f"good/{TEMPLATE_NAME}" in names and len(names) == demo.good_files + 1
    bag = bag_transfer(demo.good, tmp_path / "bag")
    assert bagit.Bag(str(bag)).is_valid()
    assert (bag / "data" / TEMPLATE_NAME).is_file()


def test_demo_retention_agrees_with_the_schedule_groups():
    """Every group code the demo writes exists in the schedule with the same period."""
    import luutru.demo.vocab as vocab
    from luutru.policies.retention_schedule import load_schedule
    from luutru.records.model import Retention

    schedule = load_schedule()
    topics = [v for v in vars(vocab).values() if isinstance(v, dict)]
    checked = 0
    for table in topics:
        for t in table.values():
            if isinstance(t, vocab.Topic) and t.group:
                item = schedule.get(t.group)
                assert item is not None, t.group
                assert item.retention == Retention.parse(t.retention), (t.title, t.group)
                checked += 1
    assert checked >= 8
