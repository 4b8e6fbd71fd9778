"""What every spoken-form rule shares: the context it reads, the ``Rule`` record, small helpers.

A rule is a module-level function ``(match, ctx) -> spoken`` wrapped with ``@rule(name, pattern)``;
the context carries the dialect, the lexicon and the data tables, so no rule is a closure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from broadcaster import yamlpos
from broadcaster.text import numbers as num
from broadcaster.text.lexicon import Lexicon
from broadcaster.text.record import listening, record
from broadcaster.text.syllable import strip_tone

NB = "\u00a0"  # glue inside one reading (a number, a spelled acronym)
_VOWELS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
UP = "A-ZĐ" + _VOWELS.upper()
LOW = "a-zđ" + _VOWELS
WORD = rf"[{UP}{LOW}]"
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Tables:
    """The Vietnamese data tables of ``data/symbols.yaml``."""

    units: Mapping[str, str]
    letters: Mapping[str, str]
    compounds: frozenset[str]
    symbols: Mapping[str, str]
    per_units: Mapping[str, str] = field(default_factory=dict)
    place_prefixes: Mapping[str, str] = field(default_factory=dict)
    identifier_words: tuple[str, ...] = ()
    roman_words: tuple[str, ...] = ()
    fraction_before: tuple[str, ...] = ()
    fraction_after: tuple[str, ...] = ()
    date_words: tuple[str, ...] = ()
    time_before: tuple[str, ...] = ()
    time_after: tuple[str, ...] = ()
    web_words: Mapping[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The shipped tables, loaded once."""
    text = resources.files("broadcaster.text").joinpath("data/symbols.yaml").read_text("utf-8")
    raw = yamlpos.safe_load(text)
    return Tables(
        units=raw["units"],
        letters=raw["letters"],
        compounds=frozenset(c.replace(" - ", "-") for c in raw["compounds"]),
        symbols=raw["symbols"],
        per_units=raw["per_units"],
        place_prefixes=raw["place_prefixes"],
        identifier_words=tuple(raw["identifier_words"]),
        roman_words=tuple(raw["roman_words"]),
        fraction_before=tuple(raw["fraction_words"]["before"]),
        fraction_after=tuple(raw["fraction_words"]["after"]),
        date_words=tuple(raw["date_words"]),
        time_before=tuple(raw["time_words"]["before"]),
        time_after=tuple(raw["time_words"]["after"]),
        web_words=raw["web_words"],
    )


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Context:
    """What the rules read besides the text: dialect, abbreviation lexicon, data tables."""

    dialect: str = "north"
    lexicon: Lexicon = field(default_factory=lambda: Lexicon({}))
    tables: Tables = field(default_factory=tables)

    @property
    def thousand(self) -> str:
        return "ngàn" if self.dialect == "south" else "nghìn"

    def n(self, digits: str) -> str:
        """A digit string read as a quantity, glued so that segmentation never cuts inside."""
        return glue(num.read_number(digits, self.dialect))

    def month(self, mo: str) -> str:
        """A month number as said after "tháng" ("4" -> "tư")."""
        return glue(num.read_month(int(mo), self.dialect))


Spoken = Callable[[re.Match[str], Context], str]
PatternOf = Callable[[Context], "re.Pattern[str] | None"]


@dataclass(frozen=True)
class Rule:
    """A named rewrite: occurrences of ``pattern`` replaced by ``spoken(match, ctx)``."""

    name: str
    doc: str
    pattern: re.Pattern[str] | None
    spoken: Spoken
    digits: bool = False  # only matches where there is a digit: skipped on digit-free text
    pattern_of: PatternOf | None = None  # a pattern that depends on the context (the lexicon)
    needs: str = ""  # the rule can only match where one of these characters is: skipped elsewhere

    def compiled(self, ctx: Context) -> re.Pattern[str] | None:
        return self.pattern_of(ctx) if self.pattern_of is not None else self.pattern

    def __call__(self, text: str, ctx: Context | None = None) -> str:
        ctx = ctx if ctx is not None else default_context()
        pattern = self.compiled(ctx)
        if pattern is None or (self.digits and not _DIGIT.search(text)):
            return text
        if self.needs and not any(c in text for c in self.needs):
            return text
        if listening():
            def repl(m: re.Match[str]) -> str:
                out = self.spoken(m, ctx)
                record(self.name, m.group(0), out)
                return out
            return pattern.sub(repl, text)
        return pattern.sub(lambda m: self.spoken(m, ctx), text)


def rule(name: str, pattern: str | None, flags: int = 0, *, digits: bool = False,
         pattern_of: PatternOf | None = None, needs: str = "") -> Callable[[Spoken], Rule]:
    """Make a module-level function ``(match, ctx) -> str`` into a named ``Rule``."""
    def deco(fn: Spoken) -> Rule:
        compiled = re.compile(pattern, flags) if pattern is not None else None
        return Rule(name, (fn.__doc__ or "").strip(), compiled, fn, digits, pattern_of, needs)
    return deco


@lru_cache(maxsize=1)
def default_context() -> Context:
    return Context()


# --- helpers ------------------------------------------------------------------------------------

def glue(words: str) -> str:
    return words.replace(" ", NB)


def spell(token: str, ctx: Context | None = None) -> str:
    """Letters by their Vietnamese names, digits as digits ("HIV" -> hát i vê)."""
    letters = (ctx.tables if ctx else tables()).letters
    out = []
    for ch in token:
        up = ch.upper()
        base = strip_tone(up)
        if up in letters:
            out.append(letters[up])
        elif base in letters:  # a toned capital ("À") is named by its letter
            out.append(letters[base])
        elif ch.isdigit():
            out.append(num.DIGITS[int(ch)])
        elif ch.isalpha():
            out.append(ch.lower())
    return glue(" ".join(out))


def valid_date(d: str, m: str, y: str | None = None) -> bool:
    return 1 <= int(d) <= 31 and 1 <= int(m) <= 12 and (y is None or 1000 <= int(y) <= 2999)


def before(m: re.Match[str], n: int = 12) -> str:
    """The ``n`` characters before the match."""
    return m.string[max(0, m.start() - n) : m.start()]


def fold_digit(c: str) -> str:
    """An odd digit character (fullwidth, circled) as an ASCII digit, or a space."""
    folded = unicodedata.normalize("NFKC", c)
    if folded != c and folded.isascii():
        return folded
    if c.isdigit() or c.isnumeric():
        v = unicodedata.digit(c, None)
        return str(v) if v is not None else " "
    return c
