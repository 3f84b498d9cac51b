"""Signature policy: per document kind, which signature statuses reject and which warn.

Why a policy file: what an archive accepts changes with its regulations and its trust
setup (e.g. while the government CA chain is not yet configured, untrusted signatures
must only warn).  The data lives in ``signatures.yaml`` beside this module; a deployment
may point to its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from luutru.records.findings import Severity
from luutru.records.model import Reliability, fold

DEFAULT_PATH = Path(__file__).with_name("signatures.yaml")

_KIND_KEYS = {
    Reliability.BORN_DIGITAL: "born_digital",
    Reliability.DIGITISED: "digitised",
    Reliability.MIXED: "mixed",
}
STATUSES = ("valid", "valid_untrusted", "modified", "expired", "revoked", "invalid", "unsigned")
KINDS = ("personal", "organisation")


class PolicyError(ValueError):
    """The policy file is unreadable or names an unknown status/kind."""


@dataclass(frozen=True)
class KindRule:
    """What the policy says for one document kind (born digital, digitised, mixed)."""

    reject: frozenset[str]
    warn: frozenset[str]
    expect_kind: str | None = None
    expect_severity: Severity = Severity.WARNING

    def severity_for(self, status: str) -> Severity | None:
        """ERROR, WARNING, or None (record only) for a status value such as ``"modified"``."""
        if status in self.reject:
            return Severity.ERROR
        if status in self.warn:
            return Severity.WARNING
        return None


@dataclass(frozen=True)
class SignerKindRule:
    """Data for classing a certificate as personal or organisation (see signatures.yaml)."""

    organisation_policy_oids: frozenset[str] = frozenset()
    personal_policy_oids: frozenset[str] = frozenset()
    organisation_name_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeakAlgorithmRule:
    """Algorithms that no longer prove authenticity (see signatures.yaml ``weak_algorithms``)."""

    digests: frozenset[str] = frozenset({"md5", "sha1"})
    min_rsa_bits: int = 2048


@dataclass(frozen=True)
class SignaturePolicy:
    rules: dict[Reliability, KindRule]
    signer_kind: SignerKindRule
    weak: WeakAlgorithmRule = WeakAlgorithmRule()

    def for_kind(self, reliability: Reliability) -> KindRule:
        return self.rules[reliability]

    def severity_for(self, reliability: Reliability, status: str) -> Severity | None:
        return self.rules[reliability].severity_for(status)


def _statuses(values: Any, where: str) -> frozenset[str]:
    vals = [str(v).lower() for v in (values or [])]
    bad = [v for v in vals if v not in STATUSES]
    if bad:
        raise PolicyError(f"{where}: unknown signature status {bad}; known: {', '.join(STATUSES)}")
    return frozenset(vals)


def parse_policy(data: dict[str, Any]) -> SignaturePolicy:
    """Build a policy from the YAML mapping; raises PolicyError naming the bad entry."""
    if not isinstance(data, dict):
        raise PolicyError("signature policy must be a mapping")
    rules: dict[Reliability, KindRule] = {}
    for rel, key in _KIND_KEYS.items():
        section = data.get(key)
        if not isinstance(section, dict):
            raise PolicyError(f"signature policy lacks section '{key}'")
        expect = section.get("expect_kind")
        if expect is not None and expect not in KINDS:
            raise PolicyError(f"{key}.expect_kind must be one of {KINDS} or null, not {expect!r}")
        try:
            sev = Severity(str(section.get("expect_severity", "warning")).lower())
        except ValueError as e:
            raise PolicyError(f"{key}.expect_severity: {e}") from None
        reject = _statuses(section.get("reject"), f"{key}.reject")
        warn = _statuses(section.get("warn"), f"{key}.warn")
        if reject & warn:
            raise PolicyError(f"{key}: {sorted(reject & warn)} both reject and warn")
        rules[rel] = KindRule(reject, warn, expect, sev)
    sk = data.get("signer_kind") or {}

    signer_kind = SignerKindRule(
        frozenset(str(o) for o in sk.get("organisation_policy_oids") or []),
        frozenset(str(o) for o in sk.get("personal_policy_oids") or []),
        tuple(fold(str(p)) for p in sk.get("organisation_name_prefixes") or []),
    )
    wk = data.get("weak_algorithms") or {}
    try:
        weak = WeakAlgorithmRule(frozenset(str(d).lower().replace("-", "") for d in wk.get("digests", ["md5", "sha1"])),
                                 int(wk.get("min_rsa_bits", 2048)))
    except (TypeError, ValueError, AttributeError) as e:
        raise PolicyError(f"weak_algorithms: {e}") from None
    return SignaturePolicy(rules, signer_kind, weak)


@lru_cache(maxsize=8)
def load_signature_policy(path: Path | None = None) -> SignaturePolicy:
    """Load (and cache) the signature policy; the packaged default when ``path`` is None."""
    p = Path(path) if path else DEFAULT_PATH
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise PolicyError(f"cannot read signature policy {p}: {e}") from e
    return parse_policy(data)
