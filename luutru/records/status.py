"""The states of every state machine, one enum each (values are what the catalog stores).

``str`` enums: a value compares equal to its stored string, so rows written before
these enums existed read back unchanged, and JSON shows the plain value.
"""

from __future__ import annotations

import enum


class TransferStatus(str, enum.Enum):
    """An ingest of one transfer (the ``transfers`` row and the report)."""

    RUNNING = "running"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"


class DossierOutcome(str, enum.Enum):
    """What ingest did with one dossier of a transfer (``pending`` until the transfer is decided)."""

    PENDING = "pending"
    STORED = "stored"
    ALREADY_STORED = "already_stored"
    REJECTED = "rejected"
    NOT_STORED = "not_stored"


class JobStatus(str, enum.Enum):
    """A job in the queue."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DisposalListStatus(str, enum.Enum):
    """A destruction list (RODA: a disposal confirmation)."""

    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTING = "executing"
    EXECUTED = "executed"


class DisposalItemState(str, enum.Enum):
    """One dossier on a destruction list."""

    PENDING = "pending"
    DESTROYING = "destroying"
    DESTROYED = "destroyed"
    WITHHELD = "withheld"


class ExportStatus(str, enum.Enum):
    """A package built for a historical archive."""

    BUILT = "built"
    CONFIRMED = "confirmed"


class Outcome(str, enum.Enum):
    """How an action on the audit trail ended."""

    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"
