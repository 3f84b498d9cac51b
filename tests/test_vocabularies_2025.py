"""Every value of every 05/2025 list: code, label, 'code: label' and each accepted wording.

The retention list gets its own tests because it is the one whose labels are numbers:
``01`` must never come back as one year.
"""

from __future__ import annotations

import re

import pytest

from luutru.records.model import fold
from luutru.records.vocabularies import V2019, V2025, VocabularyError, normalise, vocabularies, vocabulary

ALL = [(key, term) for key, voc in vocabularies().items() for term in voc.terms]
IDS = [f"{k}-{t.code}" for k, t in ALL]
EXPECTED_CODES = {
    "retention": ["01", "02", "03", "04", "05", "06", "07"],
    "access": ["01", "02", "03"],
    "reliability": ["01", "02", "03"],
    "physical_condition": ["01", "02", "03"],
    "language": [f"{i:02d}" for i in range(1, 12)],
    "document_type": [f"{i:02d}" for i in range(1, 33)],
    "backup_regime": ["1", "0"],
    "backup_status": ["01", "02"],
    "processing_trail": ["1", "0"],
    "fonds_status": ["01", "02"],
}
LABELS = {
    ("retention", "01"): "Vĩnh viễn", ("retention", "02"): "70 năm", ("retention", "03"): "50 năm",
    ("retention", "04"): "30 năm", ("retention", "05"): "20 năm", ("retention", "06"): "10 năm",
    ("retention", "07"): "Khác",
    ("access", "01"): "Công khai", ("access", "02"): "Sử dụng có điều kiện", ("access", "03"): "Mật",
    ("reliability", "01"): "Gốc điện tử", ("reliability", "02"): "Số hóa", ("reliability", "03"): "Hỗn hợp",
    ("physical_condition", "01"): "Tốt", ("physical_condition", "02"): "Bình thường",
    ("physical_condition", "03"): "Hỏng",
    ("language", "01"): "Tiếng Việt", ("language", "09"): "Hán Nôm", ("language", "11"): "Khác",
    ("document_type", "02"): "Quyết định", ("document_type", "22"): "Công văn",
    ("document_type", "31"): "Bản vẽ kỹ thuật", ("document_type", "32"): "Khác",
}


def test_lists_hold_exactly_the_05_2025_codes():
    assert {k: list(v.codes) for k, v in vocabularies().items()} == EXPECTED_CODES


@pytest.mark.parametrize(("key", "code"), list(LABELS))
def test_labels_are_the_05_2025_wording(key, code):
    assert vocabulary(key).term(code).label_vi == LABELS[(key, code)]


def _expect(key, term, value, version=V2025):
    v = normalise(key, value, version=version)
    assert (v.code, v.label_vi) == (term.code, term.label_vi), value
    return v


@pytest.mark.parametrize(("key", "term"), ALL, ids=IDS)
def test_every_label_and_code_label_form(key, term):
    if key == "retention" and term.code == "07":
        pytest.skip("07 needs its number of years: tested below")
    assert _expect(key, term, term.label_vi).how == "label"
    assert _expect(key, term, term.label_vi.upper()).code == term.code
    assert _expect(key, term, f"  {term.label_vi}  ").code == term.code
    assert _expect(key, term, f"{term.code}: {term.label_vi}").how == "code+label"
    assert _expect(key, term, f"{term.code} - {term.label_vi}").how == "code+label"
    assert _expect(key, term, term.label_en).code == term.code


@pytest.mark.parametrize(("key", "term"), ALL, ids=IDS)
def test_every_code(key, term):
    if key == "retention" and term.code == "07":
        with pytest.raises(VocabularyError) as e:
            normalise(key, "07")
        assert e.value.kind == "needs_years"
        return
    if term.code in vocabulary(key).disputed:
        # another public reading numbers this code differently: a bare code could mean two things
        with pytest.raises(VocabularyError) as e:
            normalise(key, term.code)
        assert e.value.kind == "ambiguous"
        assert [c.label_vi for c in e.value.candidates] == [term.label_vi, vocabulary(key).disputed[term.code]]
        return
    v = _expect(key, term, term.code)
    assert v.how == "code" and not v.mapped
    assert v.to_dict()["code"] == term.code


@pytest.mark.parametrize(("key", "term"), ALL, ids=IDS)
def test_every_alternative_wording(key, term):
    if key == "retention" and term.code == "07":
        for alt in term.alternatives:
            with pytest.raises(VocabularyError) as e:
                normalise(key, alt)
            assert e.value.kind == "needs_years"
        return
    for alt in term.alternatives:
        v = _expect(key, term, alt)
        assert v.mapped, alt


