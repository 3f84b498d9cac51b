"""The destruction procedure: who may do what, what is refused, and resuming after a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import luutru.catalog.models as m
import luutru.disposal.common as common
import luutru.disposal.execution as execution
import luutru.disposal.hold as hold
import luutru.disposal.listing as listing
import luutru.disposal.proposal as proposal
import luutru.disposal.tombstone as tombstone
import luutru.disposal.transfers as transfers
from luutru.services import FaultInjected, Services
from tests.disposal_helpers import (
    PEOPLE_PASSWORD,
    approved_list,
    copy_home,
    seed_template,
    token_of,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_template(tmp_path_factory.mktemp("seed"))


@pytest.fixture
def svc(template, tmp_path: Path):
    home, _ing = template
    s = copy_home(home, tmp_path / "home")
    yield s
    s.close()


def codes_of(err: pytest.ExceptionInfo) -> set[str]:
    return {f.code for f in err.value.findings}


def _env(services: Services) -> dict[str, str]:
    return {"LUUTRU_HOME": str(services.settings.home_dir), "LUUTRU_DATABASE_URL": services.settings.db_url}


def cli(services: Services, *args: str, password: str = PEOPLE_PASSWORD, **env: str) -> tuple[int, str]:
    """``luutru *args``; a step that signs its actor in reads ``password`` from standard input."""
    from luutru.cli.main import app

    r = CliRunner().invoke(app, list(args), env={**_env(services), **env}, input=password + "\n")
    return r.exit_code, r.stdout if "--json" in args else r.output  # the password prompt goes to stderr


def test_procedure_through_the_cli(svc: Services, template) -> None:
    import luutru.api.accounts as accounts

    _home, ing = template
    a, b = ing.expired
    code, out = cli(svc, "disposal", "draft", f"{a}=Hết thời hạn 5 năm", f"{b}=Hết thời hạn 10 năm",
                    "--note", "Thuyết minh: tài liệu hết giá trị.", "--as", "lan.vanthu", "--json")
    assert code == 0, out
    list_id = json.loads(out)["id"]
    # Four eyes: the drafter cannot approve, whatever the council says, even holding the approver role.
    accounts.update_user(svc, "lan.vanthu", actor="test", roles=["archivist", "approver"])
    code, out = cli(svc, "disposal", "opinion", list_id, "--agree", "--as", "hoa.hoidong", "--role", "Chủ tịch")
    assert code == 0, out
    code, out = cli(svc, "disposal", "approve", list_id, "--decision", "15/QĐ-SNV", "--as", "lan.vanthu")
    assert code == 1 and "DISPOSAL_FOUR_EYES" in out
    code, out = cli(svc, "disposal", "approve", list_id, "--decision", "15/QĐ-SNV", "--as", "LAN.VANTHU ")
    assert code == 1 and "DISPOSAL_FOUR_EYES" in out
    code, out = cli(svc, "disposal", "execute", list_id, "--as", "tuan.luutru")
    assert code == 1 and "DISPOSAL_NOT_APPROVED" in out
    code, out = cli(svc, "disposal", "approve", list_id, "--decision", "15/QĐ-SNV", "--as", "minh.giamdoc")
    assert code == 0, out
    code, out = cli(svc, "disposal", "execute", list_id, "--as", "tuan.luutru", "--json")
    assert code == 0, out
    rep = json.loads(out)
    assert rep["status"] == "executed" and set(rep["destroyed"]) == {a, b}
    assert rep["minutes_aip_id"].startswith("BBH-000.00.31.H57-")

    code, out = cli(svc, "disposal", "show", list_id, "--json")
    shown = json.loads(out)
    who = [(e["action"], e["actor"]) for e in shown["events"]]
    assert ("drafted", "lan.vanthu") in who and ("opinion", "hoa.hoidong") in who
    assert ("approved", "minh.giamdoc") in who and ("executed", "tuan.luutru") in who
    assert all(e["at"].endswith("+07:00") for e in shown["events"])
    steps = shown["items"][0]["steps"]
    assert {"key_destroyed", "storage", "index_removed", "catalog_removed", "tombstone_written"} <= set(steps)
    code, out = cli(svc, "disposal", "tombstones", a, "--json")
    assert json.loads(out)[0]["list_id"] == list_id
    # The dossiers are gone from the catalog, the index and storage; the minutes are a permanent record.
    with svc.catalog.session() as s:
        assert s.get(m.Dossier, a) is None and s.get(m.Document, f"{a}.0001") is None
        minutes = s.get(m.Dossier, rep["minutes_aip_id"])
        assert minutes.title.startswith("Biên bản hủy tài liệu hết giá trị")
        assert minutes.retention_years is None
    assert not svc.storage.has_aip(a)
    from luutru.search import Rights, SearchQuery

    hits = svc.index.search(SearchQuery(text="Biên bản hủy tài liệu"), Rights(see_restricted=True))
    assert any(h.dossier_code == rep["minutes_aip_id"] for h in hits.hits)
    assert not svc.index.search(SearchQuery(text=a), Rights(see_restricted=True)).hits or all(
        h.dossier_code != a for h in svc.index.search(SearchQuery(text=a), Rights(see_restricted=True)).hits)
    # The minutes PDF and JSON are readable and name the destroyed dossiers and the approver.
    rec = json.loads(svc.storage.open_file(minutes.aip_id, f"data/objects/{minutes.code}.0002/bien_ban_huy.json").read())
    assert {d["dossier_code"] for d in rec["destroyed"]} == {a, b}
    assert rec["approvals"]["decided"]["by"] == "minh.giamdoc" and rec["pdf_form"]
    with svc.catalog.session() as s:
        pdf = [f for d in s.get(m.Dossier, minutes.code).documents for f in d.files if f.role == "original"
               and f.path.endswith(".pdf")][0]
    assert svc.storage.open_file(minutes.aip_id, pdf.path).read(5) == b"%PDF-"


def test_one_operator_cannot_type_other_peoples_names(svc: Services, template) -> None:
    """The command line signs every actor in: a name alone, a wrong password, another
    person's token or a missing role is refused, nothing is drafted or decided, and the
    attempt is on the audit trail."""
    import luutru.api.accounts as accounts
    from luutru.audit.trail import list_events

    _home, ing = template
    a, _b = ing.expired
    draft = ("disposal", "draft", f"{a}=Hết thời hạn", "--note", "Thuyết minh.")
    code, out = cli(svc, *draft, "--as", "khong.co.ai")  # no such account
    assert code == 1 and "SIGN_IN_FAILED" in out, out
    code, out = cli(svc, *draft, "--as", "lan.vanthu", password="sai-mat-khau")
    assert code == 1 and "SIGN_IN_FAILED" in out, out
    code, out = cli(svc, *draft, "--as", "Lan Văn Thư")  # not an account name at all
    assert code == 1 and "SIGN_IN_FAILED" in out, out
    code, out = cli(svc, *draft, "--as", "hoa.hoidong")  # a council member may not draft
    assert code == 1 and "SIGN_IN_NOT_PERMITTED" in out, out
    code, out = cli(svc, *draft, "--as", "lan.vanthu", LUUTRU_TOKEN=token_of(svc, "tuan"))  # tuan's token
    assert code == 1 and "SIGN_IN_FAILED" in out, out
    assert listing.list_lists(svc, None) == []
    denied = list_events(svc, action="cli.sign_in")  # each attempt on a real account name
    assert len(denied) == 4 and {e["outcome"] for e in denied} == {"denied"}

    code, out = cli(svc, *draft, "--as", "lan.vanthu", "--json")
    assert code == 0, out
    list_id = json.loads(out)["id"]
    # The drafter's own password does not make her the council member or the approver.
    code, out = cli(svc, "disposal", "opinion", list_id, "--agree", "--as", "hoa.hoidong", password="x")
    assert code == 1 and "SIGN_IN_FAILED" in out
    code, out = cli(svc, "disposal", "opinion", list_id, "--agree", "--as", "hoa.hoidong")
    assert code == 0, out
    accounts.update_user(svc, "minh.giamdoc", actor="test", active=False)  # gone: no approval
    code, out = cli(svc, "disposal", "approve", list_id, "--decision", "15/QĐ-SNV", "--as", "minh.giamdoc")
    assert code == 1 and "SIGN_IN_FAILED" in out
    assert listing.show(svc, list_id)["status"] == "draft"


def test_guessing_a_password_on_the_shell_locks_the_account(svc: Services, template) -> None:
    """Wrong passwords typed for ``--as`` count like failed web logins: after
    LUUTRU_LOGIN_MAX_FAILURES the right one is refused too, until the lockout ends."""
    _home, ing = template
    draft = ("disposal", "draft", f"{ing.expired[0]}=Hết thời hạn", "--note", "Thuyết minh.", "--as", "lan.vanthu")
    for i in range(svc.settings.auth.login_max_failures):
        code, out = cli(svc, *draft, password=f"doan-mo-{i}")
        assert code == 1 and "SIGN_IN_FAILED" in out, out
    code, out = cli(svc, *draft)  # the right password, too late
    assert code == 1 and "SIGN_IN_FAILED" in out and "locked" in out, out
    assert listing.list_lists(svc, None) == []


def test_a_script_without_credentials_is_refused_without_locking_the_account(svc: Services, template) -> None:
    """Nothing on standard input (a script that forgot LUUTRU_TOKEN) is refused, but is no
    guess: however often it runs, the person can still sign in."""
    _home, ing = template
    draft = ("disposal", "draft", f"{ing.expired[0]}=Hết thời hạn", "--note", "Thuyết minh.", "--as", "lan.vanthu")
    for _ in range(svc.settings.auth.login_max_failures + 1):
        code, out = cli(svc, *draft, password="")
        assert code == 1 and "SIGN_IN_FAILED" in out, out
    code, out = cli(svc, *draft)
    assert code == 0, out


@pytest.mark.parametrize("which,expected", [
    ("permanent", "DISPOSAL_PERMANENT"),
    ("current", "DISPOSAL_NOT_EXPIRED"),
    ("document", "DISPOSAL_NOT_WHOLE_DOSSIER"),
    ("unknown", "DISPOSAL_UNKNOWN_DOSSIER"),
])
def test_draft_refuses_what_may_never_be_destroyed(svc: Services, template, which: str, expected: str) -> None:
    _home, ing = template
    code = {"permanent": ing.permanent, "current": ing.current, "document": f"{ing.expired[0]}.0001",
            "unknown": "000.00.31.H57.1999.99"}[which]
    with pytest.raises(common.DisposalError) as e:
        proposal.draft(svc, actor="lan", dossiers={code: "x", ing.expired[1]: "y"}, explanatory_note="n")
    assert expected in codes_of(e)
    assert listing.list_lists(svc) == []  # nothing half-drafted


def test_holds_block_drafting_and_execution(svc: Services, template) -> None:
    _home, ing = template
    a, b = ing.expired
    h = hold.place_hold(svc, a, actor="thanh.tra", reason="Thanh tra đang xem xét")
    assert svc.storage.lock_state(a).legal_hold
    with pytest.raises(common.DisposalError) as e:
        proposal.draft(svc, actor="lan", dossiers={a: "x"}, explanatory_note="n")
    assert "DISPOSAL_HELD" in codes_of(e)
    with svc.catalog.session() as s:
        from luutru.disposal.schedule import due_for_destruction

        assert a not in {d.code for d in due_for_destruction(s, 2030)}
    hold.lift_hold(svc, h["hold_id"], actor="minh.giamdoc", reason="Đã xong")
    assert not svc.storage.lock_state(a).legal_hold
    list_id = approved_list(svc, [a, b])
    # A hold placed after approval withholds that dossier at execution; the rest goes ahead.
    hold.place_hold(svc, b, actor="toa.an", reason="Vụ án đang giải quyết")
    rep = execution.execute(svc, list_id, actor="tuan")
    assert rep.ok and rep.destroyed == [a] and "DISPOSAL_HELD" in rep.withheld[b]
    assert svc.storage.has_aip(b) and not svc.storage.has_aip(a)
    shown = listing.show(svc, list_id)
    assert {i["dossier_code"]: i["state"] for i in shown["items"]} == {a: "destroyed", b: "withheld"}


def test_permanent_storage_hold_survives_lifting_a_hold(svc: Services, template) -> None:
    _home, ing = template
    h = hold.place_hold(svc, ing.permanent, actor="x", reason="kiểm tra")
    hold.lift_hold(svc, h["hold_id"], actor="y", reason="xong")
    assert svc.storage.lock_state(ing.permanent).legal_hold  # permanent records stay held


def test_transfer_must_be_confirmed_when_required(svc: Services, template) -> None:
    _home, ing = template
    a = ing.expired[0]
    transfers.flag_transfer(svc, a, actor="lan", archive="Trung tâm Lưu trữ lịch sử tỉnh")
    with pytest.raises(common.DisposalError) as e:
        proposal.draft(svc, actor="lan", dossiers={a: "x"}, explanatory_note="n")
    assert "DISPOSAL_TRANSFER_UNCONFIRMED" in codes_of(e)
    transfers.confirm_transfer(svc, a, receipt_id="BBGN-2026-07", actor="lan")
    with svc.catalog.session() as s:
        from luutru.disposal.transfers import transfer_confirmed

        assert transfer_confirmed(s, a)
    assert proposal.draft(svc, actor="lan", dossiers={a: "x"}, explanatory_note="n")["status"] == "draft"


def test_council_disagreement_and_rejection(svc: Services, template) -> None:
    _home, ing = template
    lst = proposal.draft(svc, actor="lan", dossiers={ing.expired[0]: "x"}, explanatory_note="n")
    with pytest.raises(common.DisposalError) as e:
        proposal.approve(svc, lst["id"], actor="minh", decision_ref="1/QĐ")
    assert "DISPOSAL_NO_COUNCIL_OPINION" in codes_of(e)
    proposal.add_opinion(svc, lst["id"], actor="hoa", opinion="disagree", comment="Còn giá trị tham khảo")
    with pytest.raises(common.DisposalError) as e:
        proposal.approve(svc, lst["id"], actor="minh", decision_ref="1/QĐ")
    assert "DISPOSAL_COUNCIL_DISAGREES" in codes_of(e)
    with pytest.raises(common.DisposalError) as e:
        proposal.draft(svc, actor="lan", dossiers={ing.expired[0]: "x"}, explanatory_note="n")
    assert "DISPOSAL_ON_OTHER_LIST" in codes_of(e)
    proposal.reject(svc, lst["id"], actor="minh", reason="Hội đồng không nhất trí")
    with pytest.raises(common.DisposalError) as e:
        execution.execute(svc, lst["id"], actor="tuan")
    assert "DISPOSAL_NOT_APPROVED" in codes_of(e)
    assert svc.storage.has_aip(ing.expired[0])


CHECKPOINTS = ["destroy_after_key", "destroy_after_storage", "destroy_after_index", "destroy_after_catalog",
               "destroy_after_index_purge", "destroy_after_minutes"]


@pytest.mark.parametrize("point", CHECKPOINTS)
def test_interrupted_execution_says_so_and_resumes(svc: Services, template, point: str) -> None:
    _home, ing = template
    list_id = approved_list(svc, ing.expired)

    def crash(name: str) -> None:
        if name == point:
            raise FaultInjected(name)

    svc.fault_hook = crash
    with pytest.raises(FaultInjected):
        execution.execute(svc, list_id, actor="tuan")
    svc.fault_hook = None
    shown = listing.show(svc, list_id)
    assert shown["status"] == "executing"
    first = shown["items"][0]
    if point in CHECKPOINTS[:4]:
        # The half-done dossier says exactly which steps are done.
        assert first["state"] in ("destroying", "destroyed")
        assert "key_destroyed" in first["steps"]
        assert first["state"] == "destroying" or point == "destroy_after_catalog"
    rep = execution.resume(svc, list_id, actor="tuan")
    assert rep.ok, rep
    assert set(rep.destroyed) == set(ing.expired)
    for c in ing.expired:
        assert not svc.storage.has_aip(c)
    assert len(tombstone.tombstones(svc)) == 2
    minutes = [a for a in svc.storage.list_aips() if a.startswith("BBH-")]
    assert minutes == [rep.minutes_aip_id]
    assert {e["action"] for e in listing.show(svc, list_id)["events"]} >= {"execution_started", "execution_resumed"}


def test_killed_process_is_resumed_from_the_cli(svc: Services, template) -> None:
    """A real kill (os._exit at the checkpoint) in a child process, then `disposal resume`."""
    _home, ing = template
    list_id = approved_list(svc, ing.expired)
    env = dict(os.environ, **_env(svc), LUUTRU_FAULT_AT="destroy_after_storage", LUUTRU_TOKEN=token_of(svc, "tuan"))
    svc.close()
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "disposal", "execute", list_id, "--as", "tuan"],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 137, r.stderr
    env.pop("LUUTRU_FAULT_AT")
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "disposal", "show", list_id, "--json"],
                       env=env, capture_output=True, text=True, timeout=300)
    shown = json.loads(r.stdout)
    assert shown["items"][0]["state"] == "destroying" and shown["items"][1]["state"] == "pending"
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "disposal", "resume", list_id, "--as", "tuan", "--json"],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["status"] == "executed"


def test_every_step_through_the_json_api(svc: Services, template) -> None:
    from fastapi.testclient import TestClient

    import luutru.api.accounts as accounts
    from luutru.api.app import create_app
    from tests.api_helpers import bearer, make_accounts

    _home, ing = template
    tokens = make_accounts(svc)
    accounts.create_user(svc, "both", roles=["archivist", "approver"], actor="test")
    tokens["both"], _ = accounts.create_token(svc, "both", actor="test")
    client = TestClient(create_app(services=svc))
    h = {k: bearer(v) for k, v in tokens.items()}

    r = client.get("/api/retention/due?year=2026", headers=h["archivist"])
    assert r.status_code == 200 and {d["code"] for d in r.json()} == set(ing.expired)
    assert client.get("/api/retention/due?year=2026").status_code == 401
    r = client.post("/api/disposal/lists", headers=h["both"], json={
        "dossiers": {c: "Hết thời hạn" for c in ing.expired}, "explanatory_note": "Thuyết minh"})
    assert r.status_code == 201, r.text
    list_id = r.json()["id"]
    assert client.post(f"/api/disposal/lists/{list_id}/opinions", headers=h["archivist"],
                       json={"opinion": "agree"}).status_code == 403
    r = client.post(f"/api/disposal/lists/{list_id}/opinions", headers=h["council"], json={"opinion": "agree"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/disposal/lists/{list_id}/approve", headers=h["both"], json={"decision_ref": "9/QĐ"})
    assert r.status_code == 409 and r.json()["findings"][0]["code"] == "DISPOSAL_FOUR_EYES"
    r = client.post(f"/api/disposal/lists/{list_id}/approve", headers=h["approver"], json={"decision_ref": "9/QĐ"})
    assert r.status_code == 200 and r.json()["approvals"]["decided"]["by"] == "approver"
    assert client.post(f"/api/disposal/lists/{list_id}/execute", headers=h["approver"]).status_code == 403
    r = client.post(f"/api/disposal/lists/{list_id}/execute", headers=h["archivist"])
    assert r.status_code == 200 and r.json()["status"] == "executed", r.text
    r = client.get("/api/disposal/tombstones", headers=h["council"])
    assert {t["dossier_code"] for t in r.json()} == set(ing.expired)
    assert r.json()[0]["approvals"]["drafted"]["by"] == "both"
    r = client.post("/api/disposal/holds", headers=h["archivist"],
                    json={"dossier_code": ing.current, "reason": "Thanh tra"})
    assert r.status_code == 201
    assert client.post(f"/api/disposal/holds/{r.json()['hold_id']}/lift", headers=h["archivist"],
                       json={"reason": "x"}).status_code == 403
    assert client.post(f"/api/disposal/holds/{r.json()['hold_id']}/lift", headers=h["approver"],
                       json={"reason": "xong"}).status_code == 200
    assert client.get("/api/disposal/lists/NOPE", headers=h["council"]).status_code == 404
