"""The encryption pipeline of crypto.encrypt_stream (read and hash, seal, hash the
ciphertext, write: one thread each): for every size, the ciphertext decrypts to the
plaintext, the digests it returns are those of the bytes, it is the same bytes every
time (synthetic nonces), and a segment moved or changed fails authentication."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from luutru.preservation.storage.crypto import (
    DecryptionError,
    decrypt_bytes,
    encrypt_stream,
)

SEG = 4096


@pytest.mark.parametrize("size", [0, 1, SEG - 1, SEG, SEG + 1, 7 * SEG + 3, 40 * SEG])
def test_round_trip_digests_and_determinism(size: int) -> None:
    key, data = os.urandom(32), os.urandom(size)
    outs = []
    for _ in range(2):
        out = io.BytesIO()
        psha, pn, csha, cn = encrypt_stream(io.BytesIO(data), out, key, "data/objects/1/Quyết định.pdf", segment=SEG)
        outs.append(out.getvalue())
        assert (psha, pn) == (hashlib.sha256(data).hexdigest(), size)
        assert (csha, cn) == (hashlib.sha256(out.getvalue()).hexdigest(), len(out.getvalue()))
    assert outs[0] == outs[1]
    assert decrypt_bytes(outs[0], key, "data/objects/1/Quyết định.pdf") == data


def test_a_changed_or_swapped_segment_fails() -> None:
    key, data = os.urandom(32), os.urandom(5 * SEG)
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key, "data/x", segment=SEG)
    blob = bytearray(out.getvalue())
    header, frame = 12, SEG + 28
    flipped = bytearray(blob)
    flipped[header + 2 * frame + 100] ^= 1
    with pytest.raises(DecryptionError):
        decrypt_bytes(bytes(flipped), key, "data/x")
    swapped = blob[:header] + blob[header + frame:header + 2 * frame] + blob[header:header + frame] + blob[header + 2 * frame:]
    with pytest.raises(DecryptionError):
        decrypt_bytes(bytes(swapped), key, "data/x")
    with pytest.raises(DecryptionError):
        decrypt_bytes(bytes(blob), key, "data/y")  # moved to another file


class _Trickle:
    """A network-like body: short reads of at most 1000 bytes, and no ``readinto``."""

    def __init__(self, data: bytes):
        self._f = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._f.read(min(n, 1000) if n >= 0 else 1000)


class _TrickleInto(_Trickle):
    """Short ``readinto`` calls, as a pipe or socket gives them."""

    def readinto(self, b) -> int:
        chunk = self._f.read(min(len(b), 1000))
        b[:len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("source", [_Trickle, _TrickleInto])
def test_short_reads_give_the_same_bytes_as_whole_reads(source) -> None:
    # 20 segments: more than the reused buffers, so each is refilled several times
    key, data = os.urandom(32), os.urandom(20 * SEG + 17)
    whole, short = io.BytesIO(), io.BytesIO()
    encrypt_stream(io.BytesIO(data), whole, key, "data/x", segment=SEG)
    assert encrypt_stream(source(data), short, key, "data/x", segment=SEG)[0] == hashlib.sha256(data).hexdigest()
    assert short.getvalue() == whole.getvalue()
    assert decrypt_bytes(short.getvalue(), key, "data/x") == data
