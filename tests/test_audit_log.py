"""The hash-chained audit trail: edits and deletions are detected, appends never fork."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from sqlalchemy import delete, text, update
from typer.testing import CliRunner

from luutru.audit.trail import event_hash, list_events, record_action, verify_chain
from luutru.catalog.audit_models import AuditEvent


def _fill(services, n: int = 6) -> None:
    for i in range(n):
        record_action(services, f"user{i % 2}", "file.download", f"file:{i}", "success", {"n": i, "ghi chú": "tài liệu"})


def test_chain_links_each_event_to_the_previous_one(services):
    _fill(services)
    events = sorted(list_events(services), key=lambda e: e["seq"])
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0]["prev_hash"] == "0" * 64
    for a, b in zip(events, events[1:]):
        assert b["prev_hash"] == a["hash"]
    assert all(event_hash(e) == e["hash"] for e in events)
    assert all(e["at"].endswith("+07:00") for e in events)
    check = verify_chain(services)
    assert check.ok and check.events == 6 and check.head_hash == events[-1]["hash"]


def test_an_edited_event_is_named(services):
    _fill(services)
    with services.catalog.session() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(outcome="failure"))
    check = verify_chain(services)
    assert not check.ok and check.broken_seq == 3 and "edited" in check.problem_en


def test_an_edited_detail_with_rehash_breaks_the_next_link(services):
    _fill(services)
    with services.catalog.session() as s:
        e = s.get(AuditEvent, 2)
        fields = e.to_dict()
        fields["detail"] = {"n": 99}
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(detail={"n": 99}, hash=event_hash(fields)))
    check = verify_chain(services)
    assert not check.ok and check.broken_seq == 3  # entry 2 was rewritten consistently: entry 3 no longer links


def test_deleted_events_are_detected_in_the_middle_and_at_the_end(services):
    _fill(services)
    with services.catalog.session() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    check = verify_chain(services)
    assert not check.ok and check.broken_seq == 4 and "missing" in check.problem_en

    _fill(services, 0)
    with services.catalog.session() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= 4))
    check = verify_chain(services)
    assert not check.ok and check.broken_seq == 4 and "deleted" in check.problem_en


def test_event_in_the_callers_transaction_rolls_back_with_it(services):
    class Boom(Exception):
        pass

    try:
        with services.catalog.session() as s:
            record_action(services, "archivist", "disposal.execute", "list:X", "success", session=s)
            raise Boom
    except Boom:
        pass
    assert list_events(services) == []
    assert verify_chain(services).ok


def test_concurrent_appends_from_threads_keep_one_chain(services):
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(25):
                record_action(services, f"t{k}", "test.append", f"obj:{k}:{i}", "success")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    check = verify_chain(services)
    assert check.ok and check.events == 200 and check.head_seq == 200


def test_concurrent_appends_from_processes_keep_one_chain(services, settings):
    code = (
        "import sys\n"
        "from luutru.config import Settings\nfrom luutru.services import Services\n"
        "from luutru.audit.trail import record_action\n"
        "s = Services(Settings(home=sys.argv[1], database_url=sys.argv[2]))\n"
        "for i in range(20): record_action(s, 'p' + sys.argv[3], 'test.append', f'obj:{i}', 'success')\n"
    )
    services.catalog  # migrate once before the processes start
    procs = [subprocess.Popen([sys.executable, "-c", code, str(settings.home), settings.db_url, str(k)])
             for k in range(4)]
    assert [p.wait(120) for p in procs] == [0, 0, 0, 0]
    check = verify_chain(services)
    assert check.ok and check.events == 80


def test_cli_verify_exits_1_and_names_the_broken_entry(services, settings, monkeypatch):
    from luutru.cli.main import app

    _fill(services)
    monkeypatch.setenv("LUUTRU_HOME", str(settings.home))
    monkeypatch.setenv("LUUTRU_DATABASE_URL", settings.db_url)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit-log", "verify", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    with services.catalog.session() as s:
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 5"))
    bad = runner.invoke(app, ["audit-log", "verify"])
    assert bad.exit_code == 1
    assert "entry 5" in bad.output
    as_json = json.loads(runner.invoke(app, ["audit-log", "verify", "--json"]).stdout)
    assert as_json["broken_seq"] == 5 and as_json["ok"] is False
