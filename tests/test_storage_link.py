"""Storing a staged bag without a second copy or a second hash (issue 17, goal 2).

A file hashed while this process wrote it (``copy_file_hashing``) is hard-linked into
local storage; anything else — a file changed after it was hashed, a bag made by
another tool, a second location — is copied and hashed as before.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import bagit
import pytest

from luutru.packaging.bag import copy_file_hashing
from luutru.packaging.bag_seal import seal_bag, write_declaration
from luutru.packaging.linked import link_file_hashing
from luutru.packaging.written import remember_written, take_written_digest
from luutru.preservation.fixity import audit
from luutru.preservation.storage.base import ChecksumMismatch, StorageError
from luutru.preservation.storage.crypto import decrypt_bytes, encrypt_stream
from luutru.preservation.storage.local import LocalStorage
from luutru.preservation.storage.replicated import ReplicatedStorage

AIP = "000.00.31.H57.2021.07"


def staged_bag(tmp_path: Path, payload: bytes) -> Path:
    """A bag assembled as an ingest does: payload copied and hashed in one pass."""
    src = tmp_path / "source.bin"
    src.write_bytes(payload)
    root = tmp_path / "staging" / "bag"
    sha, size = copy_file_hashing(src, root / "data" / "objects" / "so_lieu.csv", durable=False)
    write_declaration(root, "2026-11-30")
    seal_bag(root, {"data/objects/so_lieu.csv": (sha, size)}, {"Source-Organization": "UBND tỉnh Tiền Giang"})
    return root


def test_a_staged_file_is_linked_into_storage_not_copied(tmp_path: Path) -> None:
    bag = staged_bag(tmp_path, b"ma;ten\n1;H\xe1\xbb\x93 s\xc6\xa1\n" * 1000)
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag)
    stored = st.path_of(AIP, "data/objects/so_lieu.csv")
    assert os.path.samefile(stored, bag / "data" / "objects" / "so_lieu.csv")  # one inode: no second copy
    assert oct(stored.stat().st_mode & 0o777) == oct(0o444)
    bagit.Bag(str(st.aips / AIP)).validate()
    assert audit([st], repair=False).ok


def test_a_file_changed_after_it_was_hashed_is_hashed_again_and_refused(tmp_path: Path) -> None:
    bag = staged_bag(tmp_path, b"x" * 10_000)
    f = bag / "data" / "objects" / "so_lieu.csv"
    f.write_bytes(b"y" * 10_001)  # another size, another mtime: no longer the bytes that were hashed
    st = LocalStorage(tmp_path / "store")
    with pytest.raises(ChecksumMismatch):
        st.put_aip(AIP, bag)
    assert list(st.list_aips()) == []


def test_same_size_rewrite_with_a_new_mtime_is_not_trusted(tmp_path: Path) -> None:
    bag = staged_bag(tmp_path, b"x" * 10_000)
    f = bag / "data" / "objects" / "so_lieu.csv"
    st = os.stat(f)
    f.write_bytes(b"y" * 10_000)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert take_written_digest(f) is None


def test_a_replica_gets_its_own_copy_never_a_second_link(tmp_path: Path) -> None:
    bag = staged_bag(tmp_path, os.urandom(300_000))
    primary, replica = LocalStorage(tmp_path / "a"), LocalStorage(tmp_path / "b")
    ReplicatedStorage(primary, [replica]).put_aip(AIP, bag)
    a = primary.path_of(AIP, "data/objects/so_lieu.csv")
    b = replica.path_of(AIP, "data/objects/so_lieu.csv")
    assert a.read_bytes() == b.read_bytes()
    assert not os.path.samefile(a, b)  # damage to one location never reaches the other


def test_a_bag_made_elsewhere_is_copied_and_checked(tmp_path: Path) -> None:
    root = tmp_path / "bag"
    (root / "x").mkdir(parents=True)
    (root / "x" / "a.txt").write_bytes(b"abc")
    bagit.make_bag(str(root), checksums=["sha256"])
    remember_written(root / "data" / "x" / "a.txt", hashlib.sha256(b"other").hexdigest(), 3)  # a wrong claim
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, root)  # the claim does not match the manifest: copied and hashed
    assert not os.path.samefile(st.path_of(AIP, "data/x/a.txt"), root / "data" / "x" / "a.txt")


def test_links_out_of_the_aip_are_still_refused(tmp_path: Path) -> None:
    bag = staged_bag(tmp_path, b"abc")
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, bag)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    d = st.aips / AIP
    os.chmod(d / "data", 0o755)
    os.symlink(outside, d / "data" / "link.txt")
    with pytest.raises(StorageError, match="escapes"):
        st.open_file(AIP, "data/link.txt")
    with pytest.raises(StorageError, match="escapes"):
        st.open_file(AIP, "data/../../../secret.txt")
    with st.open_file(AIP, "data/objects/../objects/so_lieu.csv") as fh:  # '..' inside the AIP: resolved
        assert fh.read() == b"abc"


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 7])
def test_encryption_one_pass_round_trip_and_deterministic(size: int) -> None:
    key = os.urandom(32)
    data = os.urandom(size)
    out1, out2 = io.BytesIO(), io.BytesIO()
    psha, pn, csha, cn = encrypt_stream(io.BytesIO(data), out1, key, "data/objects/a.csv")
    encrypt_stream(io.BytesIO(data), out2, key, "data/objects/a.csv")
    assert (psha, pn) == (hashlib.sha256(data).hexdigest(), size)
    assert (csha, cn) == (hashlib.sha256(out1.getvalue()).hexdigest(), len(out1.getvalue()))
    assert out1.getvalue() == out2.getvalue()  # same bag stored twice: same ciphertext
    assert decrypt_bytes(out1.getvalue(), key, "data/objects/a.csv") == data


def test_nonces_differ_when_an_earlier_segment_differs() -> None:
    """Same last segment, different first one: the nonce covers the whole prefix."""
    key = os.urandom(32)
    seg = 1 << 20
    tail = os.urandom(seg)
    a, b = io.BytesIO(), io.BytesIO()
    encrypt_stream(io.BytesIO(b"A" * seg + tail), a, key, "data/x")
    encrypt_stream(io.BytesIO(b"B" * seg + tail), b, key, "data/x")
    header = 12
    nonce_at = header + (seg + 28)  # second segment's nonce
    assert a.getvalue()[nonce_at:nonce_at + 12] != b.getvalue()[nonce_at:nonce_at + 12]
    assert a.getvalue()[header:header + 12] != b.getvalue()[header:header + 12]


def test_a_staged_plaintext_to_be_encrypted_is_a_link_to_the_source_never_stored_as_such(tmp_path: Path) -> None:
    """Fixed-term records: the staged plaintext is only read, so it is linked, not copied;
    it is not vouched for as written here, so storage copies it (never links the sender's file)."""
    src = tmp_path / "transfer" / "so_lieu.csv"
    src.parent.mkdir()
    src.write_bytes(b"ma;ten\n" * 5000)
    root = tmp_path / "staging" / "bag"
    staged = root / "data" / "objects" / "so_lieu.csv"
    sha, size = link_file_hashing(src, staged)
    assert (sha, size) == (hashlib.sha256(src.read_bytes()).hexdigest(), src.stat().st_size)
    assert os.path.samefile(src, staged)  # read once, written nowhere
    write_declaration(root, "2026-11-30")
    seal_bag(root, {"data/objects/so_lieu.csv": (sha, size)}, {"Source-Organization": "UBND"})
    st = LocalStorage(tmp_path / "store")
    st.put_aip(AIP, root)
    stored = st.path_of(AIP, "data/objects/so_lieu.csv")
    assert not os.path.samefile(stored, src)  # the sender's file never becomes a stored file
    assert oct(src.stat().st_mode & 0o777) != oct(0o444)  # and keeps its own permissions
