"""The verdicts of the signature checks: one bottom-line status per signature and per file.

pyHanko style: frozen results with one bottom-line verdict, status codes rather than
strings.  A file's status is the worst of its signatures (:data:`SEVERITY_ORDER`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class SignatureStatus(str, enum.Enum):
    """Bottom line for one signature (and, as the worst of them, for a file)."""

    VALID = "valid"
    VALID_UNTRUSTED = "valid_untrusted"
    MODIFIED = "modified"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"
    UNSIGNED = "unsigned"


# Worst first: a file's status is the worst of its signatures.
SEVERITY_ORDER = [
    SignatureStatus.INVALID,
    SignatureStatus.MODIFIED,
    SignatureStatus.REVOKED,
    SignatureStatus.EXPIRED,
    SignatureStatus.VALID_UNTRUSTED,
    SignatureStatus.VALID,
    SignatureStatus.UNSIGNED,
]


class SignerKind(str, enum.Enum):
    PERSONAL = "personal"
    ORGANISATION = "organisation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SignatureResult:
    """One embedded signature, as judged at ingest."""

    field_name: str
    status: SignatureStatus
    kind: SignerKind
    signer_name: str | None
    signer_organisation: str | None
    signer_subject: str | None
    issuer: str | None
    serial: str | None
    signing_time: str | None  # ISO 8601 +07:00
    signing_time_source: str | None  # "timestamp" | "signer" | None
    cert_not_before: str | None = None
    cert_not_after: str | None = None
    intact: bool = False
    trusted: bool = False
    coverage: str | None = None  # pyHanko SignatureCoverageLevel name
    modification_level: str | None = None  # pyHanko ModificationLevel name
    revoked_at: str | None = None
    problem: str | None = None  # short machine-readable reason, e.g. "OUT_OF_BOUNDS_NO_POE"
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class SignatureReport:
    """All signatures of one file and the file's bottom line (worst signature or UNSIGNED)."""

    status: SignatureStatus
    signatures: tuple[SignatureResult, ...] = ()
    error: str | None = None  # the file could not be read for signatures at all
    unparsable: tuple[str, ...] = ()  # filled signature fields whose dictionary cannot be parsed

    @property
    def signed(self) -> bool:
        return bool(self.signatures)


# ---------------------------------------------------------------------------------------
# Trust roots


