"""Access rules: what is restricted, who may read it, and what is a state secret.

Why one module: the regime of use (chế độ sử dụng) decides what a researcher sees in
the catalog, the search index, the web pages, the minutes of a destruction and the
audit trail.  Each place asks these functions instead of comparing the stored value
itself, so a change of the controlled vocabulary (Circular 05/2025 numbers the
regimes 01–03) changes one module, not nine.

State secrets (tài liệu bí mật nhà nước) are out of scope for this service: a record
marked with a security classification, in the ``do_mat`` column or as its regime of
use, is refused at ingest (Law on Protection of State Secrets 2018; the catalogue
template says so to the sender).
"""

from __future__ import annotations

from typing import Any, Collection, Iterable, Mapping, TypeVar

E = TypeVar("E")

from luutru.records.model import AccessRegime, fold

#: The one regime a reader without the restricted grant may see (search filters keep only it).
PUBLIC_VALUE = AccessRegime.PUBLIC.value

#: Security classifications (độ mật) and their English names, folded.
SECRET_MARKS = ("mat", "toi mat", "tuyet mat", "secret", "top secret", "confidential")

#: What an empty-looking security-mark column may say without marking a secret.
NOT_SECRET_MARKS = ("", "thuong", "khong", "none")


def _value(access: Any) -> str | None:
    if access is None:
        return None
    return access.value if isinstance(access, AccessRegime) else str(access)


def is_restricted(access: Any) -> bool:
    """True when a stored access value (or an :class:`AccessRegime`) is the restricted regime."""
    return _value(access) == AccessRegime.RESTRICTED.value


def document_access(dossier_access: Any, document_access: Any) -> str:
    """The regime that governs a document: a document of a restricted dossier is restricted too."""
    if is_restricted(dossier_access):
        return AccessRegime.RESTRICTED.value
    return _value(document_access) or AccessRegime.PUBLIC.value


def readable(see_restricted: bool, *accesses: Any) -> bool:
    """Whether a reader may see a record whose regimes (dossier, document …) are ``accesses``."""
    return see_restricted or not any(is_restricted(a) for a in accesses)


def event_visible(event_object: str, withheld: Collection[str]) -> bool:
    """Whether a preservation event may be shown to a reader from whom the records
    ``withheld`` are kept back (identifiers of documents they may not read and the stored
    paths of their files).

    An event about a withheld document, or about a file inside one (its stored path
    holds the document identifier as a folder), tells the file name, format and
    signature state of a record the reader may not see: it is withheld too."""
    if not withheld:
        return True
    if event_object in withheld:
        return False
    return not any(part in withheld for part in str(event_object).replace("\\", "/").split("/"))


def visible_events(events: Iterable[E], withheld: Collection[str], object_of: Any = None) -> list[E]:
    """The events a reader may see (see :func:`event_visible`); ``object_of`` reads an
    event's object (default: the ``object`` attribute or key)."""
    def obj(e: Any) -> str:
        if object_of is not None:
            return str(object_of(e))
        return str(e["object"] if isinstance(e, Mapping) else getattr(e, "object"))
    return [e for e in events if event_visible(obj(e), withheld)]


def access_or_restricted(value: Any) -> str:
    """The stored value of a catalogue regime; an unreadable one counts as restricted (fail closed)."""
    try:
        return (value if isinstance(value, AccessRegime) else AccessRegime.parse(value)).value
    except ValueError:
        return AccessRegime.RESTRICTED.value


def combined_access(accesses: Any) -> AccessRegime:
    """The regime of a record made from several (e.g. destruction minutes): restricted if any is."""
    return AccessRegime.RESTRICTED if any(is_restricted(a) for a in accesses) else AccessRegime.PUBLIC


def state_secret_fields(values: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The catalogue fields of one row that mark it a state secret, as ``(field, value)``.

    ``do_mat`` (security classification column): any value except blank / "thường" /
    "không".  ``che_do_su_dung`` (regime of use): a classification name (Mật, Tối mật,
    Tuyệt mật, secret …) written where the regime belongs.
    """
    out: list[tuple[str, Any]] = []
    mark = values.get("do_mat")
    if mark is not None and fold(str(mark)) not in NOT_SECRET_MARKS:
        out.append(("do_mat", mark))
    regime = values.get("che_do_su_dung")
    if regime is not None and fold(str(regime)) in SECRET_MARKS:
        out.append(("che_do_su_dung", regime))
    return out
