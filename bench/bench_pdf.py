"""Benchmark: signature checks and full per-file checks on signed PDFs.

Generates N signed PDFs with the test PKI (tests/pki.py), then measures, in one run:
  * baseline: SHA-256 of every file, and pikepdf.open of every file;
  * signature checks per second (check_signatures, in-process);
  * full checks per second (check_files: worker process, format, PDF checks,
    signatures, text, PDF/A-2b copy with Ghostscript when installed).
Ratios to the baselines make numbers comparable across machines.

    .venv/bin/python bench/bench_pdf.py [-n 300] [--no-migration]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=300, help="number of signed PDFs (default 300)")
    ap.add_argument("--no-migration", action="store_true", help="skip the Ghostscript PDF/A-2b copies")
    args = ap.parse_args()
    logging.disable(logging.WARNING)

    import pikepdf

    from luutru.config import Settings
    from luutru.ingest.checks.per_file import check_files
    from luutru.ingest.checks.results import FileItem
    from luutru.ingest.checks.signatures import (
        SignatureStatus,
        check_signatures,
        load_trust_roots,
    )
    from luutru.tools.ghostscript import find_ghostscript
    from tests.pki import make_pdf_bytes, make_test_pki, sign_pdf

    with tempfile.TemporaryDirectory(prefix="luutru-bench-") as td:
        d = Path(td)
        pki = make_test_pki(d / "pki")
        signers = [pki.personal, pki.organisation]
        t0 = time.perf_counter()
        files = []
        for i in range(args.n):
            text = f"QUYẾT ĐỊNH số {i}/QĐ-UBND\nVề việc lưu trữ hồ sơ năm 2024\n" + "Nội dung văn bản. " * 40
            p = d / "in" / f"vb-{i:04d}.pdf"
            p.parent.mkdir(exist_ok=True)
            sign_pdf(make_pdf_bytes(text, pages=2), signers[i % 2], p)
            files.append(p)
        gen_s = time.perf_counter() - t0
        total_mb = sum(p.stat().st_size for p in files) / 1e6

        def rate(fn) -> tuple[float, float]:
            t = time.perf_counter()
            fn()
            s = time.perf_counter() - t
            return len(files) / s, s

        sha_rate, _ = rate(lambda: [hashlib.sha256(p.read_bytes()).hexdigest() for p in files])

        def open_all() -> None:
            for p in files:
                with pikepdf.open(p) as pdf:
                    len(pdf.pages)

        open_rate, _ = rate(open_all)
        roots = load_trust_roots(pki.root_pem)
        statuses: list[SignatureStatus] = []
        sig_rate, _ = rate(lambda: statuses.extend(check_signatures(p, trust_roots=roots).status for p in files))
        assert all(s is SignatureStatus.VALID for s in statuses), set(statuses)

        gs = "gs-disabled" if args.no_migration else "gs"
        settings = Settings(trust_roots=pki.root_pem, ghostscript=gs, pdf_timeout_s=60)
        items = [FileItem(p, p.name, document=p.stem) for p in files]
        out: list = []
        full_rate, full_s = rate(lambda: out.append(check_files(items, settings, out_dir=d / "out")))
        batch = out[0]
        copies = sum(1 for r in batch if r.preservation_copy is not None)
        assert all(r.bottom_line_signature == "valid" for r in batch)

        print(f"files: {len(files)} signed PDFs, {total_mb:.1f} MB (generated in {gen_s:.1f} s)")
        print(f"baseline sha256:          {sha_rate:10.1f} files/s")
        print(f"baseline pikepdf.open:    {open_rate:10.1f} files/s")
        print(f"signature checks:         {sig_rate:10.1f} files/s  "
              f"({sig_rate / open_rate:.3f} x pikepdf.open, {sig_rate / sha_rate:.4f} x sha256)")
        print(f"full check_files:         {full_rate:10.1f} files/s  "
              f"({full_rate / open_rate:.3f} x pikepdf.open; {full_s:.1f} s total; "
              f"PDF/A-2b copies: {copies}; Ghostscript: {'on' if find_ghostscript(gs) else 'off'})")


if __name__ == "__main__":
    main()
