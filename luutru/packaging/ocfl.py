"""Revisions of a stored AIP as OCFL 1.1 versions (inventories, logical state, reading).

Why OCFL: it is the published, tool-supported way to keep every version of an object
immutable and readable, with one inventory per version (content-addressed manifest,
SHA-512, the full logical state of every version so far).  Why not its exact physical
layout: the bag stored at ingest is revision 1 and must not move or be rewritten (object
lock, existing AIPs, replicas), and OCFL's root ``inventory.json`` is rewritten at every
new version, which a locked object store forbids.  So a stored AIP is::

    <the BagIt bag as ingested>                   revision v1, never changed
    revisions/v2/content/<logical path>           files new in v2 (only those)
    revisions/v2/inventory.json                   OCFL inventory of v1..v2
    revisions/v2/inventory.json.sha512            its sidecar
    revisions/v2/manifest-sha256.txt              SHA-256 of the stored bytes, written last
    revisions/v3/...

Mapping to an OCFL object: content path ``v1/content/X`` is stored at ``X`` (the bag),
``vN/content/X`` at ``revisions/vN/content/X``; the head inventory is the newest
``revisions/vN/inventory.json``.  :func:`export_object` writes a standard OCFL object
from these files (tests validate it with ocfl-py).  A revision counts only once its
``manifest-sha256.txt`` exists (written last), so readers never see half of one; every
file is a new object, nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

OCFL_TYPE = "https://ocfl.io/1.1/spec/#inventory"
OBJECT_DECLARATION = "0=ocfl_object_1.1"
REVISIONS = "revisions"
INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha512"
STORED_MANIFEST = "manifest-sha256.txt"
_REV = re.compile(r"^revisions/v([1-9][0-9]*)/manifest-sha256\.txt$")

Reader = Callable[[str], bytes]


class RevisionError(ValueError):
    """A revision inventory that is missing, damaged or inconsistent."""


@dataclass(frozen=True)
class FileDigests:
    sha512: str
    sha256: str
    size: int


def digests(data: bytes) -> FileDigests:
    return FileDigests(hashlib.sha512(data).hexdigest(), hashlib.sha256(data).hexdigest(), len(data))


def vname(n: int) -> str:
    return f"v{n}"


def revision_dir(n: int) -> str:
    return f"{REVISIONS}/v{n}"


def stored_path(content_path: str) -> str:
    """Where an OCFL content path of this AIP is stored (see the module docstring)."""
    ver, _, rest = content_path.partition("/content/")
    if ver == "v1":
        return rest
    return f"{REVISIONS}/{ver}/content/{rest}"


def planned_path(version: int, logical: str) -> str:
    """Where a file written in revision ``version`` is stored (component paths record it)."""
    return f"{REVISIONS}/{vname(version)}/content/{logical}"


def revisions_in(names: Iterable[str]) -> list[int]:
    """Complete revisions (N ≥ 2) among the stored file names of one AIP."""
    out = []
    for n in names:
        m = _REV.match(n)
        if m and int(m.group(1)) >= 2:
            out.append(int(m.group(1)))
    return sorted(out)


def inventory_bytes(inv: dict[str, Any]) -> bytes:
    return json.dumps(inv, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def sidecar_bytes(inv_data: bytes) -> bytes:
    return f"{hashlib.sha512(inv_data).hexdigest()} {INVENTORY}\n".encode()


def read_inventory(read: Reader, n: int) -> dict[str, Any]:
    """Revision ``n``'s inventory, checked against its SHA-512 sidecar."""
    data = read(f"{revision_dir(n)}/{INVENTORY}")
    side = read(f"{revision_dir(n)}/{SIDECAR}").decode("utf-8").split()
    if not side or side[0] != hashlib.sha512(data).hexdigest():
        raise RevisionError(f"{revision_dir(n)}/{INVENTORY} does not match its SHA-512 sidecar")
    inv: dict[str, Any] = json.loads(data)
    if inv.get("head") != vname(n) or inv.get("type") != OCFL_TYPE:
        raise RevisionError(f"{revision_dir(n)}/{INVENTORY} is not the OCFL inventory of version v{n}")
    return inv


def state_of(inv: dict[str, Any], n: int) -> dict[str, str]:
    """Logical path → content path of version ``n`` of an inventory."""
    manifest = inv["manifest"]
    out = {}
    for digest, paths in inv["versions"][vname(n)]["state"].items():
        for p in paths:
            out[p] = manifest[digest][0]
    return out


