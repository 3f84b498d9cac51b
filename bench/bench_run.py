"""bench/run: every goal of issue 17 as one line: figure, reference, ratio, PASS/FAIL.

Each reference is measured in the same run, on the same bytes:

* signed PDFs: ``ingest`` of N signed one-page PDFs (10 per dossier) in a child process,
  against bagit-python ``make_bag`` (SHA-256, one process) over the same files, at
  100 / 1,000 / 10,000 documents (per-document time at each size shows whether the
  cost grows linearly);
* preservation copies (not on the acceptance path): luutru's Ghostscript wrapper
  against the same Ghostscript command looped over the same files, documents/s per core;
* large files: ``ingest`` of one 1 GiB and one 4 GiB file against ``make_bag`` of the
  same file, each side the best of two runs (both ingest times are printed); per-GiB
  time at both sizes; peak RSS (the larger of the two ingests);
* audit: ``luutru.preservation.fixity.audit`` of the small AIPs against ``sha256sum`` of
  the same stored files, and of the 4 GiB AIP against one SHA-256 pass of ``hashlib``
  (OpenSSL, SHA-NI where the CPU has it) over the same stored files;
* search, build and destruction: ``bench/bench_search.py`` (plain tantivy on the same
  entries and queries), at a size that fits the 15 minutes (``--search-docs``).

The machine is shared: the load average is printed before and after each part, and
every figure should be read with its reference, measured under the same load.

Preservation copies are not on the acceptance path: the ingest queues them as jobs
(``pdfa_copies=False`` in ``luutru.ingest.steps``), so the signed-PDF ingest runs with the
machine's Ghostscript as configured and never starts it; the copies are measured on their
own (``part_preservation``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_ingest as bi  # noqa: E402

MIB, GIB = 1 << 20, 1 << 30
GOALS: list[dict[str, Any]] = []


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def say(msg: str) -> None:
    print(msg, flush=True)


def goal(name: str, figure: str, reference: str, ratio: float | None, ok: bool | None, note: str = "") -> None:
    verdict = "INFO" if ok is None else ("PASS" if ok else "FAIL")
    GOALS.append({"goal": name, "figure": figure, "reference": reference,
                  "ratio": None if ratio is None else round(ratio, 2), "verdict": verdict, "note": note,
                  "load": load()})
    r = "" if ratio is None else f"  ratio {ratio:.2f}×"
    say(f"  → {verdict:4s} {name}: {figure} | reference {reference}{r}{'  (' + note + ')' if note else ''}")


# ------------------------------------------------------------------------------ data


def signed_pool(d: Path, n: int) -> tuple[list[Path], Path]:
    """``n`` distinct signed one-page PDFs (test PKI); transfers reuse them by hard link."""
    from luutru.demo.pki import make_pdf_bytes, make_test_pki, sign_pdf

    pki = make_test_pki(d / "pki")
    signer = pki.signers["personal"]
    out = []
    for i in range(n):
        p = d / "pool" / f"cv_{i:04d}.pdf"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(sign_pdf(make_pdf_bytes(f"Công văn số {i + 1}/UBND-VP về việc báo cáo công tác lưu trữ"), signer))
        out.append(p)
    return out, d / "pki" / "root.pem"


def signed_transfer(root: Path, n: int, pool: list[Path]) -> Path:
    rows = []
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in pool}
    for i in range(n):
        rel = f"files/{i // 1000:02d}/cv_{i + 1:05d}.pdf"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        src = pool[i % len(pool)]
        os.link(src, root / rel)
        rows.append((rel, None, digests[src]))
    bi._catalogue(root, rows, docs_per_dossier=10)
    return root


#: Many-file directories (transfers, homes, bags of the signed PDFs) are removed at the end
#: of the run, not between measurements.  This machine's file system (ext4 without a
#: journal) skips inodes freed in the last 60–300 s when it allocates one
#: (``recently_deleted``): after the harness removed a home of ~10,000 files, every file
#: the next ingest created scanned them; ``perf`` put 17 % of that ingest's CPU there,
#: and its system time was 5.8–6.8 s instead of 1.5–1.8 s (30/11/2026).
LATER: list[Path] = []


def make_bag_of(files: list[Path], scratch: Path) -> float:
    """bagit-python ``make_bag`` (SHA-256, one process) over copies of ``files`` (copy untimed).
    The copy of many files is removed at the end of the run (:data:`LATER`), of a few large
    ones at once (few inodes, much disk space)."""
    import bagit

    d = Path(tempfile.mkdtemp(prefix="bag-", dir=scratch))
    for i, f in enumerate(files):
        shutil.copyfile(f, d / f"{i:05d}_{f.name}")
    t0 = time.perf_counter()
    bagit.make_bag(str(d), {"Source-Organization": "bench"}, processes=1, checksums=["sha256"])
    took = time.perf_counter() - t0
    if len(files) > 10:
        LATER.append(d)
    else:
        shutil.rmtree(d)
    return took


def hash_pass(paths: list[Path]) -> float:
    """One SHA-256 pass with hashlib (OpenSSL: SHA-NI when present), 1 MiB reads."""
    t0 = time.perf_counter()
    buf = bytearray(MIB)
    view = memoryview(buf)
    for p in paths:
        h = hashlib.sha256()
        with open(p, "rb", buffering=0) as fh:
            while n := fh.readinto(buf):
                h.update(view[:n])
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------ parts


def part_signed(work: Path, sizes: list[int], pool_n: int) -> None:
    say(f"\n== signed one-page PDFs (acceptance; preservation copies are jobs, measured apart) — load {load()}")
    pool, trust = signed_pool(work / "sig", pool_n)
    per_doc: dict[int, float] = {}
    for n in sizes:
        t = signed_transfer(work / f"signed-{n}", n, pool)
        home = work / f"home-signed-{n}"
        r = bi.child("ingest", t, home, LUUTRU_TRUST_ROOTS=str(trust))
        if r["status"] != "accepted":
            raise SystemExit(f"ingest of {n} signed PDFs: {r}")
        if "GHOSTSCRIPT_NOT_INSTALLED" in r["warnings"] or "PDFA_MIGRATION_FAILED" in r["warnings"]:
            raise SystemExit(f"ingest of {n} signed PDFs ran Ghostscript on the acceptance path: {r['warnings']}")
        files = sorted((t / "files").rglob("*.pdf"))
        bag_s = make_bag_of(files, work)
        per_doc[n] = r["seconds"] / n
        say(f"  {n:>6} documents ({r['bytes'] / MIB:.1f} MiB): ingest {r['seconds']:.1f} s = {n / r['seconds']:.1f} "
            f"documents/s, {per_doc[n] * 1000:.1f} ms/document, peak RSS {r['max_rss_mib']:.0f} MiB; "
            f"make_bag {bag_s:.2f} s; load {load()}")
        if n == 1000 or n == sizes[-1] and 1000 not in sizes:
            goal(f"1. signed PDFs ≥ 100 documents/s ({n} documents)", f"{n / r['seconds']:.1f} documents/s",
                 f"make_bag {n / bag_s:.0f} documents/s", r["seconds"] / bag_s, n / r["seconds"] >= 100)
            goal(f"3. peak RSS < 300 MiB ({n} small PDFs)", f"{r['max_rss_mib']:.0f} MiB", "—", None,
                 r["max_rss_mib"] < 300)
            part_audit_small(home)
        LATER.extend((t, home))  # see LATER
    if len(per_doc) > 1:
        big = [n for n in sizes if n >= 1000] or sizes
        lo, hi = big[0], sizes[-1]
        growth = per_doc[hi] / per_doc[lo]
        goal("7. linear cost, signed PDFs (per-document time)",
             " / ".join(f"{n}: {per_doc[n] * 1000:.1f} ms" for n in sizes), f"{lo} documents", growth,
             growth <= 1.5, f"per-document time at {hi} ÷ at {lo} ≤ 1.5")
    part_preservation(pool[: min(len(pool), 30)], work)


def part_audit_small(home: Path) -> None:
    au = bi.child("audit", home, home)
    stored = bi.stored_files(home)
    bi.sha256sum(stored)  # warm the page cache as the audit's child had it
    sha = bi.sha256sum(stored)
    goal(f"5. audit of {au['aips']} small AIPs ({len(stored)} files) ≤ 2× sha256sum", f"{au['seconds']:.2f} s",
         f"sha256sum {sha:.2f} s", au["seconds"] / sha, au["ok"] and au["seconds"] / sha <= 2.0)


def part_preservation(files: list[Path], work: Path) -> None:
    """Preservation copies, measured apart from acceptance: per core, against a plain Ghostscript loop."""
    from luutru.tools import ghostscript

    exe = ghostscript.find_ghostscript("gs")
    if exe is None:
        goal("preservation copies (PDF/A-2b, per core)", "Ghostscript not installed", "—", None, None)
        return
    out = work / "pres"
    out.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for i, f in enumerate(files):
        subprocess.run([exe, "-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-sColorConversionStrategy=RGB",
                        "-sDEVICE=pdfwrite", "-dPDFACompatibilityPolicy=1", f"-sOutputFile={out}/g{i}.pdf", str(f)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, f in enumerate(files):
        r = ghostscript.convert_to_pdfa(f, out / f"l{i}.pdf", gs=exe, part=2, timeout=120)
        assert r.ok, r
    mine = time.perf_counter() - t0
    shutil.rmtree(out)
    goal(f"preservation copies, PDF/A-2b, one core ({len(files)} files)", f"{len(files) / mine:.1f} documents/s",
         f"Ghostscript loop {len(files) / plain:.1f} documents/s", mine / plain, None, "runs as a job, not at acceptance")


def part_large(work: Path, sizes_gib: list[float]) -> None:
    say(f"\n== large files — load {load()}")
    per_gib: dict[float, float] = {}
    for g in sizes_gib:
        size = int(g * GIB)
        t = bi.large_transfer(work / f"large-{g}", size, 1)
        files = sorted((t / "files").iterdir())
        # best of two: on a shared machine a single make_bag of a fresh copy varied 0.2–19 s per GiB
        bag_s = min(make_bag_of(files, work), make_bag_of(files, work))
        # A transfer arrives on disk before it is ingested; here it was written a moment ago, and
        # its writeback (GiBs at this disk's few hundred MB/s) would compete with the ingest's own
        # durable write of the stored copy.  make_bag, which writes nothing durably, is not slowed.
        # Best of two as well, each into a fresh home: the ingest writes the stored copy durably,
        # and this virtual disk's write time for the same GiB varied from 0.4 to 1.2 s.
        runs = []
        for k in (1, 2):
            os.sync()
            home = work / f"home-large-{g}-{k}"
            r = bi.child("ingest", t, home)
            if r["status"] != "accepted":
                raise SystemExit(f"ingest of {g} GiB: {r}")
            runs.append((r["seconds"], home, r))
        secs, home, r = min(runs, key=lambda run: run[0])
        peak = max(run[2]["max_rss_mib"] for run in runs)
        for _s, other, _r in runs:
            if other != home:
                shutil.rmtree(other)
        per_gib[g] = secs / g
        say(f"  {g:g} GiB: ingest {' / '.join(f'{run[0]:.2f}' for run in runs)} s, best {secs:.1f} s "
            f"({per_gib[g]:.1f} s/GiB), make_bag {bag_s:.2f} s, peak RSS {peak:.0f} MiB; load {load()}")
        goal(f"2. large file {g:g} GiB ≤ 3× make_bag", f"{secs:.1f} s", f"make_bag {bag_s:.1f} s",
             secs / bag_s, secs / bag_s <= 3.0)
        if g == sizes_gib[-1]:
            goal(f"3. peak RSS < 300 MiB ({g:g} GiB file)", f"{peak:.0f} MiB", "—", None, peak < 300)
            stored = bi.stored_files(home)
            hash_pass(stored)  # both read from the page cache: the audit is not charged for the disk
            au = bi.child("audit", home, home)
            ref = hash_pass(stored)
            goal(f"5. audit of the {g:g} GiB AIP ≤ 1.2× one hash pass", f"{au['seconds']:.1f} s",
                 f"hashlib SHA-256 pass {ref:.1f} s", au["seconds"] / ref, au["ok"] and au["seconds"] / ref <= 1.2)
        shutil.rmtree(t)
        shutil.rmtree(home)
    if len(per_gib) > 1:
        lo, hi = sizes_gib[0], sizes_gib[-1]
        goal("7. linear cost, large files (per-GiB time)", " / ".join(f"{g:g} GiB: {per_gib[g]:.1f} s/GiB" for g in sizes_gib),
             f"{lo:g} GiB", per_gib[hi] / per_gib[lo], per_gib[hi] / per_gib[lo] <= 1.5, "≤ 1.5")


def part_search(work: Path, docs: int, queries: int) -> None:
    say(f"\n== search ({docs} documents; the goal is stated at 1 M) — load {load()}")
    out = work / "search.json"
    cmd = [sys.executable, str(HERE / "bench_search.py"), "--docs", str(docs), "--ref-docs", str(min(docs, 100_000)),
           "--queries", str(queries), "--json", str(out)]
    r = subprocess.run(cmd, text=True, capture_output=True)
    for line in r.stdout.splitlines():
        say("  | " + line)
    if r.returncode != 0:
        say(r.stderr[-3000:])
        goal("4. search", "bench_search failed", "—", None, False)
        return
    s = json.loads(out.read_text())
    at = f"at {docs} documents"
    goal(f"4. search p95 < 50 ms ({at})", f"{s['p95_ms']:.1f} ms", f"plain tantivy {s['ref_p95_ms']:.1f} ms",
         s["p95_ms"] / s["ref_p95_ms"], s["p95_ms"] < 50)
    goal(f"4. search p99 < 100 ms ({at})", f"{s['p99_ms']:.1f} ms", f"plain tantivy {s['ref_p99_ms']:.1f} ms",
         s["p99_ms"] / s["ref_p99_ms"], s["p99_ms"] < 100)
    goal(f"4. (API/CLI default) search without facets p95 / p99 ({at})",
         f"{s['bare_p95_ms']:.1f} / {s['bare_p99_ms']:.1f} ms", "the goal is stated with facets", None, None)
    goal(f"4. index build ≥ 10,000 documents/s ({s['ref_docs']} documents)", f"{s['build_ref_luutru']:.0f} documents/s",
         f"plain tantivy {s['build_ref_plain']:.0f} documents/s", s["build_ref_plain"] / s["build_ref_luutru"],
         s["build_ref_luutru"] >= 10_000)
    goal(f"6. destruction deletes its entries, no rebuild ({at})", f"p95 {s['delete_p95_ms']:.0f} ms",
         f"plain tantivy p95 {s['ref_delete_p95_ms']:.0f} ms", s["delete_p95_ms"] / s["ref_delete_p95_ms"],
         bool(s["delete_complete"]))


# ------------------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, for iteration (~2 minutes)")
    ap.add_argument("--work", type=Path, default=None, help="scratch directory (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--only", choices=["signed", "large", "search"], action="append", help="run only these parts")
    ap.add_argument("--search-docs", type=int, default=None, help="documents in the search bench")
    a = ap.parse_args()
    sizes = [100, 300] if a.quick else [100, 1000, 10000]
    gib = [0.25, 0.5] if a.quick else [1, 4]
    search_docs = a.search_docs or (20_000 if a.quick else 1_000_000)  # the goal is stated at 1 M
    parts = a.only or ["signed", "large", "search"]
    work = Path(a.work or tempfile.mkdtemp(prefix="luutru-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    say(f"machine: {json.dumps(bi.machine(), ensure_ascii=False)}; {os.cpu_count()} CPUs")
    say(f"mode: {'quick' if a.quick else 'full'}; load average at start: {load()}")
    try:
        if "signed" in parts:
            part_signed(work, sizes, 50 if a.quick else 200)
        if "large" in parts:
            part_large(work, gib)
        if "search" in parts:
            part_search(work, search_docs, 25 if a.quick else 50)
    finally:
        for d in LATER:
            shutil.rmtree(d, ignore_errors=True)
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    took = time.perf_counter() - t0
    say(f"\n== goals of issue 17 ({'quick' if a.quick else 'full'} run, {took / 60:.1f} min, load average now {load()})")
    for g in GOALS:
        r = "" if g["ratio"] is None else f"{g['ratio']:.2f}×"
        say(f"{g['verdict']:4s}  {g['goal']:58s} {g['figure']:>24s}  ref {g['reference']:<36s} {r:>8s}  load {g['load']}")
    if a.json:
        a.json.write_text(json.dumps({"goals": GOALS, "minutes": took / 60, "mode": "quick" if a.quick else "full"},
                                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
