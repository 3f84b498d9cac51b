"""The command line shows stored values as people read them: Vietnamese by default,
English with LUUTRU_LANG=en, the stored code after the label."""

from __future__ import annotations

import os
import subprocess
import sys

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


def test_an_invalid_setting_is_a_usage_error_not_a_traceback(tmp_path) -> None:
    env = {**os.environ, "LUUTRU_HOME": str(tmp_path), "LUUTRU_LANG": "xx"}
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "jobs", "list"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 2
    assert "LUUTRU_LANG" in r.stderr and "'vi' or 'en'" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
