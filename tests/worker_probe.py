"""Functions run in check workers by tests/test_worker_start.py (importable by the workers)."""

from __future__ import annotations

import os
import sys


def loaded(name: str) -> tuple[bool, int]:
    """Whether ``name`` was imported before this call, and this worker's parent pid."""
    return name in sys.modules, os.getppid()


def spin() -> None:
    while True:
        pass
