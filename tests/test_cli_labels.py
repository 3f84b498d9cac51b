"""The command line shows stored values as people read them: Vietnamese by default,
English with LUUTRU_LANG=en, the stored code after the label."""

from __future__ import annotations

import pytest

import luutru.cli.support as support


@pytest.fixture(autouse=True)
def _fresh_language():
    support._lang.cache_clear()
    yield
    support._lang.cache_clear()


def test_vietnamese_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LUUTRU_LANG", raising=False)
    assert support.shown("job_status", "queued") == "Đang chờ (queued)"
    assert support.shown("disposal_status", "executed") == "Đã hủy (executed)"
    assert support.shown("outcome", "success") == "Thành công (success)"
    assert support.shown("job_status", "something-new") == "something-new"  # no label: shown as it is


def test_english_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUUTRU_LANG", "en")
    assert support.shown("job_status", "queued") == "Queued (queued)"
    assert support.shown("disposal_status", "approved") == "Approved (approved)"
