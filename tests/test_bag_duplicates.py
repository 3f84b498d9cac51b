"""A bag manifest listing one file twice (the same name twice, or its NFC and NFD forms) is
its own finding, ``BAG_MANIFEST_DUPLICATE`` naming the file, never a checksum mismatch
(issue 16, item 5: "an NFD name listed twice in a manifest is reported as a checksum
mismatch")."""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from pathlib import Path

import bagit
import pytest

from luutru.config import Settings
from luutru.ingest.pipeline import ingest
from luutru.services import Services
from tests.factory import base_spec, write_transfer

NAME = "files/01/0001_quyết định.pdf"  # base_spec's first file: "ế" differs in NFC and NFD


@pytest.fixture
def svc(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    s = Services(Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}"))
    yield s
    s.close()


def _bag(root: Path, extra_line: str) -> Path:
    """A valid bag (bagit-python), then one more manifest line, the tag manifest kept
    consistent as a sender's tool would have written it."""
    write_transfer(base_spec(1, 2), root)
    bagit.make_bag(str(root), checksums=["sha256"])
    manifest = root / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text("utf-8") + extra_line, encoding="utf-8")
    tags = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")  # the tag manifest over the new manifest
    (root / "tagmanifest-sha256.txt").write_text(
        "".join(f"{hashlib.sha256((root / t).read_bytes()).hexdigest()}  {t}\n" for t in tags), encoding="utf-8")
    return root


@pytest.mark.parametrize("form", ["NFD", "NFD-other-digest", "same", "same-other-digest"])
def test_a_name_listed_twice_is_a_duplicate_not_a_checksum_mismatch(svc: Services, tmp_path: Path,
                                                                     form: str) -> None:
    root = tmp_path / "bag"
    write_transfer(base_spec(1, 2), root / "probe")
    name = unicodedata.normalize("NFD", NAME) if form.startswith("NFD") else NAME
    digest = "0" * 64 if form.endswith("other-digest") else None
    data = (root / "probe" / NAME).read_bytes()
    line = f"{digest or hashlib.sha256(data).hexdigest()}  data/{name}\n"
    bag = _bag(tmp_path / "b", line)
    z = tmp_path / "bag.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(bag.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(bag).as_posix())
    for target in (bag, z) if form == "NFD" else (bag,):
        rep = ingest(target, svc)
        codes = [f.code for f in rep.findings]
        text = rep.to_json()
        assert rep.status == "rejected" and "BAG_MANIFEST_DUPLICATE" in codes, text
        dup = next(f for f in rep.findings if f.code == "BAG_MANIFEST_DUPLICATE")
        assert dup.file == f"data/{NAME}" and "NFC" in dup.message_en, text
        assert "BAG_CHECKSUM_MISMATCH" not in codes and "BAG_INVALID" not in codes, text
        assert "Traceback" not in text and str(tmp_path) not in text
