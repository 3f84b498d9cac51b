"""Ingest benchmarks, reported as ratios against plain tools measured in the same run.

1. large files: ingest vs ``sha256sum`` over the same bytes;
2. many small signed PDFs: documents/s, and ingest vs bagit-python ``make_bag``;
3. fixity audit of the stored AIPs (luutru.preservation.fixity) vs ``sha256sum``;
4. peak RSS of ingesting one 4 GiB file (child process, ``ru_maxrss``).

Every number printed was measured now, on this machine; nothing is carried over.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MIB = 1024 * 1024


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "kernel": platform.release()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Hypervisor vendor"):
                info[k.strip()] = v.strip()
    except FileNotFoundError:
        pass
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    return info


def _catalogue(root: Path, files: list[tuple[str, bytes | None, str]], docs_per_dossier: int) -> None:
    """Write a catalogue for ``files`` = [(relpath, None, sha256)] in dossiers of N documents."""
    from tests.factory import TransferSpec, document_row, dossier_row, write_transfer

    spec = TransferSpec()
    n_dossiers = (len(files) + docs_per_dossier - 1) // docs_per_dossier
    for n in range(n_dossiers):
        chunk = files[n * docs_per_dossier:(n + 1) * docs_per_dossier]
        d = dossier_row(n + 1, len(chunk))
        spec.dossiers.append(d)
        for s, (rel, _data, sha) in enumerate(chunk, 1):
            spec.documents.append(document_row(d, s, rel, sha))
    write_transfer(spec, root)


def big_csv(path: Path, size: int, seed: int) -> str:
    """A CSV file of ``size`` bytes written fast (a repeated 1 MiB block, varied per block)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = "ma;ten;gia_tri;ghi_chu\n" + "".join(f"{i};Hồ sơ lưu trữ số {i};{i * 7919 % 100003};dòng dữ liệu\n"
                                               for i in range(20000))
    block = (line.encode("utf-8") * 2)[:MIB]
    h = hashlib.sha256()
    with open(path, "wb") as fh:
        written = 0
        k = 0
        while written < size:
            chunk = block[: min(MIB, size - written)]
            chunk = f"{seed:04d}{k:012d}".encode() + chunk[16:]  # every block differs
            fh.write(chunk)
            h.update(chunk)
            written += len(chunk)
            k += 1
    return h.hexdigest()


