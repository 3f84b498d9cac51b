"""Micro-benchmark: signature checks with and without the certificate path-validation cache.

Builds N distinct signed one-page PDFs (one signer of the test PKI, as bench_run.py's
``signed_pool``), then, in this one process, runs ``check_signatures`` over all of them
in alternating rounds with the cache off (``path_cache.disabled()``) and on (emptied
before each round, so its first document is a miss).  Prints ms/document for each, the
best and the median round, and the cache's hit/miss counts.  Verdicts of the two modes
must agree (the script stops otherwise).

    .venv/bin/python bench/bench_pathcache.py [-n 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _round(pdfs: list[bytes], roots: tuple) -> tuple[float, list[tuple]]:
    from luutru.ingest.checks.signatures import check_signatures

    verdicts = []
    t0 = time.perf_counter()
    for data in pdfs:
        r = check_signatures(data, trust_roots=roots)
        verdicts.append((r.status, tuple((s.status, s.trusted, s.problem, s.signing_time) for s in r.signatures)))
    return (time.perf_counter() - t0) / len(pdfs) * 1000, verdicts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200, help="number of distinct signed PDFs (default 200)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds per mode, alternating (default 5)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)

    import luutru.ingest.checks.path_cache as path_cache
    from luutru.demo.pki import make_pdf_bytes, make_test_pki, sign_pdf
    from luutru.ingest.checks.signatures import check_signatures, load_trust_roots

    with tempfile.TemporaryDirectory() as tmp:
        pki = make_test_pki(Path(tmp) / "pki")
        roots = load_trust_roots(pki.root_pem)
        pdfs = [sign_pdf(make_pdf_bytes(f"Công văn số {i + 1}/UBND-VP về việc báo cáo công tác lưu trữ"),
                         pki.personal) for i in range(args.n)]
    check_signatures(pdfs[0], trust_roots=roots)  # imports and one-time set-up outside the timing
    off: list[float] = []
    on: list[float] = []
    for _ in range(args.rounds):
        with path_cache.disabled():
            ms, v_off = _round(pdfs, roots)
        off.append(ms)
        path_cache.clear()
        ms, v_on = _round(pdfs, roots)
        on.append(ms)
        if v_on != v_off:
            raise SystemExit("verdicts differ with the cache")
    st = path_cache.stats()
    print(f"{args.n} signed one-page PDFs, {args.rounds} rounds per mode, one process")
    print(f"  without cache: best {min(off):.2f} ms/document, median {statistics.median(off):.2f}")
    print(f"  with cache:    best {min(on):.2f} ms/document, median {statistics.median(on):.2f}"
          f"  (last round: {st['hits']} hits, {st['misses']} misses, {st['bypassed']} bypassed)")
    print(f"  saving: {(1 - min(on) / min(off)) * 100:.1f} % (best), "
          f"{(1 - statistics.median(on) / statistics.median(off)) * 100:.1f} % (median); "
          f"verdicts identical: {v_on[0][0].value} ×{len(v_on)}")


if __name__ == "__main__":
    main()
