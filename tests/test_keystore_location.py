"""After destruction nothing in a backup of LUUTRU_HOME decrypts the destroyed records:
the key store lives outside the home by default, and the home is not world-readable."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import bagit

from sqlalchemy import text

from luutru.config import Settings
from luutru.preservation.status import status
from luutru.preservation.storage.encrypted import EncryptedStorage
from luutru.preservation.storage.keystore import FileKeyStore
from luutru.preservation.storage.local import LocalStorage
from luutru.services import Services


def test_the_key_store_is_outside_the_home_by_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "operator"))
    home = tmp_path / "home"
    settings = Settings(home=home)
    ks = settings.keystore_path
    assert home.resolve() not in ks.parents and ks.parent == tmp_path / "operator" / ".local" / "state" / "luutru"
    FileKeyStore(ks).create_key("000.00.31.H57.2012.01")
    assert not [p for p in home.rglob("*") if p.name.endswith(".key")]
    # Another home gets another key store; the same home finds its own again.
    assert Settings(home=tmp_path / "other").keystore_path != ks
    assert Settings(home=home).keystore_path == ks
    svc = Services(settings)
    try:
        assert not [w for w in status(svc).warnings if w["code"] == "KEYSTORE_IN_HOME"]
    finally:
        svc.close()


def test_a_home_made_with_keys_inside_keeps_them_and_is_warned_about(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "operator"))
    home = tmp_path / "home"
    FileKeyStore(home / "keys").create_key("000.00.31.H57.2012.01")  # an install made before the rule
    settings = Settings(home=home)
    assert settings.keystore_path == home.resolve() / "keys" and settings.keystore_in_home
    svc = Services(settings)
    try:
        warnings = [w for w in status(svc).warnings if w["code"] == "KEYSTORE_IN_HOME"]
        assert warnings and "LUUTRU_KEYSTORE_DIR" in warnings[0]["message_en"]
    finally:
        svc.close()


def test_the_home_and_the_catalog_are_not_world_readable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    svc = Services(Settings(home=home))
    try:
        with svc.catalog.session() as s:
            s.execute(text("select 1"))
    finally:
        svc.close()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    catalog = home / "catalog.sqlite"
    assert catalog.exists() and stat.S_IMODE(catalog.stat().st_mode) & 0o077 == 0


def _fixed_term_bag(root: Path, title: str) -> Path:
    (root / "metadata").mkdir(parents=True)  # make_bag moves these under data/
    (root / "metadata" / "dossier.json").write_text(
        json.dumps({"tieu_de": title, "_service": {"retention_years": 10}}, ensure_ascii=False), "utf-8")
    (root / "files").mkdir()
    (root / "files" / "0001.pdf").write_bytes(b"%PDF-1.4 " + title.encode("utf-8"))
    bagit.make_bag(str(root), {"External-Description": title, "Source-Organization": "Sở Nội vụ tỉnh Tiền Giang"},
                   checksums=["sha256"])
    return root


def test_an_encrypted_aip_names_nothing_in_clear_in_storage(tmp_path: Path) -> None:
    title = "Hồ sơ kỷ luật ông Nguyễn Văn Bí Mật"
    bag = _fixed_term_bag(tmp_path / "bag", title)
    inner = LocalStorage(tmp_path / "storage")
    store = EncryptedStorage(inner, FileKeyStore(tmp_path / "keys"))
    store.put_aip("000.00.31.H57.2012.01", bag)
    assert store.is_encrypted("000.00.31.H57.2012.01")
    needles = [title.encode("utf-8"), "Bí Mật".encode("utf-8"), b"Tien Giang", "Tiền Giang".encode("utf-8")]
    for p in (tmp_path / "storage").rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert not any(n in data for n in needles), p
    # ... while a reader with the key sees the original bag-info.
    with store.open_file("000.00.31.H57.2012.01", "bag-info.txt") as f:
        assert title in f.read().decode("utf-8")
