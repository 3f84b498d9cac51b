"""The web UI in a real headless Chromium (Debian's ``chromium`` package, driven by Playwright).

The app runs under uvicorn in a thread on a free 127.0.0.1 port against a temporary
LUUTRU_HOME.  One test per user group's main path; screenshots go to
tests/_artifacts/screenshots/.  Skipped, saying why, when Chromium or Playwright is absent.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from luutru.config import Settings
from luutru.services import Services
from tests.api_helpers import PASSWORD, make_accounts, seed_records, upload_zip
from tests.factory import AGENCY, TransferSpec, base_spec, dossier_row

CHROMIUM = os.environ.get("LUUTRU_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).parent / "_artifacts" / "screenshots"
DD_MM_YYYY_HH_MM = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, url: str, services: Services, ids: dict[str, str], tokens: dict[str, str], home: Path):
        self.url, self.services, self.ids, self.tokens, self.home = url, services, ids, tokens, home


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    import uvicorn

    from luutru.api.app import create_app

    tmp = tmp_path_factory.mktemp("webui")
    home = tmp / "home"
    home.mkdir()
    svc = Services(Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}"))
    tokens = make_accounts(svc)
    ids = seed_records(svc, tmp)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(services=svc), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    th = threading.Thread(target=server.run, daemon=True, name="uvicorn-webui")
    th.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Site(f"http://127.0.0.1:{port}", svc, ids, tokens, tmp)
    server.should_exit = True
    th.join(10)
    svc.close()


@pytest.fixture(scope="module")
def browser(site) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request) -> Iterator[Any]:
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Any, site: Site, username: str, then: str = "/") -> None:
    page.goto(f"{site.url}/dang-nhap?next={then}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    assert page.locator("#who").inner_text().startswith(username.title()), page.content()[:500]


def test_submitter_uploads_a_transfer_and_follows_it_to_the_report(site, page, tmp_path):
    good = upload_zip(tmp_path, base_spec(2, 2), name="nop_luu_2021.zip")
    bad_spec = TransferSpec()
    d = dossier_row(5, 1)
    bad_spec.dossiers.append(d)
    from tests.api_helpers import _add_dossier

    bad_spec = TransferSpec()
    _add_dossier(bad_spec, d)
    bad_spec.documents[0]["sha256"] = "0" * 64  # the catalogue names the wrong checksum
    bad = upload_zip(tmp_path, bad_spec, name="nop_luu_sai.zip")

    login(page, site, "submitter", "/nop-luu")
    assert page.url.endswith("/nop-luu")
    page.set_input_files("#file", str(good))
    page.click("#upload-btn")
    page.wait_for_url("**/nop-luu/*")
    page.wait_for_selector("#progress")
    page.wait_for_selector("#report:not([hidden])", timeout=150_000)
    assert page.locator("#status").inner_text() == "Chấp nhận"
    assert page.locator("#progress").evaluate("e => e.value") == 100
    outcomes = page.locator("#dossier-outcomes tbody tr")
    assert outcomes.count() == 2
    assert {outcomes.nth(i).locator("td").first.inner_text() for i in range(2)} == {f"{AGENCY}.2021.01", f"{AGENCY}.2021.02"}
    shot(page, "submitter_report_accepted")

    page.goto(f"{site.url}/nop-luu")
    page.set_input_files("#file", str(bad))
    page.click("#upload-btn")
    page.wait_for_url("**/nop-luu/*")
    page.wait_for_selector("#report:not([hidden])", timeout=150_000)
    assert page.locator("#status").inner_text() == "Từ chối"
    row = page.locator("#findings tr.finding", has_text="CHECKSUM_MISMATCH")
    assert row.count() == 1
    assert "mã băm SHA-256" in row.inner_text() and "0001.pdf" in row.inner_text()
    shot(page, "submitter_report_rejected_vi")
    page.click("#lang-switch")  # English
    page.wait_for_selector("#report:not([hidden])")
    assert page.locator("#status").inner_text() == "Rejected"
    assert "SHA-256 of" in page.locator("#findings tr.finding", has_text="CHECKSUM_MISMATCH").inner_text()
    shot(page, "submitter_report_rejected_en")
    page.goto(f"{site.url}/nop-luu?lang=vi")
    assert page.locator("#transfers tr").count() == 3  # header + the two transfers this submitter made
    when = page.locator("#transfers tr").nth(1).locator("td").first.inner_text()
    assert DD_MM_YYYY_HH_MM.fullmatch(when), when
    assert page.locator("#transfers .badge", has_text="Từ chối").count() == 1
    shot(page, "submitter_transfers")


def test_submitter_sees_every_finding_of_an_upload_at_once(site, page, tmp_path):
    """A dossier of another agency is one finding among the others, not a stop before them."""
    from tests.api_helpers import OTHER_AGENCY, _add_dossier

    spec = TransferSpec()
    _add_dossier(spec, dossier_row(21, 1))
    _add_dossier(spec, dossier_row(22, 1, agency=OTHER_AGENCY))
    spec.documents[0]["sha256"] = "0" * 64
    z = upload_zip(tmp_path, spec, name="hai_loi.zip")
    login(page, site, "submitter", "/nop-luu")
    page.set_input_files("#file", str(z))
    page.click("#upload-btn")
    page.wait_for_url("**/nop-luu/*")
    page.wait_for_selector("#report:not([hidden])", timeout=150_000)
    assert page.locator("#status").inner_text() == "Từ chối"
    for code in ("AGENCY_NOT_PERMITTED", "CHECKSUM_MISMATCH"):
        assert page.locator("#findings tr.finding", has_text=code).count() == 1, code
    statuses = page.locator("#dossier-outcomes tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(statuses) == ["Bị từ chối", "Bị từ chối"], statuses
    shot(page, "submitter_every_finding")


def test_researcher_searches_without_diacritics_opens_a_dossier_and_its_pdf(site, page):
    login(page, site, "researcher")
    page.fill("#q", "duong giao thong nong thon")
    page.click("#search-btn")
    page.wait_for_selector("#results")
    hits = page.locator(".hit-link")
    assert hits.count() >= 1
    assert "đường giao thông nông thôn" in hits.first.inner_text()
    assert page.locator("#facets h4", has_text="Năm").count() == 1
    assert page.locator('#facets a[data-facet="year"][data-value="2021"]').count() == 1
    shot(page, "researcher_search")
    page.goto(f"{site.url}/?q=van+hoa+nong+thon")
    assert "ngoặc kép" in page.locator("#quote-hint").inner_text()
    page.click("#quote-hint-link")
    page.wait_for_selector("#total")
    assert page.locator("#q").input_value() == '"van hoa nong thon"'
    page.goto(f"{site.url}/?q=van+ban&kind=document")
    dates = [d for d in page.locator(".hit small").all_inner_texts()]
    assert dates and all(re.search(r"\b\d{2}/\d{2}/\d{4}\b", d) for d in dates), dates
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates
    shot(page, "researcher_search_dates")
    # restricted records stay hidden from a researcher without a grant
    page.goto(f"{site.url}/?q=khieu+nai+dat+dai")
    assert page.locator("#total").inner_text().startswith("0 ")

    page.goto(f"{site.url}/?q=duong+giao+thong+nong+thon&kind=dossier")
    page.locator(".hit-link").first.click()
    page.wait_for_selector("#dossier-title")
    assert page.locator("#dossier-code").inner_text() == site.ids["public"]
    docs = page.locator("#documents .doc-link")
    assert docs.count() == 1  # the restricted second document is not listed
    shot(page, "researcher_dossier")
    docs.first.click()
    page.wait_for_selector("#pdf-viewer")
    assert page.locator(".badge.sig").first.get_attribute("data-status") == "unsigned"
    src = page.locator("#pdf-viewer").get_attribute("src")
    assert src.startswith("/api/files/")
    pdf = page.request.get(site.url + src)  # same cookies as the page
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
    shot(page, "researcher_document_pdf")


def test_archivist_council_and_approver_walk_the_disposal_path(site, browser):
    code = site.ids["expired"]

    def as_user(name: str) -> Any:
        ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        login(pg, site, name)
        return ctx, pg

    ctx, pg = as_user("archivist")
    pg.goto(f"{site.url}/tieu-huy?year=2031")
    assert pg.locator(".due-pick").evaluate_all("cs => cs.map(c => c.value)") == [code]  # only what may go now
    assert pg.locator(f'#not-eligible tr.not-eligible[data-code="{site.ids["public"]}"]').inner_text().count("31/12/2031")
    assert pg.locator(".due-reason").first.input_value() == ""  # no reason typed for the archivist
    pg.check(f'.due-pick[value="{code}"]')
    pg.fill("#draft-note", "Hồ sơ văn phòng phẩm năm 2010 đã hết thời hạn bảo quản 5 năm, không còn giá trị.")
    pg.click("#draft-btn")
    assert "lý do" in pg.locator("#draft-error").inner_text().lower()
    pg.fill(f'.due-reason[data-code="{code}"]', "Hết thời hạn bảo quản 5 năm, không còn giá trị thực tiễn")
    shot(pg, "archivist_disposal_page")
    pg.fill("#draft-note", "Hồ sơ văn phòng phẩm năm 2010 đã hết thời hạn bảo quản 5 năm, không còn giá trị.")
    pg.click("#draft-btn")
    pg.wait_for_selector("#list-title")
    list_url = pg.url
    assert pg.locator("#list-status").get_attribute("data-status") == "draft"
    assert pg.locator("#opinion-form").count() == 0 and pg.locator("#approve-form").count() == 0
    shot(pg, "archivist_draft_list")
    ctx.close()

    ctx, pg = as_user("council")
    pg.goto(list_url)
    pg.fill("#opinion-comment", "Đồng ý hủy.")
    pg.click("#opinion-btn")
    pg.wait_for_selector("#opinions tr.opinion")
    assert "Đồng ý" in pg.locator("#opinions tr.opinion").first.inner_text()
    shot(pg, "council_opinion")
    ctx.close()

    ctx, pg = as_user("approver")
    pg.goto(list_url)
    pg.fill("#decision-ref", "15/QĐ-VP")
    pg.click("#approve-btn")
    pg.wait_for_selector('#list-status[data-status="approved"]')
    shot(pg, "approver_approved")
    ctx.close()

    ctx, pg = as_user("archivist")
    pg.goto(list_url)
    pg.on("dialog", lambda d: d.accept())
    pg.click("#execute-btn")
    pg.wait_for_selector('#list-status[data-status="executed"]', timeout=180_000)
    assert pg.locator("#minutes-link").count() == 1
    shot(pg, "archivist_executed_minutes")
    pg.goto(f"{site.url}/tieu-huy")
    listed = pg.locator("#disposal-lists tr").nth(1)
    assert DD_MM_YYYY_HH_MM.fullmatch(listed.locator("td").nth(5).inner_text())
    assert listed.locator("td").nth(4).inner_text() == "Archivist"  # the person's name
    assert listed.locator("td").nth(2).inner_text() == "Đã hủy"
    pg.goto(f"{site.url}/ho-so/{code}")
    assert pg.locator("#tombstone-title").inner_text() == "Hồ sơ đã bị tiêu hủy"
    decision = pg.locator("#tombstone-decision").inner_text()
    assert "15/QĐ-VP" in decision and "Approver" in decision
    assert DD_MM_YYYY_HH_MM.fullmatch(pg.locator("#tombstone-when").inner_text())
    assert pg.locator("#tombstone-minutes").count() == 1
    shot(pg, "archivist_tombstone")
    ctx.close()


def test_administrator_checks_the_audit_trail_and_sees_tampering(site, page):
    login(page, site, "administrator", "/nhat-ky")
    assert page.locator("#chain-status").get_attribute("data-ok") == "1"
    actions = set(page.locator("#audit-events tr.audit-event").evaluate_all("rs => rs.map(r => r.dataset.action)"))
    assert {"auth.login", "account.create"} <= actions
    shot(page, "administrator_audit_ok")

    db = site.home / "home" / "catalog.sqlite"
    con = sqlite3.connect(db)
    try:
        seq, actor = con.execute("SELECT seq, actor FROM audit_events WHERE action='account.create' ORDER BY seq LIMIT 1").fetchone()
        con.execute("UPDATE audit_events SET actor='someone-else' WHERE seq=?", (seq,))
        con.commit()
        page.reload()
        assert page.locator("#chain-status").get_attribute("data-ok") == "0"
        assert f"mục {seq}" in page.locator("#chain-status").inner_text()
        shot(page, "administrator_audit_tampered")
    finally:
        con.execute("UPDATE audit_events SET actor=? WHERE seq=?", (actor, seq))
        con.commit()
        con.close()
    page.reload()
    assert page.locator("#chain-status").get_attribute("data-ok") == "1"


def test_anonymous_visitor_searches_public_records_and_is_sent_to_login(site, page):
    page.goto(f"{site.url}/?q=le+hoi+van+hoa")
    assert page.locator(".hit-link").count() >= 1
    page.locator(".hit-link").first.click()
    page.wait_for_selector("#login-submit")
    assert "/dang-nhap?next=" in page.url
    shot(page, "anonymous_login_redirect")


def test_administrator_manages_an_account_and_everyone_changes_their_password(site, browser):
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, site, "administrator", "/tai-khoan")
    assert page.locator("h2").first.inner_text() == "Quản lý tài khoản và vai trò"
    assert "Lưu trữ viên" in page.locator('#accounts tr.account[data-username="archivist"] .account-roles').inner_text()
    page.fill("#new-username", "tran.binh")
    page.fill("#new-name", "Trần Văn Bình")
    page.fill("#new-password", "mật-khẩu-bình-2026")
    page.check('.new-role[value="researcher"]')
    page.click("#new-account-btn")
    page.wait_for_selector("#accounts-done")
    row = page.locator('#accounts tr.account[data-username="tran.binh"]')
    assert row.locator(".account-name").inner_text() == "Trần Văn Bình"
    assert row.locator(".account-roles").inner_text() == "Người khai thác"
    assert re.search(r"\d{2}/\d{2}/\d{4}", row.inner_text())
    shot(page, "administrator_accounts")
    row.locator("summary").click()
    row.locator('input[name="active"]').uncheck()
    row.locator(".account-save").click()
    page.wait_for_selector("#accounts-done")
    row = page.locator('#accounts tr.account[data-username="tran.binh"]')
    assert row.get_attribute("data-active") == "0" and row.locator(".account-state").inner_text() == "Đã khóa"
    ctx.close()

    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, site, "council")
    page.click("#password-link")
    page.fill("#current-password", PASSWORD)
    page.fill("#new-password", "mật-khẩu-hội-đồng-2026")
    page.fill("#confirm-password", "mật-khẩu-hội-đồng-2026")
    page.click("#password-btn")
    page.wait_for_selector("#password-done")
    assert page.locator("#who").count() == 1  # still logged in
    shot(page, "council_password_changed")
    from luutru.api.accounts import set_password

    set_password(site.services, "council", PASSWORD)  # as before, for the other tests
    ctx.close()


def test_api_docs_work_without_internet(site, page):
    """Every request that leaves the server is refused: /docs still renders the API."""
    outside: list[tuple[str, str]] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            outside.append((route.request.resource_type, route.request.url))
            route.abort()

    page.route("**/*", guard)
    page.goto(f"{site.url}/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Lưu trữ API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 20  # every route listed: the OpenAPI 3.1 document was read
    shot(page, "api_docs_offline")
    page.goto(f"{site.url}/redoc")
    page.wait_for_selector(".api-info h1")
    assert "Lưu trữ API" in page.locator(".api-info h1").inner_text()
    shot(page, "api_redoc_offline")
    # nothing the pages need leaves the server; ReDoc's sidebar still asks for its maker's logo (an
    # image, refused here without harm)
    assert [u for kind, u in outside if kind != "image"] == [], outside
