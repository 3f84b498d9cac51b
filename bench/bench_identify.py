"""Benchmark: format identification time per file (Siegfried batch vs in-process vs sf per file).

Writes the identification corpus (tests/formats_corpus.py: OOXML/ODF containers, renamed
containers, zip, UTF-8/UTF-16/8-bit text, CSV, PDF, PDF/A-4) N times over, then measures:
  * siegfried batch: ``identify_formats`` over all files, ONE ``sf -multi`` run (what
    ingest does per transfer), including the mapping to the format policy;
  * in-process: puremagic + extension per file (the fallback when sf is absent);
  * sf per file: one sf process for each of the first K files, for comparison.
Time per file is wall time divided by the number of files.

    .venv/bin/python bench/bench_identify.py [-n 2000] [-k 20] [--sf PATH]

The sf path defaults to LUUTRU_TEST_SIEGFRIED or .engines/bin/sf (scripts/setup).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from luutru.ingest.checks.formats import identify_format
from luutru.ingest.checks.pronom import identify_formats
from luutru.policies.formats import load_format_policy
from tests.formats_corpus import write_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="files in the batch (default 2000)")
    ap.add_argument("-k", type=int, default=20, help="files run one sf process each (default 20)")
    ap.add_argument("--sf", default=os.environ.get("LUUTRU_TEST_SIEGFRIED") or str(ROOT / ".engines/bin/sf"))
    args = ap.parse_args()
    exe = shutil.which(args.sf) or args.sf
    if not Path(exe).is_file():
        sys.exit(f"sf not found at {args.sf}: run scripts/setup (as root) or pass --sf")
    policy = load_format_policy()
    with tempfile.TemporaryDirectory(prefix="bench-identify-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus")
        blobs = [(n, p.read_bytes()) for n, p in corpus.items()]
        files = []
        for i in range(args.n):
            name, data = blobs[i % len(blobs)]
            p = Path(tmp) / "in" / f"{i:05d}-{name}"
            p.parent.mkdir(exist_ok=True)
            p.write_bytes(data)
            files.append(p)

        t = time.perf_counter()
        batch = identify_formats(files, policy=policy, exe=exe)
        sf_batch = time.perf_counter() - t
        unknown = sum(1 for f in batch.formats.values() if f.identifier_error)

        t = time.perf_counter()
        for p in files:
            identify_format(p, policy=policy)
        in_process = time.perf_counter() - t

        k = min(args.k, len(files))
        t = time.perf_counter()
        for p in files[:k]:
            identify_formats([p], policy=policy, exe=exe)
        single = time.perf_counter() - t

    print(json.dumps({
        "identifier": batch.identifier, "cpus": os.cpu_count(), "files": len(files),
        "siegfried_batch_s": round(sf_batch, 2),
        "siegfried_batch_ms_per_file": round(1000 * sf_batch / len(files), 2),
        "in_process_ms_per_file": round(1000 * in_process / len(files), 2),
        "siegfried_process_per_file_ms": round(1000 * single / k, 1) if k else None,
        "files_siegfried_could_not_identify": unknown,
    }, indent=2))


if __name__ == "__main__":
    main()
