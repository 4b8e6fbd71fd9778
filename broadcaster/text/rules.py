"""Spoken-form rules: small named ``str -> str`` rewrites over data tables, applied in order.

``build_rules(dialect, lexicon)`` returns the list; ``RULE_ORDER`` documents it and ``plan()``
in the package prints it. Number readings are glued with NBSP so that segmentation never cuts
inside them; the package turns NBSP back into spaces at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from broadcaster.text import numbers as num
from broadcaster.text.lexicon import Lexicon
from broadcaster.text.record import listening, record
from broadcaster.text.syllable import is_syllable, strip_tone

_PER = {"đồng", "hộ", "người", "tháng", "năm", "ngày", "lít", "tấn", "gam", "mét", "khối", "vuông",
        "liều", "lượt", "suất", "xuất", "con", "cái", "chiếc", "lần", "buổi", "giờ", "ca", "gói", "bao",
        "phòng", "khẩu", "ha", "sào", "mẫu", "tuần", "kg"}
NB = "\u00a0"  # glue inside one reading (a number, a spelled acronym)
_VOWELS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
UP = "A-ZĐ" + _VOWELS.upper()
LOW = "a-zđ" + _VOWELS
_WORD = rf"[{UP}{LOW}]"


@lru_cache(maxsize=1)
def tables() -> dict:
    text = resources.files("broadcaster.text").joinpath("data/symbols.yaml").read_text("utf-8")
    return yaml.safe_load(text)


_DIGIT = re.compile(r"\d")
_TLD = re.compile(r"\.(?:vn|com|net|org|gov|edu)(?:\.vn)?$")


def glue(words: str) -> str:
    return words.replace(" ", NB)


@dataclass(frozen=True)
class Rule:
    """A named rewrite: ``pattern`` occurrences replaced by ``spoken(match)``."""

    name: str
    doc: str
    pattern: re.Pattern[str]
    spoken: Callable[[re.Match[str]], str]
    digits: bool = False  # only matches where there is a digit: skipped on digit-free text

    def __call__(self, text: str) -> str:
        if self.digits and not _DIGIT.search(text):
            return text
        if listening():
            def repl(m: re.Match[str]) -> str:
                out = self.spoken(m)
                record(self.name, m.group(0), out)
                return out
            return self.pattern.sub(repl, text)
        return self.pattern.sub(self.spoken, text)


# --- helpers ------------------------------------------------------------------------------------

def _n(digits: str, dialect: str) -> str:
    return glue(num.read_number(digits, dialect))


def _spell(token: str) -> str:
    letters = tables()["letters"]
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


_ISSUER_FOLLOWS = re.compile(
    r"\s*,?\s*(?:ngày\s+\d{1,2}(?:\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)\s*,?\s*)?của\s",
    re.IGNORECASE)
# document types that open a code ("NQ" in 57-NQ/TW); other first parts are issuers ("SYT")
_DOC_TYPES = {"NQ", "QĐ", "NĐ", "TT", "TTLT", "CT", "KH", "TB", "HD", "BC", "CV", "CĐ", "TTr", "KL",
              "QC", "CTr", "BB", "GM", "L", "PL", "QH"}
_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman(s: str) -> int | None:
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN[a]
        total += -v if _ROMAN.get(b, 0) > v else v
    return total if total > 0 else None


def is_syllable_run(word: str) -> bool:
    """A lower-case word that reads as Vietnamese syllables or a common English word."""
    return len(word) <= 12


def _valid_date(d: str, m: str, y: str | None = None) -> bool:
    return 1 <= int(d) <= 31 and 1 <= int(m) <= 12 and (y is None or 1000 <= int(y) <= 2999)


def _before(m: re.Match[str], n: int = 12) -> str:
    return m.string[max(0, m.start() - n) : m.start()]


# --- the rules ----------------------------------------------------------------------------------

def build_rules(dialect: str = "north", lexicon: Lexicon | None = None) -> list[Rule]:
    """The spoken-form rules for ``dialect`` and ``lexicon``, in the order they run."""
    lex = lexicon or Lexicon({})
    tab = tables()
    thousand = "ngàn" if dialect == "south" else "nghìn"
    N = lambda s: _n(s, dialect)  # noqa: E731

    rules: list[Rule] = []

    def rule(name: str, pattern: str, flags: int = 0,
             digits: bool = False) -> Callable[[Callable[[re.Match[str]], str]], None]:
        def deco(fn: Callable[[re.Match[str]], str]) -> None:
            rules.append(Rule(name, (fn.__doc__ or "").strip(), re.compile(pattern, flags), fn, digits))
        return deco

    @rule("closing_mark", r"(?<![\s./])[\s./]++$")
    def closing_mark(m: re.Match[str]) -> str:
        """The closing "./." of an official document is just a full stop."""
        tail = m.group(0)
        return "." if "./" in tail or tail.strip() == "." else tail

    # 1. typography ---------------------------------------------------------------------------
    @rule("typography", r"[–—−‒―]|[“”„«»]|[‘’]|…|\.{3,}|[²³]|[^\x00-\x7f\u00c0-\u1ef9]")
    def typography(m: re.Match[str]) -> str:
        """Unify dashes, quotes and ellipses; fold odd digits (², ①, fullwidth) to ASCII."""
        c = m.group(0)
        if c in "–—−‒―":
            return "-"
        if c in "“”„«»":
            return '"'
        if c in "‘’":
            return "'"
        if c == "…" or c.startswith("..."):
            return "…"
        if c == "²":
            return "2"
        if c == "³":
            return "3"
        import unicodedata

        folded = unicodedata.normalize("NFKC", c)
        if folded != c and folded.isascii():
            return folded
        if c.isdigit() or c.isnumeric():
            v = unicodedata.digit(c, None)
            return str(v) if v is not None else " "
        return c

    # 2. document codes --------------------------------------------------------------------------
    part = rf"[{UP}][{UP}{LOW}]*\d{{0,2}}"
    sep = r"\s?[-/&]\s?"
    code = (
        rf"(?<![\w/.,-])(?P<num>\d{{1,5}})(?:/(?P<year>(?:19|20)\d\d))?"
        rf"(?:\s?[-/]\s?(?P<a>{part}(?:{sep}{part})*)|(?P<b>{part}(?:{sep}{part})+))(?![\w/-])"
    )

    def expand_part(p: str) -> str:
        hit = lex.code_part(p)
        if hit:
            return hit
        m = re.fullmatch(rf"([{UP}{LOW}]+?)(\d+)", p)
        if m and lex.get(m.group(1)):
            return f"{lex.get(m.group(1))} khóa {num.read_number(m.group(2), dialect)}"
        # "BCĐTW" = "BCĐ" + "TW": split into known abbreviations, longest prefix first
        i, out = 0, []
        while i < len(p):
            for j in range(len(p), i, -1):
                if lex.get(p[i:j]) and (j - i > 1 or j == len(p)):
                    out.append(lex.get(p[i:j]))
                    i = j
                    break
            else:
                return _spell(p).replace(NB, " ")
        return " ".join(out)

    @rule("document_code", code, digits=True)
    def document_code(m: re.Match[str]) -> str:
        """A document code (57-NQ/TW, 03/NQ-CP, 1224/SYT-NVY) as number, type and issuer."""
        parts = [p for p in re.split(r"\s?[-/&]\s?", m.group("a") or m.group("b")) if p]
        spoken = [expand_part(p) for p in parts]
        head = N(m.group("num"))
        if m.group("year"):
            head += ", năm " + N(m.group("year"))
        before = _before(m, 40).lower()
        after = re.split(r"[,;.:!?]", m.string[m.end() : m.end() + 60])[0]
        if lex.pattern is not None:  # "... của Ban CHQS": compare meanings, not spellings
            after = lex.pattern.sub(lambda a: lex.get(re.sub(r"\s+", " ", a.group(0))) or a.group(0), after)
        after = after.lower()
        kept = list(spoken)
        dropped_type = False
        # "Nghị quyết số 57-NQ/TW": the type was just said; "... của Chính phủ" follows: so was the issuer
        # the type was just said ("Nghị quyết số 57-NQ/TW"), or some document noun was ("... số 06-KH/ĐU")
        if kept and (kept[0].lower() in before or (parts[0] in _DOC_TYPES and re.search(r"\bsố\s?$", before))):
            kept = kept[1:]
            dropped_type = True
        raw_after = m.string[m.end() : m.end() + 60]
        if _ISSUER_FOLLOWS.match(raw_after):
            # "57-NQ/TW ngày 22/12/2024 của Bộ Chính trị": the text names the issuer itself
            kept = kept[:1] if kept and not dropped_type and parts[0] in _DOC_TYPES else []
        while kept and (f"của {kept[-1].lower()}" in after or f"của {parts[len(spoken) - len(kept) + len(kept) - 1].lower()}" in after):
            kept = kept[:-1]
        if not kept:
            return head
        return f"{head} của {' '.join(kept)}" if dropped_type else f"{head}, {' '.join(kept)}"

    # 3. abbreviations -------------------------------------------------------------------------
    if lex.pattern is not None:
        @rule("abbreviation", lex.pattern.pattern)
        def abbreviation(m: re.Match[str]) -> str:
            """Administrative abbreviations from the lexicon (UBND -> Ủy ban nhân dân)."""
            key = re.sub(r"\s+", " ", m.group(0))
            return lex.get(key) or m.group(0)

    # 4. phone numbers ---------------------------------------------------------------------------
    @rule("phone", r"(?<![\d.,])(?:\+84\s?|\(0\d{2,3}\)\s?|0)\d{1,4}(?:[ .-]?\d{2,4}){1,3}(?![\d,]|\.\d)"
                   r"|(?<![\d.,])1[89]00[ .]?\d{2,4}(?:[ .]?\d{2,4})?(?![\d,]|\.\d)"
                   r"|(?P<kw>(?:(?<!\w)(?:thoại|ĐT|SĐT|nóng|[hH]otline|gọi|gọi số|máy|đài|hoặc)|(?<=\d),)\s?:?\s)"
                   r"(?P<short>11[1-6](?!\d)|(?<=[iTaóy] )[1-9]\d{3,4}|(?<=[iTaóy]: )[1-9]\d{3,4})(?!\d|[.,]\d|\s\d)", digits=True)
    def phone(m: re.Match[str]) -> str:
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

    # 5. times ---------------------------------------------------------------------------------
    clock = (r"(?P<h{0}>[01]?\d|2[0-4])\s?(?:[hH](?:\s?(?P<m{0}>[0-5]\d)(?:'|p|phút)?)?(?![{1}])"
             r"|g(?P<g{0}>[0-5]\d)(?![{1}\d])|:(?P<c{0}>[0-5]\d)(?!\d|:))")

    def read_clock(m: re.Match[str], i: int) -> str:
        h = m.group(f"h{i}")
        mins = m.group(f"m{i}") or m.group(f"c{i}") or m.group(f"g{i}")
        out = N(h) + " giờ"
        if mins and int(mins):
            out += " " + N(mins) + " phút"
        return out

    @rule("time_date", r"(?<![\d.,/])([01]?\d|2[0-4])[hH](?:([0-5]\d))?\s?/\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])", digits=True)
    def time_date(m: re.Match[str]) -> str:
        """Forecast times "01h/07/9" -> một giờ ngày bảy tháng chín."""
        h, mins, d, mo, y = m.groups()
        if not _valid_date(d, mo):
            return m.group(0)
        out = N(h) + " giờ" + (f" {N(mins)} phút" if mins and int(mins) else "")
        out += f" ngày {N(d)} tháng {glue(num.read_month(int(mo), dialect))}"
        return out + (f" năm {N(y)}" if y else "")

    @rule("time", r"(?<!\d)(?<!\d[.,/:])" + clock.format(1, LOW) + r"(?:\s?-\s?" + clock.format(2, LOW) + r")?(?![\d])", digits=True)
    def time(m: re.Match[str]) -> str:
        """Clock times and their ranges: 6h30 -> sáu giờ ba mươi phút, 7h30-10h00 -> ... đến mười giờ."""
        out = read_clock(m, 1)
        if m.group("h2"):
            out += " đến " + read_clock(m, 2)
        return out

    @rule("time_words", r"(?<![\d.,])(\d{1,2}) giờ (\d{1,2})(?: phút)?(?!\d|[.,/]\d)", digits=True)
    def time_words(m: re.Match[str]) -> str:
        """"4 giờ 45" -> bốn giờ bốn mươi lăm phút; "14 giờ 00" -> mười bốn giờ."""
        if not int(m.group(2)):
            return f"{N(m.group(1))} giờ"
        return f"{N(m.group(1))} giờ {N(m.group(2))} phút"

    # 6. dates ---------------------------------------------------------------------------------
    def day(d: str) -> str:
        return N(d)

    def month(mo: str) -> str:
        return glue(num.read_month(int(mo), dialect))

    def with_day(m: re.Match[str], d: str) -> str:
        said = re.search(r"(?:ngày|đêm|hôm)\s*$", _before(m, 8), re.IGNORECASE)
        return ("" if said else "ngày ") + day(d)

    @rule("coordinates", r"(?<![\d.,])(\d{1,3}(?:,\d+)?)\s?°?\s?([NS])\s?[-–,;/]?\s?(\d{1,3}(?:,\d+)?)\s?°?\s?([EW])(?![\w])", digits=True)
    def coordinates(m: re.Match[str]) -> str:
        """"21,0N-107,8E" -> hai mươi mốt độ Vĩ Bắc, một trăm linh bảy phẩy tám độ Kinh Đông."""
        lat, ns, lon, ew = m.groups()

        def deg(v: str) -> str:
            whole, _, frac = v.partition(",")
            return glue(num.read_decimal(whole, frac, dialect) if frac else num.read_number(whole, dialect))

        return (f"{deg(lat)} độ Vĩ {'Bắc' if ns == 'N' else 'Nam'}, "
                f"{deg(lon)} độ Kinh {'Đông' if ew == 'E' else 'Tây'}")

    @rule("fraction", r"(?<![\d/])(24)/(24|7)(?P<h>h(?!\w))?(?![\d/])"
                      r"|(?P<ctx>\b(?:chiếm|đạt|khoảng|gần|hơn|bằng|được|còn|tới|trên|dưới) )(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/])"
                      r"|(?<![\d/])(?P<c>\d{1,2})/(?P<d>\d{1,2})(?= (?:số|diện tích|dân số|tổng|kế hoạch|chỉ tiêu|thời gian))", digits=True)
    def fraction(m: re.Match[str]) -> str:
        """Fractions where the words say so: "chiếm 1/3" -> một phần ba; "24/24" -> hai mươi tư trên hai mươi tư."""
        if m.group(1):
            return f"{N(m.group(1))} trên {N(m.group(2))}" + (" giờ" if m.group("h") else "")
        if m.group("a"):
            return f"{m.group('ctx')}{N(m.group('a'))} phần {N(m.group('b'))}"
        return f"{N(m.group('c'))} phần {N(m.group('d'))}"

    ds = r"\s?[/.-]\s?"
    @rule("date_range", r"(?<![\d.,/])(\d{1,2})\s?(?:-|đến|và)\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])"
                        r"|(?<![\d.,/])(\d{1,2})/(\d{1,2})\s?-\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])", digits=True)
    def date_range(m: re.Match[str]) -> str:
        """"ngày 5-6/9", "28/10-3/11/2024": both days read, joined by "đến"."""
        return glue(_date_range(m))

    def _date_range(m: re.Match[str]) -> str:
        g = m.groups()
        if g[0] is not None:
            d1, d2, mo, y = g[0], g[1], g[2], g[3]
            if not (_valid_date(d1, mo) and _valid_date(d2, mo)):
                return m.group(0)
            joiner = " và ngày " if "và" in m.group(0) else " đến ngày "
            out = with_day(m, d1) + joiner + day(d2) + " tháng " + month(mo)
        else:
            d1, m1, d2, m2, y = g[4], g[5], g[6], g[7], g[8]
            if not (_valid_date(d1, m1) and _valid_date(d2, m2)):
                return m.group(0)
            out = f"{with_day(m, d1)} tháng {month(m1)} đến ngày {day(d2)} tháng {month(m2)}"
        if y:
            out += " năm " + N(y)
        return out

    @rule("date", rf"(?<![\d.,/])(\d{{1,2}}){ds}(\d{{1,2}}){ds}(\d{{4}})(?![\d/])"
                  rf"|(?<![\d.,/])(\d{{1,2}})/(\d{{1,2}})(?![\d/]|\.\d)"
                  rf"|(?<=ngày )(\d{{1,2}})\.(\d{{1,2}})(?![\d.]\d)", digits=True)
    def date(m: re.Match[str]) -> str:
        """Dates: 22/12/2024 -> ngày hai mươi hai tháng mười hai năm hai nghìn ..., 19/6 -> ngày ... tháng sáu."""
        return glue(_date(m))

    def _date(m: re.Match[str]) -> str:
        g = m.groups()
        if g[0] is not None:
            d, mo, y = g[0], g[1], g[2]
            if not _valid_date(d, mo, y):
                return m.group(0)
            return f"{with_day(m, d)} tháng {month(mo)} năm {N(y)}"
        d, mo = (g[3], g[4]) if g[3] is not None else (g[5], g[6])
        if not _valid_date(d, mo):
            return m.group(0)
        return f"{with_day(m, d)} tháng {month(mo)}"

    @rule("month_year", r"(?<![\d.,/])(?:(tháng)\s)?(\d{1,2})/(\d{4})(?![\d/])", digits=True)
    def month_year(m: re.Match[str]) -> str:
        """"tháng 6/2025", "6/2025" -> tháng sáu năm hai nghìn không trăm hai mươi lăm."""
        if not 1 <= int(m.group(2)) <= 12:
            return m.group(0)
        return f"tháng {month(m.group(2))} năm {N(m.group(3))}"

    @rule("month", r"(?<=\b[tT]háng )(0?[1-9]|1[0-2])(?![\d.,/])", digits=True)
    def month_name(m: re.Match[str]) -> str:
        """"tháng 4" -> tháng tư."""
        return month(m.group(1))

    @rule("weekday", r"(?<=\b[tT]hứ )(\d{1,2})(?![\d.,/])|(?<![\w])T([2-7])(?![\w])", digits=True)
    def weekday(m: re.Match[str]) -> str:
        """"thứ 2" -> thứ hai, "T7" -> thứ bảy, "thứ 1" -> thứ nhất."""
        if m.group(2):
            return "thứ " + num.read_ordinal(int(m.group(2)), dialect)
        return glue(num.read_ordinal(int(m.group(1)), dialect))

    deg = r"\s?(?:°C|ºC|°|oC|độ)"

    @rule("below_zero", rf"(?:(?<=^)|(?<=[\s(:,;]))-(?=\d+(?:,\d+)?(?:{deg}|\s?(?:đến|-)\s?-?\d+(?:,\d+)?{deg}))",
          digits=True)
    def below_zero(m: re.Match[str]) -> str:
        """A minus sign before a temperature is "âm" (-2°C -> âm hai độ xê); never used for codes."""
        return "âm "

    @rule("spaced_thousands", r"(?<![\d,.])\d{1,3}(?: \d{3})+(?=\s?(?:đồng|VNĐ|VND|đ\b|người|hộ|lượt|tấn|kg|ha\b))",
          digits=True)
    def spaced_thousands(m: re.Match[str]) -> str:
        """"1 500 000 đồng": spaces as thousands separators."""
        return m.group(0).replace(" ", "")

    @rule("dimension", r"(?<=\d)\s?[xX×]\s?(?=\d)", digits=True)
    def dimension(m: re.Match[str]) -> str:
        """"ảnh 4x6" -> bốn nhân sáu."""
        return " nhân "

    @rule("roman_numeral", r"(?P<ctx>\b(?:[qQ]uý|[kK]hóa|[kK]hoá|[tT]hứ|[kK]ỷ|[đĐ]ợt|[cC]hương|[pP]hần|[hH]ội|[mM]ục) )(?P<rn>[IVX]{1,6})(?![\w])")
    def roman_numeral(m: re.Match[str]) -> str:
        """Roman numerals after "quý", "khóa", "thế kỷ", "Đại hội" ...: quý III -> quý ba."""
        value = _roman(m.group("rn"))
        if value is None:
            return m.group(0)
        if m.group("ctx").lower() == "thứ ":
            return m.group("ctx") + glue(num.read_ordinal(value, dialect))
        return m.group("ctx") + N(str(value))

    # possessive runs and no start inside a run: linear time even on "a-a-a-..." (no backtracking)
    @rule("web_address", rf"(?<![\w@.\-])[{LOW}\d-]++(?:\.[{LOW}\d-]++)++(?![\w.])")
    def web_address(m: re.Match[str]) -> str:
        """Web addresses: parts read (or spelled when they have no vowel), dots read "chấm"."""
        if not _TLD.search(m.group(0)):
            return m.group(0)
        parts = []
        for p in m.group(0).split("."):
            parts.append(p if re.search(r"[aeiouyăâêôơư]", strip_tone(p)) and is_syllable_run(p) else _spell(p))
        return " chấm ".join(parts)

    # 7. ranges --------------------------------------------------------------------------------
    @rule("range", r"(?<=\d)\s?-\s?(?=\d)", digits=True)
    def range_(m: re.Match[str]) -> str:
        """A dash between two numbers is "đến" (17-18, 25-27°C, 2022-2025, 12-17 tuổi)."""
        return " đến "

    # 8. units and symbols after numbers ---------------------------------------------------------
    units = tab["units"]
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))

    @rule("unit", rf"(?<=\d)\s?(?P<u>{unit_alt})(?![{UP}{LOW}\d²³])(?:/(?P<per>{unit_alt}|[{LOW}]+)(?![{UP}{LOW}]))?", digits=True)
    def unit(m: re.Match[str]) -> str:
        """Units after a number: km/h, °C, %, m², ha, kg, đồng, VNĐ; "đồng/người" -> đồng một người."""
        out = " " + units[m.group("u")].replace("{thousand}", thousand)
        per = m.group("per")
        if per:
            out += " một " + units.get(per, per).replace("{thousand}", thousand)
        return out


    @rule("coordinate", r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d+)?)\s?°?\s?(?P<dir>[NSEW])(?![\w])", digits=True)
    def coordinate(m: re.Match[str]) -> str:
        """One coordinate: "vĩ tuyến 19,0N" -> ... mười chín độ Bắc, "18,9°N" -> ... độ Vĩ Bắc."""
        side = {"N": "Bắc", "S": "Nam", "E": "Đông", "W": "Tây"}[m.group("dir")]
        if re.search(r"tuyến\s$", _before(m, 8)):
            return f"{m.group('num')} độ {side}"
        return f"{m.group('num')} độ {'Vĩ' if m.group('dir') in 'NS' else 'Kinh'} {side}"

    @rule("letters_digits", rf"(?<=[{UP}{LOW}])(?=\d)|(?<=\d)(?=[{UP}{LOW}])", digits=True)
    def letters_digits(m: re.Match[str]) -> str:
        """Space between letters and digits glued together (H5N1, 5ha): each is read on its own."""
        return " "

    # 9. numbers -------------------------------------------------------------------------------
    @rule("number", r"(?<![\d.])(?P<a>\d+)\.(?P<b>\d{1,2})(?![\d]|\.\d)(?P<q>(?=\s?(?:triệu|tỷ|nghìn|ngàn|héc|ki|mét|mi|xen|phần|độ|lít|tấn|gam|đồng)))?"
                     r"|(?<![\d])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?!\d)", digits=True)
    def number(m: re.Match[str]) -> str:
        """Numbers: 1.500.000 -> một triệu năm trăm nghìn, 2,5 -> hai phẩy năm, 05 -> năm, 21 -> hai mươi mốt.

        "1.2" is a section number ("một chấm hai") unless a quantity follows ("1.5 triệu": a decimal).
        """
        if m.group("a"):
            if m.group("q") is not None:
                return glue(num.read_decimal(m.group("a"), m.group("b"), dialect))
            return N(m.group("a")) + NB + "chấm" + NB + N(m.group("b"))
        whole = m.group(4).replace(".", "")
        if m.group(5):
            return glue(num.read_decimal(whole, m.group(5), dialect))
        if len(whole) > 12 or (whole.startswith("0") and len(whole) >= 4):
            return glue(num.read_digits(whole))
        return N(whole)

    # 10. symbols and punctuation --------------------------------------------------------------
    compounds = {c.replace(" - ", "-") for c in tab["compounds"]}

    @rule("dash", rf"(?<={_WORD}) - (?={_WORD})|(?<={_WORD})-(?={_WORD})")
    def dash(m: re.Match[str]) -> str:
        """A dash between words: a short pause, or nothing inside compounds such as "kinh tế - xã hội"."""
        if m.group(0) == "-":
            # "Hải Dương-Bắc Giang": two names, a pause; "kinh tế-xã hội": one compound
            left = m.string[max(0, m.start() - 12) : m.start()].split()
            if left and left[-1][:1].isupper() and m.string[m.end() : m.end() + 1].isupper():
                return ", "
            return " "
        before = [w.strip(",;:.!?\"'()") for w in m.string[max(0, m.start() - 20) : m.start()].lower().split()]
        after = [w.strip(",;:.!?\"'()") for w in m.string[m.end() : m.end() + 20].lower().split()]
        for i in (1, 2, 3):
            for j in (1, 2, 3):
                if (len(before) >= i and len(after) >= j
                        and " ".join(before[-i:]) + "-" + " ".join(after[:j]) in compounds):
                    return " "
        return ", "

    @rule("ellipsis", rf"\s*,?\s*…\s*(?P<next>[{UP}])?")
    def ellipsis(m: re.Match[str]) -> str:
        """"…" ends the sentence before a capital letter, otherwise it is a comma."""
        return f". {m.group('next')}" if m.group("next") else ", "

    symbols = tab["symbols"]

    @rule("symbol", r"[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]|[&@+=§№%]|(?<=\w)/(?=\w)|[()\[\]{}\"*#•▪●○◦_|~^<>\\]|-(?!\w)|(?<!\w)-|…|/")
    def symbol(m: re.Match[str]) -> str:
        """Symbols read as words (& và, % phần trăm); brackets, quotes, bullets and slashes to pauses."""
        c = m.group(0)
        if c in symbols:
            return f" {symbols[c]} "
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

    # 11. acronyms and capitals --------------------------------------------------------------------
    @rule("acronym", rf"(?<![\w])[{UP}][{UP}{LOW}]*(?![\w])")
    def acronym(m: re.Match[str]) -> str:
        """ALL-CAPS Vietnamese words read as words; unknown acronyms spelled (HIV -> hát i vê)."""
        tok = m.group(0)
        if not tok.isupper():
            return tok
        if len(tok) == 1:
            return tok if is_syllable(tok) else _spell(tok)
        if is_syllable(tok):
            return tok.lower()
        return _spell(tok)

    @rule("digits_left", r"\d+", digits=True)
    def digits_left(m: re.Match[str]) -> str:
        """Any digit still left is read as a number, so the script never holds a digit."""
        return " " + N(m.group(0)) + " "

    @rule("spacing", r"[ \t\n,;:.!?]*[,;:.!?][ \t\n,;:.!?]*| {2,}")
    def spacing(m: re.Match[str]) -> str:
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

    return rules


def spoken(text: str, rules: list[Rule]) -> str:
    """Apply ``rules`` in order."""
    for r in rules:
        text = r(text)
    return text
