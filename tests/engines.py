"""The engines tests talk to: PostgreSQL, OpenSearch and Elasticsearch nodes, an S3 server, veraPDF,
commons-ip2 (the E-ARK reference implementation), Siegfried.

``scripts/setup`` installs and starts them on loopback and writes their addresses to
``.engines/env``; this module reads that file for any variable the environment does not
already set, so ``pytest`` run by hand finds the same engines as ``scripts/test``.

A test that needs an engine calls :func:`need` (or uses :func:`mark`): without the
engine it is skipped with the reason and the fix, except when ``LUUTRU_REQUIRE_ENGINES=1``
(CI): then a missing engine fails the test, so CI cannot go green on skips.

Loaded as a pytest plugin (``-p tests.engines``, see scripts/test) it also counts the
outcomes of the tests marked ``engine("name")`` and appends them, one JSON line per
run, to the file named by ``LUUTRU_ENGINE_REPORT``; scripts/test prints them per engine.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / ".engines" / "env"


@dataclass(frozen=True)
class Engine:
    """One engine: the variable that names it and what to do when it is missing."""

    name: str
    variable: str
    what: str


ENGINES: dict[str, Engine] = {e.name: e for e in (
    Engine("postgresql", "LUUTRU_TEST_PG_URL", "PostgreSQL (postgresql+psycopg://postgres@127.0.0.1:5432/test)"),
    Engine("opensearch", "LUUTRU_TEST_OPENSEARCH_URL", "an OpenSearch node (http://127.0.0.1:9200)"),
    Engine("elasticsearch", "LUUTRU_TEST_ELASTICSEARCH_URL", "an Elasticsearch 9 node (http://127.0.0.1:9201)"),
    Engine("s3", "LUUTRU_TEST_S3_ENDPOINT", "an S3 server with object lock (SeaweedFS, http://127.0.0.1:8333)"),
    Engine("verapdf", "LUUTRU_TEST_VERAPDF", "the veraPDF command line (scripts/setup writes .engines/bin/verapdf)"),
    Engine("commons-ip", "LUUTRU_TEST_COMMONS_IP",
           "the E-ARK reference implementation commons-ip2 (scripts/setup writes .engines/bin/commons-ip)"),
    Engine("siegfried", "LUUTRU_TEST_SIEGFRIED",
           "Siegfried's sf with its PRONOM signature file (scripts/setup writes .engines/bin/sf)"),
)}


def _load_env_file(path: Path = ENV_FILE) -> None:
    """Set the variables of ``.engines/env`` that the environment does not set already."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip())


_load_env_file()


def value(name: str) -> str | None:
    """The address (URL or path) of engine ``name``, or None when none is configured."""
    return os.environ.get(ENGINES[name].variable) or None


def required() -> bool:
    """True in CI: a missing engine is a failure, not a skip."""
    return os.environ.get("LUUTRU_REQUIRE_ENGINES") == "1"


def missing_reason(name: str) -> str:
    e = ENGINES[name]
    return (f"{e.what} not available: run scripts/setup (as root) to install and start it, "
            f"or set {e.variable}")


def need(name: str) -> str:
    """The engine's address; skips the calling test (fails it in CI) when it is missing."""
    v = value(name)
    if v:
        return v
    if required():
        pytest.fail(missing_reason(name) + " (LUUTRU_REQUIRE_ENGINES=1: engines are required here)")
    pytest.skip(missing_reason(name))


def mark(name: str) -> pytest.MarkDecorator:
    """Marks a test as one that runs against engine ``name`` (counted per engine)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}")
    return pytest.mark.engine(name)


# --- the S3 server ----------------------------------------------------------------------


def s3_keys() -> tuple[str, str]:
    """The test identity of the S3 server (scripts/engines/seaweedfs/s3.json)."""
    return (os.environ.get("LUUTRU_TEST_S3_ACCESS_KEY", "luutru-test"),
            os.environ.get("LUUTRU_TEST_S3_SECRET_KEY", "luutru-test-secret"))


def s3_endpoint(monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    """The S3 server's endpoint (skips/fails like :func:`need`); with ``monkeypatch`` the
    test's AWS_* credentials are set to the server's test identity, as an operator would."""
    endpoint = need("s3")
    if monkeypatch is not None:
        key, secret = s3_keys()
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    return endpoint


def s3_client(endpoint: str, key: str | None = None, secret: str | None = None) -> Any:
    """A boto3 client for the S3 server, with the test identity unless told otherwise."""
    k, s = s3_keys()
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key or k, aws_secret_access_key=secret or s,
                        config=Config(retries={"max_attempts": 2, "mode": "standard"}))


def s3_bucket(endpoint: str, *, object_lock: bool = True, versioning: bool | None = None) -> str:
    """A fresh bucket on the S3 server (object lock implies versioning); its name.

    Buckets holding objects under COMPLIANCE retention cannot be removed before their
    dates, so tests keep those dates a few days ahead at most.
    """
    name = f"luutru-t-{uuid.uuid4().hex[:12]}"
    c = s3_client(endpoint)
    if object_lock:
        c.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    else:
        c.create_bucket(Bucket=name)
        if versioning:
            c.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def s3_shared_bucket(endpoint: str) -> str:
    """The server's test bucket with object lock (LUUTRU_TEST_S3_BUCKET, made by
    scripts/setup), or a fresh one when none is named."""
    return os.environ.get("LUUTRU_TEST_S3_BUCKET") or s3_bucket(endpoint)


# --- pytest plugin: counts per engine ------------------------------------------------

_counts: Counter[tuple[str, str]] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engine(name): the test runs against that engine (tests/engines.py)")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not (report.when == "call" or (report.when == "setup" and report.outcome != "passed")):
        return
    outcome = "skipped" if report.skipped else report.outcome
    # "_all": every test of the run (in the PostgreSQL pass, each one uses that catalog).
    for e in ["_all", *getattr(report, "_luutru_engines", ())]:
        _counts[(e, outcome)] += 1


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    names = [m.args[0] for m in item.iter_markers("engine") if m.args]
    if names:
        outcome.get_result()._luutru_engines = names


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("LUUTRU_ENGINE_REPORT")
    if not path:
        return
    per: dict[str, dict[str, int]] = {}
    for (engine, outcome), n in _counts.items():
        per.setdefault(engine, {})[outcome] = n
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"pass": os.environ.get("LUUTRU_TEST_PASS", ""), "engines": per}) + "\n")
