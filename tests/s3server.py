"""A local S3 endpoint for tests: moto's server bound to 127.0.0.1 on a free port.

Pytest-free so that benchmarks, scripts and child processes can use it too.

- :func:`start_threaded` runs moto's ThreadedMotoServer inside this process (fast,
  shared state, stop it with :func:`stop`).
- :func:`moto_subprocess` runs ``python -m moto.server`` as a child process with extra
  environment (e.g. ``INITIAL_NO_AUTH_ACTION_COUNT=0`` to make moto check
  credentials); it is a context manager that always stops the child.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from typing import Iterator

import boto3
from botocore.config import Config

HOST = "127.0.0.1"
TEST_KEY_ID = "testing"
TEST_SECRET = "testing"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_listening(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"moto server did not start on {HOST}:{port}")


def start_threaded() -> tuple[object, str]:
    """Start moto in a thread of this process; returns ``(server, endpoint_url)``."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    _wait_listening(port)
    return server, f"http://{HOST}:{port}"


def stop(server: object) -> None:
    server.stop()  # type: ignore[attr-defined]


@contextlib.contextmanager
def moto_subprocess(env: dict[str, str] | None = None) -> Iterator[str]:
    """Run moto's server as a child process; yields its endpoint URL."""
    port = free_port()
    child_env = dict(os.environ, **(env or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)],
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port)
        yield f"http://{HOST}:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(endpoint_url: str, key_id: str = TEST_KEY_ID, secret: str = TEST_SECRET):
    """A boto3 S3 client for ``endpoint_url`` with explicit test credentials."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 2, "mode": "standard"}),
    )


def make_bucket(endpoint_url: str, *, object_lock: bool = True, versioning: bool | None = None) -> str:
    """Create a fresh bucket (object lock implies versioning); returns its name."""
    name = f"luutru-test-{uuid.uuid4().hex[:12]}"
    c = client(endpoint_url)
    if object_lock:
        c.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    else:
        c.create_bucket(Bucket=name)
        if versioning:
            c.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def rss_bytes() -> int:
    """Current resident set size of this process (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class RssSampler:
    """Peak RSS growth over a block, sampled every 20 ms in a thread.

    ``ru_maxrss`` only gives the peak since the process started (usually the import
    phase), so it cannot show that streaming stays flat; sampling the current RSS can.
    """

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.base = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(self.interval)

    def __enter__(self) -> "RssSampler":
        self.base = self.peak = rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.base) / 2**20
