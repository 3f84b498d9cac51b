"""The refusal of a transfer-out step: every reason as a finding with its fix."""

from __future__ import annotations

from typing import Any

from luutru.records.findings import FindingCode, Refused, finding


class ExportError(Refused):
    """A transfer-out step was refused; ``findings`` say why, per dossier, and how to fix it."""

    kind = "transfer_out_refused"


def refuse(code: FindingCode, vi: str, en: str, **where: Any) -> ExportError:
    """A refusal with one finding of the registered ``code`` (raise it)."""
    return ExportError([finding(code, vi, en, **where)])
