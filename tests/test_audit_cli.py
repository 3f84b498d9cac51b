"""``luutru audit`` on an ingested archive with a replica: bit rot found, repaired, recorded."""

from __future__ import annotations

import os
import stat

from sqlalchemy import select

import luutru.catalog.models as m
from luutru.config import Settings
from luutru.ingest.pipeline import ingest
from luutru.preservation.fixity_run import run_audit
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
        victim = next((home / "storage" / "aips" / code / "data" / "objects").rglob("*.pdf"))
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
