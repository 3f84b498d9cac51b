"""PREMIS-style preservation events.

Every step that looks at or changes an object records an event: what happened
(``event_type``, PREMIS event type vocabulary), when (+07:00), to what (``object``:
a dossier code, document identifier or file path in the AIP), by which agent, and the
outcome.  Events travel inside the AIP (``metadata/premis.json``) and are mirrored in
the catalog, so ``reindex`` can rebuild them from storage alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from luutru import __version__
from luutru.records.timeutil import iso_vn
from luutru.records.uuids import random_uuid

AGENT = f"luutru {__version__}"

# PREMIS event types used by the service.
INGESTION = "ingestion"
VALIDATION = "validation"
FIXITY_CHECK = "fixity check"
MESSAGE_DIGEST = "message digest calculation"
FORMAT_IDENTIFICATION = "format identification"
SIGNATURE_VALIDATION = "digital signature validation"
MIGRATION = "migration"
REPLICATION = "replication"
REPAIR = "recovery"
DELETION = "deletion"
METADATA_EXTRACTION = "metadata extraction"
SIGNATURE_GENERATION = "digital signature generation"  # what the archive issues, signed
SIGNATURE_EVIDENCE = "signature evidence"  # long-term validation data + archive timestamp (PAdES-LTA)
METADATA_MODIFICATION = "metadata modification"


def _copy_tree(value: Any) -> Any:
    """Copy dicts, lists and tuples (as lists, like ``asdict``); leaves are shared.

    Leaves of event details are JSON values (str, int, float, bool, None), which are
    immutable, so sharing them is as safe as copying."""
    if isinstance(value, dict):
        return {k: _copy_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_tree(v) for v in value)
    return value


@dataclass
class Event:
    event_type: str
    object: str
    outcome: str  # "success" | "warning" | "failure"
    detail: str = ""
    outcome_detail: dict[str, Any] = field(default_factory=dict)
    agent: str = AGENT
    event_datetime: str = field(default_factory=iso_vn)
    event_id: str = field(default_factory=lambda: str(random_uuid()))

    def to_dict(self, *, copy: bool = True) -> dict[str, Any]:
        """A plain dict with its own copy of ``outcome_detail``'s containers.

        ``dataclasses.asdict`` gave the same but deep-copied every leaf through ``copy``:
        ~7 % of the ingest's main process for a transfer of signed PDFs.  ``copy=False``
        shares ``outcome_detail`` (a signature event's holds every certificate's fields):
        for a caller that only reads it, such as serialising a sealed AIP."""
        return {"event_type": self.event_type, "object": self.object, "outcome": self.outcome,
                "detail": self.detail, "outcome_detail": _copy_tree(self.outcome_detail) if copy else self.outcome_detail,
                "agent": self.agent, "event_datetime": self.event_datetime, "event_id": self.event_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        return cls(**d)
