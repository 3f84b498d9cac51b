"""The zip-safety module and the atomic write, on real files."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from luutru.packaging import atomic, zipsafe


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("t/ok.txt", "ok")
        z.writestr("t/sub/", "")
        z.writestr("../escape.txt", "no")
        z.writestr("/abs.txt", "no")
        z.writestr("C:evil.txt", "no")
        z.writestr("t\\..\\..\\win.txt", "no")
        link = zipfile.ZipInfo("t/link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    return path


def test_only_safe_members_are_written_and_every_unsafe_one_is_named(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    problems = zipsafe.extract(_zip(tmp_path / "t.zip"), dest)
    assert {(p.name, p.why) for p in problems} == {
        ("../escape.txt", zipsafe.PARENT), ("/abs.txt", zipsafe.ABSOLUTE), ("C:evil.txt", zipsafe.ABSOLUTE),
        ("t\\..\\..\\win.txt", zipsafe.PARENT), ("t/link", zipsafe.SYMLINK)}
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert written == ["out", "out/t", "out/t/ok.txt", "out/t/sub", "t.zip"]
    assert (dest / "t" / "ok.txt").read_text() == "ok"


def test_catalogue_paths_follow_the_same_rule() -> None:
    assert zipsafe.unsafe_path("files/05/0001.pdf") is None
    assert zipsafe.unsafe_path("files/../../x.pdf") == zipsafe.PARENT
    assert zipsafe.unsafe_path("\\\\server\\x.pdf") == zipsafe.ABSOLUTE


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    atomic.write_atomic(target, "mới", mode=0o640)
    assert target.read_text(encoding="utf-8") == "mới"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
