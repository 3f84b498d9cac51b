"""Separation of duties in destruction: no single person, in any combination of roles,
can take a dossier from draft to destroyed; the council needs a quorum of distinct people;
every refusal is on the audit trail.  Also the pure state machines of ``lifecycle``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import luutru.disposal.execution as execution
import luutru.disposal.lifecycle as lc
import luutru.disposal.proposal as proposal
from luutru.audit.trail import list_events, verify_chain
from luutru.config import Settings
from luutru.disposal.common import DisposalError
from luutru.records.status import DisposalItemState as Item
from luutru.records.status import DisposalListStatus as L
from luutru.services import Services
from tests.disposal_helpers import copy_home, seed_template

NOTE = "Tài liệu đã hết thời hạn bảo quản."


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_template(tmp_path_factory.mktemp("duties"))


@pytest.fixture
def svc(template, tmp_path: Path):
    s = copy_home(template[0], tmp_path / "home")
    yield s
    s.close()


def codes(err: pytest.ExceptionInfo) -> set[str]:
    return {str(f.code) for f in err.value.findings}


# -- the pure state machines -------------------------------------------------------------


def test_list_machine_allows_only_its_arrows() -> None:
    p = lc.Parties("lan")
    assert lc.opinion("X", L.DRAFT, "hoa", p) is L.DRAFT
    assert lc.approve("X", L.DRAFT, "minh", lc.Parties("lan", ("hoa",))) is L.APPROVED
    assert lc.reject("X", L.APPROVED, "minh", p) is L.REJECTED
    assert lc.execute("X", L.APPROVED, "lan", lc.Parties("lan", ("hoa",), "minh")) is L.EXECUTING
    assert lc.execute("X", L.EXECUTING, "tuan", p) is L.EXECUTING  # resume
    assert lc.finish("X", L.EXECUTING) is L.EXECUTED
    for state in (L.APPROVED, L.REJECTED, L.EXECUTING, L.EXECUTED):
        with pytest.raises(DisposalError) as e:
            lc.opinion("X", state, "hoa", p)
        assert codes(e) == {"DISPOSAL_NOT_DRAFT"}
    for state in (L.DRAFT, L.REJECTED, L.EXECUTED):
        with pytest.raises(DisposalError) as e:
            lc.execute("X", state, "tuan", p)
        assert codes(e) == {"DISPOSAL_NOT_APPROVED"}
    with pytest.raises(DisposalError) as e:
        lc.reject("X", L.EXECUTING, "minh", p)
    assert codes(e) == {"DISPOSAL_NOT_DRAFT"}
    with pytest.raises(DisposalError) as e:
        lc.finish("X", L.APPROVED)
    assert codes(e) == {"DISPOSAL_BAD_TRANSITION"}


def test_list_machine_separates_duties() -> None:
    p = lc.Parties("lan", ("hoa", "binh"), "minh")
    refused = [
        (lc.opinion, L.DRAFT, "LAN "),  # the drafter is no council member
        (lc.approve, L.DRAFT, "lan"),  # four eyes
        (lc.approve, L.DRAFT, "Hoa"),  # a council member does not approve
        (lc.execute, L.APPROVED, "hoa"),  # nor execute
        (lc.execute, L.APPROVED, "minh"),  # the approver does not execute
        (lc.reject, L.DRAFT, "lan"),
    ]
    for fn, state, actor in refused:
        with pytest.raises(DisposalError) as e:
            fn("X", state, actor, lc.Parties("lan", ("hoa", "binh"), "minh" if fn is lc.execute else None))
        assert codes(e) <= {"DISPOSAL_FOUR_EYES", "DISPOSAL_SEPARATION_OF_DUTIES"}, (fn, actor)
    assert lc.opinion("X", L.DRAFT, "binh", lc.Parties("lan", ("hoa", "binh"))) is L.DRAFT  # a new opinion
    assert p.capacities_of("MINH") == ["approver"]


def test_item_machine() -> None:
    assert lc.item("A", Item.PENDING, lc.ItemAction.START) is Item.DESTROYING
    assert lc.item("A", Item.PENDING, lc.ItemAction.WITHHOLD) is Item.WITHHELD
    assert lc.item("A", Item.DESTROYING, lc.ItemAction.FINISH) is Item.DESTROYED
    for state in (Item.DESTROYED, Item.WITHHELD):
        assert lc.item_done(state)
        for action in lc.ItemAction:
            with pytest.raises(DisposalError) as e:
                lc.item("A", state, action)
            assert codes(e) == {"DISPOSAL_BAD_TRANSITION"}
    with pytest.raises(DisposalError):
        lc.item("A", Item.PENDING, lc.ItemAction.FINISH)  # never destroyed without starting
    with pytest.raises(DisposalError):
        lc.item("A", Item.DESTROYING, lc.ItemAction.WITHHOLD)  # too late to withhold once the key may be gone


# -- through the persistence code --------------------------------------------------------


def test_one_person_in_every_capacity_cannot_destroy(svc: Services, template) -> None:
    """The attack of issue 16: one administrator, or it and one helper account holding
    council and approver roles, try to take a dossier from draft to destroyed."""
    _home, ing = template
    code = ing.expired[0]
    lst = proposal.draft(svc, actor="admin", dossiers={code: "Hết hạn"}, explanatory_note=NOTE)
    list_id = lst["id"]
    with pytest.raises(DisposalError) as e:
        proposal.add_opinion(svc, list_id, actor="admin", opinion="agree")
    assert codes(e) == {"DISPOSAL_SEPARATION_OF_DUTIES"}
    with pytest.raises(DisposalError) as e:
        proposal.approve(svc, list_id, actor="Admin", decision_ref="1/QĐ")
    assert codes(e) == {"DISPOSAL_FOUR_EYES"}
    # A second account as the council …
    proposal.add_opinion(svc, list_id, actor="helper", opinion="agree")
    # … cannot also be the approver.
    with pytest.raises(DisposalError) as e:
        proposal.approve(svc, list_id, actor="helper", decision_ref="1/QĐ")
    assert codes(e) == {"DISPOSAL_SEPARATION_OF_DUTIES"}
    with pytest.raises(DisposalError) as e:
        execution.execute(svc, list_id, actor="helper")
    assert codes(e) == {"DISPOSAL_NOT_APPROVED"}
    # A third person approves; neither the approver nor the council member may execute.
    proposal.approve(svc, list_id, actor="minh", decision_ref="1/QĐ")
    for who in ("minh", "helper"):
        with pytest.raises(DisposalError) as e:
            execution.execute(svc, list_id, actor=who)
        assert codes(e) == {"DISPOSAL_SEPARATION_OF_DUTIES"}
    assert svc.storage.has_aip(code)
    # Every refusal is on the audit trail, and the chain still verifies.
    denied = [(e["actor"], e["action"]) for e in list_events(svc, limit=100) if e["outcome"] == "denied"]
    assert ("admin", "disposal.opinion") in denied and ("helper", "disposal.approve") in denied
    assert ("minh", "disposal.execute") in denied and ("helper", "disposal.execute") in denied
    assert verify_chain(svc).ok
    rep = execution.execute(svc, list_id, actor="admin")  # the drafter (agency archive) carries it out
    assert rep.ok and rep.destroyed == [code]


def test_council_quorum_needs_distinct_people(template, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(template[0], home, symlinks=True)
    svc = Services(Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}",
                            disposal_council_quorum=2))
    try:
        lst = proposal.draft(svc, actor="lan", dossiers={template[1].expired[0]: "x"}, explanatory_note=NOTE)
        proposal.add_opinion(svc, lst["id"], actor="hoa", opinion="agree")
        proposal.add_opinion(svc, lst["id"], actor="HOA", opinion="agree")  # the same person again
        with pytest.raises(DisposalError) as e:
            proposal.approve(svc, lst["id"], actor="minh", decision_ref="2/QĐ")
        assert codes(e) == {"DISPOSAL_QUORUM_NOT_MET"}
        assert e.value.findings[0].details == {"agreeing": 1, "quorum": 2}
        proposal.add_opinion(svc, lst["id"], actor="binh", opinion="agree")
        assert proposal.approve(svc, lst["id"], actor="minh", decision_ref="2/QĐ")["status"] == "approved"
    finally:
        svc.close()


def test_quorum_setting_is_validated() -> None:
    with pytest.raises(ValueError):
        Settings(disposal_council_quorum=0)
