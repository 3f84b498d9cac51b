"""The web pages as HTML (TestClient, a real SQLite catalog and tantivy index): Vietnamese labels,
dd/mm/yyyy dates, people's and agencies' names, the disposal drafting table, the tombstone,
the accounts and password pages, the offline API docs and the quoting hint.

The same paths in a real browser are in tests/test_web_ui.py."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import luutru.api.accounts as accounts
from luutru.api.app import create_app
from luutru.records.labels import LABELS, label
from luutru.records.timeutil import display_date, display_time
from tests.api_helpers import PASSWORD, bearer, make_accounts, seed_records
from tests.factory import AGENCY, AGENCY_NAME

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DATE_CELL = re.compile(r">\s*\d{4}-\d{2}-\d{2}\s*<")
DDMMYYYY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


@pytest.fixture
def site(services, tmp_path):
    tokens = make_accounts(services)
    ids = seed_records(services, tmp_path)
    return TestClient(create_app(services=services)), tokens, ids, services


def _login(client: TestClient, username: str) -> None:
    r = client.post("/dang-nhap", data={"username": username, "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]


def _html(client: TestClient, url: str, status: int = 200) -> str:
    r = client.get(url, headers={"Accept": "text/html"})
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    return r.text


def test_display_dates_and_times() -> None:
    assert display_date("2021-03-05") == "05/03/2021"
    assert display_date("2021-03") == "03/2021" and display_date("2021") == "2021"
    assert display_time("2026-11-30T02:55:00+00:00") == "30/11/2026 09:55"  # shown in +07:00
    assert display_time("2026-11-30T09:55:01+07:00") == "30/11/2026 09:55"
    assert display_date("2026-11-30T20:00:00+00:00") == "01/12/2026"
    assert display_time(None) == "" and display_date("không rõ") == "không rõ"


def test_one_catalogue_labels_every_status_role_and_permission() -> None:
    from luutru.api.roles import Perm, Role
    from luutru.records.status import DisposalItemState, DisposalListStatus, DossierOutcome, TransferStatus

    for kind, enum in (("transfer_status", TransferStatus), ("dossier_outcome", DossierOutcome),
                       ("disposal_status", DisposalListStatus), ("disposal_item_state", DisposalItemState),
                       ("role", Role), ("permission", Perm)):
        missing = [v.value for v in enum if v.value not in LABELS[kind]]
        assert not missing, (kind, missing)
    assert label("permission", Perm.DISPOSAL_PROPOSE) == "lập danh mục tài liệu hết giá trị"
    assert label("role", "archivist", "en") == "Archivist" and label("transfer_status", "weird") == "weird"


def test_pages_show_vietnamese_labels_names_and_dd_mm_yyyy(site):
    client, _, ids, _ = site
    _login(client, "administrator")
    audit = _html(client, "/nhat-ky")
    assert "Đăng nhập" in audit and "Tạo tài khoản" in audit and "Thành công" in audit
    assert "Administrator" in audit  # the person's name, not only the username
    assert not ISO_TIME.search(audit.split("<table", 1)[1]) and DDMMYYYY.search(audit)
    assert "Quản trị hệ thống" in audit  # the role name in the header
    dossier = _html(client, f"/ho-so/{ids['public']}")
    assert "05/01/2021 – 28/12/2021" in dossier and not ISO_DATE_CELL.search(dossier)
    assert "Tiếp nhận" in dossier  # the PREMIS event type, in Vietnamese
    # the 403 page names the permission in words, not as a code
    _login(client, "researcher")
    denied = _html(client, "/nhat-ky", 403)
    assert "không có quyền xem nhật ký" in denied and "audit:read" not in denied


def test_search_filters_name_agencies_and_a_login_never_finds_less(site):
    client, _, ids, _ = site
    anonymous = _html(client, "/?q=ho+so")
    assert f'data-facet="fonds" data-value="{AGENCY}">{AGENCY_NAME}</a>' in anonymous
    n_anonymous = int(re.search(r'id="total">(\d+)', anonymous).group(1))
    _login(client, "submitter2")  # bound to another agency
    n_submitter = int(re.search(r'id="total">(\d+)', _html(client, "/?q=ho+so")).group(1))
    assert n_submitter >= n_anonymous > 0


def test_search_suggests_quoting_when_fewer_entries_hold_the_phrase(site):
    client, _, _, _ = site
    page = _html(client, "/?q=van+hoa+nong+thon")  # words of two dossiers, the phrase of none
    assert 'id="quote-hint"' in page and "ngoặc kép" in page
    assert '"van hoa nong thon"' in page.replace("&#34;", '"').replace("&quot;", '"')
    phrase = _html(client, "/?q=giao+thong+nong+thon")  # every hit holds the phrase
    assert 'id="quote-hint"' not in phrase


def test_disposal_page_offers_only_eligible_dossiers_without_a_reason_filled_in(site):
    client, tokens, ids, services = site
    _login(client, "archivist")
    page = _html(client, "/tieu-huy?year=2031")  # 2021 dossiers of 10 years end 31/12/2031: not yet
    offered = re.findall(r'class="due-pick" value="([^"]+)"', page)
    assert offered == [ids["expired"]]
    assert "Hết thời hạn bảo quản" not in page  # no reason typed for the archivist
    refused = dict(re.findall(r'class="not-eligible" data-code="([^"]+)">.*?data-finding="([A-Z_]+)"', page, re.S))
    assert refused.get(ids["public"]) == "DISPOSAL_NOT_EXPIRED" and "31/12/2031" in page


def test_destroyed_dossier_shows_its_tombstone(site):
    client, tokens, ids, _ = site
    code = ids["expired"]
    r = client.post("/api/disposal/lists", headers=bearer(tokens["archivist"]), json={
        "dossiers": {code: "Hết thời hạn bảo quản 5 năm, không còn giá trị"}, "explanatory_note": "Văn phòng phẩm."})
    assert r.status_code == 201, r.text
    lid = r.json()["id"]
    assert client.post(f"/api/disposal/lists/{lid}/opinions", headers=bearer(tokens["council"]),
                       json={"opinion": "agree"}).status_code == 200
    assert client.post(f"/api/disposal/lists/{lid}/approve", headers=bearer(tokens["approver"]),
                       json={"decision_ref": "15/QĐ-VP"}).status_code == 200
    assert client.post(f"/api/disposal/lists/{lid}/execute", headers=bearer(tokens["archivist"])).status_code == 200
    api = client.get(f"/api/dossiers/{code}", headers=bearer(tokens["researcher"]))
    assert api.status_code == 410 and api.json()["detail"]["tombstone"]["list_id"] == lid
    assert api.json()["detail"]["tombstone"]["decision"]["decision_ref"] == "15/QĐ-VP"
    _login(client, "archivist")
    page = _html(client, f"/ho-so/{code}", 410)
    assert "Hồ sơ đã bị tiêu hủy" in page and "15/QĐ-VP" in page and "Approver" in page and lid in page
    assert DDMMYYYY.search(page) and 'id="tombstone-minutes"' in page
    assert "mua sắm văn phòng phẩm" in page  # the archivist may read the title
    _login(client, "submitter2")  # another agency's submitter: the fact, not the title
    other = _html(client, f"/ho-so/{code}", 410)
    assert "15/QĐ-VP" in other and "mua sắm văn phòng phẩm" not in other


def test_administrator_creates_changes_and_disables_an_account(site):
    client, _, _, services = site
    _login(client, "administrator")
    page = _html(client, "/tai-khoan")
    assert "Quản lý tài khoản và vai trò" in page and "Lưu trữ viên" in page
    r = client.post("/tai-khoan", data={"username": "nguyen.lan", "display_name": "Nguyễn Thị Lan",
                                        "password": "mật-khẩu-lan-2026", "roles": ["researcher"]}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    assert "Nguyễn Thị Lan" in _html(client, "/tai-khoan")
    # a submitter needs a well-formed agency code: said in words, on the page
    bad = client.post("/tai-khoan", data={"username": "nop2", "display_name": "Nộp", "password": "mật-khẩu-nộp-2026",
                                          "roles": ["submitter"], "agency_code": "000.0.31.H57"})
    assert bad.status_code == 400 and "mã cơ quan hợp lệ" in bad.text
    # the restricted grant waits for a second administrator (the rule of the JSON API)
    r = client.post("/tai-khoan/sua/nguyen.lan", data={"roles": ["researcher"], "restricted_access": "true",
                                                       "active": "true"}, follow_redirects=False)
    assert r.status_code == 303 and "done=pending" in r.headers["location"]
    page = _html(client, "/tai-khoan")
    assert 'class="pending-change"' in page and "change-confirm" not in page  # not by its requester
    assert accounts.get_user(services, "nguyen.lan")["restricted_access"] is False
    accounts.create_user(services, "quantri2", roles=["administrator"], password=PASSWORD, display_name="Lê Văn Hai")
    _login(client, "quantri2")
    change_id = re.search(r'class="pending-change" data-id="([^"]+)"', _html(client, "/tai-khoan")).group(1)
    r = client.post(f"/tai-khoan/thay-doi/{change_id}", data={"decision": "confirm"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    assert accounts.get_user(services, "nguyen.lan")["restricted_access"] is True
    r = client.post("/tai-khoan/sua/nguyen.lan", data={"roles": ["researcher"], "restricted_access": "true"},
                    follow_redirects=False)  # "active" not ticked: disabled at once
    assert r.status_code == 303 and "done=applied" in r.headers["location"]
    assert accounts.get_user(services, "nguyen.lan")["active"] is False
    assert accounts.authenticate(services, "nguyen.lan", "mật-khẩu-lan-2026") is None
    # nobody changes their own roles
    own = client.post("/tai-khoan/sua/quantri2", data={"roles": ["researcher"], "active": "true"})
    assert own.status_code == 403 and "chính mình" in own.text


def test_everyone_changes_their_password(site):
    client, _, _, services = site
    _login(client, "researcher")
    assert "Đổi mật khẩu" in _html(client, "/tai-khoan/mat-khau")
    wrong = client.post("/tai-khoan/mat-khau", data={"current_password": "sai", "new_password": "mới-mới-mới-2026",
                                                     "confirm_password": "mới-mới-mới-2026"})
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng" in wrong.text
    r = client.post("/tai-khoan/mat-khau", data={"current_password": PASSWORD, "new_password": "mới-mới-mới-2026",
                                                 "confirm_password": "mới-mới-mới-2026"})
    assert r.status_code == 200 and "Đã đổi mật khẩu" in r.text  # still logged in, on a new session
    assert accounts.authenticate(services, "researcher", "mới-mới-mới-2026") is not None
    assert accounts.authenticate(services, "researcher", PASSWORD) is None


def test_api_docs_load_their_scripts_from_the_app_not_a_cdn(site):
    client, _, _, _ = site
    for url in ("/docs", "/redoc"):
        page = client.get(url)
        assert page.status_code == 200
        assert "cdn" not in page.text.lower() and "fonts.googleapis" not in page.text
        scripts = re.findall(r'src="([^"]+)"', page.text)
        assert scripts and all(s.startswith("/ui/vendor/") for s in scripts), scripts
        for s in scripts:
            asset = client.get(s)
            assert asset.status_code == 200 and len(asset.content) > 100_000, s
    assert client.get("/ui/vendor/swagger-ui.css").headers["content-type"].startswith("text/css")
    assert client.get("/ui/vendor/..%2Fpyproject.toml").status_code == 404
