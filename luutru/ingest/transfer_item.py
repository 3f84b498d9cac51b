"""The transfer in flight and the run's context: what the ingest steps share.

Kept apart from :mod:`luutru.ingest.steps` so the staging step
(:mod:`luutru.ingest.stage_files`) can use them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from luutru.ingest.files import FileMatch
from luutru.ingest.report import IngestReport
from luutru.ingest.sip_source import SipTransfer
from luutru.ingest.sources import OpenedTransfer
from luutru.ingest.validate import ValidatedCatalogue
from luutru.packaging.catalogue_reader import RawCatalogue
from luutru.preservation.aip import AipBuilder, Component
from luutru.records.model import DocumentRecord, DossierRecord
from luutru.services import Services

Progress = Callable[[str, int, int], None]


@dataclass
class IngestContext:
    """What a step may use and that stays the same for the whole run."""

    services: Services
    transfer_id: str
    staging_root: Path
    progress: Progress
    agency: str | None = None  # an account bound to one agency submits: only that agency's dossiers


@dataclass
class StagedDossier:
    """One dossier assembled in the scratch space, not yet sealed."""

    record: DossierRecord
    documents: list[DocumentRecord]
    builder: AipBuilder
    originals: dict[str, Component]
    sealed: tuple[Path, int] | None = None  # sealed while the other files were checked: (bag, warnings)


@dataclass
class TransferItem:
    """The transfer in flight: what each step found, for the next ones."""

    path: Path
    report: IngestReport
    opened: OpenedTransfer | None = None
    raw: RawCatalogue | None = None
    catalogue: ValidatedCatalogue | None = None
    matches: dict[str, FileMatch] = field(default_factory=dict)
    staged: list[StagedDossier] = field(default_factory=list)
    existing: dict[str, bool] = field(default_factory=dict)  # dossier code → stored AIP has the same content
    sip: SipTransfer | None = None  # the transfer was 05/2025 SIPs (read into the template's shape)
    committed: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code → its preservation actions

    @property
    def root(self) -> Path:
        assert self.opened is not None
        return self.opened.root

    @property
    def files_root(self) -> Path:
        """Where the catalogue's file paths point: the transfer, or the view of the SIPs' originals."""
        return self.sip.view_root if self.sip is not None else self.root

    @property
    def cat(self) -> ValidatedCatalogue:
        assert self.catalogue is not None
        return self.catalogue
