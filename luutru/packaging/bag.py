"""BagIt manifests read, and bytes hashed while they stream.

Checksums are computed in the pass that copies or uploads the bytes (:class:`HashingReader`,
:class:`HashingWriter`), never in a second read, so a bag is written from hashes already known
(:mod:`luutru.packaging.bag_seal`).  Local bags are read with bagit-python's public ``Bag``
API (:func:`expected_digests`, :func:`validate_bag`); manifests from a remote store by
:func:`parse_manifest`, in the same format.
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

import bagit

from luutru.packaging.sealed import MANIFEST, TAGMANIFEST, sealed_digests  # noqa: F401 - the manifest names are read from here
from luutru.packaging.written import remember_written
from luutru.records.errors import ChecksumMismatch, StorageError

CHUNK = 1024 * 1024  # reads for hashing: 8 MiB cost 12 % more CPU than 1 MiB (the buffer falls out of the CPU cache)
COPY_CHUNK = 1024 * 1024


def nfc(relpath: str) -> str:
    """File names compare in NFC so that NFC/NFD spellings of Vietnamese names match."""
    return unicodedata.normalize("NFC", relpath)


class HashingReader:
    """A read-only, non-seekable stream that hashes what passes through it.

    Being non-seekable makes boto3 read it strictly in order, so the digest is the
    digest of exactly the bytes that were sent.
    """

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._hash = hashlib.sha256()
        self.bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._hash.update(data)
        self.bytes += len(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class HashingWriter:
    """A write-only, non-seekable sink that hashes what is written to ``raw``."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._hash = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.bytes += len(data)
        return self._raw.write(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


_buffers = threading.local()


def read_buffer(size: int) -> memoryview:
    """A read buffer kept per thread (one per size): allocating (and zeroing) 8 MiB per
    file made an audit of many small files several times slower than ``sha256sum``."""
    bufs = _buffers.__dict__.setdefault("by_size", {})
    buf = bufs.get(size)
    if buf is None:
        buf = bufs[size] = memoryview(bytearray(size))
    return buf


def sha256_stream(f: BinaryIO, chunk: int = CHUNK) -> tuple[str, int]:
    """Digest and length of a stream, read in bounded chunks into a reused buffer."""
    h = hashlib.sha256()
    n = 0
    readinto = getattr(f, "readinto", None)
    view = read_buffer(chunk) if readinto is not None else None
    while True:
        if view is not None:
            k = readinto(view)
            if not k:
                break
            h.update(view[:k])
        else:
            data = f.read(chunk)
            if not data:
                break
            k = len(data)
            h.update(data)
        n += k
    return h.hexdigest(), n


def copy_hashing(src: BinaryIO, dst: BinaryIO, chunk: int = CHUNK) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` in bounded chunks; returns (sha256, bytes)."""
    h = hashlib.sha256()
    n = 0
    while True:
        data = src.read(chunk)
        if not data:
            break
        h.update(data)
        dst.write(data)
        n += len(data)
    return h.hexdigest(), n


def encode_path(rel: str) -> str:
    """A path as a manifest line writes it: CR and LF percent-encoded, as bagit-python reads it."""
    return rel.replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(p: str) -> str:
    # BagIt 1.0 §2.1.3: CR, LF and % are percent-encoded in manifest paths.
    return p.replace("%0D", "\r").replace("%0d", "\r").replace("%0A", "\n").replace("%0a", "\n").replace(
        "%25", "%"
    )


def parse_manifest(text: str, source: str = "manifest") -> dict[str, str]:
    """``{relpath: sha256}`` from the text of a SHA-256 (tag)manifest."""
    out: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip("\r")
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise StorageError(f"{source} line {lineno} is not '<sha256> <path>': {line[:80]!r}")
        digest, path = parts
        path = _decode_path(path.strip())
        if path.startswith("*"):
            path = path[1:]
        out[path] = digest.lower()
    return out


def bag_files(bag_dir: Path) -> list[str]:
    """Every file of a bag as a POSIX relative path, sorted (tag files first)."""
    root = Path(bag_dir)
    files = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            files.append((Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(files, key=file_order)


def file_order(rel: str) -> tuple[int, str]:
    """Payload first, then tag files, tag manifests last: mirrors how a bag is completed."""
    if rel.startswith("data/"):
        return (0, rel)
    if rel.startswith("tagmanifest-"):
        return (2, rel)
    return (1, rel)


def expected_digests(bag_dir: Path) -> dict[str, str]:
    """``{nfc(relpath): sha256}`` for payload and tag files of a local bag.

    Opens the bag with ``bagit`` (which checks it is a bag) and requires SHA-256
    manifests, which every AIP of the service has.  A bag this process sealed, whose two
    manifests are still the files it wrote (same inode, size and modification time),
    is answered from what :func:`seal_bag` wrote, without reading it again.
    """
    known = sealed_digests(bag_dir)
    if known is not None:
        return known
    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as e:
        raise StorageError(f"{bag_dir} is not a BagIt bag: {e}") from e
    out: dict[str, str] = {}
    for rel, digests in bag.entries.items():
        d = digests.get("sha256")
        if d is None:
            raise StorageError(f"{bag_dir}: {rel} has no SHA-256 in the manifests; AIPs need manifest-sha256.txt")
        out[nfc(rel)] = d.lower()
    return out


def check_digest(aip_id: str, relpath: str, expected: str | None, actual: str, where: str) -> None:
    if expected is not None and expected != actual:
        raise ChecksumMismatch(
            f"{aip_id}/{relpath} at {where}: SHA-256 {actual} does not match the manifest ({expected}); "
            "the source bag changed or the copy was damaged in transit"
        )


#: bagit-python changes the process's working directory while it writes a bag: one at a time.
BAGIT_LOCK = threading.RLock()


def copy_file_hashing(src: Path | BinaryIO, dst: Path, progress: Callable[[int], None] | None = None, *,
                      durable: bool = True) -> tuple[str, int]:
    """Copy a file while computing its SHA-256; memory stays flat whatever the size.

    The digest is remembered (:mod:`luutru.packaging.written`): storing the copy links it
    into place, no second read and hash.  ``durable=False`` skips the ``fsync``: for scratch
    copies (staging) that storage makes durable; a crash means submitting again."""
    h = hashlib.sha256()
    n = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    fh = open(src, "rb", buffering=0) if isinstance(src, Path) else src
    readinto = getattr(fh, "readinto", None)
    view = read_buffer(COPY_CHUNK) if readinto is not None else None
    try:
        with open(dst, "wb") as out:  # buffered: a write always writes all
            while True:
                if view is not None:
                    k = readinto(view)
                    buf = view[:k] if k else b""
                else:
                    buf = fh.read(COPY_CHUNK)
                if not buf:
                    break
                h.update(buf)
                out.write(buf)
                n += len(buf)
                if progress:
                    progress(len(buf))
            out.flush()
            if durable:
                os.fsync(out.fileno())
    finally:
        if isinstance(src, Path):
            fh.close()
    digest = h.hexdigest()
    remember_written(dst, digest, n)
    return digest, n


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return sha256_stream(fh)[0]


def read_manifest(read_text: Callable[[str], str]) -> dict[str, str]:
    """Payload manifest of a stored bag as {bag path: sha256}; ``read_text`` reads a tag file."""
    return parse_manifest(read_text(MANIFEST), MANIFEST)


@dataclass(frozen=True)
class BagProblem:
    """One reason a bag does not validate (bagit-python's per-file details, as data)."""

    kind: str  # checksum | missing | unexpected | duplicate | invalid
    path: str | None
    message: str
    expected: str | None = None
    found: str | None = None
    algorithm: str | None = None


def _problem(d: Any) -> BagProblem:
    path = getattr(d, "path", None)
    if isinstance(d, bagit.ChecksumMismatch):
        return BagProblem("checksum", path, str(d), d.expected, d.found, d.algorithm)
    if isinstance(d, bagit.FileMissing):
        return BagProblem("missing", path, str(d))
    if isinstance(d, bagit.UnexpectedFile):
        return BagProblem("unexpected", path, str(d))
    return BagProblem("invalid", path, str(d))


def manifest_duplicates(path: Path) -> list[BagProblem]:
    """Payload paths a manifest lists more than once, also as NFC and NFD forms of one name.

    bagit-python reports such a line as a checksum mismatch of a file it cannot read
    (the NFD form), as "conflicting values", or only logs it; it is neither: the manifest
    is ambiguous about which line is the file's, so it gets its own problem.
    """
    out = []
    for manifest in sorted(Path(path).glob("manifest-*.txt")):
        seen: dict[str, list[str]] = {}
        try:
            lines = manifest.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # bagit-python reports an unreadable manifest
        for line in lines:
            parts = line.strip("\r").split(None, 1)
            if len(parts) == 2:
                rel = _decode_path(parts[1].strip()).removeprefix("*")
                seen.setdefault(nfc(rel), []).append(rel)
        out += [BagProblem("duplicate", name, f"{manifest.name} lists {name!r} {len(forms)} times"
                           + (" (in different Unicode forms, NFC and NFD)" if len(set(forms)) > 1 else ""))
                for name, forms in seen.items() if len(forms) > 1]
    return out


def bag_problems(path: Path, fast: bool = False) -> list[BagProblem]:
    """Every problem of a bag on disk, one per bad file (empty list = valid); a path listed
    twice in a manifest is a ``duplicate`` problem, never also a checksum one."""
    dups = manifest_duplicates(path)
    named = {p.path for p in dups}
    found = [p for p in _bagit_problems(path, fast)
             if not (p.path is not None and nfc(p.path) in named) and "multiple times" not in p.message]
    return dups + found


def _bagit_problems(path: Path, fast: bool) -> list[BagProblem]:
    with BAGIT_LOCK:
        try:
            bagit.Bag(str(path)).validate(processes=1, fast=fast)
        except bagit.BagValidationError as e:
            return [_problem(d) for d in (e.details or [])] or [BagProblem("invalid", None, e.message)]
        except bagit.BagError as e:
            return [BagProblem("invalid", None, str(e))]
        except UnicodeDecodeError as e:  # a tag file that is not UTF-8: bagit-python does not catch it
            return [BagProblem("invalid", None, f"a tag file is not UTF-8 text ({e.reason} at byte {e.start})")]
    return []


def bag_info(path: Path) -> dict[str, Any] | None:
    """The ``bag-info.txt`` fields of a bag on disk, or None when it is not a readable bag."""
    with BAGIT_LOCK:
        try:
            return dict(bagit.Bag(str(path)).info)
        except bagit.BagError:
            return None


def validate_bag(path: Path, fast: bool = False) -> list[str]:
    """Problems of a bag on disk (empty list = valid), one entry per bad file."""
    return [p.message for p in bag_problems(path, fast)]
