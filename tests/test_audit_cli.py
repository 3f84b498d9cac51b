"""``luutru audit`` on an ingested archive with a replica: bit rot found, repaired, recorded."""

from __future__ import annotations

import os
import sqlite3
import stat

from sqlalchemy import select

import luutru.catalog.models as m
from luutru.catalog.records import load_aip_metadata
from luutru.config import Settings
from luutru.ingest.pipeline import ingest
from luutru.preservation.fixity_run import run_audit
from luutru.records.timeutil import iso_vn
from luutru.services import Services
from tests.factory import base_spec, write_transfer


def test_bit_rot_in_primary_repaired_from_replica(tmp_path, database_url):
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=database_url, replica_urls=[(tmp_path / "replica").as_uri()])
    svc = Services(settings)
    try:
        spec = base_spec(2, 2)
        assert ingest(write_transfer(spec, tmp_path / "t"), svc).status == "accepted"
        code = spec.dossiers[0]["ma_ho_so"]
        # the stored file of an original PDF (a fixed-term dossier stores it encrypted, under an opaque name)
        meta = load_aip_metadata(svc.storage, code, with_text=False)
        pdf = next(c["path"] for d in meta.documents for c in d["_service"]["components"] if c["role"] == "original")
        victim = home / "storage" / "aips" / code / svc.storage.stored_name(code, pdf)
        os.chmod(victim, stat.S_IRUSR | stat.S_IWUSR)
        data = bytearray(victim.read_bytes())
        data[300] ^= 0x01
        victim.write_bytes(bytes(data))
        rep = run_audit(svc)
        assert [a.aip_id for a in rep.damaged] == [code]
        assert rep.ok  # repaired
        rel = victim.relative_to(home / "storage" / "aips" / code).as_posix()
        assert rel in [p.relpath for c in rep.damaged[0].copies for p in c.problems]
        with svc.catalog.session() as s:
            kinds = [(e.event_type, e.outcome) for e in s.scalars(select(m.Event).where(m.Event.dossier_code == code))]
        assert ("recovery", "success") in kinds
        assert ("fixity check", "failure") in kinds
        assert run_audit(svc, aip_ids=[code]).damaged == ()
    finally:
        svc.close()


def test_last_checks_of_the_old_state_file_are_carried_into_the_catalog(tmp_path, database_url):
    """The first version kept audit state in LUUTRU_HOME/fixity-state.sqlite; its last
    checks move into the catalog on the first audit, so not_checked_since_days remembers."""
    home = tmp_path / "home"
    svc = Services(Settings(home=home, database_url=database_url))
    try:
        spec = base_spec(2, 1)
        assert ingest(write_transfer(spec, tmp_path / "t"), svc).status == "accepted"
        checked = spec.dossiers[0]["ma_ho_so"]
        old = sqlite3.connect(home / "fixity-state.sqlite")
        old.execute("CREATE TABLE checks (aip_id TEXT PRIMARY KEY, checked_at TEXT NOT NULL, ok INTEGER NOT NULL)")
        old.execute("INSERT INTO checks VALUES (?, ?, 1)", (checked, iso_vn()))
        old.commit()
        old.close()
        rep = run_audit(svc, not_checked_since_days=30)
        assert [a.aip_id for a in rep.aips] == [spec.dossiers[1]["ma_ho_so"]]
        assert not (home / "fixity-state.sqlite").exists() and (home / "fixity-state.sqlite.imported").exists()
        assert run_audit(svc, not_checked_since_days=30).aips == ()  # both checked now, in the catalog
    finally:
        svc.close()

