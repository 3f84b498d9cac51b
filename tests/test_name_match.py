"""The remembered name comparison gives asn1crypto's own answer (ingest/checks/name_match.py)."""

from __future__ import annotations

from asn1crypto.x509 import Name

import luutru.ingest.checks.name_match as name_match

name_match.install()
ORIGINAL_EQ = name_match._original
ORIGINAL_KEY = name_match._original_hashable.fget


def _pairs() -> list[tuple[Name, Name]]:
    a = Name.build({"common_name": "Nguyễn Văn A", "organization_name": "UBND Tỉnh"})
    same_printable = Name.build({"common_name": "Nguyen Van A", "organization_name": "UBND Tinh"}, use_printable=True)
    a_utf8 = Name.build({"common_name": "Nguyen Van A", "organization_name": "UBND Tinh"})
    spaced = Name.build({"common_name": "nguyen  van a", "organization_name": "ubnd tinh"})
    other = Name.build({"common_name": "Trần Thị B", "organization_name": "UBND Tỉnh"})
    return [(a, a), (a, Name.load(a.dump())), (same_printable, a_utf8), (a_utf8, spaced), (a, other),
            (spaced, other), (same_printable, spaced)]


def test_same_answers_as_asn1crypto_twice() -> None:
    for _ in range(2):  # the second round answers from the table
        for x, y in _pairs():
            assert (x == y) is ORIGINAL_EQ(x, y)
            assert (y == x) is ORIGINAL_EQ(y, x)
            assert (x != y) is (not ORIGINAL_EQ(x, y))
            assert x.hashable == ORIGINAL_KEY(x)


def test_differently_encoded_equal_names_stay_equal() -> None:
    printable = Name.build({"common_name": "Nguyen Van A"}, use_printable=True)
    utf8 = Name.build({"common_name": "NGUYEN  VAN A"})
    assert printable.dump() != utf8.dump()
    assert printable == utf8 and ORIGINAL_EQ(printable, utf8)
    assert printable != Name.build({"common_name": "Nguyen Van B"})
    assert printable != "Nguyen Van A"


def test_table_is_bounded() -> None:
    base = Name.build({"common_name": "x"})
    for i in range(name_match.MAX_PAIRS + 10):
        assert base != Name.build({"common_name": f"n{i}"})
    assert len(name_match._answers) <= name_match.MAX_PAIRS
