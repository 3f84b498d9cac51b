"""Disposal steps reach the hash-chained audit trail, whoever drives them (CLI, API, code)."""

from __future__ import annotations

from luutru.audit.trail import list_events, verify_chain
from tests.disposal_helpers import approved_list, ingest_fixture


def test_each_disposal_step_is_in_the_audit_trail(services, tmp_path):
    ing = ingest_fixture(services, tmp_path)
    list_id = approved_list(services, ing.expired)
    events = list_events(services, limit=50)
    got = [(e["actor"], e["action"]) for e in reversed(events) if e["action"].startswith("disposal.")]
    assert got == [("lan.vanthu", "disposal.drafted"), ("hoa.hoidong", "disposal.opinion"),
                   ("minh.giamdoc", "disposal.approved")]
    assert all(e["object"] == f"disposal-list:{list_id}" for e in events if e["action"].startswith("disposal."))
    assert verify_chain(services).ok
