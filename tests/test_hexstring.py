"""The fast PDF hex-string reader gives what pyHanko's own reader gives, or lets it decide."""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils.misc import PdfStreamError

import luutru.ingest.checks.hexstring as hexstring

hexstring.install()
ORIGINAL = hexstring._original

CASES = [
    b"<48656C6C6F> rest",
    b"<48 65\n6c\r6C\t6f\x00> rest",  # PDF whitespace anywhere
    b"<486> rest",  # odd number of digits: a final 0 is implied
    b"<> rest",
    b"<" + b"00" * 40000 + b"> rest",  # a signature placeholder longer than one read
    b"<" + b"ab" * 32767 + b"c> rest",  # the '>' right after a chunk boundary
    b"<48%comment\n65> rest",  # a comment: pyHanko's reader decides
]


@pytest.mark.parametrize("data", CASES)
def test_same_object_and_position_as_pyhanko(data):
    fast, slow = BytesIO(data), BytesIO(data)
    assert hexstring.read_hex_string(fast) == ORIGINAL(slow)
    assert fast.tell() == slow.tell() and fast.read() == b" rest"


@pytest.mark.parametrize("data", [b"<48zz65> rest", b"<4865", b"<"])
def test_bad_strings_fail_as_in_pyhanko(data):
    with pytest.raises(PdfStreamError) as fast:
        hexstring.read_hex_string(BytesIO(data))
    with pytest.raises(PdfStreamError) as slow:
        ORIGINAL(BytesIO(data))
    assert str(fast.value) == str(slow.value)


def test_installed_in_pyhankos_object_reader():
    import pyhanko.pdf_utils.generic as generic

    assert generic.read_hex_string_from_stream is hexstring.read_hex_string
    assert generic.read_object(BytesIO(b"<4142>"), None) == "AB"
