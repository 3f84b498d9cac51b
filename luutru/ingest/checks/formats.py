"""Format identification in-process (puremagic signatures), PRONOM PUIDs and the format policy.

Why in-process: identification runs on every file of a transfer; starting a tool per
file is the known failure of other archives.  puremagic matches magic bytes (and looks
inside ZIP containers for OOXML/ODF); plain text and CSV have no magic, so they are
recognised by decoding as UTF-8 (the regulations ask for Unicode, TCVN 6909:2001).
"""

from __future__ import annotations

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

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["verdict"] = self.verdict.value
        return d


def _pdf_version(head: bytes) -> str | None:
    m = re.search(rb"%PDF-(\d\.\d)", head[:1024])
    return m.group(1).decode() if m else None


def _jfif_puid(head: bytes) -> str | None:
    i = head.find(b"JFIF\x00", 0, 64)
    if i < 0 or len(head) < i + 7:
        return None
    return JFIF_PUIDS.get((head[i + 5], head[i + 6]))


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
    if _looks_text(head):
        return ("csv" if ext == "csv" else "txt"), "utf-8 text", None
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
        version = _pdf_version(head)
        puid = PDF_PUIDS.get(version or "")
    elif key == "jpeg":
        puid = _jfif_puid(head) or "fmt/41"
    mismatch = rule is not None and ext not in rule.extensions
    if key == "txt" and ext == "csv":
        mismatch = False
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
    )


def as_pdfa(info: FormatInfo, part: int, conformance: str | None, *, policy: FormatPolicy | None = None) -> FormatInfo:
    """The same file recognised as PDF/A (claimed in XMP, not contradicted by a validator).

    Parts 1–3 have PRONOM PUIDs per level; PDF/A-4 (ISO 19005-4:2020) keeps the PUID of
    the PDF it is, as no PUID of its own is in the table."""
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
    """FORMAT_REJECTED (error) and FORMAT_EXTENSION_MISMATCH (warning)."""
    policy = policy or load_format_policy()
    out: list[Finding] = []
    accepted = ", ".join("." + e for e in policy.accepted_extensions)
    if info.verdict is FormatVerdict.REJECTED:
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
