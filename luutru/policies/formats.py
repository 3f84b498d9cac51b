"""Format policy: which file formats an archive accepts, migrates or rejects.

Why data, not code: the accepted list comes from regulation (Circular 22/2013/TT-BTTTT
as cited) and changes by decree; ``formats.yaml`` beside this module holds it, and a
deployment may supply its own copy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("formats.yaml")


class FormatVerdict(str, enum.Enum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_MIGRATION = "accepted_with_migration"
    REJECTED = "rejected"


class FormatPolicyError(ValueError):
    """The format policy file is unreadable or malformed."""


@dataclass(frozen=True)
class FormatRule:
    key: str
    name: str
    extensions: tuple[str, ...]
    mime: str
    verdict: FormatVerdict
    puid: str | None = None
    migrate_to: str | None = None
    puids: tuple[str, ...] = ()  # every PRONOM PUID that is this format (Siegfried's answer)
    container: str | None = None  # "zip" or "ole2": told apart by what is inside


@dataclass(frozen=True)
class FormatPolicy:
    formats: dict[str, FormatRule]

    def rule(self, key: str | None) -> FormatRule | None:
        return self.formats.get(key) if key else None

    def key_for_puid(self, puid: str | None) -> str | None:
        """The policy key whose ``puids`` list ``puid`` (first listed wins), None if none."""
        return next((k for k, r in self.formats.items() if puid and puid in r.puids), None)

    def verdict(self, key: str | None) -> FormatVerdict:
        r = self.rule(key)
        return r.verdict if r else FormatVerdict.REJECTED

    def keys_for_extension(self, ext: str) -> list[str]:
        ext = ext.lower().lstrip(".")
        return [k for k, r in self.formats.items() if ext in r.extensions]

    @property
    def accepted_extensions(self) -> list[str]:
        return sorted({e for r in self.formats.values() for e in r.extensions})


def parse_format_policy(data: dict[str, Any]) -> FormatPolicy:
    if not isinstance(data, dict) or not isinstance(data.get("formats"), dict):
        raise FormatPolicyError("format policy needs a 'formats' mapping")
    formats: dict[str, FormatRule] = {}
    for key, d in data["formats"].items():
        try:
            formats[key] = FormatRule(
                key=key,
                name=str(d["name"]),
                extensions=tuple(str(e).lower().lstrip(".") for e in d["extensions"]),
                mime=str(d["mime"]),
                verdict=FormatVerdict(d.get("verdict", "accepted")),
                puid=d.get("puid"),
                migrate_to=d.get("migrate_to"),
                puids=tuple(str(x) for x in d.get("puids") or ()),
                container=d.get("container"),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise FormatPolicyError(f"formats.{key}: {e!r}") from None
    return FormatPolicy(formats)


@lru_cache(maxsize=8)
def load_format_policy(path: Path | None = None) -> FormatPolicy:
    """Load (and cache) the format policy; the packaged default when ``path`` is None."""
    p = Path(path) if path else DEFAULT_PATH
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise FormatPolicyError(f"cannot read format policy {p}: {e}") from e
    return parse_format_policy(data)
