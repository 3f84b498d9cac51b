"""The ``luutru`` command as a user runs it: exit codes, JSON, search without diacritics."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl

import tests.factory as base
from luutru.records.fields import DOCUMENT_COLUMNS, DOSSIER_COLUMNS
from tests.factory import base_spec, write_transfer

REPO = Path(__file__).parent.parent


def luutru(settings, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LUUTRU_HOME=str(settings.home), LUUTRU_DATABASE_URL=settings.db_url)
    env.pop("LUUTRU_FAULT_AT", None)
    return subprocess.run([sys.executable, "-m", "luutru.cli.main", *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", cwd=REPO)


def test_template_has_both_sheets_with_every_column(settings, tmp_path):
    out = tmp_path / "muc_luc_ho_so.xlsx"
    r = luutru(settings, "template", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert [c.value for c in wb["HoSo"][1]][: len(DOSSIER_COLUMNS)] == [c.label_vi for c in DOSSIER_COLUMNS]
    assert [c.value for c in wb["VanBan"][1]][: len(DOCUMENT_COLUMNS)] == [c.label_vi for c in DOCUMENT_COLUMNS]


def test_ingest_exit_codes_json_search_show_reindex(settings, tmp_path):
    spec = base_spec(2, 2)
    spec.dossiers[1]["tieu_de"] = "Hồ sơ tổ chức hội nghị tại tỉnh Đắk Lắk"
    good = write_transfer(spec, tmp_path / "good")
    r = luutru(settings, "ingest", str(good), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    rep = json.loads(r.stdout)
    assert rep["status"] == "accepted" and len(rep["dossiers"]) == 2

    bad_spec = base_spec(1, 1)
    bad_spec.dossiers[0]["ma_co_quan"] = "sai mã"
    bad = write_transfer(bad_spec, tmp_path / "bad")
    r = luutru(settings, "ingest", str(bad))
    assert r.returncode == 1
    assert "AGENCY_CODE_INVALID" in r.stdout and "TỪ CHỐI" in r.stdout

    r = luutru(settings, "ingest", str(tmp_path / "does-not-exist"))
    assert r.returncode == 2
    r = luutru(settings, "ingest")
    assert r.returncode == 2

    r = luutru(settings, "search", "quyet dinh", "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["total"] >= 4
    assert any("Quyết định" in (h["title"] or "") or "Quyết định" in (h.get("doc_type") or "") for h in res["hits"])
    r = luutru(settings, "search", "dak lak", "--json")
    hits = json.loads(r.stdout)["hits"]
    assert hits and hits[0]["dossier_code"] == spec.dossiers[1]["ma_ho_so"]
    r = luutru(settings, "search", "quyet dinh")
    assert r.returncode == 0, r.stderr
    assert re.search(r"\d\d/\d\d/\d{4}", r.stdout), r.stdout  # dates as people read them
    assert not re.search(r"\d{4}-\d\d-\d\d", r.stdout), r.stdout

    code = spec.dossiers[0]["ma_ho_so"]
    r = luutru(settings, "show", code, "--json")
    assert r.returncode == 0
    view = json.loads(r.stdout)
    assert view["dossier"]["code"] == code and len(view["documents"]) == 2
    assert {e["type"] for e in view["events"]} >= {"ingestion", "validation", "message digest calculation"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00", e["at"]) for e in view["events"])
    r = luutru(settings, "show", code)
    assert r.returncode == 0, r.stderr
    assert "ingestion" in r.stdout and "message digest calculation" in r.stdout
    at = datetime.fromisoformat(view["events"][0]["at"])
    assert at.strftime("%d/%m/%Y %H:%M:%S") in r.stdout
    assert not re.search(r"\d{4}-\d\d-\d\d", r.stdout), r.stdout
    assert luutru(settings, "show", "000.00.00.X00.1999.99").returncode == 1

    r = luutru(settings, "reindex", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["aips"] == 2
    r = luutru(settings, "search", "dak lak", "--json")
    assert json.loads(r.stdout)["hits"][0]["dossier_code"] == spec.dossiers[1]["ma_ho_so"]


def test_findings_lists_codes(settings):
    r = luutru(settings, "findings", "--json")
    codes = json.loads(r.stdout)
    for c in ("FILE_MISSING", "FILE_UNLISTED", "CHECKSUM_MISMATCH", "PATH_ESCAPE", "STATE_SECRET", "FILE_NAME_CONFLICT"):
        assert codes[c]["severity"] == "error"


def test_template_never_overwrites_without_force_and_csv_needs_a_folder(settings, tmp_path):
    xlsx = tmp_path / "muc_luc.xlsx"
    xlsx.write_bytes(b"filled catalogue")
    r = luutru(settings, "template", str(xlsx))
    assert r.returncode == 2 and xlsx.read_bytes() == b"filled catalogue"
    assert "--force" in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = luutru(settings, "template", str(xlsx), "--force")
    assert r.returncode == 0, r.stderr
    assert openpyxl.load_workbook(xlsx)["HoSo"]

    r = luutru(settings, "template", str(tmp_path / "x.csv"), "--csv")
    assert r.returncode == 2 and not (tmp_path / "x.csv").exists()
    assert "folder" in r.stderr and "thư mục" in r.stderr

    folder = tmp_path / "muc_luc"
    assert luutru(settings, "template", str(folder), "--csv").returncode == 0
    (folder / "ho_so.csv").write_text("filled", encoding="utf-8")
    r = luutru(settings, "template", str(folder), "--csv")
    assert r.returncode == 2 and (folder / "ho_so.csv").read_text(encoding="utf-8") == "filled"


def test_bounded_search_options_fail_in_one_line_with_exit_2(settings):
    for args, word in ((["--size", "200"], "page size"), (["--size", "0"], "page size"), (["--page", "-1"], "page"),
                       (["--page", "5000", "--size", "100"], "narrow"), (["--kind", "x"], "kind")):
        r = luutru(settings, "search", "quyet dinh", *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert word in r.stderr


def test_flags_print_as_flags_in_help(settings):
    for cmd in (["search"], ["show"], ["template"], ["ingest"], ["findings"]):
        r = luutru(settings, *cmd, "--help")
        assert r.returncode == 0, r.stderr
        assert "<bool>" not in r.stdout and "--json <" not in r.stdout, r.stdout


def test_rejected_report_lists_every_dossier_in_vietnamese_words(settings, tmp_path):
    spec = base_spec(4, 1)
    spec.dossiers[0]["thoi_gian_bat_dau"] = "31/02/2021"  # no such date: the row does not validate
    spec.dossiers[1]["thoi_gian_ket_thuc"] = "32/13/2021"  # no such date either
    spec.dossiers[3]["tieu_de"] = "Hồ sơ về việc phê duyệt kế hoạch cải cách hành chính nhà nước giai đoạn 2021-2025 của tỉnh"
    r = luutru(settings, "ingest", str(write_transfer(spec, tmp_path / "t")))
    assert r.returncode == 1, r.stdout + r.stderr
    table = [line for line in r.stdout.splitlines() if line.startswith(base.AGENCY)]
    assert [line.split()[0] for line in table] == [d["ma_ho_so"] for d in spec.dossiers], r.stdout
    assert sum("bị từ chối" in line for line in table) == 2 and sum("không lưu" in line for line in table) == 2
    assert not any(w in r.stdout for w in ("not_stored", " rejected ", " stored "))
    last = table[3]
    assert last.endswith("…") and "Hồ sơ về việc phê duyệt" in last
    title_shown = last[last.index("Hồ sơ"):-1]
    assert spec.dossiers[3]["tieu_de"].startswith(title_shown) and spec.dossiers[3]["tieu_de"][len(title_shown)] == " "


def test_unknown_status_and_bad_limit_are_usage_errors(settings):
    for args in (["disposal", "list", "--status", "xyz"], ["jobs", "list", "--status", "xyz"],
                 ["jobs", "list", "--limit", "0"]):
        r = luutru(settings, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "queued" in luutru(settings, "jobs", "list", "--status", "xyz").stderr
    assert luutru(settings, "jobs", "list", "--status", "queued").returncode == 0
