"""StoreAhead (preservation/commit.py): stores run ahead on threads, and an error in the
caller's block stops the stores that have not started.  The store function is replaced
by one that records its calls: what is tested is the scheduling, not a storage backend
(the real stores are covered by the ingest, recovery and crash tests)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import luutru.preservation.commit as commit


def test_error_in_the_block_cancels_stores_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    release = threading.Event()

    def slow_store(_services: object, code: str, _bag: Path, **_kw: object) -> None:
        started.append(code)
        release.wait(5)

    monkeypatch.setattr(commit, "store", slow_store)
    timer = threading.Timer(0.3, release.set)  # A finishes only after the block has failed
    timer.start()
    with pytest.raises(RuntimeError):
        with commit.StoreAhead(object(), depth=1) as ahead:  # type: ignore[arg-type]
            first = ahead.submit("A", Path("a"))
            queued = [ahead.submit(c, Path(c)) for c in ("B", "C")]
            raise RuntimeError("the catalog failed")
    timer.join()
    assert first.done() and started == ["A"]  # the running store was waited for
    assert all(f.cancelled() for f in queued)  # the others never started


def test_without_error_every_store_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[str] = []
    monkeypatch.setattr(commit, "store", lambda _s, code, _b, **_kw: done.append(code))
    with commit.StoreAhead(object(), depth=2) as ahead:  # type: ignore[arg-type]
        futures = [ahead.submit(c, Path(c)) for c in "ABCDE"]
    assert sorted(done) == list("ABCDE") and all(f.done() and not f.cancelled() for f in futures)
