"""Findings: one problem (or notice) about a transfer, dossier, document or file.

Every check in the service returns findings rather than raising, so that a report
names *every* bad file, not the first one.  Each finding carries a stable code, a
severity, what it concerns, and a bilingual message that says how to fix it.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any, Iterable


class Severity(str, enum.Enum):
    """ERROR rejects what it concerns; WARNING is reported but accepted; INFO is a notice."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    ``code`` is stable and machine-readable (e.g. ``FILE_MISSING``); messages are for people
    and must say what to do about it.
    """

    severity: Severity
    code: str
    message_vi: str
    message_en: str
    dossier: str | None = None
    document: str | None = None
    file: str | None = None
    row: str | None = None  # e.g. "HoSo!5" or "van_ban.csv:12"
    field: str | None = None
    details: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        d = dict(d)
        d["severity"] = Severity(d["severity"])
        return cls(**d)


def error(code: str, vi: str, en: str, **where: Any) -> Finding:
    return Finding(Severity.ERROR, code, vi, en, **where)


def warning(code: str, vi: str, en: str, **where: Any) -> Finding:
    return Finding(Severity.WARNING, code, vi, en, **where)


def info(code: str, vi: str, en: str, **where: Any) -> Finding:
    return Finding(Severity.INFO, code, vi, en, **where)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)
