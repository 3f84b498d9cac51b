"""Optional areas: modules other parts plug in when present (sub-commands, routers, hooks).

An area whose module is absent is skipped; an area whose module fails to import for
another reason (a bug, a missing dependency of its own) raises, so it is never silently
left out.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Iterable, Iterator


def present(modules: Iterable[str]) -> Iterator[tuple[str, ModuleType]]:
    """(name, module) for each listed module that exists."""
    for name in modules:
        try:
            yield name, importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name and (name == e.name or name.startswith(e.name + ".")):
                continue
            raise
