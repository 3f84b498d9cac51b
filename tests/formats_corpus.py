"""Files of each kind format identification must tell apart, made by the tests themselves:
OOXML and ODF containers told by what is inside, the same containers renamed, a plain
zip, UTF-8 and UTF-16 text, 8-bit text, PDF and PDF/A-4.

Used by tests/test_format_identification.py and bench/bench_identify.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable

import openpyxl

from tests.pdfa_corpus import CASES as PDFA_CASES
from tests.pki import make_pdf_bytes

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
       '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/{part}" '
       'ContentType="{ct}"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="{part}"/></Relationships>')
_OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
_ODF = {"odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet"}


def ooxml(path: Path, kind: str) -> Path:
    part, ct = _OOXML[kind]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT.format(part=part, ct=ct))
        z.writestr("_rels/.rels", _RELS.format(part=part))
        z.writestr(part, '<?xml version="1.0" encoding="UTF-8"?><document>Công văn</document>')
    return path


def xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Mục lục hồ sơ"
    wb.save(path)
    return path


def odf(path: Path, kind: str) -> Path:
    """An OpenDocument 1.2 package as LibreOffice writes it (mimetype first, stored)."""
    mime = _ODF[kind]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
                   '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"><office:body/>'
                   '</office:document-content>')
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:'
                   'manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{mime}"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
    return path


def plain_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ghi-chu.txt", "Không phải văn bản Word")
    return path


TEXT = "Ghi chú bằng tiếng Việt có dấu: Ủy ban nhân dân tỉnh\r\n"

#: name -> writer; the name's extension is what the sender called the file
MAKERS: dict[str, Callable[[Path], object]] = {
    "cong-van.docx": lambda p: ooxml(p, "docx"),
    "muc-luc.xlsx": xlsx,
    "bao-cao.odt": lambda p: odf(p, "odt"),
    "bang-tinh.ods": lambda p: odf(p, "ods"),
    "trinh-chieu.pptx": lambda p: ooxml(p, "pptx"),
    "trinh-chieu-doi-ten.docx": lambda p: ooxml(p, "pptx"),
    "nen-doi-ten.docx": plain_zip,
    "tep-nen.zip": plain_zip,
    "word-doi-ten.xlsx": lambda p: ooxml(p, "docx"),
    "utf8.txt": lambda p: p.write_text(TEXT, encoding="utf-8"),
    "utf16le.txt": lambda p: p.write_bytes(TEXT.encode("utf-16")),  # BOM + little-endian
    "utf16be.txt": lambda p: p.write_bytes(b"\xfe\xff" + TEXT.encode("utf-16-be")),
    "tcvn3.txt": lambda p: p.write_bytes("Xin chào".encode("cp1258")),
    "danh-sach.csv": lambda p: p.write_text("stt,ten\n1,Nguyễn Văn An\n", encoding="utf-8"),
    "quyet-dinh.pdf": lambda p: p.write_bytes(make_pdf_bytes("Quyết định")),
    "pdfa-4.pdf": lambda p: p.write_bytes(next(c for c in PDFA_CASES if c.name == "pdfa-4.pdf").make()),
}


def write_corpus(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in MAKERS.items():
        make(folder / name)
        out[name] = folder / name
    return out