def large_transfer(root: Path, total: int, files: int) -> Path:
    rows = []
    for i in range(files):
        rel = f"files/so_lieu_{i + 1}.csv"
        rows.append((rel, None, big_csv(root / rel, total // files, i)))
    _catalogue(root, rows, docs_per_dossier=files)
    return root


def signed_transfer(root: Path, n_docs: int, pki_dir: Path) -> tuple[Path, Path]:
    from luutru.demo.pki import make_pdf_bytes, make_test_pki, sign_pdf

    pki = make_test_pki(pki_dir)
    signer = pki.signers["personal"]
    rows = []
    for i in range(n_docs):
        rel = f"files/cv_{i + 1:05d}.pdf"
        data = sign_pdf(make_pdf_bytes(f"Công văn số {i + 1}/UBND-VP về việc báo cáo công tác lưu trữ năm 2021"), signer)
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        rows.append((rel, None, hashlib.sha256(data).hexdigest()))
    _catalogue(root, rows, docs_per_dossier=10)
    return root, pki_dir / "root.pem"


def child(action: str, arg: Path, home: Path, **env_extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")}
    env.update(LUUTRU_HOME=str(home), PYTHONPATH=str(REPO), **env_extra)
    r = subprocess.run([sys.executable, str(REPO / "bench" / "ingest_once.py"), action, str(arg)], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{action} failed:\n{r.stderr[-4000:]}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    if out.get("missing"):  # an ingest without Siegfried or veraPDF does other work: not comparable
        raise SystemExit(f"{action} ran without {', '.join(out['missing'])}: run scripts/setup first")
    return out


def timed(cmd: list[str], **kw: Any) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0


def sha256sum(paths: list[Path]) -> float:
    return timed(["sha256sum", *map(str, paths)])


def stored_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "storage" / "aips").rglob("*") if p.is_file())


def make_bag_seconds(src_files: Path, scratch: Path) -> float:
    import bagit

    d = scratch / "bag"
    shutil.copytree(src_files, d)
    t0 = time.perf_counter()
    bagit.make_bag(str(d), {"Source-Organization": "bench"}, processes=1, checksums=["sha256"])
    took = time.perf_counter() - t0
    shutil.rmtree(d)
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    ap.add_argument("--work", type=Path, default=None, help="scratch directory (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    a = ap.parse_args()
    large_total = 256 * MIB if a.quick else 2048 * MIB
    n_docs = 40 if a.quick else 300
    rss_size = 1024 * MIB if a.quick else 4096 * MIB

    work = Path(a.work or tempfile.mkdtemp(prefix="luutru-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"machine": machine(), "mode": "quick" if a.quick else "full"}
    print("máy / machine:", json.dumps(res["machine"], ensure_ascii=False), flush=True)
    try:
        # 1. large files
        t = large_transfer(work / "large", large_total, 2)
        files = sorted((t / "files").iterdir())
        sha_s = sha256sum(files)  # also leaves the bytes in the page cache, as for ingest
        sha_s = min(sha_s, sha256sum(files))
        r = child("ingest", t, work / "home-large")
        assert r["status"] == "accepted", r
        res["large"] = {"bytes": large_total, "files": 2, "ingest_s": r["seconds"], "sha256sum_s": sha_s,
                        "ratio": r["seconds"] / sha_s, "ingest_mib_s": large_total / MIB / r["seconds"],
                        "sha256sum_mib_s": large_total / MIB / sha_s, "max_rss_mib": r["max_rss_mib"]}
        print(f"1. large: {large_total // MIB} MiB in 2 files: ingest {r['seconds']:.1f} s "
              f"({res['large']['ingest_mib_s']:.0f} MiB/s), sha256sum {sha_s:.1f} s "
              f"({res['large']['sha256sum_mib_s']:.0f} MiB/s) → ratio {res['large']['ratio']:.1f}×", flush=True)

        # 3a. audit of the large AIPs
        au = child("audit", work, work / "home-large")
        stored = stored_files(work / "home-large")
        sha_a = sha256sum(stored)
        res["audit_large"] = {"aips": au["aips"], "bytes": au["bytes"], "audit_s": au["seconds"],
                              "sha256sum_s": sha_a, "ratio": au["seconds"] / sha_a, "ok": au["ok"]}
        print(f"3a. audit (luutru.preservation.fixity) of the large AIP: {au['seconds']:.1f} s, sha256sum of its "
              f"{len(stored)} stored files {sha_a:.1f} s → ratio {res['audit_large']['ratio']:.1f}×", flush=True)
        shutil.rmtree(work / "large")
        shutil.rmtree(work / "home-large")

        # 2. many small signed PDFs
        t, trust = signed_transfer(work / "small", n_docs, work / "pki")
        r = child("ingest", t, work / "home-small", LUUTRU_TRUST_ROOTS=str(trust))
        assert r["status"] == "accepted", r
        bag_s = make_bag_seconds(t / "files", work)
        res["small"] = {"documents": n_docs, "bytes": r["bytes"], "ingest_s": r["seconds"],
                        "docs_per_s": n_docs / r["seconds"], "make_bag_s": bag_s, "ratio": r["seconds"] / bag_s,
                        "warnings": r["warnings"]}
        print(f"2. small: {n_docs} signed PDFs ({r['bytes'] / MIB:.1f} MiB): ingest {r['seconds']:.1f} s = "
              f"{res['small']['docs_per_s']:.1f} documents/s; bagit make_bag {bag_s:.2f} s → ratio "
              f"{res['small']['ratio']:.0f}× (warnings: {', '.join(r['warnings']) or 'none'})", flush=True)

        # 3b. audit of the small AIPs
        au = child("audit", work, work / "home-small")
        stored = stored_files(work / "home-small")
        sha_a = sha256sum(stored)
        res["audit_small"] = {"aips": au["aips"], "bytes": au["bytes"], "audit_s": au["seconds"],
                              "sha256sum_s": sha_a, "ratio": au["seconds"] / sha_a, "ok": au["ok"]}
        print(f"3b. audit of {au['aips']} small AIPs ({len(stored)} files): {au['seconds']:.2f} s, sha256sum "
              f"{sha_a:.2f} s → ratio {res['audit_small']['ratio']:.1f}×", flush=True)
        shutil.rmtree(work / "small")
        shutil.rmtree(work / "home-small")

        # 4. peak RSS of one big file
        t = large_transfer(work / "rss", rss_size, 1)
        r = child("ingest", t, work / "home-rss")
        assert r["status"] == "accepted", r
        res["rss"] = {"file_bytes": rss_size, "ingest_s": r["seconds"], "max_rss_mib": r["max_rss_mib"]}
        print(f"4. one {rss_size // MIB} MiB file: ingest {r['seconds']:.1f} s, peak RSS {r['max_rss_mib']:.0f} MiB "
              "(ingest process and its checker)", flush=True)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if a.json:
        a.json.write_text(json.dumps(res, indent=2, ensure_ascii=False))
    print(json.dumps(res, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
