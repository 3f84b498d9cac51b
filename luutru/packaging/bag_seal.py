"""Writing a bag whose payload digests are already known (they were computed while the
payload was copied, :mod:`luutru.packaging.bag`): declaration, payload manifest, then
bag-info (by bagit-python's own tag-file writer) and the tag manifest.

:func:`tag_files` gives the same tag files as bytes, for a bag held in memory
(:mod:`luutru.packaging.held`)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Mapping

import bagit

from luutru.packaging.bag import MANIFEST, encode_path, nfc, sha256_file
from luutru.packaging.sealed import TAGMANIFEST, remember_sealed


DECLARATION = "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"


def write_declaration(root: Path, bagging_date: str) -> None:
    """``bagit.txt`` and a first ``bag-info.txt``: what bagit-python needs to open the bag."""
    (root / "bagit.txt").write_text(DECLARATION, encoding="utf-8")
    (root / "bag-info.txt").write_text(f"Bagging-Date: {bagging_date}\n", encoding="utf-8")


def write_manifest(root: Path, hashes: Mapping[str, tuple[str, int]]) -> Path:
    """``manifest-sha256.txt`` from ``{bag path: (sha256, size)}``, sorted by path."""
    path = root / MANIFEST
    with open(path, "w", encoding="utf-8") as fh:
        for rel in sorted(hashes):
            fh.write(f"{hashes[rel][0]}  {encode_path(rel)}\n")
    return path


def seal_bag(root: Path, hashes: Mapping[str, tuple[str, int]], info: Mapping[str, str]) -> None:
    """Finish a bag whose payload hashes are known: payload manifest, then bag-info
    (``info`` plus ``Payload-Oxum``) and the tag manifest.

    ``root`` must already hold ``bagit.txt`` and ``bag-info.txt`` (:func:`write_declaration`,
    or copies of another bag's).  bag-info is written by bagit-python's own tag-file
    writer; ``Bag(root).save()`` also walked the bag twice for permissions and re-read
    every manifest line with a ``realpath`` before and after writing — for a dossier of
    ten small files, more than writing the bag — and changed the process's working
    directory, which bags sealed on several threads at once cannot share.  The digests
    of the sealed bag are remembered for :func:`luutru.packaging.bag.expected_digests`.
    """
    write_manifest(root, hashes)
    total = sum(size for _sha, size in hashes.values())
    tags = bagit._load_tag_file(str(root / "bag-info.txt"))
    tags.update(info)
    tags["Payload-Oxum"] = f"{total}.{len(hashes)}"
    bagit._make_tag_file(str(root / "bag-info.txt"), tags)
    tag_digests = write_tagmanifest(root)
    digests = {nfc(rel): sha.lower() for rel, (sha, _size) in hashes.items()}
    digests.update((nfc(rel), sha) for rel, sha in tag_digests.items())
    remember_sealed(root, digests)


def write_tagmanifest(root: Path) -> dict[str, str]:
    """``tagmanifest-sha256.txt``: every file outside ``data/`` except tag manifests, in
    the form bagit-python writes (``<sha256> <path>``, one space), without its reliance
    on the working directory."""
    digests: dict[str, str] = {}
    for dirpath, dirs, names in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirs[:] = sorted(d for d in dirs if d != "data")
        for name in sorted(names):
            rel = name if rel_dir == "." else f"{Path(rel_dir).as_posix()}/{name}"
            if name.startswith("tagmanifest-") and rel_dir == ".":
                continue
            digests[rel] = sha256_file(Path(dirpath) / name)
    (root / TAGMANIFEST).write_text("".join(f"{sha} {rel}\n" for rel, sha in digests.items()), encoding="utf-8")
    return digests


_NEWLINES = re.compile(r"\n|\r|(\r\n)")


def bag_info_text(tags: Mapping[str, str | list[str]]) -> str:
    """bag-info.txt as bagit-python's ``_make_tag_file`` writes it: tags sorted, one line
    per value, CR and LF removed (``tests/test_bag_seal.py`` compares the two)."""
    lines = []
    for name in sorted(tags):
        values = tags[name]
        for value in values if isinstance(values, list) else [values]:
            lines.append(f"{name}: {_NEWLINES.sub('', str(value))}\n")
    return "".join(lines)


def tag_files(hashes: Mapping[str, tuple[str, int]], info: Mapping[str, str],
              bagging_date: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """The tag files of a bag whose payload is ``hashes`` (``{path: (sha256, size)}``), as
    :func:`write_declaration` then :func:`seal_bag` would write them, in memory; and every
    digest the bag's manifests give (``{nfc(path): sha256}``, payload and tags)."""
    total = sum(size for _sha, size in hashes.values())
    tags: dict[str, str] = {"Bagging-Date": bagging_date, **info, "Payload-Oxum": f"{total}.{len(hashes)}"}
    files = {
        "bagit.txt": DECLARATION.encode("utf-8"),
        "bag-info.txt": bag_info_text(tags).encode("utf-8"),
        MANIFEST: "".join(f"{hashes[rel][0]}  {encode_path(rel)}\n" for rel in sorted(hashes)).encode("utf-8"),
    }
    tag_digests = {rel: hashlib.sha256(files[rel]).hexdigest() for rel in sorted(files)}
    files[TAGMANIFEST] = "".join(f"{sha} {rel}\n" for rel, sha in tag_digests.items()).encode("utf-8")
    digests = {nfc(rel): sha.lower() for rel, (sha, _size) in hashes.items()}
    digests.update(tag_digests)
    return files, digests
