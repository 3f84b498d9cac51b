"""The demo as a newcomer sees it: the clean transfer is accepted without a single warning,
the transfer with errors is rejected with each deliberate error named."""

from __future__ import annotations

from luutru.cli.demo import DEMO_ACCOUNTS
from luutru.config import Settings
from luutru.demo.generate import generate_demo
from luutru.ingest.pipeline import ingest
from luutru.records.findings import Severity
from luutru.services import Services

# demo defect code → the finding a user should see
EXPECTED = {
    "file_missing": "FILE_MISSING", "file_unlisted": "FILE_UNLISTED", "checksum_mismatch": "CHECKSUM_MISMATCH",
    "agency_code_invalid": "AGENCY_CODE_INVALID", "date_invalid": "FIELD_BAD_DATE",
    "end_before_start": "DATE_RANGE_INVERTED", "retention_invalid": "FIELD_BAD_VALUE",
    "required_missing": "FIELD_REQUIRED", "document_duplicate": "DOCUMENT_ID_DUPLICATE",
    "state_secret": "STATE_SECRET", "file_name_nfd": "FILE_NAME_NFD",
    "document_count_mismatch": "DOCUMENT_COUNT_MISMATCH",
}


def test_demo_transfers_ingest_as_described(tmp_path, database_url):
    demo = generate_demo(tmp_path / "demo", dossiers=4, sign=True)
    svc = Services(Settings(home=tmp_path / "home", database_url=database_url, trust_roots=demo.trust_roots))
    try:
        good = ingest(demo.good, svc)
        assert good.status == "accepted"
        # the demo's dossiers closed in 2015-2024 and reach the archive now: late deposit (Law 2024
        # Art. 17) is said for each; this test instance keeps one copy (Circular 05/2025 Art. 27)
        # and has no time-stamping authority, so no long-term evidence of the valid signatures
        expected = {"DEPOSIT_LATE", "BACKUP_SINGLE_COPY", "SIGNATURE_EVIDENCE_NOT_CONFIGURED"}
        noisy = [(f.code, f.message_en) for f in good.findings
                 if f.severity is not Severity.INFO and f.code not in expected]
        assert noisy == []
        assert {f.dossier for f in good.findings if f.code == "DEPOSIT_LATE"} <= {d.code for d in good.dossiers}
        signed = [f for f in good.findings if f.code.startswith("SIGNATURE") and f.code not in expected]
        assert signed == []  # every PDF signed and trusted
        bad = ingest(demo.bad, svc)
        assert bad.status == "rejected"
        codes = {f.code for f in bad.findings}
        for d in demo.defects:
            assert EXPECTED[d.code] in codes, d
        assert not any(d.status == "stored" for d in bad.dossiers)
        # the demo submitter's own transfer, as their upload runs it (bound to their agency): accepted
        assert DEMO_ACCOUNTS[-1][2]["agency_code"] == demo.submitter_agency
        mine = ingest(demo.submitter_zip, svc, agency=demo.submitter_agency)
        assert mine.status == "accepted", [(f.code, f.message_en) for f in mine.findings if f.is_error]
        assert len(mine.dossiers) == 2 and {d.status for d in mine.dossiers} == {"stored"}
        assert all(d.code.startswith(demo.submitter_agency + ".") for d in mine.dossiers)
    finally:
        svc.close()
