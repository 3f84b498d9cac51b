"""The services one run works with: settings, catalog, storage and index, opened lazily.

Everything that needs the catalog or storage takes a :class:`Services`, so tests and
the API can point a run at another ``LUUTRU_HOME`` (or another server) without globals.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any, Callable

from luutru.catalog.db import Catalog
from luutru.config import Settings
from luutru.preservation.storage import open_storage
from luutru.preservation.storage.encrypted import wrap_storage
from luutru.preservation.storage.replicated import ReplicatedStorage
from luutru.search import open_index


class FaultInjected(RuntimeError):
    """Raised at a named checkpoint when a test asks for a crash there."""


class Services:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        # Tests set this to crash at a named checkpoint (see ``checkpoint``).
        self.fault_hook: Callable[[str], None] | None = None

    @cached_property
    def catalog(self):  # type: ignore[no-untyped-def]

        return Catalog(self.settings.db_url)

    @cached_property
    def storage(self):  # type: ignore[no-untyped-def]


        primary = open_storage(self.settings.storage, self.settings)
        if not self.settings.replica_urls:
            # Fixed-term AIPs are stored encrypted under per-AIP keys (irreversible destruction).
            return wrap_storage(primary, self.settings)

        replicated = ReplicatedStorage(primary, [open_storage(u, self.settings) for u in self.settings.replica_urls])
        return wrap_storage(replicated, self.settings)

    @cached_property
    def index(self):  # type: ignore[no-untyped-def]

        return open_index(self.settings.search)

    def checkpoint(self, name: str) -> None:
        """A named point between steps where a crash can be injected.

        ``LUUTRU_FAULT_AT=<name>`` kills the process on the spot (as ``kill -9`` would);
        ``fault_hook`` lets in-process tests raise instead.
        """
        if os.environ.get("LUUTRU_FAULT_AT") == name:
            os._exit(137)
        if self.fault_hook is not None:
            self.fault_hook(name)

    def close(self) -> None:
        for name in ("index", "catalog", "storage"):
            obj: Any = self.__dict__.pop(name, None)
            if obj is None:
                continue
            closer = getattr(obj, "close", None) or getattr(obj, "dispose", None)
            if closer:
                closer()
