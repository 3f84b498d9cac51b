"""Fixed-term bags encrypted during the checks (preservation/storage/prepared.py): the
store then only stores them; a bag sealed again, or a key that is not the one stored,
is encrypted afresh; a refused transfer leaves neither a prepared bag nor a key."""

from __future__ import annotations

import sys

import luutru.preservation.storage.encrypted as encrypted
from luutru.ingest.pipeline import ingest
from luutru.preservation.fixity import audit
from tests.factory import base_spec, refuse_by_the_last_file, write_transfer


def _encryptions(monkeypatch) -> list[tuple[str, str]]:
    """(AIP id, who encrypted it: ``prepare_aip`` during the checks or ``put_aip`` when storing)."""
    seen: list[tuple[str, str]] = []
    real = encrypted.encrypt_bag

    def spy(aip_id, *a, **kw):
        seen.append((aip_id, sys._getframe(1).f_code.co_name))
        return real(aip_id, *a, **kw)

    monkeypatch.setattr(encrypted, "encrypt_bag", spy)
    return seen


def _after_prepare(monkeypatch, then) -> None:
    """Run ``then(storage, aip_id)`` right after each real ``prepare_aip``."""
    real = encrypted.EncryptedStorage.prepare_aip

    def prepare(self, aip_id, bag_dir):
        real(self, aip_id, bag_dir)
        then(self, aip_id)

    monkeypatch.setattr(encrypted.EncryptedStorage, "prepare_aip", prepare)


def _prepared_dirs(services) -> list:
    return [p for p in services.settings.work_dir.iterdir() if p.name.startswith(".enc-")]


def test_bags_prepared_during_the_checks_are_stored_as_prepared(services, tmp_path, monkeypatch) -> None:
    spec = base_spec(3, 2)
    calls = _encryptions(monkeypatch)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    codes = sorted(d["ma_ho_so"] for d in spec.dossiers)
    assert sorted(calls) == [(c, "prepare_aip") for c in codes]  # during the checks, not again by the store
    for code in codes:
        plain = services.storage.fetch_aip(code, tmp_path / f"plain-{code}")  # every digest checked
        assert (plain / "data" / "metadata" / "dossier.json").is_file()
    assert audit(services.storage, repair=False).ok
    assert _prepared_dirs(services) == []


def test_a_bag_sealed_again_after_it_was_prepared_is_encrypted_again(services, tmp_path, monkeypatch) -> None:
    spec = base_spec(1, 2)
    code = spec.dossiers[0]["ma_ho_so"]
    root = write_transfer(spec, tmp_path / "t")

    def change_the_seal(storage, aip_id):
        bag = storage._prepared._bags[aip_id]
        storage._prepared._bags[aip_id] = encrypted.PreparedBag(bag.enc, bag.key, b"another seal")

    _after_prepare(monkeypatch, change_the_seal)
    calls = _encryptions(monkeypatch)
    rep = ingest(root, services)
    assert rep.status == "accepted"
    assert calls == [(code, "prepare_aip"), (code, "put_aip")]  # the bag now sealed is not the one prepared
    services.storage.fetch_aip(code, tmp_path / "plain")
    assert audit(services.storage, repair=False).ok
    assert _prepared_dirs(services) == []


def test_a_refused_transfer_leaves_no_prepared_bag_and_no_key(services, tmp_path, monkeypatch) -> None:
    spec = base_spec(3, 2)
    refuse_by_the_last_file(spec)  # the dossiers before it are sealed, held and prepared first
    prepared: list[str] = []

    def seen(storage, aip_id):
        prepared.append(aip_id)
        assert aip_id in storage._prepared._bags  # prepared indeed, before the transfer is refused

    _after_prepare(monkeypatch, seen)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "rejected"
    assert "FORMAT_REJECTED" in {f.code for f in rep.findings if f.is_error}
    assert prepared  # the earlier dossiers were sealed and encrypted during the checks
    assert not list(services.storage.list_aips())
    assert not list(services.storage.keystore.keys.iterdir())
    assert _prepared_dirs(services) == []
    assert not services.storage._prepared._bags


def test_a_prepared_bag_under_another_key_is_not_used(services, tmp_path, monkeypatch) -> None:
    spec = base_spec(1, 2)
    code = spec.dossiers[0]["ma_ho_so"]
    root = write_transfer(spec, tmp_path / "t")
    # another process stored a key for this dossier meanwhile
    _after_prepare(monkeypatch, lambda storage, aip_id: storage.keystore.create_key(aip_id))
    calls = _encryptions(monkeypatch)
    rep = ingest(root, services)
    assert rep.status == "accepted"
    assert calls == [(code, "prepare_aip"), (code, "put_aip")]
    services.storage.fetch_aip(code, tmp_path / "plain")  # readable under the key actually stored
    assert audit(services.storage, repair=False).ok
