"""The web UI in a real headless Chromium (Debian's ``chromium`` package, driven by Playwright).

The app runs under uvicorn in a thread on a free 127.0.0.1 port against a temporary
LUUTRU_HOME.  One test per user group's main path; screenshots go to
tests/_artifacts/screenshots/.  Skipped, saying why, when Chromium or Playwright is absent.
"""

from __future__ import annotations

import os
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
    pg.goto(f"{site.url}/tieu-huy?year=2016")
    pg.check(f'.due-pick[value="{code}"]')
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
    pg.goto(f"{site.url}/ho-so/{code}")
    assert pg.locator("h2").first.inner_text().startswith("404")
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
