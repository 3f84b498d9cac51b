"""One contract for every index backend: what a researcher relies on.

Runs on the embedded tantivy index always, on the OpenSearch node that scripts/setup
starts (``LUUTRU_TEST_OPENSEARCH_URL``, see tests/engines.py; skipped with the reason
without it, failed in CI), and on Elasticsearch when ``LUUTRU_TEST_ELASTICSEARCH_URL``
is set. On a cluster a unique index prefix is used and removed afterwards.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any, Iterator

import pytest

from luutru.search import Index, Kind, Rights, SearchQuery, Sort, open_index
from luutru.search.opensearch_index import OpenSearchIndex
from tests import engines

ES_URL = (engines.value("elasticsearch") or "").rstrip("/")

FONDS_A, NAME_A = "000.00.31.H57", "UBND tỉnh Đắk Lắk"
FONDS_B, NAME_B = "000.00.12.H12", "Sở Nội vụ tỉnh Tiền Giang"
EVERYTHING = Rights(see_restricted=True)
PUBLIC = Rights.public()


def dossier(code: str, fonds: str, name: str, year: int, title: str, *, retention: str = "Vĩnh viễn",
            access: str = "Công khai", start: str | None = None) -> dict[str, Any]:
    return {
        "ma_ho_so": code, "ma_co_quan": fonds, "ten_co_quan": name, "nam_hinh_thanh": year,
        "so_ky_hieu_ho_so": code.rsplit(".", 1)[1], "tieu_de": title, "thoi_han_bao_quan": retention,
        "che_do_su_dung": access, "ngon_ngu": "Tiếng Việt", "thoi_gian_bat_dau": start or f"{year}-01-05",
        "thoi_gian_ket_thuc": f"{year}-12-30",
    }


def document(dossier_code: str, seq: int, doc_type: str, number: str, notation: str, issued: str, issuer: str,
             abstract: str, access: str = "Công khai") -> dict[str, Any]:
    return {
        "ma_dinh_danh_van_ban": f"{dossier_code}.{seq:04d}", "ma_ho_so": dossier_code, "so_thu_tu": seq,
        "ten_loai_van_ban": doc_type, "so_van_ban": number, "ky_hieu_van_ban": notation, "ngay_van_ban": issued,
        "co_quan_ban_hanh": issuer, "trich_yeu": abstract, "ngon_ngu": "Tiếng Việt", "so_trang": 2,
        "che_do_su_dung": access, "muc_do_tin_cay": "Bản gốc điện tử",
    }


D_LAND = f"{FONDS_A}.2021.05"  # public, permanent, Đắk Lắk land prices
D_HIRING = f"{FONDS_A}.2019.12-TCCB"  # restricted dossier
D_PLAIN = f"{FONDS_B}.2020.03"  # legacy entry typed without diacritics
D_ACCENT = f"{FONDS_B}.2020.04"  # the same words with diacritics
D_LETTERS = f"{FONDS_A}.2022.07"  # 25 outgoing letters, for paging and sorting


def corpus() -> list[tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]]:
    land = dossier(D_LAND, FONDS_A, NAME_A, 2021, "Hồ sơ ban hành bảng giá đất tỉnh Đắk Lắk giai đoạn 2020-2024")
    land_docs = [
        document(D_LAND, 1, "Quyết định", "31", "QĐ-UBND", "2021-06-15", NAME_A,
                 "Ban hành bảng giá đất trên địa bàn tỉnh giai đoạn 2020-2024"),
        document(D_LAND, 2, "Công văn", "120", "UBND-VP", "2021-03-02", NAME_A,
                 "Về việc lấy ý kiến dự thảo bảng giá đất"),
        document(D_LAND, 3, "Biên bản", "07", "BB-UBND", "2021-04-20", NAME_A,
                 "Biên bản họp kín về nhân sự", access="Hạn chế"),
    ]
    land_texts = {
        f"{D_LAND}.0001": "Điều 1. Ban hành kèm theo Quyết định này bảng giá đất trên địa bàn tỉnh Đắk Lắk.",
        f"{D_LAND}.0002": "Ủy ban nhân dân tỉnh đề nghị các sở, ngành góp ý dự thảo bảng giá đất.",
    }
    hiring = dossier(D_HIRING, FONDS_A, NAME_A, 2019, "Hồ sơ tuyển dụng công chức năm 2019",
                     retention="10 năm", access="Hạn chế")
    hiring_docs = [document(D_HIRING, 1, "Tờ trình", "45", "TTr-SNV", "2019-05-10", NAME_A,
                            "Tờ trình phê duyệt kết quả tuyển dụng công chức")]
    plain = dossier(D_PLAIN, FONDS_B, NAME_B, 2020, "Quyet dinh giao dat xay dung truong hoc", retention="20")
    plain_docs = [document(D_PLAIN, 1, "Quyet dinh", "88", "QĐ-SNV", "2020-08-01", NAME_B,
                           "Quyet dinh giao dat xay dung truong hoc")]
    plain_texts = {f"{D_PLAIN}.0001": "Can cu Quyet dinh so 31/2021/QĐ-UBND cua UBND tinh Dak Lak."}
    accent = dossier(D_ACCENT, FONDS_B, NAME_B, 2020, "Quyết định giao đất xây dựng trường học", retention="20 năm")
    accent_docs = [document(D_ACCENT, 1, "Quyết định", "89", "QĐ-SNV", "2020-09-01", NAME_B,
                            "Quyết định giao đất xây dựng trường học")]
    letters = dossier(D_LETTERS, FONDS_A, NAME_A, 2022, "Công văn đi năm 2022", retention="10 năm")
    letters_docs = [document(D_LETTERS, i, "Công văn", str(200 + i), "UBND-TH", f"2022-{1 + i % 12:02d}-{1 + i:02d}",
                             NAME_A, f"Báo cáo định kỳ số {i} về công tác lưu trữ") for i in range(1, 26)]
    return [
        (land, land_docs, land_texts), (hiring, hiring_docs, {}), (plain, plain_docs, plain_texts),
        (accent, accent_docs, {}), (letters, letters_docs, {}),
    ]


def load(idx: Index) -> None:
    with idx.bulk():
        for d, docs, texts in corpus():
            idx.index_dossier(d, docs, texts)


def es_cleanup(prefix: str) -> None:
    from elasticsearch import Elasticsearch

    es = Elasticsearch(ES_URL)
    # Names one by one: clusters refuse wildcard deletes by default.
    for name in es.indices.get(index=f"{prefix}-idx-*", allow_no_indices=True).body:
        es.indices.delete(index=name, ignore_unavailable=True)
    es.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-template")
    es.close()


def os_cleanup(url: str, prefix: str) -> None:
    from opensearchpy import OpenSearch

    client = OpenSearch([url])
    # Names one by one: clusters refuse wildcard deletes by default.
    for name in client.indices.get(index=f"{prefix}-idx-*", allow_no_indices=True):
        client.indices.delete(index=name, ignore_unavailable=True)
    client.indices.delete_index_template(name=f"{prefix}-template", ignore=404)
    client.close()


def make_index(backend: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, Any]:
    if backend == "tantivy":
        return open_index("tantivy://" + str(tmp_path_factory.mktemp("index"))), None
    prefix = f"luutru-test-{uuid.uuid4().hex[:8]}"
    if backend == "opensearch":
        url = engines.need("opensearch").rstrip("/")
        idx = open_index(f"opensearch+{url}/{prefix}")
        assert isinstance(idx, OpenSearchIndex)
        return idx, ("opensearch", url, prefix)
    url = engines.need("elasticsearch").rstrip("/")
    return open_index(f"{url}/{prefix}"), ("elasticsearch", url, prefix)


def cleanup(made: Any) -> None:
    if made:
        engine, url, prefix = made
        os_cleanup(url, prefix) if engine == "opensearch" else es_cleanup(prefix)


BACKENDS = ["tantivy", pytest.param("opensearch", marks=engines.mark("opensearch")),
            pytest.param("elasticsearch", marks=engines.mark("elasticsearch"))]


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """A read-only index with the corpus (shared by the tests that only search)."""
    idx, made = make_index(request.param, tmp_path_factory)
    load(idx)
    yield idx
    idx.close()
    cleanup(made)


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """An index of its own with the corpus, for tests that change it."""
    idx, made = make_index(request.param, tmp_path_factory)
    load(idx)
    yield idx
    idx.close()
    cleanup(made)


def ids(idx: Index, text: str = "", rights: Rights = EVERYTHING, **kw: Any) -> list[str]:
    return idx.search(SearchQuery(text=text, size=100, **kw), rights).ids()


# ---------------------------------------------------------------- Vietnamese matching


def test_is_an_index(loaded: Index) -> None:
    assert isinstance(loaded, Index)
    assert loaded.count() == 5 + 3 + 1 + 1 + 1 + 25  # dossiers + their documents


@pytest.mark.parametrize(("typed", "accented"), [
    ("quyet dinh", "Quyết định"), ("dak lak", "Đắk Lắk"), ("DAK LAK", "đắk lắk"), ("bang gia dat", "bảng giá đất"),
])
def test_diacritics_do_not_change_what_is_found(loaded: Index, typed: str, accented: str) -> None:
    folded, exact = set(ids(loaded, typed)), set(ids(loaded, accented))
    assert folded and folded == exact


def test_d_with_stroke_folds_to_d(loaded: Index) -> None:
    found = ids(loaded, "dat", kind=Kind.DOCUMENT)
    assert f"{D_LAND}.0001" in found  # "bảng giá đất"
    assert f"{D_ACCENT}.0001" in found  # "giao đất"
    assert set(ids(loaded, "Đắk")) == set(ids(loaded, "dak")) != set()


def test_decomposed_input_finds_the_same(loaded: Index) -> None:
    nfd = unicodedata.normalize("NFD", "Quyết định giao đất")
    assert ids(loaded, nfd) == ids(loaded, "Quyết định giao đất") != []


def test_exact_diacritics_rank_above_folded(loaded: Index) -> None:
    accented = ids(loaded, "Quyết định giao đất", kind=Kind.DOSSIER)
    assert accented[:2] == [D_ACCENT, D_PLAIN]
    plain = ids(loaded, "quyet dinh giao dat", kind=Kind.DOSSIER)
    assert plain[:2] == [D_PLAIN, D_ACCENT]  # typed without marks: the unmarked entry is the exact one
    assert ids(loaded, "trường học", kind=Kind.DOCUMENT)[:2] == [f"{D_ACCENT}.0001", f"{D_PLAIN}.0001"]


def test_all_words_are_required(loaded: Index) -> None:
    assert ids(loaded, "bảng giá đất trường học") == []
    assert set(ids(loaded, "giao đất trường")) == {D_ACCENT, D_PLAIN, f"{D_ACCENT}.0001", f"{D_PLAIN}.0001"}


def test_quoted_phrase_keeps_word_order(loaded: Index) -> None:
    assert f"{D_LAND}.0001" in ids(loaded, '"bảng giá đất"')
    assert ids(loaded, '"đất giá bảng"') == []


# ---------------------------------------------------------------- codes, number/notation


@pytest.mark.parametrize("typed", ["31/2021/QĐ-UBND", "31/2021/qd-ubnd", "31/QĐ-UBND", "(31/2021/QĐ-UBND),"])
def test_number_and_notation_find_the_document_first(loaded: Index, typed: str) -> None:
    found = ids(loaded, typed)
    assert found[0] == f"{D_LAND}.0001"


def test_number_and_notation_also_find_citations_below(loaded: Index) -> None:
    found = ids(loaded, "31/2021/QĐ-UBND")
    assert found[:2] == [f"{D_LAND}.0001", f"{D_PLAIN}.0001"]  # the document, then the one citing it


def test_dossier_code_finds_the_dossier_then_its_documents(loaded: Index) -> None:
    found = ids(loaded, D_LAND)
    assert found[0] == D_LAND
    assert set(found[1:4]) == {f"{D_LAND}.0001", f"{D_LAND}.0002", f"{D_LAND}.0003"}
    assert ids(loaded, D_LETTERS + ".0007")[0] == D_LETTERS + ".0007"
    assert ids(loaded, "12-TCCB")[0] == D_HIRING


def test_code_that_exists_nowhere_finds_nothing(loaded: Index) -> None:
    assert ids(loaded, "999/2030/QĐ-XYZ") == []


# ---------------------------------------------------------------- access rights


def test_restricted_records_are_invisible_without_rights(loaded: Index) -> None:
    res = loaded.search(SearchQuery(text="tuyển dụng", facets=True), PUBLIC)
    assert (res.total, res.hits) == (0, [])
    assert res.facets and all(values == [] for values in res.facets.values())
    assert set(ids(loaded, "tuyen dung")) == {D_HIRING, f"{D_HIRING}.0001"}


def test_public_document_of_a_restricted_dossier_is_restricted(loaded: Index) -> None:
    assert ids(loaded, "45/TTr-SNV", PUBLIC) == []
    assert ids(loaded, "45/TTr-SNV")[0] == f"{D_HIRING}.0001"


def test_restricted_never_counted_in_totals_or_facets(loaded: Index) -> None:
    everything = loaded.search(SearchQuery(facets=True), EVERYTHING)
    public = loaded.search(SearchQuery(facets=True), PUBLIC)
    assert everything.total == loaded.count()
    assert public.total == everything.total - 3  # restricted dossier, its document, the closed minutes
    assert dict(public.facets["access"]) == {"cong_khai": public.total}
    assert dict(everything.facets["access"])["han_che"] == 3
    assert sum(n for _, n in public.facets["kind"]) == public.total
    assert "10" in dict(everything.facets["retention"])
    assert dict(public.facets["retention"]).get("10") == 26  # the letters only, not the hiring dossier
    assert "Tờ trình" not in dict(public.facets["doc_type"])
    assert ids(loaded, "họp kín", PUBLIC) == []


def test_agency_rights_limit_everything(loaded: Index) -> None:
    rights = Rights(see_restricted=True, agencies=frozenset({FONDS_B}))
    res = loaded.search(SearchQuery(size=100, facets=True), rights)
    assert res.total == 4 and {h.fonds for h in res.hits} == {FONDS_B}
    assert dict(res.facets["fonds"]) == {FONDS_B: 4}
    assert ids(loaded, "31/2021/QĐ-UBND", rights) == [f"{D_PLAIN}.0001"]  # only the citation in fonds B
    assert loaded.search(SearchQuery(), Rights(see_restricted=True, agencies=frozenset())).total == 0


def test_restricted_rights_of_one_fonds_add_to_the_public_records_of_all(loaded: Index) -> None:
    """An agency's own archive: everyone's public records and its own restricted ones, so a login
    never finds less than an anonymous visitor."""
    size = SearchQuery(size=100)
    own_a = loaded.search(size, Rights(see_restricted=True, restricted_agencies=frozenset({FONDS_A})))
    own_b = loaded.search(size, Rights(see_restricted=True, restricted_agencies=frozenset({FONDS_B})))
    public = loaded.search(size, PUBLIC)
    everything = loaded.search(size, EVERYTHING)
    assert own_b.total == public.total  # fonds B holds no restricted record
    assert own_a.total == everything.total  # every restricted record is of fonds A
    assert {h.id for h in public.hits} <= {h.id for h in own_b.hits}
    assert D_HIRING in {h.id for h in own_a.hits} and D_HIRING not in {h.id for h in own_b.hits}


# ---------------------------------------------------------------- filters and facets


def test_filters(loaded: Index) -> None:
    assert set(ids(loaded, kind="dossier")) == {D_LAND, D_HIRING, D_PLAIN, D_ACCENT, D_LETTERS}
    assert set(ids(loaded, fonds=FONDS_B, kind=Kind.DOCUMENT)) == {f"{D_PLAIN}.0001", f"{D_ACCENT}.0001"}
    assert set(ids(loaded, year_from=2019, year_to=2020)) == {
        D_HIRING, f"{D_HIRING}.0001", D_PLAIN, f"{D_PLAIN}.0001", D_ACCENT, f"{D_ACCENT}.0001"}
    assert set(ids(loaded, "bảng giá đất", doc_type="Công văn")) == {f"{D_LAND}.0002"}
    assert set(ids(loaded, retention="vinh vien", kind=Kind.DOSSIER)) == {D_LAND}
    assert set(ids(loaded, retention=["20 năm"], kind=Kind.DOSSIER)) == {D_PLAIN, D_ACCENT}
    assert set(ids(loaded, access="Hạn chế")) == {D_HIRING, f"{D_HIRING}.0001", f"{D_LAND}.0003"}
    assert set(ids(loaded, agency=NAME_B, kind="document")) == {f"{D_PLAIN}.0001", f"{D_ACCENT}.0001"}
    assert len(ids(loaded, dossier_code=D_LETTERS)) == 26


def test_facets_count_the_whole_result(loaded: Index) -> None:
    res = loaded.search(SearchQuery(text="bảng giá đất", size=1, facets=True), EVERYTHING)
    assert res.total == 3 and len(res.hits) == 1
    assert dict(res.facets["kind"]) == {"dossier": 1, "document": 2}
    assert dict(res.facets["doc_type"]) == {"Quyết định": 1, "Công văn": 1}
    assert dict(res.facets["year"]) == {"2021": 3}
    assert dict(res.facets["fonds"]) == {FONDS_A: 3}
    assert dict(res.facets["agency"]) == {NAME_A: 3}
    assert dict(res.facets["retention"]) == {"vinh_vien": 3}
    everything = loaded.search(SearchQuery(kind="document", facets=True), EVERYTHING)
    assert everything.facets["doc_type"][0] == ("Công văn", 26)  # most frequent first


def test_facets_only_when_asked(loaded: Index) -> None:
    """Without ``facets=True`` no aggregation runs; the total and the hits are the same."""
    asked = loaded.search(SearchQuery(text="bảng giá đất", facets=True), PUBLIC)
    plain = loaded.search(SearchQuery(text="bảng giá đất"), PUBLIC)
    assert plain.facets == {} and asked.facets
    assert (plain.total, plain.ids()) == (asked.total, asked.ids())


# ---------------------------------------------------------------- paging, sorting, snippets


def test_pages_are_disjoint_and_complete(loaded: Index) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        res = loaded.search(SearchQuery(text="báo cáo định kỳ", page=page, size=10, sort="date"), PUBLIC)
        assert res.total == 25 and res.pages == 3
        seen += res.ids()
    assert len(seen) == len(set(seen)) == 25
    assert loaded.search(SearchQuery(text="báo cáo định kỳ", page=4, size=10), PUBLIC).hits == []


def test_sort_by_date(loaded: Index) -> None:
    newest = loaded.search(SearchQuery(kind="document", sort=Sort.DATE, size=100), EVERYTHING).hits
    dates = [h.date for h in newest]
    assert None not in dates and dates == sorted(dates, reverse=True)
    assert newest[0].id == f"{D_LETTERS}.0023" and newest[0].date == "2022-12-24"
    oldest = loaded.search(SearchQuery(kind="document", sort="date_asc", size=3), EVERYTHING).hits
    assert oldest[0].id == f"{D_HIRING}.0001" and oldest[0].score is None


def test_browsing_without_text_is_newest_first(loaded: Index) -> None:
    hits = loaded.search(SearchQuery(size=100), EVERYTHING).hits
    dates = [h.date for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_snippets_highlight_the_matching_words_as_written(loaded: Index) -> None:
    hit = loaded.search(SearchQuery(text="gia dat", kind="document", doc_type="Quyết định"), PUBLIC).hits[0]
    assert hit.id == f"{D_LAND}.0001"
    assert "<b>giá</b> <b>đất</b>" in hit.snippet
    text_hit = loaded.search(SearchQuery(text="gop y", kind="document"), PUBLIC).hits[0]
    assert text_hit.id == f"{D_LAND}.0002" and "<b>góp</b> <b>ý</b>" in text_hit.snippet


def test_hit_carries_what_a_result_list_shows(loaded: Index) -> None:
    hit = loaded.search(SearchQuery(text="31/2021/QĐ-UBND"), PUBLIC).hits[0]
    assert hit.kind is Kind.DOCUMENT
    assert (hit.dossier_code, hit.fonds, hit.fonds_name, hit.agency) == (D_LAND, FONDS_A, NAME_A, NAME_A)
    assert (hit.doc_type, hit.number_notation, hit.date, hit.year) == ("Quyết định", "31/QĐ-UBND", "2021-06-15", 2021)
    assert (hit.retention, hit.access) == ("vinh_vien", "cong_khai")
    assert hit.title == "Ban hành bảng giá đất trên địa bàn tỉnh giai đoạn 2020-2024"
    assert hit.score and hit.score > 0


def test_markup_in_records_is_escaped(fresh: Index) -> None:
    d = dossier(f"{FONDS_A}.2023.01", FONDS_A, NAME_A, 2023, "Hồ sơ <script>alert(1)</script> thử nghiệm")
    fresh.index_dossier(d, [])
    hit = fresh.search(SearchQuery(text="thu nghiem"), PUBLIC).hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet


# ---------------------------------------------------------------- changing the index


def test_reindexing_a_dossier_replaces_its_entries(fresh: Index) -> None:
    before = fresh.count()
    land, docs, texts = corpus()[0]
    fresh.index_dossier({**land, "tieu_de": "Hồ sơ bảng giá đất (đã chỉnh lý)"}, docs[:1], texts)
    assert fresh.count() == before - 2
    assert set(ids(fresh, dossier_code=D_LAND)) == {D_LAND, f"{D_LAND}.0001"}
    assert ids(fresh, "chỉnh lý") == [D_LAND]


def test_delete_dossier(fresh: Index) -> None:
    before = fresh.count()
    fresh.delete_dossier(D_LAND)
    assert fresh.count() == before - 4
    assert ids(fresh, dossier_code=D_LAND) == []
    assert ids(fresh, "31/2021/QĐ-UBND") == [f"{D_PLAIN}.0001"]  # only the citation remains


def test_clear(fresh: Index) -> None:
    fresh.clear()
    assert fresh.count() == 0 and fresh.search(SearchQuery(), EVERYTHING).total == 0


def test_rebuild_swaps_in_one_step(fresh: Index) -> None:
    old = fresh.count()
    fresh.begin_rebuild()
    for d, docs, texts in corpus()[2:4]:
        fresh.index_dossier({**d, "tieu_de": d["tieu_de"] + " bản dựng lại"}, docs, texts)
        # Searches keep the complete old index while the new one is being built.
        assert fresh.count() == old
        assert ids(fresh, "dung lai") == []
    fresh.finish_rebuild()
    assert fresh.count() == 4
    assert set(ids(fresh, "dung lai")) == {D_PLAIN, D_ACCENT}
    assert ids(fresh, "31/2021/QĐ-UBND") == [f"{D_PLAIN}.0001"]


def test_aborted_rebuild_leaves_the_old_index(fresh: Index) -> None:
    old = fresh.count()
    fresh.begin_rebuild()
    fresh.index_dossier(*corpus()[2][:2])
    fresh.abort_rebuild()
    assert fresh.count() == old
    assert ids(fresh, "31/2021/QĐ-UBND")[0] == f"{D_LAND}.0001"
    fresh.index_dossier(dossier(f"{FONDS_A}.2023.02", FONDS_A, NAME_A, 2023, "Hồ sơ sau khi hủy"), [])
    assert fresh.count() == old + 1
