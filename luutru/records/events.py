"""PREMIS-style preservation events.

Every step that looks at or changes an object records an event: what happened
(``event_type``, PREMIS event type vocabulary), when (+07:00), to what (``object``:
a dossier code, document identifier or file path in the AIP), by which agent, and the
outcome.  Events travel inside the AIP (``metadata/premis.json``) and are mirrored in
the catalog, so ``reindex`` can rebuild them from storage alone.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from luutru import __version__
from luutru.records.timeutil import iso_vn

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


@dataclass
class Event:
    event_type: str
    object: str
    outcome: str  # "success" | "warning" | "failure"
    detail: str = ""
    outcome_detail: dict[str, Any] = field(default_factory=dict)
    agent: str = AGENT
    event_datetime: str = field(default_factory=iso_vn)
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        return cls(**d)
