"""The encrypted bag written for a fixed-term AIP: payload encrypted file by file,
manifests over the ciphertext (see :mod:`.encrypted` for the layout).

A payload file already encrypted while it was staged (:mod:`.staged`) is moved into
the encrypted bag when it still matches; every other file is encrypted here.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import BinaryIO

from luutru.packaging.bag import bag_files, expected_digests, file_order, nfc
from luutru.packaging.bag_seal import seal_bag, write_declaration
from luutru.packaging.held import HeldBag, read_file
from luutru.packaging.written import remember_written
from luutru.policies.retention import is_permanent
from luutru.preservation.storage.base import ChecksumMismatch, StorageError
from luutru.preservation.storage.crypto import SEGMENT, encrypt_bytes, encrypt_stream
from luutru.preservation.storage.names import NAMES, NAMING, encode_names, opaque_name
from luutru.preservation.storage.staged import StagedFile, adopt

ENC_INFO = "luutru-encryption.json"
PLAIN_TAGS = "luutru-plain-tags.enc"
SCHEME = "luutru-aead-stream/1"


def encrypt_bag(aip_id: str, bag_dir: Path, enc: Path, key: bytes, *, opaque_names: bool,
                staged: dict[str, StagedFile], held: HeldBag | None = None) -> None:
    """Write the encrypted bag of ``bag_dir`` into ``enc`` under ``key``; ``held``: the
    bag's files kept in memory (:mod:`luutru.packaging.held`), encrypted from there."""
    in_memory = held.files if held is not None else {}
    expected = held.digests if held is not None else expected_digests(bag_dir)
    cipher_hashes: dict[str, tuple[str, int]] = {}
    files = sorted(set(bag_files(bag_dir)) | set(in_memory), key=file_order)
    payload = [rel for rel in files if rel.startswith("data/")]
    made: set[Path] = set()
    for rel in payload:
        stored = opaque_name(key, rel) if opaque_names else rel  # no name in clear in any copy
        if stored in cipher_hashes:
            raise StorageError(f"{aip_id}: two payload files share the name {nfc(rel)!r} once normalised (NFC)")
        if (enc / stored).parent not in made:
            (enc / stored).parent.mkdir(parents=True, exist_ok=True)
            made.add((enc / stored).parent)
        want = expected.get(nfc(rel))
        done = None if rel in in_memory else adopt(staged.get(nfc(rel)), bag_dir / rel, enc / stored, want)
        if done is not None:  # encrypted while staged, unchanged since: not read again
            psha, csha, cn = done.plain_sha, done.cipher_sha, done.cipher_size
        else:
            with _source(bag_dir, rel, in_memory) as src, open(enc / stored, "wb") as dst:
                psha, _pn, csha, cn = encrypt_stream(src, dst, key, nfc(rel))
        remember_written(enc / stored, csha, cn)  # the inner storage links it: not hashed again
        if want is not None and want != psha:
            raise ChecksumMismatch(f"{aip_id}/{rel}: SHA-256 {psha} does not match the bag manifest ({want}); "
                                   "the bag changed while it was being stored")
        cipher_hashes[stored] = (csha, cn)
    if opaque_names:
        (enc / NAMES).write_bytes(encrypt_bytes(encode_names([nfc(r) for r in payload]), key, NAMES))
    plain_tags = {rel: read_file(bag_dir, rel).decode("utf-8") for rel in files if not rel.startswith("data/")}
    (enc / PLAIN_TAGS).write_bytes(encrypt_bytes(json.dumps(plain_tags, ensure_ascii=False).encode("utf-8"),
                                                 key, PLAIN_TAGS))
    # Deterministic (no timestamp): storing the same bag again gives the same bytes.
    info = {"scheme": SCHEME, "cipher": "AES-256-GCM", "segment_size": SEGMENT, "key_id": aip_id,
            "encrypted": "payload (data/), its file names and original tag files"}
    if opaque_names:
        info["names"] = NAMING
    (enc / ENC_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
    # The original bag-info (title, description, agency) is inside PLAIN_TAGS only: the
    # stored, replicated and backed-up bag names nothing a destruction must remove.
    write_declaration(enc, _bagging_date(plain_tags.get("bag-info.txt", "")))
    seal_bag(enc, cipher_hashes, {"Luutru-Encryption": SCHEME,  # manifests over the ciphertext
                                  "Luutru-Description": f"encrypted; described inside {PLAIN_TAGS}"})


def fixed_term(bag_dir: Path) -> bool:
    """Whether the sealed bag at ``bag_dir`` is a fixed-term dossier's (stored encrypted)."""
    try:
        meta = json.loads(read_file(bag_dir, "data/metadata/dossier.json"))
    except (OSError, ValueError) as e:
        raise StorageError(f"{bag_dir} has no readable data/metadata/dossier.json: {e}") from e
    return not is_permanent((meta.get("_service") or {}).get("retention_years"))


def _source(bag_dir: Path, rel: str, in_memory: dict[str, bytes]) -> BinaryIO:
    """A payload file to encrypt: from memory when the bag holds it there."""
    return io.BytesIO(in_memory[rel]) if rel in in_memory else open(bag_dir / rel, "rb")  # noqa: SIM115


def _bagging_date(bag_info: str) -> str:
    """The original's Bagging-Date (storing the same bag again must give the same bytes)."""
    for line in bag_info.splitlines():
        if line.startswith("Bagging-Date:"):
            return line.split(":", 1)[1].strip()
    return "1970-01-01"
