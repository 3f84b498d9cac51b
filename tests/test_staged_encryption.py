"""Fixed-term records encrypted while staged (preservation/storage/staged.py): read once,
stored as that ciphertext, and nothing left readable when the transfer is refused."""

from __future__ import annotations

import hashlib
import os

import luutru.preservation.aip as aip
import luutru.preservation.storage.bag_cipher as bag_cipher
from luutru.ingest.pipeline import ingest
from luutru.preservation.fixity import audit
from luutru.preservation.storage.staged import StagedCiphers, adopt
from tests.factory import base_spec, original_digests, write_transfer


def _payload_encryptions(monkeypatch) -> list[str]:
    """Bag paths encrypted by ``put_aip`` itself (not adopted from staging)."""
    seen: list[str] = []
    real = bag_cipher.encrypt_stream

    def spy(src, dst, key, relpath, *a, **kw):
        seen.append(relpath)
        return real(src, dst, key, relpath, *a, **kw)

    monkeypatch.setattr(bag_cipher, "encrypt_stream", spy)
    return seen


def test_stored_ciphertext_is_the_staged_one_and_decrypts_to_the_original(services, tmp_path, monkeypatch):
    spec = base_spec(2, 2)
    root = write_transfer(spec, tmp_path / "t")
    encrypted_at_put = _payload_encryptions(monkeypatch)
    rep = ingest(root, services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    # the originals were encrypted while staged; put_aip encrypted only the metadata it wrote later
    assert encrypted_at_put and not [r for r in encrypted_at_put if r.startswith("data/objects/")]
    for d in spec.dossiers:
        code = d["ma_ho_so"]
        assert services.storage.is_encrypted(code)
        plain = services.storage.fetch_aip(code, tmp_path / f"plain-{code}")  # checks every decrypted digest
        docs = [r for r in spec.documents if r["ma_ho_so"] == code]
        assert original_digests(plain, docs) == {r["ma_dinh_danh_van_ban"]: [r["sha256"]] for r in docs}
        manifest = (plain / "manifest-sha256.txt").read_text("utf-8")
        assert all(r["sha256"] in manifest for r in docs)
    assert audit(services.storage, repair=False).ok
    # nothing of the staged ciphertext is left in the work directory
    assert not [p for p in services.settings.work_dir.rglob("*.enc") if p.is_file()]


def test_refused_transfer_leaves_no_key_and_no_ciphertext(services, tmp_path):
    spec = base_spec(2, 2)
    spec.documents[0]["sha256"] = "0" * 64  # a declared checksum that does not match: the transfer is refused
    root = write_transfer(spec, tmp_path / "t")
    rep = ingest(root, services)
    assert rep.status == "rejected"
    assert "CHECKSUM_MISMATCH" in {f.code for f in rep.findings}
    assert not list(services.storage.list_aips())
    keys = services.storage.keystore.keys
    assert not list(keys.iterdir()), "a refused transfer must leave no data key"
    assert not services.storage._staged._pending, "no key kept in memory after the transfer"
    assert not [p for p in services.settings.work_dir.rglob("*") if p.is_file() and p.suffix == ".enc"]


def test_a_key_left_by_an_interrupted_store_is_the_one_used(services, tmp_path):
    spec = base_spec(1, 2)
    root = write_transfer(spec, tmp_path / "t")
    code = spec.dossiers[0]["ma_ho_so"]
    earlier = services.storage.keystore.create_key(code)  # as a put cut short after creating the key
    rep = ingest(root, services)
    assert rep.status == "accepted"
    assert services.storage.keystore.get_key(code) == earlier
    plain = services.storage.fetch_aip(code, tmp_path / "plain")
    assert (plain / "manifest-sha256.txt").exists()


def test_a_changed_plaintext_or_ciphertext_is_not_adopted(tmp_path):
    ciphers = StagedCiphers()
    plain = tmp_path / "plain.bin"
    plain.write_bytes(os.urandom(3 * 1024 * 1024 + 5))
    want = hashlib.sha256(plain.read_bytes()).hexdigest()
    key = ciphers.key("A1", None)
    assert ciphers.encrypt("A1", key, "data/objects/x/plain.bin", plain, tmp_path / "c") == (want, plain.stat().st_size)
    staged = ciphers.take("A1").files["data/objects/x/plain.bin"]
    assert adopt(staged, plain, tmp_path / "t0", "1" * 64) is None  # not the manifest's digest
    os.utime(plain, ns=(staged.source[3] + 1, staged.source[3] + 1))  # the staged plaintext touched since
    assert adopt(staged, plain, tmp_path / "t1", want) is None
    os.utime(plain, ns=(staged.source[3], staged.source[3]))
    assert adopt(staged, plain, tmp_path / "t2", want) is staged
    assert (tmp_path / "t2").stat().st_size == staged.cipher_size and not staged.cipher.exists()


def test_a_key_is_kept_in_memory_only_until_the_store(tmp_path):
    ciphers = StagedCiphers()
    k1 = ciphers.key("A1", None)
    assert ciphers.key("A1", None) is k1  # every file of the dossier under one key
    stored = os.urandom(32)
    assert ciphers.key("A1", stored) == stored  # a key in the key store wins
    ciphers.forget("A1")
    assert ciphers.take("A1") is None


def test_a_file_changed_while_ingested_is_refused(services, tmp_path, monkeypatch):
    spec = base_spec(1, 2)
    root = write_transfer(spec, tmp_path / "t")
    real = services.storage.encrypt_staged

    def touched_first(aip_id, relpath, src, cipher_dir, progress=None):
        st = os.stat(src)  # the sender edits the file after it was linked, before it is read
        os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        return real(aip_id, relpath, src, cipher_dir, progress)

    monkeypatch.setattr(services.storage, "encrypt_staged", touched_first)
    rep = ingest(root, services)
    assert rep.status == "rejected"
    changed = [f for f in rep.findings if f.code == "FILE_CHANGED_DURING_INGEST"]
    assert len(changed) == 2 and changed[0].dossier == spec.dossiers[0]["ma_ho_so"]
    assert not list(services.storage.list_aips())
    assert not list(services.storage.keystore.keys.iterdir())


def _permanent_spec():
    spec = base_spec(1, 2)
    spec.dossiers[0]["thoi_han_bao_quan"] = "Vĩnh viễn"
    return spec


def test_a_permanent_record_is_stored_as_a_copy_never_as_the_senders_file(services, tmp_path):
    spec = _permanent_spec()
    root = write_transfer(spec, tmp_path / "t")
    rep = ingest(root, services)
    assert rep.status == "accepted", [f.code for f in rep.findings if f.is_error]
    code = spec.dossiers[0]["ma_ho_so"]
    assert not services.storage.is_encrypted(code)
    aip = services.storage.locations[0].aips / code
    for r in spec.documents:
        sent = root / r["duong_dan_tep"]
        stored = next((aip / "data" / "objects" / r["ma_dinh_danh_van_ban"]).iterdir())
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == r["sha256"]
        assert stored.stat().st_ino != sent.stat().st_ino  # a copy: the sender's file stays theirs
        assert sent.stat().st_nlink == 1
    assert audit(services.storage, repair=False).ok


def test_a_permanent_record_changed_while_copied_is_refused(services, tmp_path, monkeypatch):
    spec = _permanent_spec()
    root = write_transfer(spec, tmp_path / "t")
    real = aip.copy_flushed

    def edited_meanwhile(src, dst, progress=None):
        got = real(src, dst, progress)
        st = os.stat(src)
        os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        return got

    monkeypatch.setattr(aip, "copy_flushed", edited_meanwhile)
    rep = ingest(root, services)
    assert rep.status == "rejected"
    changed = [f for f in rep.findings if f.code == "FILE_CHANGED_DURING_INGEST"]
    assert len(changed) == 2  # (the checks may also fail on the file removed from staging)
    assert not list(services.storage.list_aips())
