"""Registration of a submission with the historical archive (Circular 06/2025 Art. 3), on a real catalog."""

from __future__ import annotations

import pytest

from luutru.audit.trail import list_events, verify_chain
from luutru.transfer_out.registration import covering, register, registrations, require_registration

AG = "000.00.31.H57"


def test_registration_is_stored_and_on_the_audit_trail(services):
    reg = register(services, agency=AG, archive_code="TTLT1", archive_name="Trung tâm Lưu trữ lịch sử tỉnh",
                   planned_year=2027, dossiers=[f"{AG}.2021.02", f"{AG}.2021.01"], actor="archivist",
                   reference="123/TTLT-NV")
    assert reg.dossier_codes == (f"{AG}.2021.01", f"{AG}.2021.02")
    assert [r.id for r in registrations(services, agency=AG)] == [reg.id]
    events = [e for e in list_events(services) if e["action"] == "transfer_out.register"]
    assert len(events) == 1 and events[0]["object"] == f"registration:{reg.id}"
    assert events[0]["detail"]["dossiers"] == list(reg.dossier_codes)
    assert verify_chain(services).ok


def test_package_needs_a_registration_for_every_dossier(services):
    register(services, agency=AG, archive_code="", archive_name="LTLS", planned_year=2027,
             dossiers=[f"{AG}.2021.01"], actor="archivist")
    assert set(covering(services, AG, [f"{AG}.2021.01", f"{AG}.2021.03"])) == {f"{AG}.2021.01"}
    assert require_registration(services, AG, [f"{AG}.2021.01"]) == []
    (f,) = require_registration(services, AG, [f"{AG}.2021.01", f"{AG}.2021.03"])
    assert f.code == "REGISTRATION_MISSING" and f.is_error and f.details["dossiers"] == [f"{AG}.2021.03"]
    assert require_registration(services, "000.00.99.Z01", [f"{AG}.2021.01"])[0].code == "REGISTRATION_MISSING"


def test_registration_needs_dossiers(services):
    with pytest.raises(ValueError):
        register(services, agency=AG, archive_code="", archive_name="LTLS", planned_year=2027, dossiers=[],
                 actor="archivist")
