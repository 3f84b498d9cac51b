"""Login throttling: failures counted per account and per client address, and a bounded
number of password checks at once.

Why here and not in a proxy: the archive is often run as one process on a ministry's
intranet with no proxy in front; a password guesser must be slowed by the service
itself.  argon2id is costly by design (tens of milliseconds and 64 MiB per check), so
48 logins at once would take every worker thread and make search wait: checks run in a
small pool of their own (:attr:`LoginThrottle.limiter`), and logins beyond the waiting
room are answered 503 with ``Retry-After`` at once, without hashing anything.

The tables are in memory, one per process, bounded (oldest keys forgotten first), so a
flood of made-up names or addresses cannot grow them.  With several server processes
each counts on its own (the limits then multiply by the number of processes).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import anyio

from luutru.config import AuthSettings

#: Most accounts and addresses remembered at once (each entry is a few hundred bytes).
MAX_KEYS = 10_000


@dataclass
class _Entry:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class _Table:
    """Failures per key in a sliding window; a key with ``limit`` of them is locked."""

    def __init__(self, limit: int, window: float, lockout: float, max_keys: int = MAX_KEYS):
        self.limit, self.window, self.lockout, self.max_keys = limit, window, lockout, max_keys
        self._rows: OrderedDict[str, _Entry] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds before ``key`` may try again (0: now)."""
        e = self._rows.get(key)
        return max(0.0, e.locked_until - now) if e else 0.0

    def fail(self, key: str, now: float) -> bool:
        """Count a failure; True when it locks the key."""
        e = self._rows.pop(key, None) or _Entry()
        e.failures = [t for t in e.failures if now - t < self.window][-self.limit:] + [now]
        locked = len(e.failures) >= self.limit
        if locked:
            e.locked_until, e.failures = now + self.lockout, []
        self._rows[key] = e
        while len(self._rows) > self.max_keys:
            self._rows.popitem(last=False)
        return locked

    def clear(self, key: str) -> None:
        self._rows.pop(key, None)

    def __len__(self) -> int:
        return len(self._rows)


class TooManyAttempts(Exception):
    """A login refused before checking the password: 429 (locked) or 503 (busy), with a wait."""

    def __init__(self, status: int, retry_after: float, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.status, self.retry_after = status, max(1, math.ceil(retry_after))
        self.message_vi, self.message_en = message_vi, message_en


class LoginThrottle:
    """Per-account lockout, per-address hold-back, and the pool that checks passwords."""

    def __init__(self, auth: AuthSettings, max_keys: int = MAX_KEYS):
        self.accounts = _Table(auth.login_max_failures, auth.login_window_seconds, auth.login_lockout_seconds, max_keys)
        self.addresses = _Table(auth.login_address_max_failures, auth.login_window_seconds,
                                auth.login_lockout_seconds, max_keys)
        self.limiter = anyio.CapacityLimiter(auth.login_concurrency)
        self.queue = auth.login_queue
        self._lock = threading.Lock()

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when the account is locked, the address held back
        or too many logins already wait for a check."""
        now = time.monotonic()
        with self._lock:
            wait = max(self.accounts.wait(username, now), self.addresses.wait(address, now))
        if wait > 0:
            raise TooManyAttempts(429, wait, "Đăng nhập sai quá nhiều lần; hãy thử lại sau.",
                                  "Too many failed logins; try again later.")
        stats = self.limiter.statistics()
        if stats.borrowed_tokens >= stats.total_tokens and stats.tasks_waiting >= self.queue:
            raise TooManyAttempts(503, 1, "Máy chủ đang bận kiểm tra đăng nhập; hãy thử lại sau giây lát.",
                                  "The server is busy checking logins; try again in a moment.")

    def failed(self, username: str, address: str) -> bool:
        """Count a failed login; True when it locked the account or the address."""
        now = time.monotonic()
        with self._lock:
            return self.accounts.fail(username, now) | self.addresses.fail(address, now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self.accounts.clear(username)
