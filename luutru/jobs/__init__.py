"""Jobs: long work (ingest, audit, reindex, destruction, export) queued in the catalog
database and run by worker processes (scale-out) or in-process (embedded).

Public API: :func:`submit`, :class:`JobQueue`, :class:`Worker`, :func:`register`,
:class:`JobFailed`.  See ``docs/operations.md``.
"""

from luutru.config import JobSettings
from luutru.jobs.queue import ClaimedJob, JobQueue, JobView
from luutru.jobs.registry import JobFailed, UnknownKind, known_kinds, register
from luutru.jobs.worker import Worker, in_process, resume, submit

__all__ = ["ClaimedJob", "JobQueue", "JobView", "JobFailed", "UnknownKind", "known_kinds", "register",
           "JobSettings", "Worker", "in_process", "resume", "submit"]
