"""Rules for things that are names, not quantities: document codes, abbreviations, phone
numbers, web addresses, acronyms."""

from __future__ import annotations

import re

from broadcaster.text import numbers as num
from broadcaster.text.rules.base import (
    LOW,
    NB,
    UP,
    Context,
    alternation,
    before,
    glue,
    rule,
    spell,
    tables,
)
from broadcaster.text.syllable import is_syllable

_ISSUER_FOLLOWS = re.compile(
    r"\s*,?\s*(?:ngày\s+\d{1,2}(?:\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)\s*,?\s*)?của\s",
    re.IGNORECASE)
# document types that open a code ("NQ" in 57-NQ/TW); other first parts are issuers ("SYT")
DOC_TYPES = frozenset({"NQ", "QĐ", "NĐ", "TT", "TTLT", "CT", "KH", "TB", "HD", "BC", "CV", "CĐ", "TTr",
                       "KL", "QC", "CTr", "BB", "GM", "L", "PL", "QH"})

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
               r"|(?<![\d.,])1[89]00[ .]?\d{2,4}(?:[ .]?\d{2,4})?(?![\d,]|\.\d)", digits=True)
def phone(m: re.Match[str], ctx: Context) -> str:
    """Phone numbers with no word before them, by their shape (0912 345 678, 1900 6868), digit by digit."""
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw.replace("+84", ""))
    if not raw.startswith(("+", "(")) and raw.startswith("0") and not 9 <= len(digits) <= 11 and not re.search(r"[ .-]", raw):
        return raw  # "05" or "0,5" is a quantity, not a phone number
    if raw.startswith("0") and len(digits) < 9:
        return raw
    return ("cộng tám tư, " if raw.startswith("+84") else "") + read_id(raw.replace("+84", ""))


def read_id(raw: str) -> str:
    """An identifier digit by digit, in the groups it is written in, or grouped by its length."""
    written = [g for g in re.split(r"[^\d]+", raw) if g]
    # groups as written; one unbroken run, or a written group too long to say in one breath, by length
    groups = [part for g in written for part in (num.digit_groups(g) if len(written) == 1 or len(g) > 7 else [g])]
    return ", ".join(glue(num.read_digits(g)) for g in groups)


_ONE_ID = r"(?:\+84\s?)?\d{2,}(?:[ .-]\d+)*+"
_ID_CHAIN = rf"{_ONE_ID}(?:(?:\s?,\s?|\s(?:hoặc|và|hay)\s){_ONE_ID})*"
# an amount after the number makes it a quantity, not an identifier ("tài khoản 2.000.000 đồng")
_AMOUNT_AFTER = re.compile(r"\s?(?:đồng|đ\b|VNĐ|VND|triệu|tỷ|nghìn|ngàn|người|hộ|%|km|kg|m\b|ha\b|lượt|tuổi|ngày|tháng|năm)")


# the words before an identifier: "số tài khoản", "gọi ngay cho ... theo số", "Mã số thuế ...:"
_ID_BEFORE = re.compile(rf"(?<!\w)(?:{alternation(tables().identifier_words)})(?!\w)"
                        r"(?:\s*:?\s*|[^\d.;!?\n]{1,40}?(?:\bsố|\bngay|:)\s*:?\s*)$", re.IGNORECASE)


@rule("identifier", rf"(?<![\d.,])(?P<ids>{_ID_CHAIN})(?![\d,]\d|\.\d|[\w/])", digits=True)
def identifier(m: re.Match[str], ctx: Context) -> str:
    """Numbers after "số tài khoản", "gọi", "đường dây nóng", "mã số", "lộ" ... digit by digit, in groups."""
    if not _ID_BEFORE.search(before(m, 60)) or _AMOUNT_AFTER.match(m.string, m.end()):
        return m.group(0)
    ids = m.group("ids")
    out, last = [], 0
    for one in re.finditer(_ONE_ID, ids):
        out.append(ids[last : one.start()])
        raw = one.group(0)
        out.append(("cộng tám tư, " if raw.startswith("+84") else "") + read_id(raw.replace("+84", "")))
        last = one.end()
    return "".join(out)


@rule("plate", r"(?<![\w.-])(?P<prov>\d{2})\s?-?\s?(?P<series>[A-Z]{1,2}\d?)(?:\s?-\s?|\s)(?P<num>\d{3}\.\d{2}|\d{4,5})"
               r"(?![\w]|[.,]\d)", digits=True)
