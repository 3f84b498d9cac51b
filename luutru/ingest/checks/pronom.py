"""Format identification of a whole transfer by Siegfried (PRONOM byte and container
signatures), turned into :class:`FormatInfo` judged by the format policy.

Why a batch: :func:`identify_formats` starts ``sf`` once for every file of the transfer
(``luutru/tools/siegfried.py``).  Why the policy maps PUIDs: the answer is a PRONOM PUID
and the policy (``formats.yaml``, ``puids``) says which PUIDs are which accepted format;
any other PUID is a format the archive does not take.

Decisions kept here:
- PDF: Siegfried reads the PDF/A *claim* (fmt/95…fmt/481, fmt/1910–1912); veraPDF decides
  whether the file IS PDF/A, so a PDF keeps the PUID of its header version until
  ``as_pdfa`` promotes it after veraPDF.  Siegfried's claim is kept in ``basis``.
- A damaged PDF (a ``%PDF-`` header but no PRONOM match) goes on to the PDF checks,
  which say what is wrong with it (PDF_UNREADABLE) rather than "unknown format".
- Text: plain text must be Unicode (UTF-8, or UTF-16 with its byte-order mark); an
  ISO-8859 or other 8-bit text is refused as before.  CSV has no signature, so a CSV
  matched on its name alone must also decode as Unicode text.
- Containers: a file named as one container format (docx, xlsx, odt, ods, doc, xls)
  whose content is another container (a pptx, a plain zip) gets ``claimed`` set, and
  so FORMAT_CONTAINER_MISMATCH instead of a bare FORMAT_REJECTED.
- Siegfried absent: every file is identified in-process and SIEGFRIED_NOT_INSTALLED is
  reported once; a file Siegfried gave no answer for is identified in-process with
  FORMAT_IDENTIFICATION_FAILED.  Never a quieter check without a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import luutru.tools.siegfried as sf
from luutru.ingest.checks.formats import (
    PDF_PUIDS,
    FormatInfo,
    identify_format,
    pdf_version,
    text_codec,
)
from luutru.policies.formats import FormatPolicy, FormatVerdict, load_format_policy
from luutru.records.findings import Finding

_HEAD = 64 * 1024
_UNICODE_TEXT = {"ASCII": "UTF-8", "UTF-8 Unicode": "UTF-8", "UTF-8 Unicode (with BOM)": "UTF-8",
                 "Little-endian UTF-16 Unicode": "UTF-16-LE", "Big-endian UTF-16 Unicode": "UTF-16-BE"}
_GENERIC_CONTAINERS = {"x-fmt/263": "zip", "fmt/111": "ole2"}  # ZIP Format, OLE2 Compound Document


@dataclass(frozen=True)
class IdentifiedBatch:
    """Format of every file (by ``str(path)``) and the findings about the whole batch."""

    formats: dict[str, FormatInfo]
    findings: list[Finding] = field(default_factory=list)
    identifier: str = ""  # "siegfried 1.11.4 (DROID_SignatureFile_V122.xml; …)" or "in-process"


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(_HEAD)
    except OSError:
        return b""


def _ext(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def _claimed(m: sf.SfMatch, ext: str, key: str | None, policy: FormatPolicy) -> str | None:
    """The container format the extension names, when the content is another container."""
    if not (m.by_container or m.puid in _GENERIC_CONTAINERS):
        return None
    named = [policy.rule(k) for k in policy.keys_for_extension(ext)]
    named = [r for r in named if r is not None and r.container]
    if not named or key in {r.key for r in named}:
        return None
    return named[0].name


def _text(path: Path, m: sf.SfMatch, key: str, ext: str) -> tuple[str | None, str | None]:
    """(key, encoding) of a text match: the key is None when the text is not Unicode."""
    enc = _UNICODE_TEXT.get(m.text_encoding or "")
    if enc is None:
        codec = text_codec(_head(path)) if (m.extension_only or m.text_encoding is None) else None
        enc = codec.upper() if codec else None
    if enc is None:
        return None, None
    if key == "txt" and ext == "csv":
        return "csv", enc  # a CSV is text with a .csv name
    return key, enc


def info_from_match(path: Path, m: sf.SfMatch, policy: FormatPolicy, identifier: str) -> FormatInfo:
    """Siegfried's answer for ``path`` judged by the policy (no fallback here)."""
    ext = _ext(path)
    key = policy.key_for_puid(m.puid)
    name = f"{m.format} {m.version}".strip() or "unknown"
    basis = f"siegfried {m.puid or 'UNKNOWN'}: {m.basis}" + (f" ({m.warning})" if m.warning else "")
    encoding = None
    if key in ("txt", "csv"):
        key, encoding = _text(path, m, key, ext)
        if key is None:
            return FormatInfo(None, f"text not in Unicode ({m.text_encoding or 'unknown encoding'})", m.mime or None,
                              m.puid, ext, FormatVerdict.REJECTED, basis=basis, identifier=identifier)
    if m.puid is None and pdf_version(_head(path)):
        # a damaged PDF matches no PRONOM signature (no trailer): the PDF checks say what is wrong
        return replace(identify_format(path, policy=policy), identifier=identifier,
                       basis=f"siegfried: no match; %PDF-{pdf_version(_head(path))} header")
    rule = policy.rule(key)
    if rule is None:
        return FormatInfo(None, name if m.puid else "unknown", m.mime or None, m.puid, ext, FormatVerdict.REJECTED,
                          basis=basis if m.puid else "no signature matched", identifier=identifier,
                          claimed=_claimed(m, ext, None, policy))
    puid, version = m.puid, (m.version or None)
    if key == "pdf":  # the claim is not the verdict: veraPDF decides PDF/A (as_pdfa)
        version = pdf_version(_head(path))
        puid = PDF_PUIDS.get(version or "") or (m.puid if m.puid in PDF_PUIDS.values() else rule.puid)
    mismatch = ext not in rule.extensions and not (key == "txt" and ext == "csv")
    return FormatInfo(
        key=key, name=rule.name, mime=rule.mime, puid=puid, extension=ext, verdict=policy.verdict(key),
        extension_mismatch=mismatch, version=version, migrate_to=rule.migrate_to, basis=basis,
        identifier=identifier, encoding=encoding,
    )


