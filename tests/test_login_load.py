"""48 anonymous logins at once against a real server (uvicorn on 127.0.0.1) must not make
search slow or end in 500 (issue 16): password checks run in the throttle's own small
pool, the surplus is answered 503/429 with Retry-After at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from luutru.api.app import create_app
from luutru.config import AuthSettings
from tests.api_helpers import make_accounts
from tests.s3server import free_port

LOGINS = 48


@pytest.fixture
def server(services):
    make_accounts(services)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(services=services, auth=AuthSettings()), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/api/search?q=x", timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    yield base
    srv.should_exit = True
    thread.join(10)


def test_a_login_flood_gets_no_500_and_search_stays_fast(server):
    def login(i: int) -> int:
        return httpx.post(server + "/api/auth/login", json={"username": f"khach{i % 7}", "password": f"doan-{i}"},
                          timeout=60).status_code

    def search() -> float:
        t0 = time.perf_counter()
        assert httpx.get(server + "/api/search?q=ho+so", timeout=60).status_code == 200
        return time.perf_counter() - t0

    with ThreadPoolExecutor(LOGINS + 4) as pool:
        logins = [pool.submit(login, i) for i in range(LOGINS)]
        time.sleep(0.05)
        searches = [pool.submit(search) for _ in range(4)]
        statuses = [f.result() for f in logins]
        slowest = max(f.result() for f in searches)
    assert set(statuses) <= {401, 429, 503}, statuses
    assert statuses.count(401) >= 2  # the first ones were checked
    assert statuses.count(429) + statuses.count(503) >= 10  # the surplus was turned away, not queued
    assert slowest < 3.0, f"search took {slowest:.1f} s during the login flood"
