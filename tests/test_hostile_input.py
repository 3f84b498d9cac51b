"""Hostile archives and catalogues (issue 16, item 3): each is refused with a finding.

Every input is generated here: a zip bomb, encrypted and unknown-method members, a
corrupt deflate stream, an XLSX declaring a huge used range or an entity, a CSV field of
200,000 characters.  Each ingest ends ``rejected`` with the finding's code, no traceback
in the report, nothing written outside the staging area (which is removed), and reading
a huge declared range allocates nothing (peak RSS measured in a child process).
"""

from __future__ import annotations

import hashlib
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

import luutru.disposal.execution as execution
from luutru.config import LimitSettings, Settings
from luutru.ingest.pipeline import ingest
from luutru.packaging.catalogue_reader import read_catalogue
from luutru.packaging.catalogue_writer import build_workbook
from luutru.records.findings import Severity
from luutru.services import Services
from tests.disposal_helpers import approved_list, build_spec, ingest_fixture
from tests.factory import AGENCY, base_spec, write_transfer

MiB = 1024 * 1024


@pytest.fixture
def low(tmp_path: Path, database_url: str) -> Iterator[Services]:
    """Services with limits low enough that a bomb is small and the test fast."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    limits = LimitSettings(zip_max_total_bytes=64 * MiB, zip_max_ratio=100, zip_ratio_min_bytes=MiB,
                           zip_max_members=500, zip_max_depth=8, catalogue_max_rows=1000,
                           catalogue_max_columns=60, catalogue_max_cell_chars=32_767)
    svc = Services(Settings(home=home, database_url=database_url, limits=limits))
    yield svc
    svc.close()


def _zip_of(root: Path, z: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(root).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return z


def _transfer_zip(tmp_path: Path, extra: dict[str, bytes] | None = None) -> Path:
    return _zip_of(write_transfer(base_spec(1, 2), tmp_path / "t"), tmp_path / "in.zip", extra)


def _patch(z: Path, name: str, *, flag: int | None = None, method: int | None = None) -> None:
    """Rewrite a member's flag bits or method in its local and central headers (zipfile cannot write them)."""
    data = bytearray(z.read_bytes())
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + n]).decode() == name:
            local = struct.unpack_from("<I", data, pos + 42)[0]
            if flag is not None:
                struct.pack_into("<H", data, pos + 8, struct.unpack_from("<H", data, pos + 8)[0] | flag)
                struct.pack_into("<H", data, local + 6, struct.unpack_from("<H", data, local + 6)[0] | flag)
            if method is not None:
                struct.pack_into("<H", data, pos + 10, method)
                struct.pack_into("<H", data, local + 8, method)
            z.write_bytes(bytes(data))
            return
        pos += 4
    raise AssertionError(name)


def _codes(rep) -> set[str]:
    return {f.code for f in rep.findings if f.severity is Severity.ERROR}


def _assert_refused(rep, code: str, services: Services, tmp_path: Path) -> None:
    text = rep.to_json()
    assert rep.status == "rejected", text
    assert code in _codes(rep), text
    assert "Traceback" not in text and "INTERNAL_ERROR" not in text
    staging = services.settings.work_dir
    assert not list(staging.rglob("unzip-*")), "the staging folder of a refused zip is removed"
    big = [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size > 4 * MiB]
    assert big == [], "nothing expanded anywhere"


def test_zip_bomb_refused_before_anything_is_written(low, tmp_path):
    z = _transfer_zip(tmp_path, {"files/zeros.bin": b"\0" * (80 * MiB)})
    assert z.stat().st_size < MiB
    rep = ingest(z, low)
    _assert_refused(rep, "ZIP_TOO_LARGE", low, tmp_path)
    assert "ZIP_RATIO" in _codes(rep)


def test_high_ratio_member_alone_is_refused(low, tmp_path):
    rep = ingest(_transfer_zip(tmp_path, {"files/zeros.bin": b"\0" * (8 * MiB)}), low)
    _assert_refused(rep, "ZIP_RATIO", low, tmp_path)
    assert "ZIP_TOO_LARGE" not in _codes(rep)


def test_too_many_members_and_too_deep(low, tmp_path):
    extra = {f"files/many/{i}.txt": b"x" for i in range(600)}
    extra["/".join(["d"] * 12) + "/deep.txt"] = b"x"
    rep = ingest(_transfer_zip(tmp_path, extra), low)
    _assert_refused(rep, "ZIP_TOO_MANY_MEMBERS", low, tmp_path)
    assert "ZIP_TOO_DEEP" in _codes(rep)


