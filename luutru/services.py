"""The services one run works with: settings, catalog, storage and index, opened lazily.

Everything that needs the catalog or storage takes a :class:`Services`, so tests and
the API can point a run at another ``LUUTRU_HOME`` (or another server) without globals.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Callable

from luutru.catalog.db import Catalog
from luutru.config import Settings
from luutru.preservation.storage import Storage, open_stack
from luutru.search import open_index


class FaultInjected(RuntimeError):
    """Raised at a named checkpoint when a test asks for a crash there."""


class Services:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        # Catalog, reports, index, scratch and key files are the archive's alone (0600/0700):
        # restricted titles must not be world-readable on a shared host.
        os.umask(0o077)
        # Tests set this to crash at a named checkpoint (see ``checkpoint``).
        self.fault_hook: Callable[[str], None] | None = None

    @cached_property
    def catalog(self) -> Catalog:
        limits = self.settings.limits
        return Catalog(self.settings.db_url, pool_size=limits.database_pool_size,
                       pool_timeout=limits.database_pool_timeout_s)

    @cached_property
    def storage(self) -> Storage:
        """Primary location (+ replicas) behind encryption of fixed-term AIPs."""
        return open_stack(self.settings)

    @cached_property
    def index(self):  # type: ignore[no-untyped-def]
        return open_index(self.settings.search)

    def checkpoint(self, name: str) -> None:
        """A named point between steps where a crash can be injected.

        ``LUUTRU_FAULT_AT=<name>`` (``settings.fault_at``, a test hook) kills the process
        on the spot (as ``kill -9`` would); ``fault_hook`` lets in-process tests raise instead.
        """
        if self.settings.fault_at == name:
            os._exit(137)
        if self.fault_hook is not None:
            self.fault_hook(name)

    def close(self) -> None:
        """Close what was opened (storage holds no connection that needs closing)."""
        index = self.__dict__.pop("index", None)
        if index is not None:
            index.close()
        catalog = self.__dict__.pop("catalog", None)
        if catalog is not None:
            catalog.dispose()
        self.__dict__.pop("storage", None)
