"""Abbreviation lexicon: the shipped table (data/lexicon.yaml) layered with a station's own file."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from broadcaster import yamlpos
from broadcaster.errors import TextError
from broadcaster.messages import t


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Abbreviation -> spoken form; keys match case-sensitively as whole tokens, longest first."""

    entries: Mapping[str, str] = field(default_factory=dict)
    code_parts: Mapping[str, str] = field(default_factory=dict)  # meanings inside document codes

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> str | None:
        return self.entries.get(key)

    def code_part(self, key: str) -> str | None:
        """Meaning of ``key`` inside a document code ("BTC" there is Bộ Tài chính)."""
        return self.code_parts.get(key) or self.entries.get(key)

    def layered(self, overrides: Mapping[str, str]) -> Lexicon:
        """A new lexicon with ``overrides`` added or replacing entries."""
        merged = dict(self.entries)
        merged.update(overrides)
        return Lexicon(merged, self.code_parts)

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """One alternation of every key, longest first, bounded by non-word characters."""
        if not self.entries:
            return None
        keys = sorted(self.entries, key=len, reverse=True)
        alt = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)
        # a digit next to a key is no word boundary problem ("QL5", "6h30Covid"), a letter is
        return re.compile(rf"(?<![^\W\d_]|&)(?:{alt})(?![^\W\d_]|&)")


def _clean_entries(raw: Any, source: str, loc: yamlpos.Located | None) -> dict[str, str]:
    if raw is None:
        return {}
    if isinstance(raw, dict) and "abbreviations" in raw:
        raw = raw["abbreviations"] or {}
    if not isinstance(raw, dict):
        raise TextError(t("lexicon.bad", path=source, detail=t("lexicon.not_mapping")),
                        where=f"{source}:1", hint=t("lexicon.hint"))
    out: dict[str, str] = {}
    for key, value in raw.items():
        where = loc.where(("abbreviations", key)) if loc and ("abbreviations", key) in loc.keys else (
            loc.where((key,)) if loc else source)
        if not isinstance(key, str) or not key.strip() or not isinstance(value, str) or not value.strip():
            raise TextError(t("lexicon.bad", path=source, detail=t("lexicon.bad_entry", key=key)),
                            where=where, hint=t("lexicon.hint"))
        spoken = unicodedata.normalize("NFC", " ".join(value.split()))
        if any(c.isdigit() for c in spoken):
            raise TextError(t("lexicon.bad", path=source, detail=t("lexicon.digits", key=key)),
                            where=where, hint=t("lexicon.hint"))
        out[unicodedata.normalize("NFC", key.strip())] = spoken
    return out


@lru_cache(maxsize=1)
def _shipped() -> Lexicon:
    text = resources.files("broadcaster.text").joinpath("data/lexicon.yaml").read_text("utf-8")
    data = yamlpos.safe_load(text)
    source = "broadcaster/text/data/lexicon.yaml"
    return Lexicon(_clean_entries(data, source, None), _clean_entries(data.get("code_parts"), source, None))


def load_lexicon(station_file: Path | None = None) -> Lexicon:
    """The shipped abbreviation table, extended/overridden by ``station_file`` (YAML) if given."""
    base = _shipped()
    if station_file is None:
        return base
    path = Path(station_file)
    try:
        st = path.stat()
    except OSError as exc:
        raise TextError(t("lexicon.unreadable", path=path, reason=exc.strerror or exc),
                        where=str(path), hint=t("lexicon.hint")) from None
    # the same file (unchanged) gives the same Lexicon, so compiled rules are reused
    return _station_lexicon(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _station_lexicon(name: str, _mtime_ns: int, _size: int) -> Lexicon:
    path = Path(name)
    base = _shipped()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TextError(t("lexicon.unreadable", path=path, reason=exc.strerror or exc),
                        where=str(path), hint=t("lexicon.hint")) from None
    try:
        loc = yamlpos.load(text, str(path))
    except yamlpos.YamlSyntaxError as exc:
        raise TextError(t("lexicon.bad", path=path, detail=exc.plain),
                        where=f"{exc.source}:{exc.line}:{exc.column}", hint=t("lexicon.hint")) from None
    return base.layered(_clean_entries(loc.data, str(path), loc))
