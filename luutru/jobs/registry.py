"""Job kinds → the functions that do the work.

Registering a kind is one line in :data:`KINDS` (``"kind": "module:function"``), or a
call to :func:`register` at run time, or an entry in ``LUUTRU_JOBS_KINDS``
(``kind=module:function,…``) for an operator's own kinds.

A job function has the signature::

    def run(services: Services, payload: dict, ctx: JobContext) -> dict | None

It must be idempotent: after a crash the same job runs again from the start, so a
re-run has to finish the work without duplicates.  Its return value (JSON) is stored
as the job's result.  ``ctx.progress(stage, done, total)`` reports progress; raise
:class:`JobFailed` for a failure that retrying will not cure (the job is marked
``failed`` at once, an operator can ``luutru jobs retry`` it); any other exception is
retried up to ``max_attempts`` times.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Protocol

from luutru.config import JobSettings

KINDS: dict[str, str] = {
    "ingest": "luutru.jobs.kinds:ingest_job",
    "reindex": "luutru.jobs.kinds:reindex_job",
    "index": "luutru.jobs.kinds:index_job",  # a failed index update, queued by ingest (catalog.index_retries)
    "timestamp-renewal": "luutru.preservation.timestamp_renewal:timestamp_renewal_job",  # run on a schedule
    "pdfa": "luutru.jobs.kinds:pdfa_job",  # preservation actions after acceptance (catalog.action_queue)
    "ocr": "luutru.jobs.kinds:ocr_job",
    # Areas add one line each, e.g.:
    # "audit": "luutru.preservation.fixity:audit_job",
    # "destruction": "luutru.disposal.procedure:destruction_job",
    # "export": "luutru.transfer_out.package:export_job",
}

_runtime: dict[str, Callable[..., Any]] = {}


class JobContext(Protocol):
    job_id: str
    attempt: int

    def progress(self, stage: str, done: int, total: int) -> None: ...

    @property
    def lease_lost(self) -> bool: ...


class JobFailed(Exception):
    """A failure that an automatic retry will not cure (bad input, disk full, …)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None):
        super().__init__(message)
        self.result = result


class UnknownKind(LookupError):
    pass


def register(kind: str, func: Callable[..., Any] | str) -> None:
    """Register (or replace) a job kind: a callable or ``"module:function"``."""
    if isinstance(func, str):
        KINDS[kind] = func
        _runtime.pop(kind, None)
    else:
        _runtime[kind] = func


def _env_kinds() -> dict[str, str]:
    """Kinds named in ``LUUTRU_JOBS_KINDS`` (read when asked, so a test or an operator can
    set it for one process)."""
    raw = JobSettings().kinds
    out: dict[str, str] = {}
    for item in filter(None, (x.strip() for x in raw.split(","))):
        kind, _, target = item.partition("=")
        if kind and target:
            out[kind.strip()] = target.strip()
    return out


def known_kinds() -> list[str]:
    return sorted(set(KINDS) | set(_runtime) | set(_env_kinds()))


def resolve(kind: str) -> Callable[..., Any]:
    """The function of a kind; :class:`UnknownKind` names the known ones."""
    if kind in _runtime:
        return _runtime[kind]
    target = _env_kinds().get(kind) or KINDS.get(kind)
    if not target:
        raise UnknownKind(f"unknown job kind {kind!r}; known: {', '.join(known_kinds())}")
    module, _, attr = target.partition(":")
    func = getattr(importlib.import_module(module), attr)
    _runtime[kind] = func
    return func
