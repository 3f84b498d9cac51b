"""Writing a bag whose payload digests are already known (they were computed while the
payload was copied, :mod:`luutru.packaging.bag`): declaration, payload manifest, then
bag-info (by bagit-python's own tag-file writer) and the tag manifest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import bagit

from luutru.packaging.bag import MANIFEST, encode_path, nfc, sha256_file
from luutru.packaging.sealed import TAGMANIFEST, remember_sealed


def write_declaration(root: Path, bagging_date: str) -> None:
    """``bagit.txt`` and a first ``bag-info.txt``: what bagit-python needs to open the bag."""
    (root / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
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
