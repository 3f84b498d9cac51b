"""The embedded index: persistence, one writer at a time, bad input, damaged directories."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import unicodedata

import pytest

from luutru.search import IndexingError, Rights, SearchQuery, open_index
from luutru.search.entries import build_entries, number_notation
from luutru.search.tantivy_index import MARKER, TantivyIndex
from luutru.search.tantivy_schema import to_doc
from tests.test_search_contract import (
    D_LAND,
    EVERYTHING,
    FONDS_A,
    NAME_A,
    corpus,
    document,
    dossier,
    load,
)


def test_index_survives_closing_and_reopening(tmp_path) -> None:
    idx = open_index(f"tantivy://{tmp_path}")
    load(idx)
    n = idx.count()
    idx.close()
    again = open_index(f"tantivy://{tmp_path}")
    assert again.count() == n
    assert again.search(SearchQuery(text="31/2021/qd-ubnd"), Rights.public()).hits[0].id == f"{D_LAND}.0001"
    again.close()


def test_another_process_searches_what_this_one_wrote(tmp_path) -> None:
    with open_index(f"tantivy://{tmp_path}") as idx:
        load(idx)
        code = (
            "from luutru.search import open_index, SearchQuery, Rights\n"
            f"idx = open_index('tantivy://{tmp_path}')\n"
            "r = idx.search(SearchQuery(text='dak lak'), Rights.public())\n"
            "print(r.total)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=os.getcwd(), timeout=60)
        assert int(out.stdout.strip()) == idx.search(SearchQuery(text="dak lak"), Rights.public()).total > 0


def test_a_second_writer_gets_a_clear_indexing_error(tmp_path) -> None:
    first, second = TantivyIndex(tmp_path), TantivyIndex(tmp_path)
    d, docs, texts = corpus()[0]
    first.index_dossier(d, docs, texts)  # holds the writer lock until close()
    with pytest.raises(IndexingError) as err:
        second.index_dossier(d, docs, texts)
    assert "another process" in err.value.message_en and "tiến trình khác" in err.value.message_vi
    assert second.count() == first.count() == 4  # reading is never blocked
    first.close()
    second.index_dossier(d, docs[:1], texts)  # free again
    assert second.count() == 2
    second.close()


@pytest.mark.parametrize(("dossier_row", "documents", "field"), [
    ({"tieu_de": "Không có mã"}, [], "ma_ho_so"),
    (dossier(f"{FONDS_A}.2021.09", FONDS_A, NAME_A, 2021, "Hồ sơ"),
     [{"trich_yeu": "Văn bản không có mã"}], "ma_dinh_danh_van_ban"),
    (dossier(f"{FONDS_A}.2021.09", FONDS_A, NAME_A, 2021, "Hồ sơ"),
     [document(f"{FONDS_A}.2021.10", 1, "Công văn", "1", "UBND", "2021-01-01", NAME_A, "Nhầm hồ sơ")], "ma_ho_so"),
    (dossier(f"{FONDS_A}.2021.09", FONDS_A, NAME_A, 2021, "Hồ sơ"),
     [document(f"{FONDS_A}.2021.09", 1, "Công văn", "1", "UBND", "2021-01-01", NAME_A, "Hai lần")] * 2,
     "ma_dinh_danh_van_ban"),
])
def test_bad_catalogue_rows_raise_indexing_error_and_leave_the_index_alone(tmp_path, dossier_row, documents,
                                                                           field) -> None:
    with open_index(f"tantivy://{tmp_path}") as idx:
        load(idx)
        before = idx.count()
        with pytest.raises(IndexingError) as err:
            idx.index_dossier(dossier_row, documents)
        assert err.value.field == field and err.value.message_vi
        assert idx.count() == before


def test_unreadable_optional_values_do_not_block_indexing(tmp_path) -> None:
    d = dossier(f"{FONDS_A}.2021.11", FONDS_A, NAME_A, 2021, "Hồ sơ ngày sai", retention="không rõ", access="?")
    d["thoi_gian_bat_dau"] = "31/02/2021"
    doc = document(d["ma_ho_so"], 1, "Công văn", "5", "UBND", "không ngày", NAME_A, "Văn bản ngày sai")
    with open_index(f"tantivy://{tmp_path}") as idx:
        idx.index_dossier(d, [doc])
        assert idx.search(SearchQuery(text="ngay sai"), Rights.public()).total == 0  # unknown access: restricted
        hits = idx.search(SearchQuery(text="ngay sai", sort="date"), EVERYTHING).hits
        assert {h.id for h in hits} == {d["ma_ho_so"], doc["ma_dinh_danh_van_ban"]}
        assert all(h.date is None and h.year == 2021 and h.access == "han_che" and h.retention == "" for h in hits)


def test_decomposed_catalogue_text_is_found_by_composed_queries(tmp_path) -> None:
    title = unicodedata.normalize("NFD", "Hồ sơ quy hoạch Đắk Lắk")
    code = f"{FONDS_A}.2021.12"
    with open_index(f"tantivy://{tmp_path}") as idx:
        idx.index_dossier(dossier(code, FONDS_A, NAME_A, 2021, title), [
            document(code, 1, "Công văn", "9", "UBND", "2021-02-02", NAME_A, "Trích yếu")],
            {unicodedata.normalize("NFD", f"{code}.0001"): unicodedata.normalize("NFD", "Nội dung chỉnh trang đô thị")})
        assert idx.search(SearchQuery(text="quy hoạch"), Rights.public()).ids() == [code]
        assert idx.search(SearchQuery(text="chỉnh trang"), Rights.public()).ids() == [f"{code}.0001"]


def test_index_from_a_newer_schema_asks_for_a_reindex(tmp_path) -> None:
    open_index(f"tantivy://{tmp_path}").close()
    (tmp_path / MARKER).write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(IndexingError) as err:
        open_index(f"tantivy://{tmp_path}")
    assert "luutru reindex" in err.value.message_en


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory_is_an_indexing_error(tmp_path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(IndexingError):
            open_index(f"tantivy://{tmp_path}/index")
    finally:
        tmp_path.chmod(0o700)


def test_path_that_is_a_file_is_an_indexing_error(tmp_path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(IndexingError) as err:
        open_index(f"tantivy://{tmp_path}/file")
    assert "luutru reindex" in err.value.message_en


def test_number_notation_forms() -> None:
    assert number_notation("31", "QĐ-UBND", 2021) == ["31/QĐ-UBND", "31/2021/QĐ-UBND"]
    assert number_notation("31/2021", "QĐ-UBND", 2021) == ["31/2021/QĐ-UBND"]
    assert number_notation("", "QĐ-UBND", 2021) == ["QĐ-UBND"]
    assert number_notation("7", "", None) == ["7"]


def test_documents_inherit_retention_and_restriction_from_their_dossier() -> None:
    d, docs, texts = corpus()[1]  # restricted hiring dossier, its document public on its own
    entries = build_entries(d, docs, texts)
    assert [e.access for e in entries] == ["han_che", "han_che"]
    assert [e.retention for e in entries] == ["10", "10"]


def test_facets_are_kept_for_other_pages_until_the_index_changes(tmp_path) -> None:
    with open_index(f"tantivy://{tmp_path}") as idx:
        load(idx)
        first = idx.search(SearchQuery(text="dak lak", size=1, facets=True), EVERYTHING)
        second = idx.search(SearchQuery(text="dak lak", size=1, page=2, sort="date", facets=True), EVERYTHING)
        assert (second.total, second.facets) == (first.total, first.facets)
        assert second.ids() != first.ids()
        second.facets["kind"].clear()  # a caller's change does not reach the kept copy
        assert idx.search(SearchQuery(text="dak lak", size=1, facets=True), EVERYTHING).facets == first.facets
        idx.delete_dossier(D_LAND)
        after = idx.search(SearchQuery(text="dak lak", size=1, facets=True), EVERYTHING)
        assert after.total < first.total and after.facets != first.facets
        public = idx.search(SearchQuery(text="dak lak", size=1, facets=True), Rights.public())
        assert dict(public.facets["access"]) == {"cong_khai": public.total}  # rights are part of the key


def test_an_unknown_access_value_is_written_as_restricted(tmp_path) -> None:
    """Public searches exclude restricted entries, so every entry must hold one of the two values."""
    d, docs, texts = corpus()[0]
    entry = dataclasses.replace(build_entries(d, docs, texts)[0], access="bí mật")
    assert to_doc(entry).get_first("access") == "han_che"
    assert to_doc(dataclasses.replace(entry, access="")).get_first("access") == "han_che"
