"""Memoised comparison of X.509 names, installed into asn1crypto (used by pyHanko).

Why: pyHanko finds the signer's certificate, checks the signing-certificate attribute
and builds the certificate path by comparing distinguished names, and asn1crypto
compares two names by preparing every attribute value with the RFC 4518 string
preparation (several regular expressions and ``stringprep`` tables per character) on
objects parsed afresh from each signature.  On one-page signed PDFs that was about 40 %
of pyHanko's validation, and every file of a transfer signed by the same people
compares the same few names again.

The comparison is a pure function of the two names' DER encodings, so its answer is
kept per pair of encodings (a bounded table, cleared when full): the same pair gives
the same answer as asn1crypto's own ``__eq__``, which still decides every pair the
first time.  Two identical encodings are equal without asking it at all.  The same
holds for ``Name.hashable`` (the prepared form path building uses as a dict key),
kept per encoding.
"""

from __future__ import annotations

from typing import Any, Callable

MAX_PAIRS = 4096
_answers: dict[tuple[bytes, bytes], bool] = {}
_keys: dict[bytes, str] = {}
_original: Callable[[Any, Any], bool] | None = None
_original_hashable: Any = None


def names_equal(self: Any, other: Any) -> bool:
    """asn1crypto ``Name.__eq__``, remembered per pair of DER encodings."""
    from asn1crypto.x509 import Name

    assert _original is not None
    if not isinstance(other, Name):
        return False
    try:
        a, b = self.dump(), other.dump()
    except Exception:  # noqa: BLE001 - an object that cannot be encoded: asn1crypto decides
        return _original(self, other)
    if a == b:
        return True
    key = (a, b) if a < b else (b, a)
    known = _answers.get(key)
    if known is None:
        known = _original(self, other)
        if len(_answers) >= MAX_PAIRS:
            _answers.clear()
        _answers[key] = known
    return known


def name_key(self: Any) -> str:
    """asn1crypto ``Name.hashable`` (the prepared name, a dict key in path building), per encoding."""
    try:
        der = self.dump()
    except Exception:  # noqa: BLE001 - an object that cannot be encoded: asn1crypto decides
        return _original_hashable.fget(self)
    key = _keys.get(der)
    if key is None:
        key = _original_hashable.fget(self)
        if len(_keys) >= MAX_PAIRS:
            _keys.clear()
        _keys[der] = key
    return key


def install() -> None:
    """Use :func:`names_equal` for asn1crypto names (once per process)."""
    global _original, _original_hashable
    from asn1crypto.x509 import Name

    if _original is None:
        _original, _original_hashable = Name.__eq__, Name.__dict__["hashable"]
        Name.hashable = property(name_key)  # type: ignore[method-assign]
        Name.__eq__ = names_equal  # type: ignore[method-assign]
        Name.__ne__ = lambda self, other: not names_equal(self, other)  # type: ignore[method-assign]
