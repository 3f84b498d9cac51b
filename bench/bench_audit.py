"""Fixity audit throughput on generated AIPs in local storage, against ``sha256sum``.

Generates N AIPs (BagIt, SHA-256) of mixed file sizes, stores them in a LocalStorage,
then times ``fixity.audit`` over them and ``sha256sum`` over the very same stored
files in the same run (page cache warmed the same way for both: each measurement is
preceded by one untimed read of all files).  Prints bytes, seconds, MB/s and the
ratio audit / sha256sum.

    .venv/bin/python bench/bench_audit.py --aips 40 --mib-per-aip 25
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bagit  # noqa: E402

from luutru.preservation.fixity import audit  # noqa: E402
from luutru.preservation.storage.local import LocalStorage  # noqa: E402


def make_aips(store: LocalStorage, work: Path, n: int, mib: float) -> int:
    sizes = [int(mib * 2**20 * f) for f in (0.6, 0.25, 0.1, 0.05)]
    for i in range(n):
        bag = work / f"bag{i}"
        (bag / "tài liệu").mkdir(parents=True)
        for j, size in enumerate(sizes):
            (bag / "tài liệu" / f"văn bản {j}.pdf").write_bytes(os.urandom(size))
        bagit.make_bag(str(bag), checksums=["sha256"])
        store.put_aip(f"000.00.31.H57.2021.{i:03d}", bag)
    return sum(p.stat().st_size for p in store.aips.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aips", type=int, default=40)
    ap.add_argument("--mib-per-aip", type=float, default=25.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="luutru-bench-") as tmp:
        store = LocalStorage(Path(tmp) / "store")
        total = make_aips(store, Path(tmp), args.aips, args.mib_per_aip)
        files = sorted(str(p) for p in store.aips.rglob("*") if p.is_file())
        list_file = Path(tmp) / "files.txt"
        list_file.write_text("\0".join(files))

        def sha256sum() -> float:
            t = time.perf_counter()
            subprocess.run(f"xargs -0 sha256sum < '{list_file}' > /dev/null", shell=True, check=True)
            return time.perf_counter() - t

        sha256sum()  # warm the page cache
        t_tool = min(sha256sum() for _ in range(2))
        audit([store])  # same warm-up for the audit
        runs = []
        for _ in range(2):
            t = time.perf_counter()
            report = audit([store])
            runs.append(time.perf_counter() - t)
            assert report.ok
        t_audit = min(runs)
        mb = total / 1e6
        print(json.dumps({
            "aips": args.aips,
            "files": len(files),
            "bytes": total,
            "sha256sum_s": round(t_tool, 3),
            "sha256sum_MBps": round(mb / t_tool, 1),
            "audit_s": round(t_audit, 3),
            "audit_MBps": round(mb / t_audit, 1),
            "audit_over_sha256sum": round(t_tool / t_audit, 3),
        }, indent=1))


if __name__ == "__main__":
    main()
