"""Streaming authenticated encryption of stored files (AES-256-GCM, segmented).

Why segments: files can be many gigabytes, and AES-GCM via ``cryptography`` encrypts
one buffer at a time; a file is cut into segments of :data:`SEGMENT` bytes, each
sealed on its own, so memory stays flat whatever the file size.

Framing of one encrypted file::

    header   = MAGIC (8 bytes) || segment size (4 bytes, big-endian)
    segment  = nonce (12 bytes) || AES-GCM(ciphertext || 16-byte tag)

The associated data of segment *i* is ``header || file path (NFC, UTF-8) || i (8 bytes)
|| final flag (1 byte)``, so segments cannot be reordered, dropped, truncated at a
segment boundary, or moved to another file without the tag failing.  The last segment
carries the final flag (an empty file is one empty final segment).

The nonce is synthetic: HMAC-SHA-256 (under a key derived from the data key) of the
associated data and the SHA-256 of the file's plaintext from its start to the end of
the segment, cut to 96 bits.  Storing the same bag twice therefore gives the same
ciphertext (a replica completed on a retry verifies against the first copy), and a
nonce can only repeat for an identical plaintext prefix — hence an identical segment —
at the identical place, never for different plaintext, which is what would break
AES-GCM.  The prefix digests are the running state of the file's own SHA-256 (which
the bag manifest needs anyway), so the plaintext is hashed once, not twice.  (Files
encrypted before 30/11/2026 used an HMAC over the segment itself; decryption does not
depend on how the nonce was chosen, it is stored in each segment.)  Encryption
and nonce keys are derived from the data key with HKDF-SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import struct
import unicodedata
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO, Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"LTAEAD01"
SEGMENT = 1024 * 1024
NONCE = 12
TAG = 16
HEADER_LEN = len(MAGIC) + 4
OVERHEAD = NONCE + TAG


class DecryptionError(Exception):
    """Encrypted bytes failed authentication or are not in the expected framing."""


def _aad(header: bytes, relpath: str, index: int, final: bool) -> bytes:
    path = unicodedata.normalize("NFC", relpath).encode("utf-8")
    return header + path + struct.pack(">QB", index, 1 if final else 0)


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"luutru-aead/1 " + purpose).derive(key)


def _keys(key: bytes) -> tuple[bytes, bytes]:
    """(AES-GCM key, nonce MAC key) derived from one data key."""
    if len(key) != 32:
        raise ValueError("data keys are 32 bytes (AES-256)")
    return _derive(key, b"enc"), _derive(key, b"nonce")


def _nonce(mac_key: bytes, aad: bytes, prefix_digest: bytes) -> bytes:
    """HMAC of the segment's associated data and the SHA-256 of the plaintext up to the
    end of this segment (see the module docstring)."""
    return hmac.new(mac_key, aad + prefix_digest, hashlib.sha256).digest()[:NONCE]


def _read_exact(f: BinaryIO, n: int) -> bytes:
    """Read ``n`` bytes (fewer only at end of stream); network bodies may return short reads."""
    parts = []
    left = n
    while left > 0:
        chunk = f.read(left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


#: Sealed segments queued for the writing thread, at most (memory: this many segments).
WRITE_AHEAD = 4
#: Segment buffers of a multi-segment file, reused in turn: the segments queued, the one
#: being sealed and the one read ahead.  A fresh buffer per segment was a page fault per
#: 4 KiB written, about a tenth of a large file's encryption CPU (issue 17).
RING = WRITE_AHEAD + 2


def encrypt_stream(src: BinaryIO, dst: BinaryIO, key: bytes, relpath: str,
                   segment: int = SEGMENT) -> tuple[str, int, str, int]:
    """Encrypt ``src`` into ``dst``; returns (plain sha256, plain bytes, cipher sha256, cipher bytes).
    ``dst.write`` must copy what it is given (as files do): the buffers are reused.

    One read of the plaintext, one write of the ciphertext.  The plaintext SHA-256 (to
    check the bag manifest) also gives every segment's nonce, so the plaintext is hashed
    once.  A file of several segments is a pipeline, one thread per stage, in order: this
    thread reads and hashes the plaintext and derives each nonce; a second encrypts; a
    third hashes the ciphertext (for the stored bag's manifest); a fourth writes it
    (``hashlib``, AES-GCM and writes release the GIL), at most :data:`WRITE_AHEAD`
    segments in flight, in :data:`RING` reused buffers.  Reading and hashing were half
    of a large file's store (issue 17).
    """
    enc_key, mac_key = _keys(key)
    aead = AESGCM(enc_key)
    header = MAGIC + struct.pack(">I", segment)
    ph = hashlib.sha256()
    pn = 0
    sink = _CipherSink(dst)
    sink.put(header)
    current: bytes | memoryview = _read_exact(src, segment)
    nxt: bytes | memoryview = _read_exact(src, segment) if len(current) == segment else b""

    def nonce_for(index: int, final: bool) -> tuple[bytes, bytes]:
        nonlocal pn
        ph.update(current)
        pn += len(current)
        aad = _aad(header, relpath, index, final)
        return _nonce(mac_key, aad, ph.copy().digest()), aad

    if not nxt:  # one segment (most files): no other thread, no buffers
        sink.put(*_seal(aead, current, *nonce_for(0, True)))
        return ph.hexdigest(), pn, sink.hash.hexdigest(), sink.bytes
    ring = _Ring(src, segment)
    with ThreadPoolExecutor(1, thread_name_prefix="encrypt-seal") as sealer, \
            ThreadPoolExecutor(1, thread_name_prefix="encrypt-hash") as hasher, \
            ThreadPoolExecutor(1, thread_name_prefix="encrypt-write") as writer:
        queued: deque[tuple[Future[tuple[bytes, memoryview]], Future[None], Future[None]]] = deque()
        index = 0
        while True:
            final = not nxt
            sealed = sealer.submit(_seal_into, aead, current, *nonce_for(index, final), ring.sealed(index))
            if len(queued) >= WRITE_AHEAD:
                for f in queued.popleft():
                    f.result()  # bounded memory; every stage's errors surface here
            queued.append((sealed, hasher.submit(_then, sealed, sink.hash_parts),
                           writer.submit(_then, sealed, sink.write_parts)))
            if final:
                break
            index += 1
            current = nxt
            # segment index+1 goes into the buffer of segment index+1-RING, whose stages
            # were all waited for above (at most WRITE_AHEAD are queued)
            nxt = ring.read(index + 1) if len(current) == segment else b""
        for stages in queued:
            for f in stages:
                f.result()
    return ph.hexdigest(), pn, sink.hash.hexdigest(), sink.bytes


class _Ring:
    """The reused plaintext and ciphertext buffers of one multi-segment encryption."""

    def __init__(self, src: BinaryIO, segment: int):
        self._src, self._segment = src, segment
        self._readinto = getattr(src, "readinto", None)
        self._plain = [bytearray(segment) for _ in range(RING)]
        self._sealed = [bytearray(segment + TAG) for _ in range(RING)]

    def read(self, index: int) -> memoryview:
        """Segment ``index`` of the plaintext (shorter only at the end of the stream)."""
        view = memoryview(self._plain[index % RING])
        if self._readinto is None:  # a stream that only reads (some network bodies)
            data = _read_exact(self._src, self._segment)
            view[:len(data)] = data
            return view[:len(data)]
        got = 0
        while got < self._segment:
            n = self._readinto(view[got:])
            if not n:
                break
            got += n
        return view[:got]

    def sealed(self, index: int) -> bytearray:
        return self._sealed[index % RING]


def _seal(aead: AESGCM, data: bytes | memoryview, nonce: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """One segment as written: nonce, then ciphertext and tag (two parts: no copy to join them)."""
    return nonce, aead.encrypt(nonce, data, aad)


def _seal_into(aead: AESGCM, data: bytes | memoryview, nonce: bytes, aad: bytes,
               out: bytearray) -> tuple[bytes, memoryview]:
    """:func:`_seal` into the reused buffer ``out`` (its start: the last segment is shorter)."""
    view = memoryview(out)[:len(data) + TAG]
    aead.encrypt_into(nonce, data, aad, view)
    return nonce, view


def _then(sealed: "Future[tuple[bytes, bytes]]", put: Callable[..., None]) -> None:
    """``put`` the sealed segment once it is sealed (each stage's thread keeps the order)."""
    put(*sealed.result())


class _CipherSink:
    """Hashes and writes the ciphertext, in order."""

    def __init__(self, dst: BinaryIO):
        self.dst = dst
        self.hash = hashlib.sha256()
        self.bytes = 0

    def put(self, *parts: bytes) -> None:
        self.hash_parts(*parts)
        self.write_parts(*parts)

    def hash_parts(self, *parts: bytes) -> None:
        for data in parts:
            self.hash.update(data)
            self.bytes += len(data)

    def write_parts(self, *parts: bytes) -> None:
        for data in parts:
            self.dst.write(data)


def encrypt_bytes(data: bytes, key: bytes, relpath: str) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key, relpath)
    return out.getvalue()


class DecryptingReader(io.RawIOBase):
    """A readable stream of the plaintext of an encrypted file, one segment at a time.

    Holds at most two sealed segments in memory (the current one and one read ahead
    to learn whether the current one is the last).
    """

    def __init__(self, raw: BinaryIO, key: bytes, relpath: str, *, name: str = ""):
        super().__init__()
        self._raw = raw
        self._aead = AESGCM(_keys(key)[0])
        self._relpath = relpath
        self._name = name or relpath
        header = _read_exact(raw, HEADER_LEN)
        if len(header) != HEADER_LEN or header[: len(MAGIC)] != MAGIC:
            raise DecryptionError(f"{self._name} is not an encrypted file of this service (bad header)")
        self._header = header
        (self._segment,) = struct.unpack(">I", header[len(MAGIC):])
        if not 0 < self._segment <= 64 * SEGMENT:
            raise DecryptionError(f"{self._name}: implausible segment size {self._segment}")
        self._index = 0
        self._buf = b""
        self._pos = 0
        self._done = False
        self._ahead = _read_exact(raw, self._segment + OVERHEAD)

    def readable(self) -> bool:
        return True

    def _next_segment(self) -> None:
        sealed = self._ahead
        if len(sealed) < OVERHEAD:
            raise DecryptionError(f"{self._name}: truncated (segment {self._index} incomplete)")
        self._ahead = _read_exact(self._raw, self._segment + OVERHEAD) if len(sealed) == self._segment + OVERHEAD else b""
        final = not self._ahead
        try:
            view = memoryview(sealed)
            self._buf = self._aead.decrypt(view[:NONCE], view[NONCE:],
                                           _aad(self._header, self._relpath, self._index, final))
        except InvalidTag as e:
            raise DecryptionError(
                f"{self._name}: segment {self._index} failed authentication (wrong key, damaged or altered bytes)"
            ) from e
        self._pos = 0
        self._index += 1
        self._done = final

    def readinto(self, b: "bytearray | memoryview") -> int:  # type: ignore[override]
        view = memoryview(b).cast("B")
        while self._pos >= len(self._buf):
            if self._done:
                return 0
            self._next_segment()
        n = min(len(view), len(self._buf) - self._pos)
        view[:n] = memoryview(self._buf)[self._pos:self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def open_decrypting(raw: BinaryIO, key: bytes, relpath: str) -> BinaryIO:
    """A buffered plaintext stream over ``raw`` (supports ``read(n)``, ``with``)."""
    return io.BufferedReader(DecryptingReader(raw, key, relpath), buffer_size=SEGMENT)  # type: ignore[return-value]


def decrypt_bytes(data: bytes, key: bytes, relpath: str) -> bytes:
    with open_decrypting(io.BytesIO(data), key, relpath) as f:
        return f.read()
