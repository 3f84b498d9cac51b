"""Every finding code of the program, one module per area; importing this package fills the registry."""

from luutru.records.finding_codes import (  # noqa: F401
    api,
    checks,
    disposal,
    ingest,
    packaging,
    preservation,
    signatures,
    sip,
    tools,
    transfer_out,
)
from luutru.records.findings import REGISTRY

__all__ = ["REGISTRY"]