def first_inventory(aip_id: str, files: dict[str, FileDigests], created: str) -> dict[str, Any]:
    """The inventory describing the ingested bag as version v1 (built when v2 is written)."""
    manifest: dict[str, list[str]] = {}
    state: dict[str, list[str]] = {}
    fixity: dict[str, list[str]] = {}
    for rel, d in sorted(files.items()):
        manifest.setdefault(d.sha512, []).append(f"v1/content/{rel}")
        state.setdefault(d.sha512, []).append(rel)
        fixity.setdefault(d.sha256, []).append(f"v1/content/{rel}")
    return {
        "id": aip_id, "type": OCFL_TYPE, "digestAlgorithm": "sha512", "head": "v1", "contentDirectory": "content",
        "manifest": manifest, "fixity": {"sha256": fixity},
        "versions": {"v1": {"created": created, "state": state, "message": "ingest (BagIt AIP)",
                            "user": {"name": "luutru"}}},
    }


def next_inventory(prev: dict[str, Any], changes: dict[str, FileDigests | None], *, created: str, message: str,
                   user: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The inventory of the next version: previous state with ``changes`` (None deletes).

    Returns (inventory, logical path → content path of each file to store now).
    """
    n = int(prev["head"][1:]) + 1
    inv = json.loads(json.dumps(prev))
    digest_of = {p: d for d, ps in prev["versions"][prev["head"]]["state"].items() for p in ps}
    to_store: dict[str, str] = {}
    for path, d in sorted(changes.items()):
        if d is None:
            digest_of.pop(path, None)
            continue
        digest_of[path] = d.sha512
        # Always stored under this version (no de-duplication): the stored path of a new
        # file is then known before the revision is written (component paths name it).
        cp = f"{vname(n)}/content/{path}"
        inv["manifest"].setdefault(d.sha512, []).append(cp)
        inv["fixity"]["sha256"].setdefault(d.sha256, []).append(cp)
        to_store[path] = cp
    state: dict[str, list[str]] = {}
    for path, digest in sorted(digest_of.items()):
        state.setdefault(digest, []).append(path)
    inv["head"] = vname(n)
    inv["versions"][vname(n)] = {"created": created, "state": state, "message": message, "user": {"name": user}}
    return inv, to_store


class RevisionReader:
    """Reads the logical files of any revision of one stored AIP."""

    def __init__(self, read: Reader, names: Iterable[str]):
        self._read = read
        self.revisions = [1] + revisions_in(names)
        self.head = self.revisions[-1]
        self._inv: dict[str, Any] | None = read_inventory(read, self.head) if self.head > 1 else None

    @property
    def inventory(self) -> dict[str, Any] | None:
        """The head inventory (None while the AIP has only revision 1)."""
        return self._inv

    def paths(self, version: int | None = None) -> dict[str, str]:
        """Logical path → stored path of a revision (the head by default)."""
        v = version or self.head
        if v not in self.revisions:
            raise RevisionError(f"no revision v{v} (revisions: {', '.join(f'v{r}' for r in self.revisions)})")
        if self._inv is None:
            raise RevisionError("revision 1 has no inventory of its own; read the bag")
        return {p: stored_path(cp) for p, cp in state_of(self._inv, v).items()}

    def read(self, rel: str, version: int | None = None) -> bytes:
        """A logical file of a revision; a stored path (``revisions/vN/content/…``, as component
        paths of later revisions are recorded) is read as it is."""
        if (self._inv is None and (version or 1) == 1) or rel.startswith(REVISIONS + "/"):
            return self._read(rel)
        paths = self.paths(version)
        if rel not in paths:
            raise RevisionError(f"{rel} is not in revision v{version or self.head}")
        return self._read(paths[rel])

    def versions(self) -> list[dict[str, Any]]:
        """created/message/user of every revision (v1 only: from the bag)."""
        if self._inv is None:
            return [{"version": 1, "message": "ingest (BagIt AIP)"}]
        return [{"version": int(k[1:]), **{x: v[x] for x in ("created", "message", "user") if x in v}}
                for k, v in sorted(self._inv["versions"].items(), key=lambda kv: int(kv[0][1:]))]


def export_object(read: Reader, names: Iterable[str], dest: Path) -> Path:
    """Write the AIP as a standard OCFL 1.1 object directory (for exchange and validation)."""
    r = RevisionReader(read, names)
    if r.inventory is None:
        raise RevisionError("the AIP has only revision 1: nothing to export as OCFL versions yet")
    dest.mkdir(parents=True)
    (dest / OBJECT_DECLARATION).write_text("ocfl_object_1.1\n")
    for paths in r.inventory["manifest"].values():
        for cp in paths:
            target = dest / cp
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(read(stored_path(cp)))
    for n in r.revisions[1:]:
        inv = read(f"{revision_dir(n)}/{INVENTORY}")
        (dest / vname(n) / INVENTORY).write_bytes(inv)
        (dest / vname(n) / SIDECAR).write_bytes(sidecar_bytes(inv))
    head_inv = read(f"{revision_dir(r.head)}/{INVENTORY}")
    (dest / INVENTORY).write_bytes(head_inv)
    (dest / SIDECAR).write_bytes(sidecar_bytes(head_inv))
    return dest
