"""Vietnamese text normalisation for search.

Researchers type Vietnamese with or without diacritics (``quyet dinh`` for
``Quyết định``, ``dak lak`` for ``Đắk Lắk``), and text arrives in NFC or in NFD
(combining marks), depending on the keyboard and the PDF producer.  Everything the
search layer indexes or queries goes through :func:`nfc` first, so a decomposed
``ế`` is one character and not a letter plus a word-breaking mark.  :func:`fold`
(NFD + strip combining marks + đ→d, from :func:`luutru.records.model.fold`) gives the
diacritics-free form used for the folded field and for code keys.
"""

from __future__ import annotations

import re
import unicodedata

from luutru.records.model import fold as _fold_controlled

__all__ = ["nfc", "fold", "code_key", "looks_like_code", "squash_spaces"]

# One token made of word characters joined by code separators: 000.00.31.H57.2021.05,
# 31/2021/QĐ-UBND, 12-TCCB.  Word characters include Vietnamese letters (after NFC).
_CODE = re.compile(r"\w+(?:[./\-_]\w+)+")


def nfc(text: str) -> str:
    """Canonical composition (TCVN 6909:2001 text is Unicode; NFC is the indexing form)."""
    return unicodedata.normalize("NFC", text)


def squash_spaces(text: str) -> str:
    """Collapse runs of white space (including line breaks) into one space and trim."""
    return " ".join(text.split())  # str.split() and re's \s agree on what white space is


def _letters() -> dict[int, str]:
    """Each precomposed Latin letter (Vietnamese included) → its folded ASCII form."""
    table = {}
    for block in (range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        for code in block:
            folded = _fold_controlled(chr(code))
            if folded.isascii() and len(folded) == 1:
                table[code] = folded
    return table


_LETTERS = _letters()


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ→d: ``Đắk Lắk`` → ``dak lak``.

    Also NFC-safe: NFD input gives the same result as NFC input.  Indexing folds every
    identifier of every document, so ASCII text takes a short cut and Vietnamese
    letters are looked up in a table; anything else (other scripts, marks that do not
    compose) goes through :func:`luutru.records.model.fold`.
    """
    if text.isascii():
        return text.strip().lower()
    quick = nfc(text).strip().lower().translate(_LETTERS)
    return quick if quick.isascii() else _fold_controlled(text)


def code_key(code: str) -> str:
    """The matching key of an identifier or a number/notation.

    Case, diacritics and white space do not count, so ``31/2021/qd-ubnd`` and
    ``31/2021/QĐ-UBND`` are the same key; the separators do count.
    """
    return "".join(fold(nfc(code)).split())


def looks_like_code(token: str) -> bool:
    """True for a single token shaped like a code or number/notation.

    ``000.00.31.H57.2021.05``, ``31/2021/QĐ-UBND``, ``QĐ-UBND``, ``12-TCCB`` are codes;
    ``Quyết``, ``2021`` and ``đất đai`` are not.
    """
    return bool(_CODE.fullmatch(nfc(token.strip())))
