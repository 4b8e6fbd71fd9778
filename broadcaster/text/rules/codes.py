"""Rules for things that are names, not quantities: document codes, abbreviations, phone
numbers, web addresses, acronyms."""

from __future__ import annotations

import re

from broadcaster.text import numbers as num
from broadcaster.text.rules.base import LOW, NB, UP, Context, before, glue, rule, spell
from broadcaster.text.syllable import is_syllable, strip_tone

_ISSUER_FOLLOWS = re.compile(
    r"\s*,?\s*(?:ngày\s+\d{1,2}(?:\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)\s*,?\s*)?của\s",
    re.IGNORECASE)
# document types that open a code ("NQ" in 57-NQ/TW); other first parts are issuers ("SYT")
DOC_TYPES = frozenset({"NQ", "QĐ", "NĐ", "TT", "TTLT", "CT", "KH", "TB", "HD", "BC", "CV", "CĐ", "TTr",
                       "KL", "QC", "CTr", "BB", "GM", "L", "PL", "QH"})
_TLD = re.compile(r"\.(?:vn|com|net|org|gov|edu)(?:\.vn)?$")

_PART = rf"[{UP}][{UP}{LOW}]*\d{{0,2}}"
_SEP = r"\s?[-/&]\s?"
_CODE = (
    rf"(?<![\w/.,-])(?P<num>\d{{1,5}})(?:/(?P<year>(?:19|20)\d\d))?"
    rf"(?:\s?[-/]\s?(?P<a>{_PART}(?:{_SEP}{_PART})*)|(?P<b>{_PART}(?:{_SEP}{_PART})+))(?![\w/-])"
)


def expand_code_part(p: str, ctx: Context) -> str:
    """One part of a document code in words: "NQ" -> Nghị quyết, "BCĐTW" -> Ban Chỉ đạo Trung ương."""
    lex = ctx.lexicon
    hit = lex.code_part(p)
    if hit:
        return hit
    m = re.fullmatch(rf"([{UP}{LOW}]+?)(\d+)", p)
    if m and lex.get(m.group(1)):
        return f"{lex.get(m.group(1))} khóa {num.read_number(m.group(2), ctx.dialect)}"
    # "BCĐTW" = "BCĐ" + "TW": split into known abbreviations, longest prefix first
    i, out = 0, []
    while i < len(p):
        for j in range(len(p), i, -1):
            word = lex.get(p[i:j])
            if word and (j - i > 1 or j == len(p)):
                out.append(word)
                i = j
                break
        else:
            return spell(p, ctx).replace(NB, " ")
    return " ".join(out)


def _kept_parts(m: re.Match[str], parts: list[str], spoken: list[str], ctx: Context) -> tuple[list[str], bool]:
    """The parts of a code still worth saying, and whether its type was already said before it."""
    lex = ctx.lexicon
    said = before(m, 40).lower()
    after = re.split(r"[,;.:!?]", m.string[m.end() : m.end() + 60])[0]
    if lex.pattern is not None:  # "... của Ban CHQS": compare meanings, not spellings
        after = lex.pattern.sub(lambda a: lex.get(re.sub(r"\s+", " ", a.group(0))) or a.group(0), after)
    after = after.lower()
    kept = list(spoken)
    dropped_type = False
    # the type was just said ("Nghị quyết số 57-NQ/TW"), or some document noun was ("... số 06-KH/ĐU")
    if kept and (kept[0].lower() in said or (parts[0] in DOC_TYPES and re.search(r"\bsố\s?$", said))):
        kept = kept[1:]
        dropped_type = True
    if _ISSUER_FOLLOWS.match(m.string[m.end() : m.end() + 60]):
        # "57-NQ/TW ngày 22/12/2024 của Bộ Chính trị": the text names the issuer itself
        kept = kept[:1] if kept and not dropped_type and parts[0] in DOC_TYPES else []
    while kept and (f"của {kept[-1].lower()}" in after or f"của {parts[-1].lower()}" in after):
        kept = kept[:-1]
    return kept, dropped_type


