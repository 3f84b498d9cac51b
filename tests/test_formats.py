"""Format identification on real files of each accepted kind, and the format policy."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from luutru.ingest.checks.formats import as_pdfa, format_findings, identify_format
from luutru.policies.formats import (
    FormatPolicyError,
    FormatVerdict,
    load_format_policy,
    parse_format_policy,
)
from tests.pki import make_pdf_bytes


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("formats")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Mục lục hồ sơ"
    wb.save(d / "muc-luc.xlsx")
    with zipfile.ZipFile(d / "cong-van.docx", "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    with zipfile.ZipFile(d / "bao-cao.odt", "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    (d / "ghi-chu.txt").write_text("Ghi chú bằng tiếng Việt có dấu\n", encoding="utf-8")
    (d / "danh-sach.csv").write_text("stt,ten\n1,Nguyễn Văn An\n", encoding="utf-8")
    (d / "van-ban.rtf").write_text("{\\rtf1\\ansi Van ban}", encoding="ascii")
    Image.new("RGB", (20, 20), "red").save(d / "con-dau.png")
    Image.new("RGB", (20, 20), "blue").save(d / "anh.jpg")
    (d / "quyet-dinh.pdf").write_bytes(make_pdf_bytes("Quyết định"))
    (d / "chuong-trinh.exe").write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 200)
    (d / "tcvn3.txt").write_bytes("Xin chào".encode("cp1258"))
    buf = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buf, "PNG")
    (d / "thuc-ra-la-anh.pdf").write_bytes(buf.getvalue())
    return d


@pytest.mark.parametrize(
    "name,key,puid,mime,verdict",
    [
        ("muc-luc.xlsx", "xlsx", "fmt/214", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "accepted"),
        ("cong-van.docx", "docx", "fmt/412", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "accepted"),
        ("bao-cao.odt", "odt", "fmt/291", "application/vnd.oasis.opendocument.text", "accepted"),
        ("ghi-chu.txt", "txt", "x-fmt/111", "text/plain", "accepted"),
        ("danh-sach.csv", "csv", "x-fmt/18", "text/csv", "accepted"),
        ("van-ban.rtf", "rtf", "fmt/355", "application/rtf", "accepted"),
        ("con-dau.png", "png", "fmt/13", "image/png", "accepted"),
        ("anh.jpg", "jpeg", "fmt/43", "image/jpeg", "accepted"),
        ("quyet-dinh.pdf", "pdf", "fmt/276", "application/pdf", "accepted_with_migration"),
    ],
)
def test_accepted_formats_are_identified(samples, name, key, puid, mime, verdict):
    info = identify_format(samples / name)
    assert (info.key, info.puid, info.mime, info.verdict.value) == (key, puid, mime, verdict)
    assert not info.extension_mismatch
    assert format_findings(info) == []


def test_pdf_version_is_read_from_header(samples):
    info = identify_format(samples / "quyet-dinh.pdf")
    assert info.version == "1.7" and info.migrate_to == "PDF/A-2b"


def test_pdfa_claim_gives_pdfa_puid_and_no_migration(samples):
    info = as_pdfa(identify_format(samples / "quyet-dinh.pdf"), 2, "B")
    assert (info.puid, info.name, info.verdict) == ("fmt/477", "PDF/A-2b", FormatVerdict.ACCEPTED)
    assert as_pdfa(info, 1, "A").puid == "fmt/95"


def test_executable_is_rejected_with_the_accepted_list(samples):
    info = identify_format(samples / "chuong-trinh.exe")
    assert info.verdict is FormatVerdict.REJECTED
    [f] = format_findings(info, file="chuong-trinh.exe")
    assert f.code == "FORMAT_REJECTED" and f.is_error and f.file == "chuong-trinh.exe"
    assert ".docx" in f.message_vi and ".pdf" in f.message_en


def test_non_unicode_text_is_rejected(samples):
    # Vietnamese text must be Unicode (TCVN 6909:2001); a legacy code page is not accepted.
    assert identify_format(samples / "tcvn3.txt").verdict is FormatVerdict.REJECTED


def test_extension_content_mismatch_is_flagged(samples):
    info = identify_format(samples / "thuc-ra-la-anh.pdf")
    assert info.key == "png" and info.extension == "pdf" and info.extension_mismatch
    [f] = format_findings(info)
    assert f.code == "FORMAT_EXTENSION_MISMATCH" and not f.is_error and ".png" in f.message_en


def test_empty_and_missing_files_do_not_raise(tmp_path):
    (tmp_path / "rong.txt").write_bytes(b"")
    assert identify_format(tmp_path / "rong.txt").key == "txt"
    assert identify_format(tmp_path / "khong-co.pdf").verdict is FormatVerdict.REJECTED


def test_policy_lists_the_regulation_formats():
    pol = load_format_policy()
    assert set(pol.accepted_extensions) == {
        "txt", "rtf", "doc", "docx", "odt", "csv", "xls", "xlsx", "ods", "pdf", "jpg", "jpeg", "png"}
    with pytest.raises(FormatPolicyError):
        parse_format_policy({"formats": {"pdf": {"name": "PDF"}}})
