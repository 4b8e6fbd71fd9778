"""Rules for times of day, dates, date ranges, months and weekdays."""

from __future__ import annotations

import re

from broadcaster.text import numbers as num
from broadcaster.text.rules.base import (
    LOW,
    Context,
    alternation,
    before,
    glue,
    rule,
    tables,
    valid_date,
)

# one clock time, numbered groups so that a range "7h30-10h00" can hold two; "7g", "7g30" too
_CLOCK = (r"(?P<h{0}>[01]?\d|2[0-4])\s?(?:[hH](?:\s?(?P<m{0}>[0-5]\d)(?:'|p|phút)?)?(?![{1}])"
          r"|(?P<gee{0}>g)(?P<g{0}>[0-5]\d)?(?![{1}\d])|:(?P<c{0}>[0-5]\d)(?!\d|:))")
_TIME_BEFORE = re.compile(rf"(?:^|\W)(?:{alternation(tables().time_before)})\s*$", re.IGNORECASE)
_TIME_AFTER = re.compile(rf"\s*(?:$|[-,.;:)]|(?:{alternation(tables().time_after)})(?!\w))", re.IGNORECASE)
_DATE_WORD = re.compile(rf"(?:^|\W)(?:{alternation(tables().date_words)})\s*$", re.IGNORECASE)


def read_clock(m: re.Match[str], i: int, ctx: Context) -> str:
    """Clock time number ``i`` of the match: hours, and minutes unless they are zero."""
    mins = m.group(f"m{i}") or m.group(f"c{i}") or m.group(f"g{i}")
    out = ctx.n(m.group(f"h{i}")) + " giờ"
    if mins and int(mins):
        out += " " + ctx.n(mins) + " phút"
    return out


@rule("time_date", r"(?<![\d.,/])([01]?\d|2[0-4])[hH](?:([0-5]\d))?\s?/\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])",
      digits=True, needs="/")
def time_date(m: re.Match[str], ctx: Context) -> str:
    """Forecast times "01h/07/9" -> một giờ ngày bảy tháng chín."""
    h, mins, d, mo, y = m.groups()
    if not valid_date(d, mo):
        return m.group(0)
    out = ctx.n(h) + " giờ" + (f" {ctx.n(mins)} phút" if mins and int(mins) else "")
    out += f" ngày {ctx.n(d)} tháng {ctx.month(mo)}"
    return out + (f" năm {ctx.n(y)}" if y else "")


@rule("time", r"(?<!\d)(?<!\d[.,/:])" + _CLOCK.format(1, LOW) + r"(?:\s?-\s?" + _CLOCK.format(2, LOW) + r")?(?![\d])",
      digits=True)
def time(m: re.Match[str], ctx: Context) -> str:
    """Clock times and their ranges: 6h30 -> sáu giờ ba mươi phút, 7h30-10h00 -> ... đến mười giờ, 7g -> bảy giờ."""
    bare_g = m.group("gee1") and not m.group("g1") and not m.group("h2")
    if bare_g and not (_TIME_BEFORE.search(before(m, 20)) or _TIME_AFTER.match(m.string, m.end())):
        return m.group(0)  # "5g muối": grams, not five o'clock
    out = read_clock(m, 1, ctx)
    if m.group("h2"):
        out += " đến " + read_clock(m, 2, ctx)
    return out


@rule("time_words", r"(?<![\d.,])(\d{1,2}) giờ (\d{1,2})(?: phút)?(?!\d|[.,/]\d)", digits=True)
def time_words(m: re.Match[str], ctx: Context) -> str:
    """"4 giờ 45" -> bốn giờ bốn mươi lăm phút; "14 giờ 00" -> mười bốn giờ."""
    if not int(m.group(2)):
        return f"{ctx.n(m.group(1))} giờ"
    return f"{ctx.n(m.group(1))} giờ {ctx.n(m.group(2))} phút"


def with_day(m: re.Match[str], d: str, ctx: Context) -> str:
    """The day of a date, with "ngày" unless the text just said it ("đêm 15/10")."""
    return ("" if _DATE_WORD.search(before(m, 12)) else "ngày ") + ctx.n(d)


@rule("date_range", r"(?<![\d.,/])(\d{1,2})\s?(?:-|đến|và)\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])"
                    r"|(?<![\d.,/])(\d{1,2})/(\d{1,2})\s?-\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])", digits=True, needs="/")
def date_range(m: re.Match[str], ctx: Context) -> str:
    """"ngày 5-6/9", "28/10-3/11/2024": both days read, joined by "đến"."""
    g = m.groups()
    if g[0] is not None:
        d1, d2, mo, y = g[0], g[1], g[2], g[3]
        if not (valid_date(d1, mo) and valid_date(d2, mo)):
            return glue(m.group(0))
        joiner = " và ngày " if "và" in m.group(0) else " đến ngày "
        out = with_day(m, d1, ctx) + joiner + ctx.n(d2) + " tháng " + ctx.month(mo)
    else:
        d1, m1, d2, m2, y = g[4], g[5], g[6], g[7], g[8]
        if not (valid_date(d1, m1) and valid_date(d2, m2)):
            return glue(m.group(0))
        out = f"{with_day(m, d1, ctx)} tháng {ctx.month(m1)} đến ngày {ctx.n(d2)} tháng {ctx.month(m2)}"
    if y:
        out += " năm " + ctx.n(y)
    return glue(out)


