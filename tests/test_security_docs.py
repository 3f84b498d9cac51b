"""docs/security.md lists every limit with the variable that sets it and its default
(issue 16, done-when: "docs/security.md lists the threats, the limits and their
settings"): checked against ``luutru.config`` so the page cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from luutru.config import (
    AuthSettings,
    JobSettings,
    LimitSettings,
    Settings,
    StorageSettings,
)

DOC = Path(__file__).parent.parent / "docs" / "security.md"

#: (section, field, environment variable) of every limit the page must list.
LIMITS = [("limits", f, f"LUUTRU_{f.upper()}") for f in LimitSettings.model_fields] + [
    ("auth", f, f"LUUTRU_{f.upper()}") for f in AuthSettings.model_fields
    if f.startswith(("login_", "token_")) or f in ("session_hours", "session_idle_minutes")] + [
    ("", "pdf_timeout_s", "LUUTRU_PDF_TIMEOUT_S"), ("", "max_upload_bytes", "LUUTRU_MAX_UPLOAD_BYTES"),
    ("", "disposal_council_quorum", "LUUTRU_DISPOSAL_COUNCIL_QUORUM"),
    ("storage", "anchor_retain_days", "LUUTRU_ANCHOR_RETAIN_DAYS"),
    ("jobs", "lease_seconds", "LUUTRU_JOBS_LEASE_SECONDS"), ("jobs", "max_attempts", "LUUTRU_JOBS_MAX_ATTEMPTS"),
    ("jobs", "retry_backoff_seconds", "LUUTRU_JOBS_RETRY_BACKOFF_SECONDS")]


def _glance() -> dict[str, str]:
    text = DOC.read_text("utf-8")
    table = text[text.index("## Limits at a glance"):]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(LUUTRU_[A-Z0-9_]+)` \| ([^|]+) \|", table, re.M)}


def _number(text: str) -> float:
    """'64 GiB', '1 MiB', '200,000', '10 (+ as many overflow)' → a number."""
    m = re.match(r"([\d,.]+)\s*(KiB|MiB|GiB)?", text)
    assert m, text
    return float(m.group(1).replace(",", "")) * {"KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, None: 1}[m.group(2)]


@pytest.mark.parametrize("section, name, variable", LIMITS, ids=[v for _s, _n, v in LIMITS])
def test_every_limit_is_listed_with_its_variable_and_default(section, name, variable, monkeypatch) -> None:
    listed = _glance()
    assert variable in listed, f"docs/security.md 'Limits at a glance' lacks {variable}"
    owner = {"limits": LimitSettings, "auth": AuthSettings, "storage": StorageSettings, "jobs": JobSettings,
             "": Settings}[section]
    default = owner.model_fields[name].default
    assert _number(listed[variable]) == pytest.approx(float(default)), (variable, listed[variable], default)
    monkeypatch.setenv(variable, str(default * 2))  # the variable named really sets the limit
    settings = Settings()
    value = getattr(getattr(settings, section) if section else settings, name)
    assert float(value) == float(default * 2), variable
