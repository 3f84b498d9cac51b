"""Anchors of the audit trail in storage: a database administrator who truncates the log
and resets its head, or rewrites an entry and rechains every later hash, leaves a chain
that verifies on its own; the anchors kept beside the AIPs still show it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from luutru.audit.trail import event_hash, record_action, verify_chain
from luutru.catalog.audit_models import AuditEvent, AuditHead
from luutru.cli.main import app
from luutru.config import Settings
from luutru.preservation.audit_anchor import PREFIX, read_anchors, verify_with_anchors, write_anchor
from luutru.preservation.fixity_run import run_audit
from luutru.preservation.storage import open_storage
from luutru.records.errors import StorageError
from luutru.records.timeutil import now_vn
from luutru.services import Services
from tests import engines


def _fill(services: Services, n: int) -> None:
    for i in range(n):
        record_action(services, "luutruvien", "dossier.view", f"dossier:{i}", "success", {"n": i})


def _rechain_from(services: Services, seq: int, detail: dict) -> None:
    """Rewrite entry ``seq`` and recompute every later hash and the head: what someone with
    write access to the database can do."""
    with services.catalog.session() as s:
        prev = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)) or "0" * 64
        for e in s.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)).all():
            fields = e.to_dict()
            if e.seq == seq:
                fields["detail"] = detail
            fields["prev_hash"] = prev
            fields["hash"] = event_hash(fields)
            e.detail, e.prev_hash, e.hash = fields["detail"], prev, fields["hash"]
            prev = fields["hash"]
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))


def test_truncation_with_the_head_reset_is_caught_by_the_anchor(services: Services) -> None:
    _fill(services, 6)
    a = write_anchor(services)
    assert a is not None and a.seq == 6 and a.name.startswith(PREFIX)
    assert write_anchor(services) is None  # nothing new since
    with services.catalog.session() as s:
        h4 = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 4))
        s.execute(delete(AuditEvent).where(AuditEvent.seq > 4))
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=4, hash=h4))
    assert verify_chain(services).ok  # the chain alone cannot tell
    check = verify_with_anchors(services)
    assert not check.ok and check.broken_seq == 5 and "deleted" in check.problem_en
    assert "đã bị xóa" in check.problem_vi


def test_a_rewritten_and_rechained_entry_is_caught(services: Services) -> None:
    _fill(services, 5)
    write_anchor(services)
    _fill(services, 2)
    write_anchor(services)
    _rechain_from(services, 3, {"n": "sửa"})
    assert verify_chain(services).ok
    check = verify_with_anchors(services)
    assert not check.ok and check.broken_seq == 5 and "rewritten" in check.problem_en


def test_anchors_chain_to_each_other_and_cannot_be_overwritten(services: Services) -> None:
    _fill(services, 2)
    first = write_anchor(services)
    _fill(services, 1)
    second = write_anchor(services)
    assert first and second and second.prev_anchor_sha256 == first.sha256
    assert [x.name for x in read_anchors(services.storage)] == [first.name, second.name]
    with pytest.raises(StorageError):
        services.storage.put_record(first.name, b"{}")
    assert verify_with_anchors(services).ok


def test_the_periodic_fixity_audit_anchors_the_trail(services: Services) -> None:
    _fill(services, 3)
    run_audit(services)
    assert [a.seq for a in read_anchors(services.storage)][-1] >= 3


def test_cli_verify_fails_after_truncation(services: Services, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(services, 4)
    monkeypatch.setenv("LUUTRU_HOME", str(settings.home_dir))
    if settings.database_url:
        monkeypatch.setenv("LUUTRU_DATABASE_URL", settings.database_url)
    r = CliRunner().invoke(app, ["audit-log", "anchor"])
    assert r.exit_code == 0 and "anchored" in r.output
    with services.catalog.session() as s:
        h3 = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 3))
        s.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=3, hash=h3))
    r = CliRunner().invoke(app, ["audit-log", "verify"])
    assert r.exit_code == 1
    assert "deleted" in r.output


@engines.mark("s3")
def test_anchors_on_the_s3_server_are_under_compliance_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = engines.s3_endpoint(monkeypatch)
    bucket = engines.s3_shared_bucket(endpoint)
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    storage = open_storage(f"s3://{bucket}/{prefix}?endpoint_url={endpoint}", Settings())
    storage.put_record(f"{PREFIX}000000000001-test.json", b'{"seq":1}', retain_until=now_vn().date() + timedelta(days=1))
    head = engines.s3_client(endpoint).head_object(Bucket=bucket, Key=f"{prefix}/records/{PREFIX}000000000001-test.json")
    assert head.get("ObjectLockMode") == "COMPLIANCE"
    with pytest.raises(StorageError):
        storage.put_record(f"{PREFIX}000000000001-test.json", b"{}")
    assert list(storage.list_records(PREFIX)) == [f"{PREFIX}000000000001-test.json"]
    assert storage.get_record(f"{PREFIX}000000000001-test.json") == b'{"seq":1}'
