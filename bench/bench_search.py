"""Search benchmark on the embedded (tantivy) index: indexing rate and query latency.

    .venv/bin/python bench/bench_search.py                 # 100 000 documents
    .venv/bin/python bench/bench_search.py --docs 1000000  # 1 M documents
    .venv/bin/python bench/bench_search.py --url http://127.0.0.1:9200/luutru-bench  # any backend

Generates dossiers of ``--per-dossier`` documents with Vietnamese abstracts and full
texts of ``--text-words`` words drawn from an archive vocabulary, indexes them with
``bulk()`` through the public API (so catalogue flattening in Python is included), then
runs a mix of queries as a public researcher and reports p50/p95/p99 latency per kind
of query and overall, plus the latency of one committed ``index_dossier`` call (what
the ingest pipeline does per stored dossier).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from luutru.search import Rights, SearchQuery, open_index  # noqa: E402

WORDS = (
    "quyết định công văn tờ trình báo cáo kế hoạch thông báo biên bản hợp đồng giấy phép đất đai "
    "xây dựng quy hoạch tài chính ngân sách thuế giáo dục y tế trường học bệnh viện giao thông đường "
    "cầu cống thủy lợi nông nghiệp lâm nghiệp môi trường tài nguyên khoáng sản dân cư hộ khẩu công chức "
    "viên chức tuyển dụng khen thưởng kỷ luật thanh tra khiếu nại tố cáo tiếp dân cải cách hành chính "
    "lưu trữ văn thư hồ sơ tài liệu số hóa chữ ký điện tử ủy ban nhân dân tỉnh huyện xã phường sở ban "
    "ngành phê duyệt ban hành sửa đổi bổ sung hướng dẫn triển khai thực hiện tổng kết đánh giá năm "
    "quý tháng giai đoạn dự án đầu tư vốn kinh phí hỗ trợ bồi thường giải phóng mặt bằng tái định cư "
    "an ninh quốc phòng văn hóa thể thao du lịch lễ hội di tích bảo tồn phát triển kinh tế xã hội"
).split()
TYPES = [("Quyết định", "QĐ-UBND"), ("Công văn", "UBND-VP"), ("Tờ trình", "TTr-SNV"), ("Báo cáo", "BC-UBND"),
         ("Kế hoạch", "KH-UBND"), ("Thông báo", "TB-VP"), ("Biên bản", "BB-HĐ")]
PLACES = ["Đắk Lắk", "Tiền Giang", "Thái Nguyên", "Quảng Nam", "Sóc Trăng", "Hà Giang", "Bà Rịa - Vũng Tàu"]
RETENTIONS = ["Vĩnh viễn", "70", "50", "20", "10", "5"]


def generate(n_docs: int, per_dossier: int, text_words: int, seed: int = 7):
    """Yield (dossier, documents, texts) until ``n_docs`` documents have been made."""
    rnd = random.Random(seed)
    made, d = 0, 0
    while made < n_docs:
        d += 1
        a = d % 40
        fonds = f"000.00.{a:02d}.H{a + 10:02d}"
        place = PLACES[a % len(PLACES)]
        year = 1995 + d % 30
        code = f"{fonds}.{year}.{d:05d}"
        n = min(per_dossier, n_docs - made)
        dossier = {
            "ma_ho_so": code, "ma_co_quan": fonds, "ten_co_quan": f"UBND tỉnh {place}", "nam_hinh_thanh": year,
            "so_ky_hieu_ho_so": f"{d:05d}", "tieu_de": "Hồ sơ " + " ".join(rnd.choices(WORDS, k=10)) + f" tỉnh {place}",
            "thoi_han_bao_quan": rnd.choice(RETENTIONS), "che_do_su_dung": "Hạn chế" if d % 10 == 0 else "Công khai",
            "thoi_gian_bat_dau": f"{year}-01-{1 + d % 28:02d}", "thoi_gian_ket_thuc": f"{year}-12-28",
        }
        docs, texts = [], {}
        for i in range(1, n + 1):
            t, notation = TYPES[(d + i) % len(TYPES)]
            ident = f"{code}.{i:04d}"
            docs.append({
                "ma_dinh_danh_van_ban": ident, "ma_ho_so": code, "so_thu_tu": i, "ten_loai_van_ban": t,
                "so_van_ban": str((d * 7 + i) % 999 + 1), "ky_hieu_van_ban": notation,
                "ngay_van_ban": f"{year}-{1 + i % 12:02d}-{1 + (d + i) % 28:02d}",
                "co_quan_ban_hanh": f"UBND tỉnh {place}", "trich_yeu": " ".join(rnd.choices(WORDS, k=12)),
                "che_do_su_dung": "Hạn chế" if i % 17 == 0 else "Công khai",
            })
            texts[ident] = " ".join(rnd.choices(WORDS, k=text_words))
        made += n
        yield dossier, docs, texts


def queries(n_dossiers: int, rnd: random.Random) -> list[tuple[str, Callable[[], SearchQuery]]]:
    def word() -> SearchQuery:
        return SearchQuery(text=rnd.choice(WORDS))

    def folded_pair() -> SearchQuery:
        from luutru.search.folding import fold
        return SearchQuery(text=fold(" ".join(rnd.sample(WORDS, 2))))

    def phrase() -> SearchQuery:
        i = rnd.randrange(len(WORDS) - 1)
        return SearchQuery(text=f'"{WORDS[i]} {WORDS[i + 1]}"')

    def code() -> SearchQuery:
        d = rnd.randrange(1, n_dossiers + 1)
        a = d % 40
        return SearchQuery(text=f"000.00.{a:02d}.H{a + 10:02d}.{1995 + d % 30}.{d:05d}")

    def notation() -> SearchQuery:
        d, i = rnd.randrange(1, n_dossiers + 1), rnd.randrange(1, 10)
        t, n = TYPES[(d + i) % len(TYPES)]
        return SearchQuery(text=f"{(d * 7 + i) % 999 + 1}/{n}")

    def filtered() -> SearchQuery:
        d = rnd.randrange(1, n_dossiers + 1)  # a fonds and a year range that hold records
        a, y = d % 40, 1995 + d % 30
        return SearchQuery(text=rnd.choice(WORDS), fonds=f"000.00.{a:02d}.H{a + 10:02d}", year_from=y - 2, year_to=y + 2)

    def browse() -> SearchQuery:
        return SearchQuery(kind="document", doc_type=rnd.choice(TYPES)[0], sort="date", page=rnd.randrange(1, 5))

    return [("one word", word), ("two words, no marks", folded_pair), ("phrase", phrase),
            ("dossier code", code), ("number/notation", notation), ("word + fonds + years", filtered),
            ("browse by type, date sort, page 1-4", browse)]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def fmt_ms(values: list[float]) -> str:
    return " ".join(f"p{p}={pct(values, p) * 1000:7.2f}ms" for p in (50, 95, 99))


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000, help="documents to generate (default 100000)")
    ap.add_argument("--per-dossier", type=int, default=10)
    ap.add_argument("--text-words", type=int, default=80, help="words of full text per document")
    ap.add_argument("--queries", type=int, default=100, help="queries per kind (default 100)")
    ap.add_argument("--url", help="index URL (default: a tantivy index in a temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary index directory")
    args = ap.parse_args(argv)

    tmp = None
    url = args.url
    if not url:
        tmp = tempfile.mkdtemp(prefix="luutru-bench-")
        url = "tantivy://" + tmp
    print(f"machine: {machine()}")
    print(f"index:   {url}")
    idx = open_index(url)
    try:
        idx.clear()
        t0 = time.perf_counter()
        dossiers = docs = 0
        with idx.bulk():
            for d, documents, texts in generate(args.docs, args.per_dossier, args.text_words):
                idx.index_dossier(d, documents, texts)
                dossiers += 1
                docs += len(documents)
                if dossiers % 10_000 == 0:
                    el = time.perf_counter() - t0
                    print(f"  {docs:>9} documents  {el:7.1f}s  {docs / el:8.0f} docs/s", flush=True)
        el = time.perf_counter() - t0
        entries = idx.count()
        print(f"indexed: {docs} documents + {dossiers} dossiers = {entries} entries in {el:.1f}s "
              f"-> {docs / el:.0f} documents/s ({entries / el:.0f} entries/s), commit included")
        if tmp:
            size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
            print(f"index size: {size / 1024 / 1024:.0f} MiB")

        rnd = random.Random(11)
        everyone = Rights.public()
        all_lat: list[float] = []
        for _ in range(5):  # warm up
            idx.search(SearchQuery(text="quyết định"), everyone)
        print(f"queries: {args.queries} per kind, as a public researcher, with facets")
        for name, make in queries(dossiers, rnd):
            lat, totals = [], []
            for _ in range(args.queries):
                q = make()
                t = time.perf_counter()
                res = idx.search(q, everyone)
                lat.append(time.perf_counter() - t)
                totals.append(res.total)
            all_lat += lat
            print(f"  {name:38s} {fmt_ms(lat)}  (median hits {statistics.median(totals):.0f})")
        print(f"  {'all':38s} {fmt_ms(all_lat)}")

        commit_lat = []
        for d, documents, texts in (generate(50 * args.per_dossier, args.per_dossier,
                                                           args.text_words, seed=99)):
            d = {**d, "ma_ho_so": d["ma_ho_so"] + "-NEW"}
            for doc in documents:
                doc["ma_ho_so"] = d["ma_ho_so"]
                doc["ma_dinh_danh_van_ban"] = f"{d['ma_ho_so']}.{doc['so_thu_tu']:04d}"
            texts = {doc["ma_dinh_danh_van_ban"]: t for doc, t in zip(documents, texts.values())}
            t = time.perf_counter()
            idx.index_dossier(d, documents, texts)
            commit_lat.append(time.perf_counter() - t)
        print(f"one dossier of {args.per_dossier} documents, committed (pipeline path): {fmt_ms(commit_lat)}")
    finally:
        idx.close()
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