@pytest.mark.parametrize(("key", "term"), ALL, ids=IDS)
def test_labels_without_diacritics_when_unambiguous(key, term):
    if key == "retention" and term.code == "07":
        return
    folded = fold(term.label_vi)
    try:
        v = normalise(key, folded)
    except VocabularyError as e:
        assert e.kind == "ambiguous", folded
        assert term.code in [c.code for c in e.candidates]
    else:
        assert v.code == term.code


@pytest.mark.parametrize("key", [k for k in EXPECTED_CODES if k != "retention"])
def test_codes_without_leading_zero_from_excel_numbers(key):
    voc = vocabulary(key)
    for t in voc.terms:
        if t.code in voc.disputed:
            continue
        assert normalise(key, int(t.code)).code == t.code
        assert normalise(key, float(int(t.code))).code == t.code


@pytest.mark.parametrize("key", list(EXPECTED_CODES))
def test_unknown_value_names_the_accepted_forms(key):
    with pytest.raises(VocabularyError) as e:
        normalise(key, "giá trị lạ xyz")
    assert e.value.kind == "unknown"
    for t in vocabulary(key).terms:
        assert t.display() in e.value.message_vi()
        assert t.code in e.value.message_en()


@pytest.mark.parametrize("key", list(EXPECTED_CODES))
def test_code_and_label_that_disagree_are_refused(key):
    voc = vocabulary(key)
    a, b = voc.terms[0], voc.terms[1]
    with pytest.raises(VocabularyError) as e:
        normalise(key, f"{a.code}: {b.label_vi}")
    assert e.value.kind == "conflict"


# --- retention: the list whose labels are numbers --------------------------------

@pytest.mark.parametrize(("code", "years"), [("01", None), ("02", 70), ("03", 50), ("04", 30), ("05", 20), ("06", 10)])
def test_retention_code_gives_the_period_of_the_code(code, years):
    v = normalise("retention", code)
    assert v.code == code and v.years == years
    assert v.permanent is (code == "01")


def test_retention_01_is_permanent_never_one_year():
    v = normalise("retention", "01")
    assert v.permanent and v.years is None and v.label == "Vĩnh viễn"
    assert normalise("retention", "01: Vĩnh viễn").permanent


@pytest.mark.parametrize("cell", ["1", 1, 1.0, "2", "5", 5, "7"])
def test_retention_bare_small_number_is_ambiguous_in_05_2025(cell):
    with pytest.raises(VocabularyError) as e:
        normalise("retention", cell)
    assert e.value.kind == "ambiguous"
    assert len(e.value.candidates) == 2
    assert "hoặc" in e.value.message_vi()


@pytest.mark.parametrize("cell", ["01", "02", "05", "07"])
def test_retention_two_digit_code_is_ambiguous_in_02_2019(cell):
    with pytest.raises(VocabularyError) as e:
        normalise("retention", cell, version=V2019)
    assert e.value.kind == "ambiguous"


@pytest.mark.parametrize(("cell", "code", "years"), [("5", "07", 5), (5, "07", 5), ("10", "06", 10), (20, "05", 20),
                                                      ("15", "07", 15), ("70", "02", 70)])
def test_retention_bare_number_is_years_in_02_2019(cell, code, years):
    v = normalise("retention", cell, version=V2019)
    assert (v.code, v.years, v.how) == (code, years, "years")


@pytest.mark.parametrize(("cell", "code", "years"), [
    ("5 năm", "07", 5), ("15 năm", "07", 15), ("07: 15 năm", "07", 15), ("20 năm", "05", 20),
    ("10 years", "06", 10), ("70", "02", 70), ("50", "03", 50), ("30", "04", 30), ("10", "06", 10),
    ("100 năm", "07", 100)])
def test_retention_years_forms(cell, code, years):
    for version in (V2025, V2019):
        v = normalise("retention", cell, version=version)
        assert (v.code, v.years) == (code, years)


def test_retention_other_without_years_is_refused():
    for cell in ("Khác", "07", "07: Khác"):
        with pytest.raises(VocabularyError) as e:
            normalise("retention", cell)
        assert e.value.kind == "needs_years"


@pytest.mark.parametrize("cell", ["0 năm", "101 năm", "08", "07: 20 năm", "02: 50 năm"])
def test_retention_impossible_values(cell):
    with pytest.raises(VocabularyError):
        normalise("retention", cell)


