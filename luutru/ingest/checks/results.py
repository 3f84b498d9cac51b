"""What the per-file checks take and give: their configuration, one file to check,
its result, and what the first (in-process) phase found.

Small frozen dataclasses, picklable, because they cross into the worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import luutru.records.events as ev
from luutru.config import Settings
from luutru.ingest.checks.formats import FormatInfo
from luutru.ingest.checks.pdf import PdfaResult
from luutru.ingest.checks.signature_model import (
    SignatureReport,
    SignatureResult,
    SignatureStatus,
)
from luutru.records.findings import Finding, has_errors
from luutru.records.model import Reliability


@dataclass(frozen=True)
class CheckConfig:
    """The settings the checks need, small and picklable for the worker process."""

    trust_roots: Path | None = None
    ghostscript: str = "gs"
    verapdf: str | None = None
    pdf_timeout_s: float = 60.0
    signature_policy: Path | None = None
    format_policy: Path | None = None
    migrate: bool = True  # make PDF/A preservation copies (skipped when nothing will be stored)
    pdfa_copies: bool = True  # PDF/A copies here (ingest: False, they are jobs after acceptance)
    tsa_url: str | None = None  # keep PAdES-LTA evidence of valid signatures (checks/evidence.py)
    evidence_timeout_s: float = 30.0
    siegfried: str | None = None  # the sf executable (format identification); PATH if None

    @classmethod
    def from_settings(cls, s: Settings) -> "CheckConfig":
        return cls(s.trust_roots, s.ghostscript, s.verapdf, s.pdf_timeout_s, signature_policy=s.signature_policy,
                   format_policy=s.format_policy, tsa_url=s.signing.tsa_url,
                   evidence_timeout_s=s.signing.evidence_timeout_s, siegfried=s.siegfried)


@dataclass(frozen=True)
class FileCheckItem:
    """One file to check. ``relpath`` is its path in the transfer (used in findings)."""

    path: Path
    relpath: str
    document: str | None = None
    dossier: str | None = None
    reliability: Reliability = Reliability.BORN_DIGITAL
    out_dir: Path | None = None  # where the preservation copy goes; check_files(out_dir=) if None
    doc_type_code: str | None = None  # 05/2025 document type (30 maps, 31 drawings need 300 dpi)
    received: date | None = None  # day the transfer was received (severity of the digitisation rule)

    @property
    def where(self) -> dict[str, Any]:
        return {"file": self.relpath, "document": self.document, "dossier": self.dossier}

    @property
    def object_id(self) -> str:
        return self.document or self.relpath


@dataclass(frozen=True)
class FileCheckResult:
    relpath: str
    format: FormatInfo
    findings: list[Finding] = field(default_factory=list)
    events: list[ev.Event] = field(default_factory=list)
    signatures: list[SignatureResult] = field(default_factory=list)
    signature_status: SignatureStatus | None = None  # None: not a PDF / not checked
    pdfa: PdfaResult | None = None
    text: str | None = None
    preservation_copy: Path | None = None
    signature_evidence: Path | None = None  # original + validation data + archive timestamp

    @property
    def rejected(self) -> bool:
        return has_errors(self.findings)

    @property
    def bottom_line_signature(self) -> str | None:
        """The file's signature status as a string (``"valid"``, ``"modified"``…), None if not checked."""
        return self.signature_status.value if self.signature_status is not None else None


FileItem = FileCheckItem  # short alias used by the pipeline


@dataclass(frozen=True)
class Inspection:
    """What phase 1 found, before veraPDF and migration."""

    format: FormatInfo
    findings: tuple[Finding, ...]
    events: tuple[ev.Event, ...]
    sig: SignatureReport | None
    pdfa: PdfaResult | None
    text: str | None


@dataclass(frozen=True)
class BatchCheckResult:
    """Results in item order, plus findings about the whole batch (e.g. VERAPDF_NOT_INSTALLED
    once).  Iterating gives the per-file results."""

    results: list[FileCheckResult]
    findings: list[Finding]
    worker_restarts: int = 0

    @property
    def batch_findings(self) -> list[Finding]:
        return self.findings

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)
