"""Benchmark: veraPDF time per file, one process per batch against one process per file.

Writes the project's PDF/A corpus (tests/pdfa_corpus.py) N times over, then measures:
  * batch: every file through one veraPDF process (what ingest does per transfer);
  * per file: one veraPDF process for each of the first K files (the JVM start that
    batching avoids), for comparison;
  * startup: ``verapdf --version`` (the JVM and veraPDF start alone).
Time per file is wall time divided by the number of files.

    .venv/bin/python bench/bench_verapdf.py [-n 400] [-k 10] [--verapdf PATH]

The veraPDF path defaults to LUUTRU_TEST_VERAPDF or .engines/bin/verapdf (scripts/setup).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from luutru.tools.verapdf import validate_batch
from tests.pdfa_corpus import CASES


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=400, help="files in the batch (default 400)")
    ap.add_argument("-k", type=int, default=10, help="files run one process each (default 10)")
    ap.add_argument("--verapdf", default=os.environ.get("LUUTRU_TEST_VERAPDF") or str(ROOT / ".engines/bin/verapdf"))
    args = ap.parse_args()
    exe = shutil.which(args.verapdf) or args.verapdf
    if not Path(exe).is_file():
        sys.exit(f"veraPDF not found at {args.verapdf}: run scripts/setup (as root) or pass --verapdf")

    with tempfile.TemporaryDirectory(prefix="bench-verapdf-") as tmp:
        files = []
        blobs = [(c.name, c.make()) for c in CASES]
        for i in range(args.n):
            name, data = blobs[i % len(blobs)]
            p = Path(tmp) / f"{i:05d}-{name}"
            p.write_bytes(data)
            files.append(p)

        t = time.perf_counter()
        subprocess.run([exe, "--version"], capture_output=True, check=True)
        startup = time.perf_counter() - t

        t = time.perf_counter()
        out = validate_batch(files, exe=exe)
        batch = time.perf_counter() - t
        errors = sum(1 for o in out.values() if o.error)

        k = min(args.k, len(files))
        t = time.perf_counter()
        for p in files[:k]:
            validate_batch([p], exe=exe)
        single = time.perf_counter() - t

    result = {
        "verapdf_startup_s": round(startup, 2),
        "batch_files": len(files), "batch_s": round(batch, 2),
        "batch_ms_per_file": round(1000 * batch / len(files), 1),
        "per_file_process_ms_per_file": round(1000 * single / k, 1) if k else None,
        "errors": errors,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
