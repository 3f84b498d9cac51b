"""Retention schedule, retention end dates, storage locks and the `retention due` list."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from luutru.policies.retention import (
    check_retention_group,
    lock_arguments,
    retention_end,
)
from luutru.policies.retention_schedule import ScheduleError, load_schedule
from luutru.records.model import AccessRegime, DossierRecord, Retention
from tests.disposal_helpers import copy_home, seed_template


def record(retention: str, group: str | None = None, end: date = date(2015, 6, 30)) -> DossierRecord:
    fields = {"nhom_thoi_han": group} if group is not None else {}
    return DossierRecord("000.00.31.H57.2015.01", "000.00.31.H57", "Sở Nội vụ", end.year, "01", "Hồ sơ",
                         Retention.parse(retention), AccessRegime.PUBLIC, "Tiếng Việt", date(end.year, 1, 1), end, 1,
                         fields)


def test_common_schedule_has_the_circulars_groups() -> None:
    sch = load_schedule()
    assert len(sch) >= 80 and not sch.verified
    groups = {i.group_code for i in sch.items.values()}
    assert {str(n) for n in range(1, 15)} <= groups
    periods = {i.retention.years for i in sch.items.values()}
    assert {None, 70, 50, 20, 10, 5} <= periods
    assert sch.get("2.1").retention.permanent and sch.get("2.3").retention.years == 5
    assert sch.get("12.6").title_vi.startswith("Hồ sơ hủy tài liệu")


def test_agency_schedule_adds_and_lengthens_never_shortens(tmp_path: Path) -> None:
    good = tmp_path / "agency.yaml"
    good.write_text("groups:\n  - code: A\n    title_vi: Riêng\n    items:\n"
                    "      - {code: 'A.1', title_vi: 'Hồ sơ cấp phép', period: 20}\n"
                    "      - {code: '2.3', title_vi: 'Kế hoạch, báo cáo quý', period: 10}\n", "utf-8")
    sch = load_schedule(agency=good)
    assert sch.get("A.1").retention.years == 20 and sch.get("2.3").retention.years == 10
    assert sch.get("2.3").source == "agency.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n  - code: A\n    items:\n      - {code: '2.1', title_vi: 'x', period: 10}\n", "utf-8")
    with pytest.raises(ScheduleError, match="shorter"):
        load_schedule(agency=bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("groups:\n  - code: A\n    items:\n      - {code: 'A.2', period: mãi}\n", "utf-8")
    with pytest.raises(ScheduleError, match="A.2|period"):
        load_schedule(agency=broken)


def test_retention_end_is_end_of_closing_year_plus_period() -> None:
    assert retention_end(date(2015, 6, 30), 10) == date(2025, 12, 31)
    assert retention_end(date(2015, 1, 1), 5) == date(2020, 12, 31)
    assert retention_end(date(2015, 1, 1), None) is None


def test_lock_arguments() -> None:
    assert lock_arguments(record("Vĩnh viễn")) == {"legal_hold": True}
    assert lock_arguments(record("70 năm")) == {"retain_until": date(2085, 12, 31)}
    assert lock_arguments(record("5 năm", end=date(2010, 5, 1))) == {}  # ended: no lock in the past


def test_group_check_findings() -> None:
    assert check_retention_group(record("5 năm")) == []
    assert check_retention_group(record("5 năm", "2.3")) == []
    [f] = check_retention_group(record("5 năm", "9.99"))
    assert f.code == "RETENTION_GROUP_UNKNOWN" and f.severity.value == "warning" and f.field == "nhom_thoi_han"
    [f] = check_retention_group(record("10 năm", "2.1"))
    assert f.code == "RETENTION_SHORTER_THAN_SCHEDULE" and f.is_error and "Vĩnh viễn" in f.message_vi
    [f] = check_retention_group(record("Vĩnh viễn", "2.3"))
    assert f.code == "RETENTION_LONGER_THAN_SCHEDULE" and not f.is_error


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_template(tmp_path_factory.mktemp("seed"))


def test_due_list_and_stored_locks(template, tmp_path: Path) -> None:
    home, ing = template
    svc = copy_home(home, tmp_path / "home")
    try:
        env = {"LUUTRU_HOME": str(svc.settings.home_dir), "LUUTRU_DATABASE_URL": svc.settings.db_url}
        from luutru.cli.main import app

        r = CliRunner().invoke(app, ["retention", "due", "--year", "2026", "--json"], env=env)
        assert r.exit_code == 0, r.output
        rows = json.loads(r.output)
        assert [x["code"] for x in rows] == ing.expired
        assert rows[0]["retention_end"] == "2017-12-31" and rows[1]["retention_end"] == "2022-12-31"
        r = CliRunner().invoke(app, ["retention", "due", "--year", "2020", "--json"], env=env)
        assert [x["code"] for x in json.loads(r.output)] == ing.expired[:1]
        r = CliRunner().invoke(app, ["retention", "due", "--year", "2040"], env=env)
        assert ing.current in r.output and ing.permanent not in r.output
        r = CliRunner().invoke(app, ["retention", "due", "--year", "abc"], env=env)
        assert r.exit_code == 2
        # Storage keeps the locks ingest asked for.
        assert svc.storage.lock_state(ing.permanent).legal_hold
        assert svc.storage.lock_state(ing.current).retain_until == date(2034, 12, 31)
        assert not svc.storage.lock_state(ing.expired[0]).blocks_deletion()
    finally:
        svc.close()