@rule("document_code", _CODE, digits=True)
def document_code(m: re.Match[str], ctx: Context) -> str:
    """A document code (57-NQ/TW, 03/NQ-CP, 1224/SYT-NVY) as number, type and issuer."""
    parts = [p for p in re.split(r"\s?[-/&]\s?", m.group("a") or m.group("b")) if p]
    spoken = [expand_code_part(p, ctx) for p in parts]
    head = ctx.n(m.group("num"))
    if m.group("year"):
        head += ", năm " + ctx.n(m.group("year"))
    kept, dropped_type = _kept_parts(m, parts, spoken, ctx)
    if not kept:
        return head
    return f"{head} của {' '.join(kept)}" if dropped_type else f"{head}, {' '.join(kept)}"


def _lexicon_pattern(ctx: Context) -> re.Pattern[str] | None:
    return ctx.lexicon.pattern


@rule("abbreviation", None, pattern_of=_lexicon_pattern)
def abbreviation(m: re.Match[str], ctx: Context) -> str:
    """Administrative abbreviations from the lexicon (UBND -> Ủy ban nhân dân)."""
    key = re.sub(r"\s+", " ", m.group(0))
    return ctx.lexicon.get(key) or m.group(0)


@rule("phone", r"(?<![\d.,])(?:\+84\s?|\(0\d{2,3}\)\s?|0)\d{1,4}(?:[ .-]?\d{2,4}){1,3}(?![\d,]|\.\d)"
               r"|(?<![\d.,])1[89]00[ .]?\d{2,4}(?:[ .]?\d{2,4})?(?![\d,]|\.\d)"
               r"|(?P<kw>(?:(?<!\w)(?:thoại|ĐT|SĐT|nóng|[hH]otline|gọi|gọi số|máy|đài|hoặc)|(?<=\d),)\s?:?\s)"
               r"(?P<short>11[1-6](?!\d)|(?<=[iTaóy] )[1-9]\d{3,4}|(?<=[iTaóy]: )[1-9]\d{3,4})(?!\d|[.,]\d|\s\d)",
      digits=True)
def phone(m: re.Match[str], ctx: Context) -> str:
    """Phone numbers digit by digit in their groups (0912 345 678, hotline 115)."""
    if m.group("short"):
        return m.group("kw") + glue(num.read_digits(m.group("short")))
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw.replace("+84", ""))
    if not raw.startswith(("+", "(")) and raw.startswith("0") and not 9 <= len(digits) <= 11 and not re.search(r"[ .-]", raw):
        return raw  # "05" or "0,5" is a quantity, not a phone number
    if raw.startswith("0") and len(digits) < 9:
        return raw
    groups = [g for g in re.split(r"[ .\-()]+", raw.replace("+84", "")) if g]
    if raw.startswith("1") and len(groups) == 1:  # 18001234: a service number, 4 + 4
        groups = [digits[:4], digits[4:]]
    if len(groups) == 1 and len(digits) >= 9:
        g = digits
        groups = [g[:4], g[4:7], g[7:]] if len(g) == 10 else [g[:3], g[3:6], g[6:]] if len(g) == 9 else [g[:4], g[4:7], g[7:]]
    spoken = ", ".join(glue(num.read_digits(g)) for g in groups)
    return ("cộng tám tư, " if raw.startswith("+84") else "") + spoken


def is_syllable_run(word: str) -> bool:
    """A lower-case word short enough to read as Vietnamese syllables or a common English word."""
    return len(word) <= 12


# possessive runs and no start inside a run: linear time even on "a-a-a-..." (no backtracking)
@rule("web_address", rf"(?<![\w@.\-])[{LOW}\d-]++(?:\.[{LOW}\d-]++)++(?![\w.])")
def web_address(m: re.Match[str], ctx: Context) -> str:
    """Web addresses: parts read (or spelled when they have no vowel), dots read "chấm"."""
    if not _TLD.search(m.group(0)):
        return m.group(0)
    parts = []
    for p in m.group(0).split("."):
        readable = re.search(r"[aeiouyăâêôơư]", strip_tone(p)) and is_syllable_run(p)
        parts.append(p if readable else spell(p, ctx))
    return " chấm ".join(parts)


@rule("acronym", rf"(?<![\w])[{UP}][{UP}{LOW}]*(?![\w])")
def acronym(m: re.Match[str], ctx: Context) -> str:
    """ALL-CAPS Vietnamese words read as words; unknown acronyms spelled (HIV -> hát i vê)."""
    tok = m.group(0)
    if not tok.isupper():
        return tok
    if len(tok) == 1:
        return tok if is_syllable(tok) else spell(tok, ctx)
    if is_syllable(tok):
        return tok.lower()
    return spell(tok, ctx)
