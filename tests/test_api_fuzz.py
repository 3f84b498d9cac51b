"""Property-based probe of the whole JSON API (issue 16): schemathesis generates requests
from the OpenAPI document (valid and invalid: huge integers, odd strings, missing
fields) and sends them to the app over ASGI, as an administrator and as an archivist
(together they hold every permission but the council's and the approver's, which
the disposal tests cover).  No request may end in a server error (5xx other than a
503 with Retry-After) or a traceback, and every status answered is documented in the
OpenAPI document (``luutru.api.errors.COMMON_RESPONSES`` on every route, plus each
route's own).

Both of schemathesis' generation modes: requests valid by the schema and requests that
break it (wrong types, missing fields).  Bounded so it runs in a minute or two: a few
examples per operation, no deadline.  Ids past 64 bits have an explicit test
(tests/test_security_api.py): a generator rarely draws them.  ``POST /api/transfers`` is left out (each example would start an ingest job;
hostile uploads have their own tests in tests/test_hostile_input.py and
tests/test_security_api.py).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luutru.api.app import create_app
from luutru.config import AuthSettings
from tests.api_helpers import bearer, make_accounts

EXAMPLES = 8
SKIP = {("POST", "/api/transfers")}


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory):
    from luutru.config import Settings
    from luutru.services import Services

    home = tmp_path_factory.mktemp("fuzz") / "home"
    svc = Services(Settings(home=home))
    tokens = make_accounts(svc)
    app = create_app(services=svc, auth=AuthSettings(login_max_failures=10_000, login_address_max_failures=10_000))
    yield app, tokens
    svc.close()


def test_no_request_ends_in_a_server_error(fuzz_env):
    app, tokens = fuzz_env
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    problems: list[str] = []
    undocumented: set[str] = set()
    operations = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if (op.method.upper(), op.path) in SKIP:
            continue
        operations += 1
        documented = {str(k) for k in op.definition.raw.get("responses", {})}

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(*(op.as_strategy(mode) for mode in schemathesis.GenerationMode)))
        def probe(case) -> None:  # type: ignore[no-untyped-def]
            for role in ("administrator", "archivist"):
                response = case.call(headers={**(case.headers or {}), **bearer(tokens[role])})
                server_error = response.status_code >= 500 and not (response.status_code == 503
                                                                    and "retry-after" in response.headers)
                if server_error or "Traceback" in response.text:
                    problems.append(f"{case.method} {case.formatted_path} as {role}: {response.status_code} "
                                    f"{response.text[:300]}")
                elif str(response.status_code) not in documented and "default" not in documented:
                    undocumented.add(f"{case.method} {op.path}: {response.status_code}")

        probe()
    assert operations >= 30
    assert not problems, "\n".join(sorted(set(problems))[:30])
    assert not undocumented, "statuses missing from the OpenAPI document:\n" + "\n".join(sorted(undocumented))