def test_encrypted_member(low, tmp_path):
    z = _transfer_zip(tmp_path, {"files/secret.pdf": b"%PDF-1.4 secret"})
    _patch(z, "files/secret.pdf", flag=0x1)
    rep = ingest(z, low)
    _assert_refused(rep, "ZIP_ENCRYPTED", low, tmp_path)
    assert [f.file for f in rep.findings if f.code == "ZIP_ENCRYPTED"] == ["files/secret.pdf"]


def test_unknown_compression_method(low, tmp_path):
    z = _transfer_zip(tmp_path, {"files/odd.pdf": b"%PDF-1.4 odd"})
    _patch(z, "files/odd.pdf", method=99)
    _assert_refused(ingest(z, low), "ZIP_UNSUPPORTED_METHOD", low, tmp_path)


def test_corrupt_deflate_stream_is_a_finding_not_an_internal_error(low, tmp_path):
    z = tmp_path / "in.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("files/a.txt", b"hello " * 1000)
    data = bytearray(z.read_bytes())
    start = 30 + struct.unpack_from("<H", data, 26)[0] + struct.unpack_from("<H", data, 28)[0]
    data[start] = 0xFF  # final block of reserved type 3: "invalid block type"
    z.write_bytes(bytes(data))
    _assert_refused(ingest(z, low), "ZIP_CORRUPT", low, tmp_path)


def _rewrite_xlsx(path: Path, edit) -> None:
    """Rewrite every XML part of a workbook through ``edit(name, text) -> text``."""
    parts = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename.endswith(".xml"):
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            parts[info.filename] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _xlsx_transfer(tmp_path: Path, edit) -> Path:
    root = write_transfer(base_spec(1, 2), tmp_path / "t", fmt="xlsx")
    _rewrite_xlsx(root / "muc_luc_ho_so.xlsx", edit)
    return root


def _huge_range(name: str, text: str) -> str:
    if "worksheets/" not in name:
        return text
    return re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', text)


_RSS_PROBE = """
import resource, sys
from pathlib import Path
from luutru.packaging.catalogue_reader import read_catalogue
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
raw = read_catalogue(Path(sys.argv[1]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(raw.dossiers), len(raw.documents), (after - before) // 1024)
"""


def test_xlsx_declaring_a_huge_used_range_allocates_nothing(tmp_path):
    root = _xlsx_transfer(tmp_path, _huge_range)
    assert (root / "muc_luc_ho_so.xlsx").stat().st_size < 64 * 1024
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(root)], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parents[1], check=True).stdout.split()
    dossiers, documents, growth_mib = map(int, out)
    assert (dossiers, documents) == (1, 2), "the real rows are read, the declared range ignored"
    assert growth_mib < 40, f"peak RSS grew {growth_mib} MiB"


def test_xlsx_with_a_cell_far_below_the_row_bound_is_refused(low, tmp_path):
    def far_cell(name: str, text: str) -> str:
        if not name.endswith("sheet1.xml"):
            return text
        return text.replace("</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c>'
                                             "</row></sheetData>")
    root = _xlsx_transfer(tmp_path, far_cell)
    rep = ingest(root, low)
    assert rep.status == "rejected" and "CATALOGUE_TOO_LARGE" in _codes(rep), rep.to_json()
    assert "Traceback" not in rep.to_json()


def test_xlsx_with_an_entity_declaration_is_refused_before_parsing(low, tmp_path):
    def entity(name: str, text: str) -> str:
        if name != "xl/workbook.xml":
            return text
        decl_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
        return text[:decl_end] + '<!DOCTYPE w [<!ENTITY boom "boom">]>' + text[decl_end:]
    rep = ingest(_xlsx_transfer(tmp_path, entity), low)
    assert rep.status == "rejected" and "CATALOGUE_XML_ENTITY" in _codes(rep), rep.to_json()
    assert "Traceback" not in rep.to_json()