@rule("quarter", r"(?P<q>\b[qQ]uý\s?)(?P<n>[1-4]|IV|I{1,3})\s?/\s?(?P<y>\d{4})(?!\d)", digits=True, needs="/")
def quarter(m: re.Match[str], ctx: Context) -> str:
    """Quarter and year: "quý 2/2027", "quý IV/2027" -> quý hai năm hai nghìn không trăm hai mươi bảy."""
    n = m.group("n")
    value = int(n) if n.isdigit() else num.roman_value(n) or 0
    return f"{m.group('q').strip()} {ctx.n(str(value))} năm {ctx.n(m.group('y'))}"


# "14-10" is a day and month only after a word of time ("đêm 14-10") or after another date
_AFTER_A_DATE = re.compile(rf"(?:tháng\u00a0\S+|(?:^|\W)(?:{alternation(tables().date_words)})\s+\d{{1,2}}\s?[-/]\s?\d{{1,2}})"
                           r"\s*(?:,|và|đến|hoặc|-)\s*$", re.IGNORECASE)


@rule("day_month", r"(?<![\d.,/-])(?P<d>\d{1,2})\s?-\s?(?P<m>\d{1,2})(?![\d/]|\s?-\s?\d|[.,]\d"
                   r"|\s?(?:h\b|g\b|giờ|%|°|độ|tuổi|tháng|năm|ngày|km|m\b|người|ha\b|tấn|kg|cm|mm))", digits=True, needs="-")
def day_month(m: re.Match[str], ctx: Context) -> str:
    """A day and month with a dash where a date is meant: "đêm 14-10" -> đêm mười bốn tháng mười."""
    d, mo = m.group("d"), m.group("m")
    if not valid_date(d, mo):
        return m.group(0)
    said = before(m, 40)
    if _DATE_WORD.search(said[-12:]):
        return glue(f"{ctx.n(d)} tháng {ctx.month(mo)}")
    if _AFTER_A_DATE.search(said):
        return glue(f"ngày {ctx.n(d)} tháng {ctx.month(mo)}")
    return m.group(0)


_DS = r"\s?[/.-]\s?"


@rule("date", rf"(?<![\d.,/])(\d{{1,2}}){_DS}(\d{{1,2}}){_DS}(\d{{4}})(?![\d/])"
              rf"|(?<![\d.,/])(\d{{1,2}})/(\d{{1,2}})(?![\d/]|\.\d)"
              rf"|(?<=ngày )(\d{{1,2}})\.(\d{{1,2}})(?![\d.]\d)", digits=True)
def date(m: re.Match[str], ctx: Context) -> str:
    """Dates: 22/12/2024 -> ngày hai mươi hai tháng mười hai năm hai nghìn ..., 19/6 -> ngày ... tháng sáu."""
    g = m.groups()
    if g[0] is not None:
        d, mo, y = g[0], g[1], g[2]
        if not valid_date(d, mo, y):
            return glue(m.group(0))
        return glue(f"{with_day(m, d, ctx)} tháng {ctx.month(mo)} năm {ctx.n(y)}")
    d, mo = (g[3], g[4]) if g[3] is not None else (g[5], g[6])
    if not valid_date(d, mo):
        return glue(m.group(0))
    return glue(f"{with_day(m, d, ctx)} tháng {ctx.month(mo)}")


@rule("month_year", r"(?<![\d.,/])(?:(tháng)\s)?(\d{1,2})/(\d{4})(?![\d/])", digits=True, needs="/")
def month_year(m: re.Match[str], ctx: Context) -> str:
    """"tháng 6/2025", "6/2025" -> tháng sáu năm hai nghìn không trăm hai mươi lăm."""
    if not 1 <= int(m.group(2)) <= 12:
        return m.group(0)
    return f"tháng {ctx.month(m.group(2))} năm {ctx.n(m.group(3))}"


@rule("month", r"(?<=\b[tT]háng )(0?[1-9]|1[0-2])(?![\d.,/])", digits=True)
def month(m: re.Match[str], ctx: Context) -> str:
    """"tháng 4" -> tháng tư."""
    return ctx.month(m.group(1))


@rule("weekday", r"(?<=\b[tT]hứ )(\d{1,2})(?![\d.,/])|(?<![\w])T([2-7])(?![\w])", digits=True)
def weekday(m: re.Match[str], ctx: Context) -> str:
    """"thứ 2" -> thứ hai, "T7" -> thứ bảy, "thứ 1" -> thứ nhất."""
    if m.group(2):
        return "thứ " + num.read_ordinal(int(m.group(2)), ctx.dialect)
    return glue(num.read_ordinal(int(m.group(1)), ctx.dialect))
