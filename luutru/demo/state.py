"""What a finished ``luutru demo`` left in ``LUUTRU_HOME``, so a second run can reuse it.

A second demo run must not regenerate and re-ingest the samples: freshly signed PDFs
differ byte for byte from the stored ones and the archive rightly refuses them as
different dossiers under the same codes.  The demo writes ``demo.json`` beside the
catalog once both samples are ingested; the next run reads it and reuses the data.
``--reset`` may wipe the home only when the demo made it from an empty folder (the
marker says so), never an archive that held anything else.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from luutru.packaging.atomic import write_atomic

MARKER = "demo.json"


@dataclass(frozen=True)
class DemoState:
    """The samples a demo run loaded: where they are and what they hold."""

    out_dir: str
    dossiers: int
    trust_roots: str
    accepted: int
    home_was_empty: bool


def home_is_empty(home: Path) -> bool:
    """True when ``home`` holds nothing yet (before the first demo run touches it)."""
    return not home.exists() or not any(home.iterdir())


def read_state(home: Path) -> DemoState | None:
    """The marker of an earlier demo run, or None (no demo, or an unreadable marker)."""
    try:
        raw = json.loads((home / MARKER).read_text(encoding="utf-8"))
        return DemoState(**{k: raw[k] for k in DemoState.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(home: Path, state: DemoState) -> None:
    write_atomic(home / MARKER, json.dumps(asdict(state), ensure_ascii=False, indent=1).encode("utf-8"))


def reusable(state: DemoState | None, out_dir: Path, dossiers: int) -> bool:
    """True when the earlier run loaded the same samples and they are still on disk."""
    return (state is not None and state.dossiers == dossiers
            and Path(state.out_dir) == out_dir.resolve() and Path(state.trust_roots).exists())


def reset_home(home: Path, state: DemoState | None) -> str | None:
    """Empties a home the demo made; returns why it refuses otherwise (None when done)."""
    if state is None:
        if home_is_empty(home):
            return None
        return f"{home} holds data no demo run made (no {MARKER}); it is left as it is"
    if not state.home_was_empty:
        return f"{home} held other data before the demo; it is left as it is"
    for child in home.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    return None
