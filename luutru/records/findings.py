"""Findings: one problem (or notice) about a transfer, dossier, document or file.

Every check in the service returns findings rather than raising, so that a report
names *every* bad file, not the first one.  Each finding carries a stable code, a
severity, what it concerns, and a bilingual message that says how to fix it.

Every code is declared once as a :class:`FindingCode` (its severity, meaning and fix,
in Vietnamese and English) in :mod:`luutru.records.finding_codes`; ``luutru findings``
lists that registry, and a test checks that every code the program can emit is in it.
A step that refuses to go on raises :class:`Refused` with its findings.
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


class FindingCode(str):
    """A registered finding code: the code itself (a ``str``, so reports and comparisons
    see the plain code) plus its default severity, meaning and remediation hint."""

    severity: Severity
    meaning_vi: str
    meaning_en: str
    fix_vi: str
    fix_en: str
    area: str

    def __new__(cls, code: str, severity: Severity, meaning_vi: str, meaning_en: str,
                fix_vi: str = "", fix_en: str = "", *, area: str = "") -> "FindingCode":
        obj = super().__new__(cls, code)
        obj.severity, obj.meaning_vi, obj.meaning_en = severity, meaning_vi, meaning_en
        obj.fix_vi, obj.fix_en, obj.area = fix_vi, fix_en, area
        return obj

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Findings cross process boundaries (the isolated checker) and get copied: they
        # travel as the plain code and come back as the registered constant.
        return _registered, (str(self),)

    def to_dict(self) -> dict[str, str]:
        return {"code": str(self), "severity": self.severity.value, "area": self.area,
                "meaning_vi": self.meaning_vi, "meaning_en": self.meaning_en,
                "fix_vi": self.fix_vi, "fix_en": self.fix_en}


#: Every finding code the program can emit, by code.  Filled by :func:`define`.
REGISTRY: dict[str, FindingCode] = {}


def _registered(code: str) -> str:
    return REGISTRY.get(code, code)


def define(code: str, severity: Severity, meaning_vi: str, meaning_en: str, fix_vi: str = "", fix_en: str = "",
           *, area: str) -> FindingCode:
    """Declare a finding code once; a second declaration of the same code is a bug."""
    if code in REGISTRY:
        raise ValueError(f"finding code {code} is declared twice ({REGISTRY[code].area} and {area})")
    fc = FindingCode(code, severity, meaning_vi, meaning_en, fix_vi, fix_en, area=area)
    REGISTRY[code] = fc
    return fc


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


def finding(code: FindingCode, vi: str, en: str, **where: Any) -> Finding:
    """A finding with the registered severity of ``code``."""
    return Finding(code.severity, code, vi, en, **where)


class Refused(Exception):
    """A step refused to go on; ``findings`` say every reason, each with its fix.

    The one exception every area raises for a refusal (disposal, transfer-out, accounts …)
    so that the CLI and the API render refusals the same way: exit 1 / HTTP 4xx with
    the findings, never a traceback.
    """

    kind = "refused"

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = list(findings)
        super().__init__("; ".join(f"{f.code}: {f.message_en}" for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.kind, "findings": [f.to_dict() for f in self.findings]}
