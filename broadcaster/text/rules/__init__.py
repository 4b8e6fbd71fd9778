"""Spoken-form rules: small named rewrites over data tables, applied in the order of ``RULES``.

Each rule is a module-level function ``(match, ctx) -> spoken`` made into a ``Rule`` by
``@rule(name, pattern)``; ``ctx`` is a ``Context`` (dialect, lexicon, tables). A rule can be
imported and run alone: ``time("6h30", ctx)``. Number readings are glued with NBSP so that
segmentation never cuts inside them; the package turns NBSP back into spaces at the end.
"""

from __future__ import annotations

from broadcaster.text.rules.base import NB, Context, Rule, Tables, default_context, tables
from broadcaster.text.rules.calendar import (
    date,
    date_range,
    day_month,
    month,
    month_year,
    quarter,
    time,
    time_date,
    time_words,
    weekday,
)
from broadcaster.text.rules.codes import (
    abbreviation,
    acronym,
    document_code,
    identifier,
    phone,
    place_prefix,
    plate,
    web_address,
)
from broadcaster.text.rules.marks import closing_mark, dash, ellipsis, spacing, symbol, typography
from broadcaster.text.rules.quantity import (
    below_zero,
    coordinate,
    coordinates,
    digits_left,
    dimension,
    fraction,
    letters_digits,
    number,
    per_number,
    per_unit,
    range_,
    roman_numeral,
    slash_unit,
    spaced_thousands,
    unit,
)

__all__ = ["NB", "RULES", "Context", "Rule", "Tables", "apply", "default_context", "tables"]

# The order matters: codes before abbreviations before numbers; dates before ranges; every
# digit read before "digits_left"; "spacing" tidies what the others leave.
RULES: tuple[Rule, ...] = (
    closing_mark,
    typography,
    web_address,
    place_prefix,
    plate,
    identifier,
    document_code,
    abbreviation,
    phone,
    per_number,
    time_date,
    time,
    time_words,
    quarter,
    coordinates,
    fraction,
    date_range,
    day_month,
    date,
    month_year,
    month,
    weekday,
    below_zero,
    spaced_thousands,
    dimension,
    roman_numeral,
    per_unit,
    slash_unit,
    range_,
    unit,
    coordinate,
    letters_digits,
    number,
    dash,
    ellipsis,
    symbol,
    acronym,
    digits_left,
    spacing,
)


def apply(text: str, ctx: Context, rules: tuple[Rule, ...] = RULES) -> str:
    """``text`` through ``rules`` in order."""
    for r in rules:
        text = r(text, ctx)
    return text
