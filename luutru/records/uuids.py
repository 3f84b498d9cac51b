"""Random (version 4) UUIDs for event and element identifiers, drawn from a buffer.

An ingest names every PREMIS event and METS/PREMIS element with a fresh UUID: about
seven per signed document.  ``uuid.uuid4()`` asks the kernel for 16 bytes each time,
and on a virtual machine that system call cost 40–70 µs, about 4 % of the ingest's
main thread (issue 17).  Here the same operating-system randomness (``os.urandom``)
is read 4 KiB at a time and cut into UUIDs, so the identifiers are as unpredictable and
unique as before.  Each thread has its own buffer, and a forked child drops what it
inherited: two processes never hand out the same bytes.
"""

from __future__ import annotations

import os
import threading
import uuid

_CHUNK = 4096


class _Pool(threading.local):
    def __init__(self) -> None:
        self.buf = b""
        self.at = 0


_pool = _Pool()


def _forget() -> None:
    global _pool
    _pool = _Pool()


os.register_at_fork(after_in_child=_forget)


def random_uuid() -> uuid.UUID:
    """A version 4 UUID (RFC 9562), as :func:`uuid.uuid4` makes it."""
    p = _pool
    if p.at + 16 > len(p.buf):
        p.buf, p.at = os.urandom(_CHUNK), 0
    raw = p.buf[p.at:p.at + 16]
    p.at += 16
    return uuid.UUID(bytes=raw, version=4)
