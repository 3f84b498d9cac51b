"""Search benchmark on the embedded (tantivy) index, each figure against plain tantivy.

    .venv/bin/python bench/bench_search.py                  # 1 000 000 documents (a few minutes)
    .venv/bin/python bench/bench_search.py --docs 100000    # quicker
    .venv/bin/python bench/bench_search.py --index DIR      # reuse an index built with --keep

Generates dossiers of ``--per-dossier`` documents with Vietnamese abstracts and full
texts of ``--text-words`` words drawn from a 150-word archive vocabulary (common words
match more than half of all records: a pessimistic case), then measures, in one run:

* index build through the public API (``bulk()``; catalogue flattening in Python
  included), in documents/s; reference: plain tantivy adding the same already
  flattened entries to the same schema (``--ref-docs`` documents of both);
* query latency p50/p95/p99 of a mix of queries as a public researcher (so with the
  access filter) with all seven facets, snippets and hits; reference: plain tantivy
  running the same query object for the same page, with the count and the fetch of
  the hits (no facets, no snippets);
* destruction: ``delete_dossier`` + commit at full size; reference: plain tantivy
  ``delete_documents_by_term`` + commit;
* one committed ``index_dossier`` (what the ingest commit path does per dossier).

and prints PASS/FAIL against the goals of issue 17: p95 < 50 ms, p99 < 100 ms, build
≥ 10 000 documents/s, destruction without a rebuild.
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
from typing import Any, Callable, Iterator

import tantivy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from luutru.search import Rights, SearchQuery  # noqa: E402
from luutru.search.entries import build_entries  # noqa: E402
from luutru.search.folding import fold  # noqa: E402
from luutru.search.tantivy_index import TantivyIndex  # noqa: E402
from luutru.search.tantivy_schema import analyzers, schema, to_doc  # noqa: E402

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
POOL = 4096  # texts are drawn from a pool so that generating the corpus costs little next to indexing
GOAL_P95, GOAL_P99, GOAL_BUILD, GOAL_DELETE_P95 = 0.050, 0.100, 10_000, 1.0


class Corpus:
    """Deterministic dossiers: ``rows(n)`` yields (dossier, documents, texts) for n documents."""

    def __init__(self, per_dossier: int, text_words: int, seed: int = 7) -> None:
        rnd = random.Random(seed)
        self.per_dossier = per_dossier
        self.texts = [" ".join(rnd.choices(WORDS, k=text_words)) for _ in range(POOL)]
        self.abstracts = [" ".join(rnd.choices(WORDS, k=12)) for _ in range(POOL)]
        self.titles = [" ".join(rnd.choices(WORDS, k=10)) for _ in range(POOL)]

    @staticmethod
    def code(d: int) -> str:
        a = d % 40
        return f"000.00.{a:02d}.H{a + 10:02d}.{1995 + d % 30}.{d:05d}"

    def dossier(self, d: int, n: int, suffix: str = "") -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
        a, year = d % 40, 1995 + d % 30
        fonds, place, code = f"000.00.{a:02d}.H{a + 10:02d}", PLACES[a % len(PLACES)], self.code(d) + suffix
        dossier = {
            "ma_ho_so": code, "ma_co_quan": fonds, "ten_co_quan": f"UBND tỉnh {place}", "nam_hinh_thanh": year,
            "so_ky_hieu_ho_so": f"{d:05d}", "tieu_de": f"Hồ sơ {self.titles[d % POOL]} tỉnh {place}",
            "thoi_han_bao_quan": RETENTIONS[d % len(RETENTIONS)],
            "che_do_su_dung": "Hạn chế" if d % 10 == 0 else "Công khai",
            "thoi_gian_bat_dau": f"{year}-01-{1 + d % 28:02d}", "thoi_gian_ket_thuc": f"{year}-12-28",
        }
        docs, texts = [], {}
        for i in range(1, n + 1):
            t, notation = TYPES[(d + i) % len(TYPES)]
            ident, k = f"{code}.{i:04d}", (d * 31 + i * 7) % POOL
            docs.append({
                "ma_dinh_danh_van_ban": ident, "ma_ho_so": code, "so_thu_tu": i, "ten_loai_van_ban": t,
                "so_van_ban": str((d * 7 + i) % 999 + 1), "ky_hieu_van_ban": notation,
                "ngay_van_ban": f"{year}-{1 + i % 12:02d}-{1 + (d + i) % 28:02d}",
                "co_quan_ban_hanh": f"UBND tỉnh {place}", "trich_yeu": self.abstracts[k],
                "che_do_su_dung": "Hạn chế" if i % 17 == 0 else "Công khai",
            })
            texts[ident] = self.texts[(k * 13 + d) % POOL]
        return dossier, docs, texts

    def rows(self, n_docs: int, first: int = 1) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]]:
        made, d = 0, first - 1
        while made < n_docs:
            d += 1
            n = min(self.per_dossier, n_docs - made)
            made += n
            yield self.dossier(d, n)


def queries(n_dossiers: int, rnd: random.Random, facets: bool = True) -> list[tuple[str, Callable[[], SearchQuery]]]:
    """The query mix; with ``facets`` (the default) every query asks for all seven, as the search page does."""
    def word() -> SearchQuery:
        return SearchQuery(text=rnd.choice(WORDS), facets=facets)

    def folded_pair() -> SearchQuery:
        return SearchQuery(text=fold(" ".join(rnd.sample(WORDS, 2))), facets=facets)

    def marked_pair() -> SearchQuery:
        i = rnd.randrange(len(WORDS) - 1)
        return SearchQuery(text=f"{WORDS[i]} {WORDS[i + 1]}", facets=facets)

    def phrase() -> SearchQuery:
        i = rnd.randrange(len(WORDS) - 1)
        return SearchQuery(text=f'"{WORDS[i]} {WORDS[i + 1]}"', facets=facets)

    def code() -> SearchQuery:
        return SearchQuery(text=Corpus.code(rnd.randrange(1, n_dossiers + 1)), facets=facets)

    def notation() -> SearchQuery:
        d, i = rnd.randrange(1, n_dossiers + 1), rnd.randrange(1, 10)
        return SearchQuery(text=f"{(d * 7 + i) % 999 + 1}/{TYPES[(d + i) % len(TYPES)][1]}", facets=facets)

    def filtered() -> SearchQuery:
        d = rnd.randrange(1, n_dossiers + 1)  # a fonds and a year range that hold records
        a, y = d % 40, 1995 + d % 30
        return SearchQuery(text=rnd.choice(WORDS), fonds=f"000.00.{a:02d}.H{a + 10:02d}",
                           year_from=y - 2, year_to=y + 2, facets=facets)

    def browse() -> SearchQuery:
        return SearchQuery(kind="document", doc_type=rnd.choice(TYPES)[0], sort="date", page=rnd.randrange(1, 5),
                           facets=facets)

    return [("one word", word), ("two words, no marks", folded_pair), ("two words with marks", marked_pair),
            ("quoted phrase", phrase), ("dossier code", code), ("number/notation", notation),
            ("word + fonds + years", filtered), ("browse a type, newest first, p1-4", browse)]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ms(values: list[float]) -> str:
    return " / ".join(f"{pct(values, p) * 1000:6.1f}" for p in (50, 95, 99))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        mem = f", {int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError, StopIteration):
        mem = ""
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, tantivy-py {tantivy.__version__.split(',')[0]}")


def plain_index(path: str) -> tantivy.Index:
    Path(path).mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema(), path=path, reuse=True)
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)
    return index


def build_luutru(path: str, corpus: Corpus, n_docs: int, progress: bool = False) -> tuple[TantivyIndex, float, int]:
    idx = TantivyIndex(path)
    t0 = time.perf_counter()
    dossiers = docs = 0
    with idx.bulk():
        for d, documents, texts in corpus.rows(n_docs):
            idx.index_dossier(d, documents, texts)
            dossiers += 1
            docs += len(documents)
            if progress and docs % 200_000 == 0:
                el = time.perf_counter() - t0
                print(f"    {docs:>9} documents {el:6.1f} s {docs / el:8.0f} documents/s  load {load()}", flush=True)
    return idx, time.perf_counter() - t0, dossiers


def build_plain(path: str, corpus: Corpus, n_docs: int) -> float:
    """Plain tantivy: the same entries, flattened before the clock starts, same schema and writer."""
    docs = [to_doc(e) for d, documents, texts in corpus.rows(n_docs) for e in build_entries(d, documents, texts)]
    writer = plain_index(path).writer(heap_size=256_000_000, num_threads=0)
    t0 = time.perf_counter()
    for doc in docs:
        writer.add_document(doc)
    writer.commit()
    el = time.perf_counter() - t0
    writer.wait_merging_threads()
    return el


def plain_search(searcher: tantivy.Searcher, idx: TantivyIndex, q: SearchQuery, rights: Rights) -> float:
    plan = idx.plan(q, rights)
    kwargs: dict[str, Any] = {"limit": q.size, "offset": q.offset, "count": True}
    if q.effective_sort.value != "relevance":
        kwargs.update(order_by_field="date", order=tantivy.Order.Desc)
    t = time.perf_counter()
    hits = searcher.search(plan.ranked, **kwargs).hits
    if plan.rest is not None and len(hits) < q.size:  # the phrase matches did not fill the page
        hits += searcher.search(plan.rest, limit=q.size - len(hits), count=False).hits
    for _, addr in hits:
        searcher.doc(addr)
    return time.perf_counter() - t


def run_queries(idx: TantivyIndex, path: str, dossiers: int, n: int, out: dict[str, Any]) -> None:
    rnd, rights = random.Random(11), Rights.public()
    searcher = plain_index(path).searcher()
    for _ in range(5):  # warm up
        idx.search(SearchQuery(text="quyết định"), rights)
    print(f"queries: {n} of each kind as a public researcher (access filter), 7 facets, 20 hits with snippets")
    print(f"  {'':36s} {'luutru p50 / p95 / p99 ms':>27s}  {'plain tantivy':>24s}  p95 ratio  median hits")
    mine: list[float] = []
    ref: list[float] = []
    for name, make in queries(dossiers, rnd):
        lat, plain, totals = [], [], []
        for _ in range(n):
            q = make()
            idx._forget_summaries()  # cold: no total or facets kept from an earlier query of the mix
            t = time.perf_counter()
            res = idx.search(q, rights)
            lat.append(time.perf_counter() - t)
            plain.append(plain_search(searcher, idx, q, rights))
            totals.append(res.total)
        mine += lat
        ref += plain
        print(f"  {name:36s} {ms(lat):>27s}  {ms(plain):>24s}  {pct(lat, 95) / pct(plain, 95):8.1f}×"
              f"  {statistics.median(totals):>10.0f}")
    print(f"  {'all':36s} {ms(mine):>27s}  {ms(ref):>24s}  {pct(mine, 95) / pct(ref, 95):8.1f}×")
    out["search"] = (mine, ref)
    bare = []
    for _, make in queries(dossiers, random.Random(11), facets=False):
        for _ in range(n):
            q = make()
            t = time.perf_counter()
            idx.search(q, rights)
            bare.append(time.perf_counter() - t)
    print(f"  {'all, without facets (API/CLI default)':36s} {ms(bare):>27s}")
    out["search_bare"] = bare


def run_deletes(idx: TantivyIndex, path: str, corpus: Corpus, dossiers: int, k: int, out: dict[str, Any]) -> None:
    rnd = random.Random()  # not seeded: a reused index has lost the dossiers of earlier runs
    codes = [Corpus.code(d) for d in rnd.sample(range(1, dossiers + 1), 2 * k)]
    rights = Rights(see_restricted=True)
    before, lat = idx.count(), []
    for code in codes[:k]:
        t = time.perf_counter()
        idx.delete_dossier(code)
        lat.append(time.perf_counter() - t)
    gone = all(idx.search(SearchQuery(dossier_code=c, facets=False), rights).total == 0 for c in codes[:k])
    removed = before - idx.count()
    idx.close()  # frees the writer lock for the reference
    writer, plain = plain_index(path).writer(heap_size=64_000_000), []
    for code in codes[k:]:
        t = time.perf_counter()
        writer.delete_documents_by_term("dossier_code", code)
        writer.commit()
        plain.append(time.perf_counter() - t)
    writer.wait_merging_threads()
    print(f"destruction: {k} dossiers deleted one by one, each committed: p50/p95/p99 {ms(lat)} ms, "
          f"plain tantivy {ms(plain)} ms; {removed} entries removed, all gone from search: {gone}")
    out["delete"] = (lat, plain, gone and removed == k * (corpus.per_dossier + 1))


def run_commits(idx: TantivyIndex, corpus: Corpus, n: int) -> None:
    lat = []
    for d in range(10_000_000, 10_000_000 + n):
        row = corpus.dossier(d, corpus.per_dossier, suffix="-NEW")
        t = time.perf_counter()
        idx.index_dossier(*row)
        lat.append(time.perf_counter() - t)
    print(f"one dossier of {corpus.per_dossier} documents, committed (ingest commit path): p50/p95/p99 {ms(lat)} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1_000_000, help="documents to index (default 1000000)")
    ap.add_argument("--ref-docs", type=int, default=100_000,
                    help="documents of the build comparison with plain tantivy (default 100000)")
    ap.add_argument("--per-dossier", type=int, default=10)
    ap.add_argument("--text-words", type=int, default=80, help="words of full text per document")
    ap.add_argument("--queries", type=int, default=100, help="queries per kind (default 100)")
    ap.add_argument("--deletes", type=int, default=20, help="dossiers destroyed (default 20)")
    ap.add_argument("--index", help="reuse this index directory (built by an earlier --keep run)")
    ap.add_argument("--keep", action="store_true", help="keep the index directory")
    ap.add_argument("--json", help="also write the summary figures here (used by bench/run)")
    args = ap.parse_args(argv)

    corpus = Corpus(args.per_dossier, args.text_words)
    work = tempfile.mkdtemp(prefix="luutru-bench-search-")
    out: dict[str, Any] = {}
    print(f"machine: {machine()}\nload average at start: {load()}")
    try:
        if not args.index:
            ref_n = min(args.ref_docs, args.docs)
            small, t_mine, _ = build_luutru(f"{work}/luutru-{ref_n}", corpus, ref_n)
            small.close()
            t_plain = build_plain(f"{work}/plain-{ref_n}", corpus, ref_n)
            out["build_ref"] = (ref_n, ref_n / t_mine, ref_n / t_plain)
            print(f"build of {ref_n} documents: luutru {ref_n / t_mine:8.0f} documents/s ({t_mine:.1f} s), "
                  f"plain tantivy (entries flattened beforehand) {ref_n / t_plain:8.0f} documents/s "
                  f"({t_plain:.1f} s): {t_mine / t_plain:.1f}×")
            shutil.rmtree(f"{work}/luutru-{ref_n}")
            shutil.rmtree(f"{work}/plain-{ref_n}")
        path = args.index or f"{work}/index"
        if args.index:
            idx, dossiers = TantivyIndex(path), -(-args.docs // args.per_dossier)
        else:
            print(f"build of {args.docs} documents (the index searched below):")
            idx, el, dossiers = build_luutru(path, corpus, args.docs, progress=True)
            out["build"] = args.docs / el
            size = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
            print(f"  {args.docs} documents + {dossiers} dossiers = {idx.count()} entries in {el:.1f} s: "
                  f"{args.docs / el:.0f} documents/s, commit included; index {size / 2**20:.0f} MiB; load {load()}")
        run_queries(idx, path, dossiers, args.queries, out)
        run_commits(idx, corpus, 20)
        run_deletes(idx, path, corpus, dossiers, args.deletes, out)
        print(f"load average at end: {load()}")
        summary(out, args)
        if args.json:
            write_json(out, args.json)
    finally:
        if args.keep and not args.index:
            print(f"index kept in {work}/index")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def summary(out: dict[str, Any], args: argparse.Namespace) -> None:
    mine, ref = out["search"]
    lat, plain, complete = out["delete"]
    print(f"\ngoals (issue 17) at {args.docs} documents:")
    print(f"  search p95 {pct(mine, 95) * 1000:.1f} ms < 50 ms (plain tantivy {pct(ref, 95) * 1000:.1f} ms, "
          f"{pct(mine, 95) / pct(ref, 95):.1f}×)  {verdict(pct(mine, 95) < GOAL_P95)}")
    print(f"  search p99 {pct(mine, 99) * 1000:.1f} ms < 100 ms (plain tantivy {pct(ref, 99) * 1000:.1f} ms, "
          f"{pct(mine, 99) / pct(ref, 99):.1f}×)  {verdict(pct(mine, 99) < GOAL_P99)}")
    if "build" in out:
        print(f"  build {out['build']:.0f} documents/s >= {GOAL_BUILD}  {verdict(out['build'] >= GOAL_BUILD)}")
    print(f"  destruction deletes its entries, no rebuild: p95 {pct(lat, 95) * 1000:.0f} ms (plain tantivy "
          f"{pct(plain, 95) * 1000:.0f} ms)  {verdict(complete and pct(lat, 95) < GOAL_DELETE_P95)}")


def write_json(out: dict[str, Any], path: str) -> None:
    import json

    mine, ref = out["search"]
    lat, plain, complete = out["delete"]
    ref_n, b_mine, b_plain = out.get("build_ref", (0, 0.0, 0.0))
    Path(path).write_text(json.dumps({
        "p95_ms": pct(mine, 95) * 1000, "p99_ms": pct(mine, 99) * 1000,
        "ref_p95_ms": pct(ref, 95) * 1000, "ref_p99_ms": pct(ref, 99) * 1000,
        "bare_p95_ms": pct(out["search_bare"], 95) * 1000, "bare_p99_ms": pct(out["search_bare"], 99) * 1000,
        "ref_docs": ref_n, "build_ref_luutru": b_mine, "build_ref_plain": b_plain, "build": out.get("build"),
        "delete_p95_ms": pct(lat, 95) * 1000, "ref_delete_p95_ms": pct(plain, 95) * 1000,
        "delete_complete": complete}))


if __name__ == "__main__":
    raise SystemExit(main())
