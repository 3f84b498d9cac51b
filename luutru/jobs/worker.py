"""Worker: takes jobs from the queue and runs them, renewing the lease while it works.

``luutru worker run`` starts one in its own process (scale-out: as many as you like, on
any host that reaches the PostgreSQL catalog and the object store).  In the embedded
mode :func:`luutru.jobs.submit` runs the same loop in a thread of the calling process.

A running job's lease is renewed by a heartbeat thread every ``heartbeat_seconds``;
if the process dies (``kill -9``, power loss, OOM) the heartbeat stops, the lease
expires after ``lease_seconds`` and another worker takes the job again from the
start, which is safe because job functions are idempotent.

Progress (``ctx.progress``) is written to the job row when a stage starts or ends and
at most every ``progress_seconds`` in between, and the last progress is written in the
same transaction as the outcome: what a job function records before it returns (for
ingest, the transfer row saying "accepted") is never newer than the job's progress.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any, Iterable

from sqlalchemy.exc import OperationalError

from luutru.config import JobSettings
from luutru.jobs.clock import Clock
from luutru.jobs.queue import ClaimedJob, JobQueue, Progress, default_worker_name
from luutru.jobs.registry import JobFailed, UnknownKind, resolve
from luutru.services import Services

log = logging.getLogger(__name__)


class _Context:
    """What a job function sees of its job: id, attempt, progress, lease state."""

    def __init__(self, claim: ClaimedJob, queue: JobQueue, every: float):
        self.job_id = claim.id
        self.attempt = claim.attempt
        self.payload = claim.payload
        self._claim = claim
        self._queue = queue
        self._every = every
        self._progress: Progress | None = None
        self._written: Progress | None = None
        self._written_at = float("-inf")
        self._lost = threading.Event()

    def progress(self, stage: str, done: int, total: int) -> None:
        """Record progress; written now at a stage's start or end, else at most every
        ``progress_seconds`` (the heartbeat writes the rest)."""
        self._progress = (stage, done, total)
        edge = self._written is None or self._written[0] != stage or done >= total
        if edge or time.monotonic() - self._written_at >= self._every:
            self._write(self._progress)

    def _write(self, progress: Progress) -> None:
        try:
            if not self._queue.heartbeat(self._claim, progress=progress):
                self._lost.set()
                return
        except OperationalError as e:  # busy database: the next heartbeat carries it
            log.debug("job %s: progress not written now: %s", self.job_id, e)
            return
        self._written, self._written_at = progress, time.monotonic()

    @property
    def lease_lost(self) -> bool:
        return self._lost.is_set()


class Worker:
    def __init__(self, services: Services, *, name: str | None = None, kinds: Iterable[str] | None = None,
                 settings: JobSettings | None = None, clock: Clock | None = None):
        self.services = services
        self.settings = settings or services.settings.jobs
        self.name = name or default_worker_name()
        self.kinds = list(kinds) if kinds else None
        self.queue = JobQueue(services.catalog, self.settings, clock=clock)
        self.stop = threading.Event()
        self.processed = 0

    def run_one(self) -> bool:
        """Take and run one job; False when nothing is runnable."""
        claim = self.queue.claim(self.name, kinds=self.kinds, lease_seconds=self.settings.lease_seconds)
        if claim is None:
            return False
        self.execute(claim)
        self.processed += 1
        return True

    def run(self, *, until_empty: bool = False, max_jobs: int | None = None) -> int:
        """Loop until :attr:`stop` is set (or the queue is empty / ``max_jobs`` ran)."""
        log.info("worker %s started", self.name)
        start = self.processed
        while not self.stop.is_set():
            if max_jobs is not None and self.processed - start >= max_jobs:
                break
            if self.run_one():
                continue
            if until_empty:
                break
            self.stop.wait(self.settings.poll_seconds)
        log.info("worker %s stopped after %d job(s)", self.name, self.processed - start)
        return self.processed - start

    def execute(self, claim: ClaimedJob) -> None:
        ctx = _Context(claim, self.queue, self.settings.progress_seconds)
        beat_stop = threading.Event()

        def beat() -> None:
            while not beat_stop.wait(self.settings.heartbeat_seconds):
                try:
                    if not self.queue.heartbeat(claim, lease_seconds=self.settings.lease_seconds,
                                                progress=ctx._progress):
                        log.warning("job %s: lease lost (taken by another worker)", claim.id)
                        ctx._lost.set()
                        return
                except Exception as e:  # noqa: BLE001 - a missed beat is retried next period
                    log.warning("job %s: heartbeat failed: %s", claim.id, e)

        hb = threading.Thread(target=beat, daemon=True, name=f"heartbeat-{claim.id[:8]}")
        hb.start()
        try:
            func = resolve(claim.kind)
            result = func(self.services, claim.payload, ctx)
        except JobFailed as e:
            beat_stop.set()
            hb.join()
            self.queue.fail(claim, str(e), retry=False, result=e.result)
            return
        except UnknownKind as e:
            beat_stop.set()
            hb.join()
            self.queue.fail(claim, str(e), retry=False)
            return
        except Exception:  # noqa: BLE001 - recorded on the job and retried with back-off
            beat_stop.set()
            hb.join()
            tb = traceback.format_exc()
            log.error("job %s (%s) try %d failed:\n%s", claim.id, claim.kind, claim.attempt, tb)
            self.queue.fail(claim, tb, retry=True)
            return
        beat_stop.set()
        hb.join()
        self.queue.complete(claim, result if isinstance(result, dict) or result is None else {"value": result},
                            progress=ctx._progress)


def in_process(services: Services, settings: JobSettings | None = None) -> bool:
    """Whether jobs of this deployment run inside the submitting process."""
    st = settings or services.settings.jobs
    if st.mode == "in_process":
        return True
    if st.mode == "workers":
        return False
    return services.catalog.engine.dialect.name == "sqlite"


_runners: dict[int, tuple[threading.Thread, threading.Event]] = {}
_runners_lock = threading.Lock()


def _ensure_runner(services: Services, settings: JobSettings) -> None:
    """One background worker thread per Services, started on demand, ending when idle."""
    with _runners_lock:
        running = _runners.get(id(services))
        if running is not None and running[0].is_alive():
            running[1].set()  # look again before ending
            return
        again = threading.Event()

        def loop() -> None:
            w = Worker(services, settings=settings, name=default_worker_name() + ":embedded")
            while True:
                again.clear()
                w.run(until_empty=True)
                with _runners_lock:
                    if not again.is_set():
                        _runners.pop(id(services), None)
                        return

        t = threading.Thread(target=loop, daemon=True, name="luutru-jobs")
        _runners[id(services)] = (t, again)
        t.start()


def resume(services: Services, settings: JobSettings | None = None) -> list[str]:
    """At start-up: jobs left running by a process of this host that died (``kill -9`` of
    a single server during an upload) are taken again now, not when their lease ends,
    and in the embedded mode this process starts running what is queued.  Returns the
    ids of the recovered jobs."""
    st = settings or services.settings.jobs
    queue = JobQueue(services.catalog, st)
    recovered = queue.expire_dead_local_leases()
    if in_process(services, st) and queue.unfinished():
        _ensure_runner(services, st)
    return recovered


def submit(services: Services, kind: str, payload: dict[str, Any] | None = None, *, job_id: str | None = None,
           priority: int = 0, wait: bool = False, timeout: float | None = None,
           settings: JobSettings | None = None) -> str:
    """Queue a job; in the embedded mode start running it in this process.

    ``wait=True`` returns only when the job is done or failed (in the embedded mode it
    runs in the calling thread).
    """
    st = settings or services.settings.jobs
    q = JobQueue(services.catalog, st)
    job_id = q.enqueue(kind, payload, job_id=job_id, priority=priority)
    local = in_process(services, st)
    if wait:
        deadline = None if timeout is None else time.monotonic() + timeout
        w = Worker(services, settings=st, name=default_worker_name() + ":embedded") if local else None
        while True:
            v = q.get(job_id)
            if v is None or v.terminal:
                return job_id
            if w is not None and w.run_one():
                continue
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} not finished after {timeout}s")
            time.sleep(st.poll_seconds if not local else 0.05)
    if local:
        _ensure_runner(services, st)
    return job_id