def test_csv_field_of_200000_characters(low, tmp_path):
    root = write_transfer(base_spec(1, 2), tmp_path / "t")
    lines = (root / "ho_so.csv").read_text(encoding="utf-8").splitlines()
    lines[1] += ',"' + "x" * 200_000 + '"'
    (root / "ho_so.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rep = ingest(_zip_of(root, tmp_path / "in.zip"), low)
    _assert_refused(rep, "CATALOGUE_CELL_TOO_LONG", low, tmp_path)
    assert any(f.row == "ho_so.csv:2" for f in rep.findings if f.code == "CATALOGUE_CELL_TOO_LONG"), rep.to_json()


def test_default_limits_fit_a_real_transfer_of_pdfs() -> None:
    lim = Settings().limits
    assert lim.zip_max_total_bytes >= 50 * 1024**3 and lim.zip_max_members >= 100_000
    assert lim.catalogue_max_cell_chars == 32_767


# --- one catalogue for the pre-check and for ingest (issue 16, items 2 and 5) ------------


OWN = "000.00.99.X01"


def _decoy_zip(tmp_path: Path, decoy_dir: str) -> Path:
    """A transfer of another agency wrapped in one folder, with a decoy catalogue of the
    submitter's own agency beside it (in ``__MACOSX/`` or a sub-folder)."""
    real = write_transfer(base_spec(1, 1), tmp_path / "real", fmt="xlsx")  # agency 000.00.31.H57
    spec = base_spec(1, 1)
    for row in spec.dossiers + spec.documents:  # the decoy names the submitter's agency
        for k, v in row.items():
            if isinstance(v, str):
                row[k] = v.replace(AGENCY, OWN)
    decoy = write_transfer(spec, tmp_path / "decoy", fmt="xlsx")
    with zipfile.ZipFile(tmp_path / "decoy.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(real.rglob("*")):
            if p.is_file():
                z.write(p, "nop-luu/" + p.relative_to(real).as_posix())
        z.write(decoy / "muc_luc_ho_so.xlsx", f"{decoy_dir}/muc_luc_ho_so.xlsx")
    return tmp_path / "decoy.zip"


@pytest.mark.parametrize("decoy_dir", ["__MACOSX", "nop-luu/HS01", "__MACOSX/nop-luu"])
def test_decoy_catalogue_is_refused_and_precheck_reads_what_ingest_reads(low, tmp_path, decoy_dir):
    z = _decoy_zip(tmp_path, decoy_dir)
    # a submitter of agency OWN: the agency rule runs inside the ingest, on the catalogue the
    # ingest reads, so the decoy cannot pass for it; the transfer is refused either way
    rep = ingest(z, low, agency=OWN)
    assert rep.status == "rejected" and "CATALOGUE_AMBIGUOUS" in _codes(rep), rep.to_json()
    assert not any(d.status == "stored" for d in rep.dossiers)
    rep = ingest(z, low)
    assert rep.status == "rejected" and "CATALOGUE_AMBIGUOUS" in _codes(rep), rep.to_json()
    [f] = [f for f in rep.findings if f.code == "CATALOGUE_AMBIGUOUS"]
    assert "nop-luu/muc_luc_ho_so.xlsx" in f.message_en and f"{decoy_dir}/muc_luc_ho_so.xlsx" in f.message_en
    assert "__MACOSX" in f.message_vi and "Fix:" in f.message_en


def test_mac_resource_forks_are_no_decoy(low, tmp_path):
    """``__MACOSX/._name`` (AppleDouble) files of an ordinary Mac zip are not catalogues."""
    z = _transfer_zip(tmp_path, {"__MACOSX/._muc_luc_ho_so.xlsx": b"\x00\x05\x16\x07", "__MACOSX/._ho_so.csv": b"x"})
    rep = ingest(z, low)
    assert "CATALOGUE_AMBIGUOUS" not in {f.code for f in rep.findings}, rep.to_json()


def test_bag_without_bagit_txt_is_a_clear_finding(low, tmp_path):
    """Manifests and data/ but no bagit.txt: not read as a plain folder, not a traceback."""
    root = tmp_path / "bag"
    data = write_transfer(base_spec(1, 1), root / "data")
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  data/{p.relative_to(data).as_posix()}"
             for p in sorted(data.rglob("*")) if p.is_file()]
    (root / "manifest-sha256.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for target in (root, _zip_of(root, tmp_path / "bag.zip")):
        rep = ingest(target, low)
        text = rep.to_json()
        assert rep.status == "rejected" and "BAG_DECLARATION_MISSING" in _codes(rep), text
        assert "Traceback" not in text and "bagit.txt" in text


# --- a destroyed dossier cannot come back (issue 16, item 2) -----------------------------


def test_destroyed_dossier_code_is_refused_at_ingest(services, tmp_path):
    """Destroyed under an approved list, then sent again relabelled permanent: refused,
    naming the destruction, and nothing stored under that code."""
    ing = ingest_fixture(services, tmp_path / "first")
    list_id = approved_list(services, ing.expired)
    execution.execute(services, list_id, actor="tuan.luutru")
    code = ing.expired[0]
    assert not services.storage.has_aip(code)
    spec, _ = build_spec()
    spec.dossiers[0]["thoi_han_bao_quan"] = "Vĩnh viễn"
    rep = ingest(write_transfer(spec, tmp_path / "again"), services)
    found = [f for f in rep.findings if f.code == "DOSSIER_DESTROYED" and f.dossier == code]
    assert found and found[0].is_error, rep.to_json()
    f = found[0]
    assert list_id in f.message_en and "15/QĐ-SNV" in f.message_en and "Fix:" in f.message_en
    assert "tiêu hủy" in f.message_vi and list_id in f.message_vi
    assert not services.storage.has_aip(code)
    assert {x.dossier for x in rep.findings if x.code == "DOSSIER_DESTROYED"} == set(ing.expired)


# --- formula cells, counts and dates in the catalogue (issue 16, item 5) ---------------


def _with_formulas(tmp_path: Path) -> Path:
    root = write_transfer(base_spec(1, 1), tmp_path / "formula", fmt="xlsx")
    wb = openpyxl.load_workbook(root / "muc_luc_ho_so.xlsx")
    ws = wb["HoSo"]
    headers = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(headers, 1) if h and "Tiêu đề" in h)
    ws.cell(row=2, column=col).value = '=HYPERLINK("http://127.0.0.1/x","Hồ sơ tuyển dụng")'
    wb.save(root / "muc_luc_ho_so.xlsx")
    return root


def test_formula_cell_is_kept_as_text_warned_and_never_written_back_as_formula(low, tmp_path):
    root = _with_formulas(tmp_path)
    raw = read_catalogue(root)
    [f] = [f for f in raw.findings if f.code == "CATALOGUE_FORMULA"]
    assert f.severity is Severity.WARNING and f.row and f.row.startswith("HoSo!") and "Paste Special" in f.message_en
    title = raw.dossiers[0].values["tieu_de"]
    assert title.startswith("=HYPERLINK(")  # the formula's text, not a computed value
    # the transfer-out workbook writes it as text, never as a live formula
    out = tmp_path / "out.xlsx"
    build_workbook(dossiers=[{"ma_ho_so": "x", "tieu_de": title}]).save(out)
    ws = openpyxl.load_workbook(out)["HoSo"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == title]
    assert cells and all(c.data_type == "s" for c in cells)
    rep = ingest(root, low)
    assert "CATALOGUE_FORMULA" in {x.code for x in rep.findings}, rep.to_json()


def test_future_document_date_is_an_error(low, tmp_path):
    spec = base_spec(1, 1)
    spec.documents[0]["ngay_van_ban"] = "15/03/2099"
    rep = ingest(write_transfer(spec, tmp_path / "t"), low)
    found = [f for f in rep.findings if f.code == "DATE_IN_FUTURE" and f.field == "ngay_van_ban"]
    assert found and found[0].is_error and found[0].document and "15/03/2099" in found[0].message_en, rep.to_json()
    assert rep.status == "rejected"


def test_declared_pages_are_compared_with_the_pdf(low, tmp_path):
    spec = base_spec(1, 2)
    spec.documents[1]["so_trang"] = 7  # the PDF has one page
    rep = ingest(write_transfer(spec, tmp_path / "t"), low)
    found = [f for f in rep.findings if f.code == "DOCUMENT_PAGE_COUNT_MISMATCH"]
    assert len(found) == 1, rep.to_json()
    f = found[0]
    assert f.document == spec.documents[1]["ma_dinh_danh_van_ban"] and f.details == {"stated": 7, "pages": 1}
    assert "7" in f.message_vi and "Fix:" in f.message_en


def _bag(tmp_path: Path, manifest_extra: bytes = b"") -> Path:
    root = tmp_path / "bag"
    data = write_transfer(base_spec(1, 1), root / "data")
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  data/{p.relative_to(data).as_posix()}"
             for p in sorted(data.rglob("*")) if p.is_file()]
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    (root / "manifest-sha256.txt").write_bytes(("\n".join(lines) + "\n").encode() + manifest_extra)
    return root


def test_damaged_bag_messages_hold_no_server_path(low, tmp_path):
    """bagit-python names the bag's absolute path ("<bag>: manifest lists X multiple times"):
    the submitter sees it relative; a tag file that is not UTF-8 is a finding, not a traceback."""
    root = _bag(tmp_path)
    line = (root / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()[0]
    (root / "manifest-sha256.txt").write_text((root / "manifest-sha256.txt").read_text() + line + "\n")
    for target in (root, _zip_of(root, tmp_path / "bag.zip")):
        rep = ingest(target, low)
        text = rep.to_json()
        assert rep.status == "rejected" and "BAG_MANIFEST_DUPLICATE" in _codes(rep), text
        for f in rep.findings:
            for message in (f.message_vi, f.message_en, f.file or ""):
                assert str(tmp_path) not in message and str(low.settings.home_dir) not in message, message
    bad = _bag(tmp_path / "enc", b"\xff\xfe\x00 not utf-8\n")
    rep = ingest(bad, low)
    assert "BAG_INVALID" in _codes(rep) and "INTERNAL_ERROR" not in {f.code for f in rep.findings}, rep.to_json()
    assert "Traceback" not in rep.to_json()