def plate(m: re.Match[str], ctx: Context) -> str:
    """Vehicle plates (29A-123.45, 59-X1 234.56): province and series, then the number, digit by digit."""
    series = spell(m.group("series"), ctx).replace(NB, " ")
    head = glue(f"{num.read_digits(m.group('prov'))} {series}")
    return f"{head}, {glue(num.read_digits(m.group('num')))}"


@rule("place_prefix", rf"(?<![\w.])(?P<p>{alternation(list(tables().place_prefixes))})\.\s?(?=[{UP}]|\d)", needs=".")
def place_prefix(m: re.Match[str], ctx: Context) -> str:
    """Place prefixes with a dot (P. Tân Định, Q. 1, TX. Sơn Tây): the word, never a sentence end."""
    return ctx.tables.place_prefixes[m.group("p")] + " "


_ASCII_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?")
# Vietnamese spelling: "k", "gh", "ngh" before e, ê, i, y; "c", "g", "ng" before the other vowels
_MISSPELT = re.compile(r"(?:c|ng|g(?!i))[eiy]|(?:k|gh|ngh)[aou]")
_VOWEL_START = re.compile(r"[aeiouy]")


def _syllables(word: str) -> list[tuple[str, bool]]:
    """``word`` cut into toneless syllables where it can be, (piece, is_syllable), fewest letters spelled."""
    n = len(word)
    none: list[tuple[str, bool]] = []
    best = [(0.0, none)] + [(float("inf"), none)] * n
    for i in range(n):
        cost, parts = best[i]
        if cost == float("inf"):
            continue
        for j in range(i + 1, min(n, i + 7) + 1):
            piece = word[i:j]
            if _ASCII_SYLLABLE.fullmatch(piece) and not _MISSPELT.match(piece):
                c = cost + 1 + (0.5 if _VOWEL_START.match(piece) else 0)
                if c < best[j][0]:
                    best[j] = (c, [*parts, (piece, True)])
        if cost + 10 < best[i + 1][0]:
            best[i + 1] = (cost + 10, [*parts, (word[i], False)])
    return best[n][1]


def read_web_part(part: str, ctx: Context) -> str:
    """One part of an address: a known word ("gmail" -> gờ meo), syllables, digits, spelled letters."""
    if part in ctx.tables.web_words:
        return ctx.tables.web_words[part]
    out = []
    for run in re.findall(r"\d+|[a-z]+|[^\da-z]", part):
        if run.isdigit():
            out.append(num.read_digits(run))
        elif run.isalpha():
            pieces = _syllables(run)
            if len(run) <= 4 and not all(syl for _, syl in pieces):
                pieces = [(run, False)]  # a short part that is not all syllables is an acronym: spelled
            out += [piece if syl else spell(piece, ctx).replace(NB, " ") for piece, syl in pieces]
    return " ".join(out)


_WEB_SEPARATORS = {".": "chấm", "@": "a còng", "-": "gạch ngang", "_": "gạch dưới", "/": "gạch chéo"}


@rule("web_address", r"(?<![\w@.\-/])(?:[A-Za-z0-9._%+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++"
                     r"|(?:https?://)?[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*\.(?:vn|com|net|org|gov|edu|info)"
                     r"(?:/[\w./?=&%-]*+)?)(?!\w|\.\w)", needs=".")
def web_address(m: re.Match[str], ctx: Context) -> str:
    """E-mail and web addresses: "a còng", "chấm", readable parts as words, the rest spelled."""
    text = re.sub(r"^https?://", "", m.group(0).lower()).rstrip("/")
    pieces = re.split(r"([.@_/-])", text)
    said = [_WEB_SEPARATORS[p] if p in _WEB_SEPARATORS else read_web_part(p, ctx) for p in pieces if p]
    return " ".join(said)


@rule("acronym", rf"(?<![\w])[{UP}][{UP}{LOW}]*(?![\w])")
def acronym(m: re.Match[str], ctx: Context) -> str:
    """ALL-CAPS Vietnamese words read as words; unknown acronyms spelled (HIV -> hát i vê); a lone I is "một"."""
    tok = m.group(0)
    if not tok.isupper():
        return tok
    if tok == "I":  # a bare I is the Roman one, never the letter
        return "một"
    if len(tok) == 1:
        return tok if is_syllable(tok) else spell(tok, ctx)
    if is_syllable(tok):
        return tok.lower()
    return spell(tok, ctx)
