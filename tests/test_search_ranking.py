"""Phrase-first ranking, written down as a query set over a small realistic corpus.

Vietnamese words are mostly two syllables and the index splits syllables, so
``quyet dinh`` also matches invitations about *quy định* that mention *giải quyết*
somewhere.  Every word stays required; the order is: the words as a phrase (title
before body), then the words near each other in order, then the rest; when the query
has diacritics, the same diacritics rank above folded matches.  The result counts the
phrase matches (``phrase_total``) so the page can say "N chứa đúng cụm từ".

The embedded backend; the cluster backends follow the same tiers
(``luutru.search.ranking``) once their query model adds them.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from luutru.search import Index, Rights, SearchQuery, open_index
from tests.test_search_contract import document, dossier

FONDS, NAME = "000.00.31.H57", "UBND tỉnh Đắk Lắk"
D = f"{FONDS}.2021.20"  # decisions and invitations, one dossier of the year
D_OLD = f"{FONDS}.1998.03"  # legacy catalogue typed without diacritics
PUBLIC = Rights.public()
EVERYTHING = Rights(see_restricted=True)

# id suffix -> (type, number, notation, abstract, full text, access)
DOCS: dict[str, tuple[str, str, str, str, str, str]] = {
    "0001": ("Quyết định", "31", "QĐ-UBND", "Quyết định về việc phê duyệt quy hoạch sử dụng đất",
             "Điều 1. Phê duyệt quy hoạch sử dụng đất huyện Krông Pắc.", "Công khai"),
    "0002": ("Quyết định", "45", "QĐ-UBND", "Quyết định ban hành bảng giá đất giai đoạn 2020-2024",
             "Ban hành kèm theo Quyết định này bảng giá đất.", "Công khai"),
    "0003": ("Giấy mời", "12", "GM-UBND", "Giấy mời họp triển khai quy định mới về giải quyết khiếu nại",
             "Kính mời đại biểu dự họp về quy định giải quyết khiếu nại, tố cáo.", "Công khai"),
    "0004": ("Giấy mời", "13", "GM-UBND", "Giấy mời dự hội nghị phổ biến quy định về đất đai",
             "Hội nghị bàn cách giải quyết vướng mắc khi áp dụng các quy định.", "Công khai"),
    "0005": ("Công văn", "120", "UBND-VP", "Công văn đôn đốc thực hiện kế hoạch cải cách hành chính",
             "Đề nghị các sở, ngành triển khai thực hiện theo Quyết định số 31/QĐ-UBND.", "Công khai"),
    "0006": ("Báo cáo", "7", "BC-UBND", "Báo cáo kết quả công tác năm 2021",
             "Tỉnh quyết tâm định hướng phát triển kinh tế xã hội.", "Công khai"),
    "0007": ("Thông báo", "9", "TB-VP", "Thông báo về lịch tiếp công dân",
             "Lãnh đạo tỉnh tiếp công dân, giải quyết kiến nghị về định mức bồi thường.", "Công khai"),
    "0008": ("Quyết định", "50", "QĐ-UBND", "Quyết định kỷ luật cán bộ",
             "Quyết định kỷ luật khiển trách.", "Hạn chế"),
    "0009": ("Tờ trình", "21", "TTr-SXD", "Tờ trình về việc trùng tu đình làng Lạc Giao",
             "Đình làng được xếp hạng di tích; đề nghị cấp kinh phí trùng tu.", "Công khai"),
    "0010": ("Công văn", "122", "UBND-VP", "Công văn hướng dẫn xác định giá đất cụ thể",
             "Hướng dẫn xác định giá đất theo định giá của hội đồng.", "Công khai"),
}
OLD_DOCS = {
    "0001": ("Quyet dinh", "7", "QD-UB", "Quyet dinh thanh lap truong trung hoc", "Quyet dinh thanh lap truong.",
             "Công khai"),
}


def rows(code: str, year: int, title: str, docs: dict[str, tuple[str, ...]]) -> tuple[Any, list[Any], dict[str, str]]:
    d = dossier(code, FONDS, NAME, year, title)
    documents, texts = [], {}
    for seq, (doc_type, number, notation, abstract, text, access) in docs.items():
        row = document(code, int(seq), doc_type, number, notation, f"{year}-0{int(seq) % 9 + 1}-15", NAME, abstract,
                       access=access)
        documents.append(row)
        texts[row["ma_dinh_danh_van_ban"]] = text
    return d, documents, texts


@pytest.fixture(scope="module")
def idx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    index = open_index("tantivy://" + str(tmp_path_factory.mktemp("ranking")))
    with index.bulk():
        index.index_dossier(*rows(D, 2021, "Hồ sơ văn bản đi năm 2021", DOCS))
        index.index_dossier(*rows(D_OLD, 1998, "Ho so thanh lap truong", OLD_DOCS))
    yield index
    index.close()


def doc(suffix: str, code: str = D) -> str:
    return f"{code}.{suffix}"


def ranks(index: Index, text: str, rights: Rights = PUBLIC, **kw: Any) -> list[str]:
    return index.search(SearchQuery(text=text, kind="document", size=100, **kw), rights).ids()


def test_quyet_dinh_puts_decisions_above_invitations_about_quy_dinh(idx: Index) -> None:
    found = ranks(idx, "quyet dinh")
    phrase_in_title = {doc("0001"), doc("0002"), doc("0001", D_OLD)}
    assert set(found[:3]) == phrase_in_title
    assert found[3] == doc("0005")  # the phrase in the full text only ("theo Quyết định số 31")
    assert found[4] == doc("0006")  # "quyết tâm định hướng": near
    assert set(found[5:]) == {doc("0003"), doc("0004"), doc("0007")}  # syllables apart: last
    assert doc("0008") not in found  # restricted


def test_the_result_counts_the_phrase_matches(idx: Index) -> None:
    res = idx.search(SearchQuery(text="quyet dinh", kind="document", facets=True), PUBLIC)
    assert (res.total, res.phrase_total) == (8, 4)
    assert res.to_dict()["phrase_total"] == 4
    everything = idx.search(SearchQuery(text="quyet dinh", kind="document", facets=True), EVERYTHING)
    assert (everything.total, everything.phrase_total) == (9, 5)  # with the restricted decision
    without_facets = idx.search(SearchQuery(text="quyet dinh", kind="document"), PUBLIC)
    assert (without_facets.total, without_facets.phrase_total, without_facets.facets) == (8, 4, {})


def test_quotes_keep_only_the_phrase(idx: Index) -> None:
    quoted = ranks(idx, '"quyet dinh"')
    assert set(quoted) == {doc("0001"), doc("0002"), doc("0005"), doc("0001", D_OLD)}
    assert set(quoted[:3]) == {doc("0001"), doc("0002"), doc("0001", D_OLD)}  # title before body
    assert idx.search(SearchQuery(text='"quyet dinh"'), PUBLIC).phrase_total is None  # nothing left to quote
    assert idx.search(SearchQuery(text="quyết"), PUBLIC).phrase_total is None  # one word


def test_diacritics_as_typed_rank_above_folded_within_a_tier(idx: Index) -> None:
    found = ranks(idx, "Quyết định")
    assert set(found[:2]) == {doc("0001"), doc("0002")}
    assert found[2:5] == [doc("0005"), doc("0001", D_OLD), doc("0006")]  # as typed in the text, then folded
    quoted = ranks(idx, '"Quyết định"')
    assert set(quoted[:3]) == {doc("0001"), doc("0002"), doc("0005")} and quoted[3] == doc("0001", D_OLD)


def test_one_word_with_marks_ranks_that_word_above_its_folded_twins(idx: Index) -> None:
    found = ranks(idx, "đình")  # communal house; "định" folds to the same "dinh"
    assert found[0] == doc("0009")
    assert doc("0001") in found[1:]
    assert set(ranks(idx, "định")[-2:]) == {doc("0009"), doc("0001", D_OLD)}  # "đình", "dinh": folded only


def test_three_words_phrase_then_near_then_scattered(idx: Index) -> None:
    found = ranks(idx, "gia dat")
    assert set(found[:2]) == {doc("0002"), doc("0010")}  # "giá đất" as written
    res = idx.search(SearchQuery(text="xac dinh gia dat", kind="document"), PUBLIC)
    assert res.ids()[0] == doc("0010") and res.phrase_total == 1


def test_date_sort_ignores_relevance_tiers(idx: Index) -> None:
    hits = idx.search(SearchQuery(text="quyet dinh", kind="document", sort="date", size=100), PUBLIC).hits
    dates = [h.date for h in hits]
    assert dates == sorted(dates, reverse=True) and all(h.score is None for h in hits)


def test_pages_run_from_the_phrase_matches_into_the_rest(idx: Index) -> None:
    whole = ranks(idx, "quyet dinh")
    paged: list[str] = []
    for page in (1, 2, 3):
        res = idx.search(SearchQuery(text="quyet dinh", kind="document", page=page, size=3), PUBLIC)
        assert (res.total, res.phrase_total) == (8, 4)
        paged += res.ids()
    assert paged == whole
    scores = [h.score for h in idx.search(SearchQuery(text="quyet dinh", kind="document", size=100), PUBLIC).hits]
    assert scores == sorted(scores, reverse=True)  # one scale across the phrase matches and the rest
