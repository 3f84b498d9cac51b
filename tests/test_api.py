"""The JSON API with accounts: who sees what, uploads scoped to an agency, audited reads."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from luutru.api.app import create_app
from luutru.audit.trail import list_events
from luutru.config import AuthSettings
from luutru.jobs.queue import JobQueue
from luutru.records.status import JobStatus
from luutru.services import Services
from tests.api_helpers import (
    OTHER_AGENCY,
    _add_dossier,
    bearer,
    make_accounts,
    seed_records,
    upload_zip,
)
from tests.factory import AGENCY, TransferSpec, dossier_row


@pytest.fixture
def world(services, tmp_path):
    tokens = make_accounts(services)
    ids = seed_records(services, tmp_path)
    app = create_app(services=services, auth=AuthSettings(api_token="shared-legacy-token-123"))
    return TestClient(app), tokens, ids


def _wait(client: TestClient, tid: str, headers: dict[str, str]) -> dict:
    deadline = time.time() + 120
    while time.time() < deadline:
        r = client.get(f"/api/transfers/{tid}", headers=headers).json()
        if r["status"] in ("accepted", "rejected", "failed"):
            return r
        time.sleep(0.2)
    raise AssertionError("transfer did not finish")


def _dossier_codes(result: dict) -> set[str]:
    return {h["dossier_code"] for h in result["hits"]}


def test_anonymous_searches_public_records_only_and_cannot_read(world):
    client, _, ids = world
    r = client.get("/api/search", params={"q": "", "facets": "true"}).json()
    assert _dossier_codes(r) == {ids["public"], ids["other"], ids["expired"]}
    assert all(h["access"] == "cong_khai" for h in r["hits"])
    assert set(r["facets"]) >= {"agency", "year", "doc_type", "retention", "access"}
    assert client.get("/api/search", params={"q": ""}).json()["facets"] == {}  # only when asked
    assert client.get(f"/api/dossiers/{ids['public']}").status_code == 401
    assert client.get("/api/search", params={"q": "khieu nai dat dai"}).json()["total"] == 0


def test_researcher_sees_restricted_only_with_a_grant_and_the_view_is_audited(world, services):
    client, tokens, ids = world
    plain, granted = bearer(tokens["researcher"]), bearer(tokens["researcher_granted"])
    assert client.get(f"/api/dossiers/{ids['restricted']}", headers=plain).status_code == 404
    assert client.get(f"/api/documents/{ids['restricted_doc']}", headers=plain).status_code == 404
    view = client.get(f"/api/dossiers/{ids['public']}", headers=plain).json()
    assert [d["identifier"] for d in view["documents"]] == [ids["public_doc"]]  # restricted document hidden
    assert client.get("/api/search", params={"q": "khieu nai dat dai"}, headers=plain).json()["total"] == 0

    assert client.get(f"/api/dossiers/{ids['restricted']}", headers=granted).status_code == 200
    assert client.get("/api/search", params={"q": "khieu nai dat dai"}, headers=granted).json()["total"] >= 1
    ev = list_events(services, action="record.view_restricted")
    assert [(e["actor"], e["object"]) for e in ev] == [("researcher_granted", f"dossier:{ids['restricted']}")]


def test_submitter_sees_their_agency_and_what_an_anonymous_visitor_sees(world):
    client, tokens, ids = world
    mine, theirs = bearer(tokens["submitter"]), bearer(tokens["submitter2"])
    assert client.get(f"/api/dossiers/{ids['restricted']}", headers=mine).status_code == 200  # own restricted
    assert client.get(f"/api/dossiers/{ids['other']}", headers=mine).status_code == 200  # another's public one
    anonymous = _dossier_codes(client.get("/api/search").json())
    assert _dossier_codes(client.get("/api/search", headers=mine).json()) == anonymous | {ids["restricted"]}
    assert _dossier_codes(client.get("/api/search", headers=theirs).json()) == anonymous
    assert client.get(f"/api/dossiers/{ids['restricted']}", headers=theirs).status_code == 404
    # another agency's public dossier: its restricted document stays hidden
    docs = client.get(f"/api/dossiers/{ids['public']}", headers=theirs).json()["documents"]
    assert [d["identifier"] for d in docs] == [ids["public_doc"]]
    assert client.get(f"/api/documents/{ids['restricted_doc']}", headers=theirs).status_code == 404


def test_file_download_streams_the_pdf_and_is_audited(world, services):
    client, tokens, ids = world
    view = client.get(f"/api/dossiers/{ids['public']}", headers=bearer(tokens["researcher"])).json()
    f = next(x for x in view["documents"][0]["files"] if x["role"] == "original")
    r = client.get(f"/api/files/{f['id']}", headers=bearer(tokens["researcher"]))
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    assert r.headers["x-checksum-sha256"] == f["sha256"]
    ev = list_events(services, action="file.download")
    assert ev[0]["actor"] == "researcher" and ev[0]["object"] == f"file:{f['id']}"
    assert ev[0]["at"].endswith("+07:00")
    # a restricted document's file is not served without rights
    full = client.get(f"/api/dossiers/{ids['public']}", headers=bearer(tokens["archivist"])).json()
    restricted_file = next(x for d in full["documents"] if d["access"] == "han_che" for x in d["files"])
    assert client.get(f"/api/files/{restricted_file['id']}", headers=bearer(tokens["researcher"])).status_code == 404


def test_submitter_upload_of_another_agencys_dossier_is_rejected_and_transfers_are_private(world, services, tmp_path):
    client, tokens, _ = world
    spec = TransferSpec()
    _add_dossier(spec, dossier_row(7, 1))
    _add_dossier(spec, dossier_row(8, 1, agency=OTHER_AGENCY))
    z = upload_zip(tmp_path, spec, name="hai_co_quan.zip")
    h = bearer(tokens["submitter"])
    with open(z, "rb") as fh:
        r = client.post("/api/transfers", files={"file": ("hai_co_quan.zip", fh, "application/zip")}, headers=h)
    assert r.status_code == 202
    tid = r.json()["id"]
    done = _wait(client, tid, h)
    assert done["status"] == "rejected"
    refused = [f for f in done["report"]["findings"] if f["severity"] == "error"]
    assert [(f["code"], f["dossier"]) for f in refused] == [("AGENCY_NOT_PERMITTED", f"{OTHER_AGENCY}.2021.08")]
    outcomes = {d["code"]: d["status"] for d in done["report"]["dossiers"]}
    assert outcomes == {f"{AGENCY}.2021.07": "not_stored", f"{OTHER_AGENCY}.2021.08": "rejected"}
    assert not services.storage.has_aip(f"{AGENCY}.2021.07")  # nothing of the transfer was stored
    # the other submitter cannot see it; the archivist can; the submitter lists it
    assert client.get(f"/api/transfers/{tid}", headers=bearer(tokens["submitter2"])).status_code == 404
    assert client.get(f"/api/transfers/{tid}", headers=bearer(tokens["archivist"])).status_code == 200
    assert [t["id"] for t in client.get("/api/transfers", headers=h).json()] == [tid]
    assert client.get("/api/transfers", headers=bearer(tokens["submitter2"])).json() == []
    actions = [(e["action"], e["outcome"]) for e in list_events(services, obj=f"transfer:{tid}")]
    assert actions == [("transfer.ingest", "rejected"), ("transfer.upload", "success")]


def test_submitter_upload_shows_every_finding_and_a_malformed_agency_code_as_such(world, services, tmp_path):
    """The agency rule is one finding among the others: a foreign dossier, a wrong checksum and a
    badly formed agency code are all reported at once, the last as a format problem."""
    client, tokens, _ = world
    spec = TransferSpec()
    _add_dossier(spec, dossier_row(11, 1))
    _add_dossier(spec, dossier_row(12, 1, agency=OTHER_AGENCY))
    bad = dossier_row(13, 1)
    bad["ma_co_quan"] = "000.0.31.H57"  # a mistyped identifier
    _add_dossier(spec, bad)
    spec.documents[0]["sha256"] = "0" * 64
    z = upload_zip(tmp_path, spec, name="nhieu_loi.zip")
    h = bearer(tokens["submitter"])
    with open(z, "rb") as fh:
        tid = client.post("/api/transfers", files={"file": ("nhieu_loi.zip", fh, "application/zip")}, headers=h).json()["id"]
    done = _wait(client, tid, h)
    assert done["status"] == "rejected"
    errors = {(f["code"], f.get("dossier")) for f in done["report"]["findings"] if f["severity"] == "error"}
    codes = {c for c, _ in errors}
    assert {"AGENCY_NOT_PERMITTED", "CHECKSUM_MISMATCH", "AGENCY_CODE_INVALID"} <= codes, errors
    assert [d for c, d in errors if c == "AGENCY_NOT_PERMITTED"] == [f"{OTHER_AGENCY}.2021.12"]
    assert len(done["report"]["dossiers"]) == 3


def test_submitter_upload_of_own_agency_is_accepted(world, tmp_path):
    client, tokens, _ = world
    spec = TransferSpec()
    _add_dossier(spec, dossier_row(9, 2), 2)
    z = upload_zip(tmp_path, spec, name="own.zip")
    h = bearer(tokens["submitter"])
    with open(z, "rb") as fh:
        tid = client.post("/api/transfers", files={"file": ("own.zip", fh, "application/zip")}, headers=h).json()["id"]
    done = _wait(client, tid, h)
    assert done["status"] == "accepted", done["report"]["findings"]
    assert done["progress"]["percent"] == 100.0
    assert client.get(f"/api/dossiers/{AGENCY}.2021.09", headers=h).status_code == 200


def test_legacy_shared_token_reads_restricted_and_bad_tokens_are_refused(world):
    client, _, ids = world
    assert client.get(f"/api/dossiers/{ids['restricted']}", headers=bearer("shared-legacy-token-123")).status_code == 200
    assert client.post("/api/transfers", headers=bearer("shared-legacy-token-123")).status_code == 403
    r = client.get("/api/search", headers=bearer("lt_nope_nope"))
    assert r.status_code == 401 and r.json()["detail"]["message_en"].startswith("The token is invalid")
    assert client.get("/api/search", headers={"Authorization": "Basic abc"}).status_code == 401


def test_bad_search_parameters_get_a_bilingual_400(world):
    client, _, _ = world
    r = client.get("/api/search", params={"retention": "mãi mãi"})
    assert r.status_code == 400
    assert "retention" in r.json()["detail"]["message_en"] and r.json()["detail"]["field"] == "retention"


def test_openapi_docs_list_the_routes(world):
    client, _, _ = world
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/transfers", "/api/search", "/api/me", "/api/audit/verify", "/api/accounts"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_server_start_takes_up_queued_jobs(settings):
    """At start-up (the app's lifespan) the server runs what an earlier run left queued:
    a reindex job queued without a runner is done once the app has started.  The server
    runs jobs itself in the embedded mode; on PostgreSQL ``auto`` means workers take them,
    so the mode is set here as a single-server deployment sets it."""
    single = settings.model_copy(update={"jobs": settings.jobs.model_copy(update={"mode": "in_process"})})
    services = Services(single)
    job_id = JobQueue(services.catalog).enqueue("reindex", {"index": False})
    assert JobQueue(services.catalog).get(job_id).status == JobStatus.QUEUED
    with TestClient(create_app(services=services)) as client:
        assert client.get("/healthz").status_code == 200
        deadline = time.monotonic() + 120
        while not (view := JobQueue(services.catalog).get(job_id)).terminal and time.monotonic() < deadline:
            time.sleep(0.2)
    services.close()
    assert view.status == JobStatus.DONE, view
