"""What a file's format is (:class:`FormatInfo`), its PRONOM PUID, and the format policy's findings.

Siegfried identifies the files of a transfer in one batch (``pronom.py``, PRONOM byte
and container signatures).  This module holds the result type, the findings, the
PDF/A promotion after veraPDF, and the in-process identification used only when
Siegfried is absent or gave no answer for a file (said in the report): puremagic
matches magic bytes; plain text and CSV have no magic, so they are recognised by
decoding as Unicode (UTF-8, or UTF-16 with a byte-order mark; the regulations ask for
Unicode, TCVN 6909:2001).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import luutru.records.finding_codes.checks as fc
from luutru.policies.formats import FormatPolicy, FormatVerdict, load_format_policy
from luutru.records.findings import Finding, finding

# PRONOM PUIDs for PDF by header version, and PDF/A by (part, conformance).
PDF_PUIDS = {
    "1.0": "fmt/14", "1.1": "fmt/15", "1.2": "fmt/16", "1.3": "fmt/17", "1.4": "fmt/18",
    "1.5": "fmt/19", "1.6": "fmt/20", "1.7": "fmt/276", "2.0": "fmt/1129",
}
PDFA_PUIDS = {
    (1, "A"): "fmt/95", (1, "B"): "fmt/354",
    (2, "A"): "fmt/476", (2, "B"): "fmt/477", (2, "U"): "fmt/478",
    (3, "A"): "fmt/479", (3, "B"): "fmt/480", (3, "U"): "fmt/481",
    # ISO 19005-4:2020 has no conformance letters, only the E and F flavours (PRONOM v122)
    (4, ""): "fmt/1910", (4, "E"): "fmt/1911", (4, "F"): "fmt/1912",
}
JFIF_PUIDS = {(1, 0): "fmt/42", (1, 1): "fmt/43", (1, 2): "fmt/44"}

# puremagic extension → policy key
_MAGIC_KEYS = {
    "pdf": "pdf", "rtf": "rtf", "doc": "doc", "xls": "xls", "docx": "docx", "xlsx": "xlsx",
    "odt": "odt", "ods": "ods", "jpg": "jpeg", "jpeg": "jpeg", "jfif": "jpeg", "jpe": "jpeg",
    "png": "png", "txt": "txt", "csv": "csv",
}
_OLE_FAMILY = {"doc", "xls", "ppt", "msg", "msi", "spo", "opt", "rvt", "pub", "vsd"}
_HEAD = 64 * 1024


@dataclass(frozen=True)
class FormatInfo:
    """What a file is, what it should be called, and what the policy says about it."""

    key: str | None  # policy key, e.g. "pdf", "docx"; None = not identified
    name: str
    mime: str | None
    puid: str | None
    extension: str  # the file's own extension, lower case, no dot
    verdict: FormatVerdict
    extension_mismatch: bool = False
    version: str | None = None  # e.g. PDF header version "1.7"
    migrate_to: str | None = None
    basis: str = ""  # how it was identified
    identifier: str = "in-process"  # "siegfried 1.11.4 (…)" or "in-process" (puremagic)
    identifier_error: str | None = None  # Siegfried gave no answer for this file: why
    encoding: str | None = None  # text: "UTF-8", "UTF-16LE"…
    claimed: str | None = None  # a container named as another: the format its extension names

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["verdict"] = self.verdict.value
        return d


def pdf_version(head: bytes) -> str | None:
    m = re.search(rb"%PDF-(\d\.\d)", head[:1024])
    return m.group(1).decode() if m else None


def _jfif_puid(head: bytes) -> str | None:
    i = head.find(b"JFIF\x00", 0, 64)
    if i < 0 or len(head) < i + 7:
        return None
    return JFIF_PUIDS.get((head[i + 5], head[i + 6]))


_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def text_codec(head: bytes) -> str | None:
    """The Unicode codec of a text sample (``utf-8``, ``utf-16-le``, ``utf-16-be``), None
    if it is not Unicode text.  UTF-16 is told by its byte-order mark."""
    bom = _UTF16_BOMS.get(head[:2])
    if bom is not None and not head.startswith(b"\xff\xfe\x00\x00"):
        try:  # incremental: a character cut at the end of the sample is still text
            text = codecs.getincrementaldecoder(bom)().decode(head[2:], final=False)
        except UnicodeDecodeError:
            return None
        return bom if "\x00" not in text else None
    return "utf-8" if _looks_text(head) else None


def decode_text(data: bytes) -> str:
    """Text of a file known to be Unicode text (see :func:`text_codec`), BOM removed."""
    codec = text_codec(data[:_HEAD]) or "utf-8"
    start = 2 if codec.startswith("utf-16") else 0
    return data[start:].decode(codec, errors="replace").lstrip("\ufeff")


def _looks_text(head: bytes) -> bool:
    if not head:
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        # a multi-byte character cut at the end of the sample is still text
        return len(head) == _HEAD and e.start >= len(head) - 3


def _recognise(path: Path, head: bytes, ext: str) -> tuple[str | None, str, FormatInfo | None]:
    """The policy key of the content, how it was told, or a REJECTED result when the
    content is recognised but is no format of the policy."""
    import puremagic

    if (text_codec(head) or "").startswith("utf-16"):  # puremagic calls UTF-16 text "Windows INI"
        return ("csv" if ext == "csv" else "txt"), f"{text_codec(head)} text", None
    try:
        matches = puremagic.magic_file(str(path)) if head else []
    except Exception:  # noqa: BLE001 - puremagic raises on files it has no rule for
        matches = []
    # puremagic's weak "text file" guess is not used: text is text only if it is UTF-8
    matches = [m for m in matches if not (m.extension.lower() in (".txt", ".csv") and m.confidence < 0.5)]
    top = max((m.confidence for m in matches), default=0.0)
    if matches and (top >= 0.5 or not _looks_text(head)):
        best = [m for m in matches if m.confidence == top]
        exts = [m.extension.lower().lstrip(".") for m in best]
        chosen = ext if ext in exts else exts[0]
        if chosen in _OLE_FAMILY and ext in ("doc", "xls"):
            chosen = ext  # OLE2 compound files are told apart by extension only
        key, basis = _MAGIC_KEYS.get(chosen), f"magic:{chosen}"
        if key is None:
            return None, basis, FormatInfo(None, best[0].name or chosen, best[0].mime_type or None, None, ext,
                                           FormatVerdict.REJECTED, basis=basis)
        return key, basis, None
    codec = text_codec(head)
    if codec is not None:
        return ("csv" if ext == "csv" else "txt"), f"{codec} text", None
    return None, "", None


def identify_format(path: Path, *, policy: FormatPolicy | None = None) -> FormatInfo:
    """Identify ``path`` by content; judge it with the format policy. Never raises for bad input."""
    policy = policy or load_format_policy()
    ext = path.suffix.lower().lstrip(".")
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD)
    except OSError as e:
        return FormatInfo(None, "unreadable", None, None, ext, FormatVerdict.REJECTED, basis=f"unreadable: {e}")
    key, basis, rejected = _recognise(path, head, ext)
    if rejected is not None:
        return rejected
    if key is None:
        if ext in ("txt", "csv", "rtf"):
            return FormatInfo(None, "text not in Unicode (UTF-8)", None, None, ext, FormatVerdict.REJECTED,
                              basis="not valid UTF-8")
        return FormatInfo(None, "unknown", None, None, ext, FormatVerdict.REJECTED, basis="no signature matched")

    rule = policy.rule(key)
    version = None
    puid = rule.puid if rule else None
    if key == "pdf":
        version = pdf_version(head)
        puid = PDF_PUIDS.get(version or "")
    elif key == "jpeg":
        puid = _jfif_puid(head) or "fmt/41"
    mismatch = rule is not None and ext not in rule.extensions
    if key == "txt" and ext == "csv":
        mismatch = False
    encoding = text_codec(head) if key in ("txt", "csv") else None
    return FormatInfo(
        key=key,
        name=rule.name if rule else key,
        mime=rule.mime if rule else None,
        puid=puid,
        extension=ext,
        verdict=policy.verdict(key),
        extension_mismatch=mismatch,
        version=version,
        migrate_to=rule.migrate_to if rule else None,
        basis=basis,
        encoding=encoding.upper() if encoding else None,
    )


def as_pdfa(info: FormatInfo, part: int, conformance: str | None, *, policy: FormatPolicy | None = None) -> FormatInfo:
    """The same file recognised as PDF/A (claimed in XMP, not contradicted by a validator).

    Parts 1–3 have PRONOM PUIDs per level, PDF/A-4 (ISO 19005-4:2020) per flavour
    (none, E, F); a level the table lacks keeps the PUID of the PDF it is."""
    policy = policy or load_format_policy()
    rule = policy.rule("pdfa")
    level = (conformance or "").upper()
    return replace(
        info,
        key="pdfa",
        name=f"PDF/A-{part}{level.lower()}",
        puid=PDFA_PUIDS.get((part, level), info.puid),
        verdict=rule.verdict if rule else FormatVerdict.ACCEPTED,
        migrate_to=None,
        basis=info.basis + "+xmp:pdfaid",
    )


def format_findings(info: FormatInfo, *, policy: FormatPolicy | None = None, **where: Any) -> list[Finding]:
    """FORMAT_REJECTED or FORMAT_CONTAINER_MISMATCH (errors), FORMAT_EXTENSION_MISMATCH and
    FORMAT_IDENTIFICATION_FAILED (warnings)."""
    policy = policy or load_format_policy()
    out: list[Finding] = []
    accepted = ", ".join("." + e for e in policy.accepted_extensions)
    if info.identifier_error:
        out.append(finding(
            fc.FORMAT_IDENTIFICATION_FAILED,
            f"Siegfried không nhận diện được tệp này ({info.identifier_error[:200]}); dùng nhận diện nội bộ "
            "theo chữ ký đầu tệp. Kiểm tra tệp đọc được không; nếu tên tệp có ký tự xuống dòng thì đổi tên.",
            f"Siegfried could not identify this file ({info.identifier_error[:200]}); the in-process magic-byte "
            "identification was used. Check that the file is readable; rename it if its name holds a line break.",
            details=info.to_dict(), **where,
        ))
    if info.claimed and info.verdict is FormatVerdict.REJECTED:
        out.append(finding(
            fc.FORMAT_CONTAINER_MISMATCH,
            f"Tệp mang phần mở rộng .{info.extension} nhưng bên trong là {info.name} ({info.puid or 'không rõ PUID'}), "
            f"không phải {info.claimed}. Mở tệp bằng chương trình đã tạo ra nó, lưu lại đúng định dạng "
            f"{info.claimed} (hoặc một định dạng được chấp nhận: {accepted}) rồi nộp lại.",
            f"The file is named .{info.extension} but what is inside is {info.name} ({info.puid or 'no PUID'}), "
            f"not {info.claimed}. Open it in the program that made it, save it as {info.claimed} "
            f"(or another accepted format: {accepted}) and resubmit.",
            details=info.to_dict(), **where,
        ))
    elif info.verdict is FormatVerdict.REJECTED:
        out.append(finding(
            fc.FORMAT_REJECTED,
            f"Định dạng tệp không được chấp nhận ({info.name}, .{info.extension}). "
            f"Chỉ nhận: {accepted}. Chuyển tệp sang một định dạng được chấp nhận rồi nộp lại.",
            f"File format not accepted ({info.name}, .{info.extension}). "
            f"Accepted: {accepted}. Convert the file to an accepted format and resubmit.",
            details=info.to_dict(), **where,
        ))
    if info.extension_mismatch:
        rule = policy.rule(info.key)
        want = ", ".join("." + e for e in rule.extensions) if rule else "?"
        out.append(finding(
            fc.FORMAT_EXTENSION_MISMATCH,
            f"Phần mở rộng .{info.extension} không khớp nội dung tệp ({info.name}); đổi tên tệp thành {want}.",
            f"Extension .{info.extension} does not match the content ({info.name}); rename the file to {want}.",
            details=info.to_dict(), **where,
        ))
    return out
