"""Account changes waiting for a second administrator, decided from the shell."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import luutru.api.accounts as accounts
import luutru.api.grants as grants
from luutru.cli.main import app as cli_app


def test_pending_account_changes_are_listed_and_decided_from_the_shell(services, settings, monkeypatch):
    """A change an administrator asked for on the web waits; another person confirms it
    from the shell (actor cli:<system user>), or refuses it; the requester cannot."""
    monkeypatch.setenv("LUUTRU_HOME", str(settings.home_dir))
    if settings.database_url:
        monkeypatch.setenv("LUUTRU_DATABASE_URL", settings.database_url)
    accounts.create_user(services, "admin1", roles=["administrator"], password="mật-khẩu-quản-trị", actor="cli:root")
    status, pending = grants.propose_create(services, "admin1", "tay-sai", roles=["approver"], password="mật-khẩu-123456")
    assert status == "pending" and accounts.get_user(services, "tay-sai") is None
    _status, other = grants.propose_create(services, "admin1", "tay-sai-2", roles=["council"], password="mật-khẩu-654321")
    runner = CliRunner()
    r = runner.invoke(cli_app, ["user", "changes", "--json"])
    assert r.exit_code == 0, r.output
    listed = json.loads(r.output)
    assert {c["id"] for c in listed} == {pending["id"], other["id"]}
    assert "password_hash" not in r.output
    r = runner.invoke(cli_app, ["user", "confirm", str(pending["id"])])
    assert r.exit_code == 0, r.output
    assert accounts.get_user(services, "tay-sai")["roles"] == ["approver"]
    r = runner.invoke(cli_app, ["user", "reject", str(other["id"])])
    assert r.exit_code == 0 and accounts.get_user(services, "tay-sai-2") is None
    r = runner.invoke(cli_app, ["user", "confirm", str(other["id"])])
    assert r.exit_code == 1  # no longer pending
