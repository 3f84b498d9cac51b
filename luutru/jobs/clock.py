"""The clock of job scheduling and leases, injected so tests never sleep on real time.

Leases, back-off and ``run_after`` are epoch seconds (comparable across hosts, stored
in the catalog).  Production uses :class:`SystemClock`; a test hands a
:class:`ManualClock` to :class:`~luutru.jobs.queue.JobQueue` and moves it forward to
expire a lease at once, so the outcome does not depend on how loaded the machine is.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""


class SystemClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to (thread-safe)."""

    def __init__(self, start: float | None = None):
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._now += seconds
            return self._now


SYSTEM_CLOCK = SystemClock()
