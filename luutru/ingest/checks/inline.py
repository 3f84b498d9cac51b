"""The checks of a few files that need no parser, run in the ingest's own process.

Why (issue 17): a check worker is a process of its own, so that a hostile PDF cannot
hang or crash the ingest (:mod:`.isolation`).  Starting one costs a fresh interpreter
importing the checks (about 0.3 s of CPU), which for a transfer of one large data file
was taken from the hashing and encryption of that file on the machine's second core.
A file that Siegfried identified *by its content* as something other than a PDF is
only judged against the format policy and, when it is text, read (at most
:data:`~.per_file.TEXT_LIMIT` bytes) and decoded: no parser, a bounded read, nothing
that can hang.  Such a batch, when it is small, is checked here.

When any file is a PDF, has no identification yet, or the batch is large enough for
two workers, the checks run in workers as before (:func:`runs_inline` says which).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import luutru.ingest.checks.isolation as isolation
from luutru.ingest.checks.isolation import WorkerOutcome
from luutru.ingest.checks.worker_imports import imports_for

#: From this many files on, the workers check the batch: below it, :func:`pool_size`
#: would start a single worker, so checking in this process loses no parallelism.
INLINE_MAX_FILES = 8
#: The format keys whose checks open the file with a parser (``per_file._inspect``):
#: a file identified as one of them is always checked in a worker.
PARSED = frozenset({"pdf", "pdfa"})


def runs_inline(paths: Sequence[Path], known_formats: Mapping[str, Any] | None) -> bool:
    """Whether a batch can be checked in this process: fewer than :data:`INLINE_MAX_FILES`
    files, each already identified (``known_formats``, by ``str(path)``) as no PDF."""
    if not paths or len(paths) >= INLINE_MAX_FILES or not known_formats:
        return False
    for p in paths:
        fmt = known_formats.get(str(p))
        if fmt is None or fmt.key in PARSED:
            return False
    return True


def pool_class(paths: Sequence[Path], known_formats: Mapping[str, Any] | None) -> type:
    """:class:`InlinePool` for a batch that :func:`runs_inline`, else the workers' pool."""
    return InlinePool if runs_inline(paths, known_formats) else isolation.WorkerPool


def workers_likely(paths: Sequence[Path]) -> bool:
    """Whether to start the workers' fork server ahead (before Siegfried has answered):
    when a file is named as a PDF or the batch is large.  A small batch with a PDF under
    another name still gets its workers, started when the checks need them."""
    return len(paths) >= INLINE_MAX_FILES or bool(imports_for(paths))


class InlinePool:
    """The :class:`~.isolation.WorkerPool` interface, each call run in the calling thread.

    An exception in a call becomes a failed :class:`WorkerOutcome`, as a worker reports
    it, so a file whose check fails still ends in a finding, never a traceback."""

    restarts = 0

    def __init__(self, fn: Callable[..., Any], size: int = 1, **_ignored: Any):
        self._fn = fn

    def start(self) -> None:
        return None

    def map(self, calls: list[tuple[Any, ...]], *, timeout: float,
            done: Callable[[int], None] | None = None,
            each: Callable[[int, WorkerOutcome], None] | None = None) -> list[WorkerOutcome]:
        """Run every call in order (``timeout`` does not apply: nothing here can hang)."""
        out: list[WorkerOutcome] = []
        for i, args in enumerate(calls):
            try:
                outcome = WorkerOutcome(True, self._fn(*args))
            except Exception as e:  # noqa: BLE001 - as a worker reports it: the file gets a finding
                outcome = WorkerOutcome(False, error=f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=5)}")
            out.append(outcome)
            if each is not None:
                each(i, outcome)
            if done is not None:
                done(i + 1)
        return out

    def close(self) -> None:
        return None

    def __enter__(self) -> "InlinePool":
        return self

    def __exit__(self, *exc: object) -> None:
        return None
