"""Login throttling: failures counted per account and per client address, and a bounded
number of password checks at once.

Why here and not in a proxy: the archive is often run as one process on a ministry's
intranet with no proxy in front; a password guesser must be slowed by the service
itself.  argon2id is costly by design (tens of milliseconds and 64 MiB per check), so
48 logins at once would take every worker thread and make search wait: checks run in a
small pool of their own (:attr:`LoginThrottle.limiter`), and logins beyond the waiting
room are answered 503 with ``Retry-After`` at once, without hashing anything.

The counts are in the catalog (tables ``login_failures`` and ``login_locks``,
:mod:`luutru.catalog.throttle_models`), so every server process sharing the catalog
(uvicorn workers, API and workers on PostgreSQL) counts the same failures: a guesser gets
the configured number of attempts per deployment, not per process.  A check is one
primary-key read before any hashing; a failure one insert, one count and the pruning that
keeps the tables bounded (failures older than the window and expired locks dropped, then
the oldest beyond the bound), so a flood of made-up names or addresses cannot grow them.
Times are Unix seconds, the clock every process shares.
"""

from __future__ import annotations

import math
import time

import anyio
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luutru.catalog.db import Catalog
from luutru.catalog.throttle_models import LoginFailure, LoginLock
from luutru.config import AuthSettings

#: Most keys (accounts or addresses) locked at once per table; failures kept: that many
#: times the table's limit.  Each row is a few dozen bytes.
MAX_KEYS = 10_000


class _Table:
    """Failures per key (``<prefix><name>``) in a sliding window; ``limit`` of them lock the key."""

    def __init__(self, catalog: Catalog, prefix: str, limit: int, window: float, lockout: float,
                 max_keys: int = MAX_KEYS):
        self.catalog, self.prefix = catalog, prefix
        self.limit, self.window, self.lockout, self.max_keys = limit, window, lockout, max_keys

    def _key(self, key: str) -> str:
        return self.prefix + key[:100]

    def wait(self, key: str, now: float) -> float:
        """Seconds before ``key`` may try again (0: now)."""
        with self.catalog.session() as s:
            lock = s.get(LoginLock, self._key(key))
            return max(0.0, lock.until - now) if lock else 0.0

    def fail(self, key: str, now: float) -> bool:
        """Count a failure; True when it locks the key."""
        k = self._key(key)
        try:
            with self.catalog.session() as s:
                s.add(LoginFailure(key=k, at=now))
                s.flush()
                recent = s.scalar(select(func.count()).select_from(LoginFailure)
                                  .where(LoginFailure.key == k, LoginFailure.at > now - self.window)) or 0
                locked = recent >= self.limit
                if locked:
                    s.execute(delete(LoginFailure).where(LoginFailure.key == k))
                    lock = s.get(LoginLock, k)
                    if lock is None:
                        s.add(LoginLock(key=k, until=now + self.lockout))
                    else:
                        lock.until = max(lock.until, now + self.lockout)
                    s.flush()
                self._prune(s, now)
        except IntegrityError:  # another process locked the key at the same moment
            return True
        return locked

    def _prune(self, s: Session, now: float) -> None:
        """Drop what no longer counts, then the oldest rows beyond the bound."""
        s.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
        s.execute(delete(LoginLock).where(LoginLock.until <= now))
        mine_f = LoginFailure.key.startswith(self.prefix, autoescape=True)
        cut = s.scalar(select(LoginFailure.id).where(mine_f).order_by(LoginFailure.id.desc())
                       .offset(self.max_keys * self.limit).limit(1))
        if cut is not None:
            s.execute(delete(LoginFailure).where(mine_f, LoginFailure.id <= cut))
        mine_l = LoginLock.key.startswith(self.prefix, autoescape=True)
        keep = select(LoginLock.key).where(mine_l).order_by(LoginLock.until.desc()).limit(self.max_keys)
        if (s.scalar(select(func.count()).select_from(LoginLock).where(mine_l)) or 0) > self.max_keys:
            s.execute(delete(LoginLock).where(mine_l, LoginLock.key.not_in(keep.scalar_subquery())))

    def clear(self, key: str) -> None:
        with self.catalog.session() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.key == self._key(key)))

    def rows(self) -> tuple[int, int]:
        """(failures, locks) held for this table: what the bound applies to."""
        with self.catalog.session() as s:
            f = s.scalar(select(func.count()).select_from(LoginFailure)
                         .where(LoginFailure.key.startswith(self.prefix, autoescape=True))) or 0
            n = s.scalar(select(func.count()).select_from(LoginLock)
                         .where(LoginLock.key.startswith(self.prefix, autoescape=True))) or 0
            return f, n


class TooManyAttempts(Exception):
    """A login refused before checking the password: 429 (locked) or 503 (busy), with a wait."""

    def __init__(self, status: int, retry_after: float, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.status, self.retry_after = status, max(1, math.ceil(retry_after))
        self.message_vi, self.message_en = message_vi, message_en


class LoginThrottle:
    """Per-account lockout, per-address hold-back, and the pool that checks passwords."""

    def __init__(self, auth: AuthSettings, catalog: Catalog, max_keys: int = MAX_KEYS):
        self.accounts = _Table(catalog, "user:", auth.login_max_failures, auth.login_window_seconds,
                               auth.login_lockout_seconds, max_keys)
        self.addresses = _Table(catalog, "addr:", auth.login_address_max_failures, auth.login_window_seconds,
                                auth.login_lockout_seconds, max_keys)
        self.limiter = anyio.CapacityLimiter(auth.login_concurrency)
        self.queue = auth.login_queue

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when the account is locked, the address held back
        or too many logins already wait for a check."""
        now = time.time()
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
        now = time.time()
        return self.accounts.fail(username, now) | self.addresses.fail(address, now)

    def succeeded(self, username: str) -> None:
        self.accounts.clear(username)