def _fallback(path: Path, policy: FormatPolicy, error: str | None) -> FormatInfo:
    return replace(identify_format(path, policy=policy), identifier="in-process", identifier_error=error)


def identify_formats(paths: Sequence[Path], *, policy: FormatPolicy | None = None, exe: str | None = None,
                     timeout: float | None = None) -> IdentifiedBatch:
    """Identify every file with ONE Siegfried run; in-process when ``sf`` is absent (said once).

    ``exe`` is the configured ``sf`` (``Settings.siegfried``), else ``sf`` on PATH.
    """
    policy = policy or load_format_policy()
    plist = [Path(p) for p in paths]
    found = sf.find_siegfried(exe)
    if found is None:
        return IdentifiedBatch({str(p): _fallback(p, policy, None) for p in plist},
                               [sf.siegfried_missing_finding()], "in-process")
    if not plist:
        return IdentifiedBatch({}, [], "siegfried")
    report = sf.identify_batch(plist, exe=found, timeout=timeout)
    matches, identifier = report.matches, report.identifier
    out: dict[str, FormatInfo] = {}
    for p in plist:
        m = matches[str(p)]
        if m.error and m.puid is None:
            out[str(p)] = _fallback(p, policy, m.error)
        else:
            out[str(p)] = info_from_match(p, m, policy, identifier)
    return IdentifiedBatch(out, [], identifier)


def identify_early(paths: Sequence[Path], *, exe: str | None = None, timeout: float | None = None) -> sf.SfReport | None:
    """Siegfried's raw answers for files not yet staged (the sender's own), so that the
    run overlaps the staging; None when ``sf`` is absent (the batch says so later)."""
    found = sf.find_siegfried(exe)
    if found is None or not paths:
        return None
    return sf.identify_batch([Path(p) for p in paths], exe=found, timeout=timeout)


def judged_as(report: sf.SfReport | None, pairs: Sequence[tuple[Path, Path]],
              policy: FormatPolicy) -> dict[str, FormatInfo]:
    """The formats of files identified early under their sender's name (``pairs`` =
    (sender's path, staged path), the same bytes), judged as the staged files, by
    ``str(staged path)``.  A file whose staged name has another extension, or that got no
    answer, is left out: it is identified again under its staged name (Siegfried weighs
    extensions too)."""
    out: dict[str, FormatInfo] = {}
    for read, staged in pairs:
        m = report.matches.get(str(read)) if report is not None else None
        if m is None or (m.error and m.puid is None) or read.suffix.lower() != staged.suffix.lower():
            continue  # no answer (a timeout, an unlistable name): asked again under the staged name
        out[str(staged)] = info_from_match(staged, m, policy, report.identifier)
    return out


def identify_rest(paths: Sequence[Path], known: dict[str, FormatInfo], *, policy: FormatPolicy,
                  exe: str | None = None, timeout: float | None = None) -> IdentifiedBatch:
    """:func:`identify_formats` for the files ``known`` (from :func:`judged_as`) lacks."""
    rest = [p for p in paths if str(p) not in known]
    if known and not rest:
        return IdentifiedBatch(dict(known), [], "siegfried")
    ident = identify_formats(rest, policy=policy, exe=exe, timeout=timeout)
    return IdentifiedBatch({**ident.formats, **known}, ident.findings, ident.identifier)
