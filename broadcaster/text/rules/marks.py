"""Rules for punctuation and symbols: typography, dashes between words, pauses, tidy spacing."""

from __future__ import annotations

import re

from broadcaster.text.rules.base import UP, WORD, Context, fold_digit, rule


@rule("closing_mark", r"(?<![\s./])[\s./]++$")
def closing_mark(m: re.Match[str], ctx: Context) -> str:
    """The closing "./." of an official document is just a full stop."""
    tail = m.group(0)
    return "." if "./" in tail or tail.strip() == "." else tail


_TYPOGRAPHY = {"–": "-", "—": "-", "−": "-", "‒": "-", "―": "-", "“": '"', "”": '"', "„": '"', "«": '"',
               "»": '"', "‘": "'", "’": "'", "…": "…", "²": "2", "³": "3"}


@rule("typography", r"[–—−‒―]|[“”„«»]|[‘’]|…|\.{3,}|[²³]|[^\x00-\x7f\u00c0-\u1ef9]")
def typography(m: re.Match[str], ctx: Context) -> str:
    """Unify dashes, quotes and ellipses; fold odd digits (², ①, fullwidth) to ASCII."""
    c = m.group(0)
    if c.startswith("..."):
        return "…"
    return _TYPOGRAPHY.get(c) or fold_digit(c)


def _in_compound(m: re.Match[str], ctx: Context) -> bool:
    """Is the spaced dash inside a compound such as "kinh tế - xã hội" (one to three words a side)?"""
    left = [w.strip(",;:.!?\"'()") for w in m.string[max(0, m.start() - 20) : m.start()].lower().split()]
    right = [w.strip(",;:.!?\"'()") for w in m.string[m.end() : m.end() + 20].lower().split()]
    for i in (1, 2, 3):
        for j in (1, 2, 3):
            if (len(left) >= i and len(right) >= j
                    and " ".join(left[-i:]) + "-" + " ".join(right[:j]) in ctx.tables.compounds):
                return True
    return False


@rule("dash", rf"(?<={WORD}) - (?={WORD})|(?<={WORD})-(?={WORD})", needs="-")
def dash(m: re.Match[str], ctx: Context) -> str:
    """A dash between words: a short pause, or nothing inside compounds such as "kinh tế - xã hội"."""
    if m.group(0) == "-":
        # "Hải Dương-Bắc Giang": two names, a pause; "kinh tế-xã hội": one compound
        left = m.string[max(0, m.start() - 12) : m.start()].split()
        if left and left[-1][:1].isupper() and m.string[m.end() : m.end() + 1].isupper():
            return ", "
        return " "
    return " " if _in_compound(m, ctx) else ", "


@rule("ellipsis", rf"\s*,?\s*…\s*(?P<next>[{UP}])?", needs="…")
def ellipsis(m: re.Match[str], ctx: Context) -> str:
    """"…" ends the sentence before a capital letter, otherwise it is a comma."""
    return f". {m.group('next')}" if m.group("next") else ", "


# nouns after which "/" means "per" ("đồng/người" -> đồng một người)
_PER = frozenset({"đồng", "hộ", "người", "tháng", "năm", "ngày", "lít", "tấn", "gam", "mét", "khối", "vuông",
                  "liều", "lượt", "suất", "xuất", "con", "cái", "chiếc", "lần", "buổi", "giờ", "ca", "gói",
                  "bao", "phòng", "khẩu", "ha", "sào", "mẫu", "tuần", "kg"})


@rule("symbol", r"[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]|[&@+=§№%]|(?<=\w)/(?=\w)"
                r"|[()\[\]{}\"*#•▪●○◦_|~^<>\\]|-(?!\w)|(?<!\w)-|…|/")
def symbol(m: re.Match[str], ctx: Context) -> str:
    """Symbols read as words (& và, % phần trăm); brackets, quotes, bullets and slashes to pauses."""
    c = m.group(0)
    if c in ctx.tables.symbols:
        return f" {ctx.tables.symbols[c]} "
    if c == "%":
        return " phần trăm "
    if c == "/" and m.start() > 0 and m.string[m.start() - 1].isalnum():
        prev = m.string[max(0, m.start() - 12) : m.start()].split()
        return " một " if prev and prev[-1].lower() in _PER else ", "
    if c in "()[]{}":
        return ", "
    if c == "…":
        return ", "
    return " "


@rule("spacing", r"[ \t\n,;:.!?]*[,;:.!?][ \t\n,;:.!?]*| {2,}")
def spacing(m: re.Match[str], ctx: Context) -> str:
    """Tidy spaces and doubled punctuation left by the other rules: one mark, the strongest."""
    run = m.group(0)
    marks = [c for c in run if c in ",;:.!?"]
    if not marks:
        return " "
    if m.start() == 0:
        return ""
    mark = (next((c for c in marks if c in ".!?"), None)
            or next((c for c in marks if c in ";:"), None) or ",")
    if m.end() == len(m.string):
        return mark
    spaced = any(c.isspace() for c in run)
    nxt = m.string[m.end()]
    if not spaced and m.string[m.start() - 1].isalnum() and nxt.isalnum():
        if set(run) == {"."}:  # "a.b" left over: an address part ("chấm") or a missing space
            return " chấm " if nxt.islower() else ". "
        return mark + " "
    # otherwise a space after the mark only where the text had one
    return mark + " " if spaced else mark
