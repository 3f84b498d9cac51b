"""The one home of each rule: access and state secrets, the meaning of a retention period,
and policy overrides that reach the checks through Settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from luutru.config import Settings
from luutru.ingest.checks.per_file import CheckConfig, check_file
from luutru.policies.access import (
    access_or_restricted,
    combined_access,
    document_access,
    is_restricted,
    readable,
    state_secret_fields,
)
from luutru.policies.formats import DEFAULT_PATH
from luutru.policies.retention import (
    ended_by,
    is_permanent,
    label_en,
    label_vi,
    must_transfer,
    retention_end,
    retention_of,
    still_retained,
)
from luutru.records.model import AccessRegime, Reliability, Retention


def test_restricted_access() -> None:
    assert is_restricted("han_che") and is_restricted(AccessRegime.RESTRICTED)
    assert not is_restricted("cong_khai") and not is_restricted(None)
    assert readable(False, "cong_khai", "cong_khai") and not readable(False, "cong_khai", "han_che")
    assert readable(True, "han_che")
    assert document_access("han_che", "cong_khai") == "han_che"
    assert document_access("cong_khai", "cong_khai") == "cong_khai"
    assert access_or_restricted("Công khai") == "cong_khai"
    assert access_or_restricted("không rõ") == "han_che"  # fail closed
    assert combined_access(["cong_khai", "han_che"]) is AccessRegime.RESTRICTED
    assert combined_access(["cong_khai"]) is AccessRegime.PUBLIC


def test_state_secret_is_one_rule_for_both_columns() -> None:
    assert state_secret_fields({"do_mat": "Mật"}) == [("do_mat", "Mật")]
    assert state_secret_fields({"do_mat": "anything set"}) == [("do_mat", "anything set")]
    for blank in ("", "Thường", "không", "none"):
        assert state_secret_fields({"do_mat": blank}) == []
    assert state_secret_fields({"che_do_su_dung": "Tối mật"}) == [("che_do_su_dung", "Tối mật")]
    assert state_secret_fields({"che_do_su_dung": "Hạn chế"}) == []
    assert [k for k, _v in state_secret_fields({"do_mat": "Mật", "che_do_su_dung": "Tuyệt mật"})] == [
        "do_mat", "che_do_su_dung"]


def test_meaning_of_a_stored_retention() -> None:
    assert retention_of(None) == Retention(None) and retention_of(10) == Retention(10)
    assert is_permanent(None) and not is_permanent(5) and is_permanent(Retention(None))
    assert label_vi(None) == "Vĩnh viễn" and label_vi(10) == "10 năm" and label_en(10) == "10 years"
    closed = date(2015, 6, 30)
    assert retention_end(closed, 10) == date(2025, 12, 31) and retention_end(closed, None) is None
    assert still_retained(closed, 10, date(2025, 12, 31)) == date(2025, 12, 31)
    assert still_retained(closed, 10, date(2026, 1, 1)) is None
    assert ended_by(closed, 10, 2025) and not ended_by(closed, 10, 2024) and not ended_by(closed, None, 9999)
    assert must_transfer(None, False) and must_transfer(10, True) and not must_transfer(10, False)


def test_signature_and_format_policy_overrides_reach_the_checks(tmp_path: Path, monkeypatch) -> None:
    sig, fmt = tmp_path / "sig.yaml", tmp_path / "fmt.yaml"
    monkeypatch.setenv("LUUTRU_SIGNATURE_POLICY", str(sig))
    monkeypatch.setenv("LUUTRU_FORMAT_POLICY", str(fmt))
    cfg = CheckConfig.from_settings(Settings(home=tmp_path / "home"))
    assert cfg.signature_policy == sig and cfg.format_policy == fmt
    monkeypatch.delenv("LUUTRU_SIGNATURE_POLICY")
    monkeypatch.delenv("LUUTRU_FORMAT_POLICY")
    cfg = CheckConfig.from_settings(Settings(home=tmp_path / "home"))
    assert cfg.signature_policy is None and cfg.format_policy is None


def test_a_format_policy_override_changes_the_verdict(tmp_path: Path) -> None:
    """An agency policy without plain text: a .txt file is rejected with it, accepted without."""
    doc = yaml.safe_load(DEFAULT_PATH.read_text("utf-8"))
    del doc["formats"]["txt"]
    agency = tmp_path / "formats.yaml"
    agency.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    f = tmp_path / "ghi_chu.txt"
    f.write_text("Ghi chú của hồ sơ.\n", "utf-8")

    def codes(settings: Settings) -> set[str]:
        res = check_file(f, relpath="ghi_chu.txt", document=None, dossier=None,
                         reliability=Reliability.BORN_DIGITAL, settings=settings, out_dir=tmp_path / "out")
        return {str(x.code) for x in res.findings}

    assert "FORMAT_REJECTED" not in codes(Settings(home=tmp_path / "h1"))
    assert "FORMAT_REJECTED" in codes(Settings(home=tmp_path / "h2", format_policy=agency))
