"""Event and element identifiers: version 4 UUIDs cut from a buffer of OS randomness."""

from __future__ import annotations

import os
import threading
import uuid

from luutru.records.events import Event
from luutru.records.uuids import random_uuid


def test_they_are_version_4_and_never_repeat() -> None:
    made = [random_uuid() for _ in range(20_000)]
    assert len(set(made)) == len(made)
    assert {u.version for u in made} == {4} and {u.variant for u in made} == {uuid.RFC_4122}
    assert Event("ingestion", "x", "success").event_id != Event("ingestion", "x", "success").event_id


def test_threads_and_a_forked_child_draw_different_bytes() -> None:
    seen: list[uuid.UUID] = []
    threads = [threading.Thread(target=lambda: seen.extend(random_uuid() for _ in range(500))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 2000
    random_uuid()  # the parent holds a partly used buffer when it forks
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: what it would hand out next
        os.write(w, b"".join(random_uuid().bytes for _ in range(8)))
        os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    child = os.read(r, 16 * 8)
    os.close(r)
    parent = b"".join(random_uuid().bytes for _ in range(8))
    assert len(child) == 128 and child != parent
