"""A long-lived worker process that runs one function call at a time under a time limit.

Why: a hostile PDF can make a parser spin or recurse for ever, and a crash in native
code (qpdf) must not take the ingest down.  Starting a process per file is too slow, so
one worker serves the whole batch; when a call overruns its limit the worker is killed
and a fresh one is started for the next call.

The time limit counts the call only.  Starting a worker (a new interpreter importing
the PDF and signature libraries) can take seconds on a loaded machine; the worker says
when it is ready and the limit starts after that, so a slow start never makes a
harmless file time out (it did: the file after a killed one shared its limit with the
restart).  The start itself has its own, generous limit (``start_timeout``).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import multiprocessing.forkserver as forkserver
import os
import queue
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Callable

from luutru.logs import configure_logging_to, inherited_logging

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOutcome:
    ok: bool
    value: Any = None
    timed_out: bool = False
    crashed: bool = False
    error: str | None = None


_READY = "ready"
#: forkserver where the platform has it (Linux, macOS), else spawn.
DEFAULT_START = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"


def _serve(conn: Any, fn: Callable[..., Any], memory_limit: int | None, logs: Any = None) -> None:
    if logs is not None:  # the parent's logging: libraries to the log file, not the terminal
        configure_logging_to(*logs)
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):
            pass
    conn.send(_READY)  # ``fn``'s module is imported: calls are timed from here
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        args, kwargs = msg
        try:
            conn.send((True, fn(*args, **kwargs)))
        except BaseException as e:  # noqa: BLE001 - report everything, keep serving
            try:
                conn.send((False, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=5)}"))
            except Exception:  # noqa: BLE001 - unpicklable result etc.
                conn.send((False, f"{type(e).__name__}: {e}"))


def warm_up(modules: list[str]) -> None:
    """Start the fork server now, importing ``modules``, so that workers started later
    fork from it at once: its imports (~0.6 s of CPU for the PDF and signature libraries)
    then overlap the caller's own work instead of delaying the first worker.  Returns
    without waiting for them; a no-op where workers are spawned, or when it runs already."""
    if DEFAULT_START != "forkserver":
        return
    mp.get_context("forkserver").set_forkserver_preload(modules)
    forkserver.ensure_running()


class TimeLimitedWorker:
    """Run ``fn`` (a module-level, picklable function) in a child process, one call at a time.

    Use as a context manager; :meth:`run` never raises for what happens in the child.
    The default start method is ``forkserver`` (safe with threads in the parent, like
    ``spawn``): one clean server process, started once per parent process, imports
    ``fn``'s module and forks each worker from there.  A fresh interpreter importing
    pyHanko, pikepdf and lxml cost each worker ~0.8 s of CPU at every ingest (issue 17);
    a fork costs milliseconds, and so does a restart after a killed call.  As with any
    spawned process, a script that uses it must guard its entry with
    ``if __name__ == "__main__":``.
    """

    def __init__(self, fn: Callable[..., Any], *, memory_limit: int | None = None,
                 start_method: str = DEFAULT_START, start_timeout: float = 300.0, preload: tuple[str, ...] = ()):
        """``preload``: modules the fork server imports too (those ``fn`` imports lazily)."""
        self._fn = fn
        self._start_timeout = start_timeout
        self._memory_limit = memory_limit
        self._ctx = mp.get_context(start_method)
        if start_method == "forkserver":  # the server imports fn's module once (if it starts now)
            warm_up([fn.__module__, *preload])
        self._proc: Any = None
        self._conn: Any = None
        self.restarts = 0

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_serve, args=(child, self._fn, self._memory_limit, inherited_logging()),
                                      daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent
        if not parent.poll(self._start_timeout) or parent.recv() != _READY:
            raise EOFError(f"the check worker did not start within {self._start_timeout:g} s")

    def _kill(self) -> None:
        if self._proc is not None:
            if self._proc.pid is not None:  # started
                self._proc.kill()
                self._proc.join(5)
            self._proc = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def start(self) -> None:
        """Start the process now (``run`` starts it otherwise); a failed start is left for ``run`` to report."""
        try:
            if self._proc is None:
                self._start()
        except (EOFError, OSError) as e:
            self._kill()
            log.debug("check worker start failed, retried at the first call: %s", e)

    def run(self, *args: Any, timeout: float, **kwargs: Any) -> WorkerOutcome:
        try:
            if self._proc is None or not self._proc.is_alive():
                if self._proc is not None:
                    self._kill()
                    self.restarts += 1
                self._start()
            self._conn.send((args, kwargs))
            if not self._conn.poll(timeout):
                self._kill()
                self.restarts += 1
                return WorkerOutcome(False, timed_out=True, error=f"exceeded {timeout} s")
            ok, value = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError) as e:
            code = self._proc.exitcode if self._proc is not None else None
            self._kill()
            return WorkerOutcome(False, crashed=True, error=f"worker died (exit {code}): {e}")
        return WorkerOutcome(True, value) if ok else WorkerOutcome(False, error=value)

    def close(self) -> None:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            try:
                self._conn.send(None)
                self._proc.join(5)
            except (OSError, BrokenPipeError):
                pass
        self._kill()

    def __enter__(self) -> "TimeLimitedWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WorkerPool:
    """Several :class:`TimeLimitedWorker` processes serving one batch, one call each at a time.

    Why: the per-file checks are CPU-bound Python (pyHanko, pikepdf, pypdf), so a single
    worker leaves the other cores idle.  Each worker keeps its own time limit and is
    replaced alone when a call overruns or crashes; results come back in call order.
    Size it with :func:`pool_size` (``os.cpu_count()``, never more workers than calls).
    """

    def __init__(self, fn: Callable[..., Any], size: int, **kwargs: Any):
        self.size = max(1, size)
        self._workers = [TimeLimitedWorker(fn, **kwargs) for _ in range(self.size)]
        self._free: queue.SimpleQueue[TimeLimitedWorker] = queue.SimpleQueue()
        for w in self._workers:
            self._free.put(w)
        self._threads = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="check-worker")

    @property
    def restarts(self) -> int:
        return sum(w.restarts for w in self._workers)

    def start(self) -> None:
        """Start every worker in the background and return at once.

        Why: a worker's start (a new interpreter importing pyHanko, pikepdf, pypdf) costs
        about a second of CPU; started before the caller's own preparation (format
        identification), it overlaps it.  A call waits for its worker to be ready.
        """
        for _ in self._workers:
            w = self._free.get()
            self._threads.submit(self._start_one, w)

    def _start_one(self, w: TimeLimitedWorker) -> None:
        try:
            w.start()
        finally:
            self._free.put(w)

    def _call(self, args: tuple[Any, ...], timeout: float) -> WorkerOutcome:
        w = self._free.get()
        try:
            return w.run(*args, timeout=timeout)
        finally:
            self._free.put(w)

    def map(self, calls: list[tuple[Any, ...]], *, timeout: float,
            done: Callable[[int], None] | None = None,
            each: Callable[[int, WorkerOutcome], None] | None = None) -> list[WorkerOutcome]:
        """Run every call (a tuple of arguments for ``fn``); ``done(n)`` after each finished one.

        ``each(index, outcome)`` is called in the calling thread as each call finishes (in
        the order they finish), while the workers go on with the others."""
        futures = [self._threads.submit(self._call, args, timeout) for args in calls]
        where = {f: i for i, f in enumerate(futures)}
        for n, f in enumerate(as_completed(futures), 1):
            if each is not None:
                each(where[f], f.result())
            if done is not None:
                done(n)
        return [f.result() for f in futures]

    def close(self) -> None:
        """Stop every worker, all at once (each may take a moment to exit)."""
        list(self._threads.map(TimeLimitedWorker.close, self._workers))
        self._threads.shutdown(wait=True)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pool_size(calls: int, *, min_calls_per_worker: int = 4) -> int:
    """Workers for a batch: one per CPU, but no worker for fewer than a few calls (a start costs ~1 s)."""
    return max(1, min(os.cpu_count() or 1, calls // min_calls_per_worker))
