"""Jobs: long work (ingest, audit, reindex, destruction, export) queued in the catalog
database and run by worker processes (scale-out) or in-process (embedded).

Public API: :func:`submit`, :class:`JobQueue`, :class:`Worker`, :func:`register`,
:class:`JobFailed`.  See ``docs/operations.md``.
"""

from .queue import ClaimedJob, JobQueue, JobView
from .registry import JobFailed, UnknownKind, known_kinds, register
from .settings import JobSettings
from .worker import Worker, in_process, submit

__all__ = ["ClaimedJob", "JobQueue", "JobView", "JobFailed", "UnknownKind", "known_kinds", "register",
           "JobSettings", "Worker", "in_process", "submit"]