def test_retention_stored_form_keeps_code_label_and_years():
    assert normalise("retention", "07: 15 năm").to_dict() == {"code": "07", "label": "15 năm", "years": 15}
    assert normalise("retention", "Vĩnh viễn").to_dict() == {"code": "01", "label": "Vĩnh viễn", "years": None}


# --- other lists: wordings the issue names -----------------------------------------

@pytest.mark.parametrize(("key", "cell", "code"), [
    ("access", "Sử dụng có điều kiện", "02"), ("access", "Hạn chế", "02"), ("access", "sử dụng hạn chế", "02"),
    ("access", "Công khai", "01"), ("access", "Mật", "03"),
    ("reliability", "Gốc điện tử", "01"), ("reliability", "Bản gốc điện tử", "01"), ("reliability", "Số hoá", "02"),
    ("physical_condition", "hư hỏng", "03"),
])
def test_named_wordings(key, cell, code):
    assert normalise(key, cell).code == code


def test_abbreviations_that_fold_together_need_their_exact_spelling():
    assert normalise("document_type", "HD").code == "08"  # Hướng dẫn
    assert normalise("document_type", "HĐ").code == "21"  # Hợp đồng
    with pytest.raises(VocabularyError) as e:
        normalise("document_type", "hd")
    assert e.value.kind == "ambiguous"
    assert {c.code for c in e.value.candidates} == {"08", "21"}


def test_language_several_values():
    voc = vocabulary("language")
    assert [v.code for v in voc.normalise_many("01; 02")] == ["01", "02"]
    assert [v.code for v in voc.normalise_many("Tiếng Việt, Tiếng Anh")] == ["01", "02"]
    assert [v.code for v in voc.normalise_many("Tiếng Việt\nHán Nôm")] == ["01", "09"]
    assert [v.code for v in voc.normalise_many("Việt – Anh")] == ["06"]
    assert [v.code for v in voc.normalise_many("01; 01")] == ["01"]
    with pytest.raises(VocabularyError):
        voc.normalise_many("Tiếng Việt; Tiếng Klingon")


def test_02_2019_free_text_maps_to_other_and_is_kept():
    v = normalise("document_type", "Phiếu trình", version=V2019)
    assert (v.code, v.text, v.how) == ("32", "Phiếu trình", "other")
    assert v.to_dict() == {"code": "32", "label": "Khác (Phiếu trình)", "text": "Phiếu trình"}
    lang = vocabulary("language").normalise_many("Tiếng Việt; Tiếng Đức", version=V2019)
    assert [(x.code, x.text) for x in lang] == [("01", None), ("11", "Tiếng Đức")]
    with pytest.raises(VocabularyError):
        normalise("document_type", "Phiếu trình", version=V2025)
    with pytest.raises(VocabularyError):  # no "other" code in this list: refused, not invented
        normalise("physical_condition", "rách", version=V2019)


def test_every_list_names_source_and_confidence():
    for voc in vocabularies().values():
        marks = {m for m in re.findall(r"V-[PSI]|\bI\b|\bU\b", voc.confidence)}
        assert voc.source and marks and marks <= {"V-P", "V-S", "V-I", "I", "U"}
        assert ("U" in marks) is bool(voc.disputed)
        assert len(set(voc.choices())) == len(voc.terms)


def test_disputed_numbering_never_misreads():
    """Two public readings of 05/2025 number languages 06-10 and document types 04-31 differently."""
    with pytest.raises(VocabularyError) as e:
        normalise("language", "06")
    assert e.value.kind == "ambiguous" and "Tiếng Nhật" in e.value.message_vi()
    assert normalise("language", "06: Tiếng Việt - Tiếng Anh").code == "06"
    with pytest.raises(VocabularyError) as e:
        normalise("language", "06: Tiếng Nhật")  # the other reading's code with its label
    assert e.value.kind == "conflict" and "another reading" in e.value.message_en()
    jp = normalise("language", "Tiếng Nhật")
    assert (jp.code, jp.text) == ("11", "Tiếng Nhật")
    assert normalise("document_type", "Thông tư").to_dict() == {"code": "32", "label": "Khác (Thông tư)", "text": "Thông tư"}
    for agreed in ("01", "02", "03", "32"):
        assert normalise("document_type", agreed).code == agreed
    for agreed in ("01", "02", "03", "04", "05", "11"):
        assert normalise("language", agreed).code == agreed
