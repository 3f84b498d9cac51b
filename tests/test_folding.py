"""Vietnamese folding: what researchers type must meet what the records say."""

from __future__ import annotations

import unicodedata

import pytest

from luutru.records.model import fold as catalogue_fold
from luutru.search.folding import code_key, fold, looks_like_code, nfc, squash_spaces


@pytest.mark.parametrize(("text", "folded"), [
    ("Quyết định", "quyet dinh"),
    ("Đắk Lắk", "dak lak"),
    ("ĐỒNG THÁP", "dong thap"),
    ("Thừa Thiên Huế", "thua thien hue"),
    ("Bà Rịa – Vũng Tàu", "ba ria – vung tau"),
    ("Nghị định 30/2020/NĐ-CP", "nghi dinh 30/2020/nd-cp"),
    ("ưởng ỹ ọ ặ", "uong y o a"),
])
def test_fold_strips_every_mark_and_d_with_stroke(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_the_same_for_composed_and_decomposed_text() -> None:
    composed = "Quyết định giao đất Đắk Lắk"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "quyet dinh giao dat dak lak"
    assert nfc(decomposed) == composed


def test_code_key_ignores_case_marks_and_spaces_but_keeps_separators() -> None:
    assert code_key("31/2021/QĐ-UBND") == code_key("31/2021/qd-ubnd") == code_key(" 31/2021/QĐ - UBND ")
    assert code_key("31/2021/QĐ-UBND") != code_key("31-2021-QĐ-UBND")
    assert code_key("000.00.31.H57.2021.05") == "000.00.31.h57.2021.05"


@pytest.mark.parametrize("token", ["000.00.31.H57.2021.05", "31/2021/QĐ-UBND", "QĐ-UBND", "12-TCCB", "120/UBND-VP"])
def test_codes_are_recognised(token: str) -> None:
    assert looks_like_code(token)


@pytest.mark.parametrize("token", ["Quyết", "2021", "đất đai", "", "/", "31/", "-UBND"])
def test_words_are_not_codes(token: str) -> None:
    assert not looks_like_code(token)


def test_squash_spaces() -> None:
    assert squash_spaces("  Hồ sơ\n\t tuyển   dụng ") == "Hồ sơ tuyển dụng"


def test_quick_fold_agrees_with_the_catalogue_fold_on_every_vietnamese_letter() -> None:
    vowels = "aăâeêioôơuưy"
    letters = [unicodedata.normalize("NFC", v + mark) for v in vowels for mark in ("", "\u0300", "\u0301", "\u0303",
                                                                                   "\u0309", "\u0323")] + ["đ"]
    text = " ".join(letters + [w.upper() for w in letters] + ["İstanbul", "x\u0301\u0323", "Ωmega", "ﬁ"])
    assert fold(text) == catalogue_fold(text)
    assert fold(unicodedata.normalize("NFD", text)) == catalogue_fold(text)
