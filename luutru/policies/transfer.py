"""The transfer-out policy: when a permanent dossier is due for the historical archive.

Why data, not code: the deadline changed with the Law on Archives 2024 (5 years counted
from the deposit in the agency archive, where the 2011 law had 10 years after the year
the matter closed) and may change again; an archivist must be able to correct it
without a release.  ``transfer.yaml`` beside this module holds the default; the
``LUUTRU_TRANSFER_POLICY`` setting (``Settings.transfer_policy``) points at an agency's own copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from luutru.config import Settings

DEFAULT_PATH = Path(__file__).with_name("transfer.yaml")
COUNT_FROM = ("closing_year", "agency_deposit_year")


class TransferPolicyError(ValueError):
    """The policy file is unreadable or malformed; the message names the file and the key."""


@dataclass(frozen=True)
class TransferPolicy:
    years: int
    count_from: str  # closing_year | agency_deposit_year
    legal_basis: str
    verified: bool
    archive_code: str
    archive_name: str
    output_dir: str
    source: str

    def start_year(self, end_date: date, deposit_year: int | None = None) -> int:
        """The year the deadline counts from for one dossier.

        ``agency_deposit_year`` (Law on Archives 2024 Art. 17): the year the dossier was
        deposited in the agency archive, but never later than the year after it closed —
        the latest lawful deposit year — so that records deposited late, or brought into
        this service long after their deposit, are not given extra years.
        """
        if self.count_from == "agency_deposit_year":
            latest_lawful = end_date.year + 1
            return min(deposit_year, latest_lawful) if deposit_year is not None else latest_lawful
        return end_date.year

    def due_year(self, end_date: date, deposit_year: int | None = None) -> int:
        """The year in which the transfer deadline falls."""
        return self.start_year(end_date, deposit_year) + self.years

    def is_due(self, end_date: date, as_of_year: int, deposit_year: int | None = None) -> bool:
        """due ⇔ start year + N ≤ as-of year."""
        return self.due_year(end_date, deposit_year) <= as_of_year

    def to_dict(self) -> dict[str, Any]:
        return {"years": self.years, "count_from": self.count_from, "legal_basis": self.legal_basis,
                "verified": self.verified, "receiving_archive": {"code": self.archive_code, "name": self.archive_name},
                "output_dir": self.output_dir, "source": self.source}


def load_transfer_policy(path: Path | str | None = None) -> TransferPolicy:
    """Read the policy (``path``, else ``$LUUTRU_TRANSFER_POLICY``, else the bundled default)."""
    p = Path(path or Settings().transfer_policy or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise TransferPolicyError(f"{p}: cannot read the transfer policy ({e})") from e
    except yaml.YAMLError as e:
        raise TransferPolicyError(f"{p}: not valid YAML ({e})") from e
    if not isinstance(raw, dict):
        raise TransferPolicyError(f"{p}: expected a mapping at the top level")
    deadline = raw.get("deadline") or {}
    archive = raw.get("receiving_archive") or {}
    if not isinstance(deadline, dict) or not isinstance(archive, dict):
        raise TransferPolicyError(f"{p}: 'deadline' and 'receiving_archive' must be mappings")
    years = deadline.get("years")
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 100:
        raise TransferPolicyError(f"{p}: deadline.years must be a whole number of years (0–100), got {years!r}")
    count_from = str(deadline.get("count_from", "closing_year"))
    if count_from not in COUNT_FROM:
        raise TransferPolicyError(f"{p}: deadline.count_from must be one of {', '.join(COUNT_FROM)}, got {count_from!r}")
    return TransferPolicy(
        years=years, count_from=count_from, legal_basis=str(deadline.get("legal_basis") or ""),
        verified=bool(deadline.get("verified", False)), archive_code=str(archive.get("code") or ""),
        archive_name=str(archive.get("name") or "Lưu trữ lịch sử"), output_dir=str(raw.get("output_dir") or "exports"),
        source=str(p),
    )
