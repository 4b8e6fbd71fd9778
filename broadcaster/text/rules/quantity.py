"""Rules for quantities: coordinates, fractions, signs, ranges, units, Roman numerals, numbers."""

from __future__ import annotations

import re

from broadcaster.text import numbers as num
from broadcaster.text.rules.base import LOW, NB, UP, Context, before, glue, rule, tables


@rule("coordinates",
      r"(?<![\d.,])(\d{1,3}(?:,\d+)?)\s?°?\s?([NS])\s?[-–,;/]?\s?(\d{1,3}(?:,\d+)?)\s?°?\s?([EW])(?![\w])",
      digits=True)
def coordinates(m: re.Match[str], ctx: Context) -> str:
    """"21,0N-107,8E" -> hai mươi mốt độ Vĩ Bắc, một trăm linh bảy phẩy tám độ Kinh Đông."""
    lat, ns, lon, ew = m.groups()

    def deg(v: str) -> str:
        whole, _, frac = v.partition(",")
        return glue(num.read_decimal(whole, frac, ctx.dialect) if frac else num.read_number(whole, ctx.dialect))

    return (f"{deg(lat)} độ Vĩ {'Bắc' if ns == 'N' else 'Nam'}, "
            f"{deg(lon)} độ Kinh {'Đông' if ew == 'E' else 'Tây'}")


@rule("fraction", r"(?<![\d/])(24)/(24|7)(?P<h>h(?!\w))?(?![\d/])"
                  r"|(?P<ctx>\b(?:chiếm|đạt|khoảng|gần|hơn|bằng|được|còn|tới|trên|dưới) )(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/])"
                  r"|(?<![\d/])(?P<c>\d{1,2})/(?P<d>\d{1,2})(?= (?:số|diện tích|dân số|tổng|kế hoạch|chỉ tiêu|thời gian))",
      digits=True)
def fraction(m: re.Match[str], ctx: Context) -> str:
    """Fractions where the words say so: "chiếm 1/3" -> một phần ba; "24/24" -> hai mươi tư trên hai mươi tư."""
    if m.group(1):
        return f"{ctx.n(m.group(1))} trên {ctx.n(m.group(2))}" + (" giờ" if m.group("h") else "")
    if m.group("a"):
        return f"{m.group('ctx')}{ctx.n(m.group('a'))} phần {ctx.n(m.group('b'))}"
    return f"{ctx.n(m.group('c'))} phần {ctx.n(m.group('d'))}"


_DEG = r"\s?(?:°C|ºC|°|oC|độ)"


@rule("below_zero", rf"(?:(?<=^)|(?<=[\s(:,;]))-(?=\d+(?:,\d+)?(?:{_DEG}|\s?(?:đến|-)\s?-?\d+(?:,\d+)?{_DEG}))",
      digits=True)
def below_zero(m: re.Match[str], ctx: Context) -> str:
    """A minus sign before a temperature is "âm" (-2°C -> âm hai độ xê); never used for codes."""
    return "âm "


@rule("spaced_thousands", r"(?<![\d,.])\d{1,3}(?: \d{3})+(?=\s?(?:đồng|VNĐ|VND|đ\b|người|hộ|lượt|tấn|kg|ha\b))",
      digits=True)
def spaced_thousands(m: re.Match[str], ctx: Context) -> str:
    """"1 500 000 đồng": spaces as thousands separators."""
    return m.group(0).replace(" ", "")


@rule("dimension", r"(?<=\d)\s?[xX×]\s?(?=\d)", digits=True)
def dimension(m: re.Match[str], ctx: Context) -> str:
    """"ảnh 4x6" -> bốn nhân sáu."""
    return " nhân "


@rule("roman_numeral",
      r"(?P<ctx>\b(?:[qQ]uý|[kK]hóa|[kK]hoá|[tT]hứ|[kK]ỷ|[đĐ]ợt|[cC]hương|[pP]hần|[hH]ội|[mM]ục) )(?P<rn>[IVX]{1,6})(?![\w])")
def roman_numeral(m: re.Match[str], ctx: Context) -> str:
    """Roman numerals after "quý", "khóa", "thế kỷ", "Đại hội" ...: quý III -> quý ba."""
    value = num.roman_value(m.group("rn"))
    if value is None:
        return m.group(0)
    if m.group("ctx").lower() == "thứ ":
        return m.group("ctx") + glue(num.read_ordinal(value, ctx.dialect))
    return m.group("ctx") + ctx.n(str(value))


@rule("range", r"(?<=\d)\s?-\s?(?=\d)", digits=True)
def range_(m: re.Match[str], ctx: Context) -> str:
    """A dash between two numbers is "đến" (17-18, 25-27°C, 2022-2025, 12-17 tuổi)."""
    return " đến "


_UNIT_ALT = "|".join(re.escape(u) for u in sorted(tables().units, key=len, reverse=True))


@rule("unit", rf"(?<=\d)\s?(?P<u>{_UNIT_ALT})(?![{UP}{LOW}\d²³])(?:/(?P<per>{_UNIT_ALT}|[{LOW}]+)(?![{UP}{LOW}]))?",
      digits=True)
def unit(m: re.Match[str], ctx: Context) -> str:
    """Units after a number: km/h, °C, %, m², ha, kg, đồng, VNĐ; "đồng/người" -> đồng một người."""
    units = ctx.tables.units
    out = " " + units[m.group("u")].replace("{thousand}", ctx.thousand)
    per = m.group("per")
    if per:
        out += " một " + units.get(per, per).replace("{thousand}", ctx.thousand)
    return out


@rule("coordinate", r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d+)?)\s?°?\s?(?P<dir>[NSEW])(?![\w])", digits=True)
def coordinate(m: re.Match[str], ctx: Context) -> str:
    """One coordinate: "vĩ tuyến 19,0N" -> ... mười chín độ Bắc, "18,9°N" -> ... độ Vĩ Bắc."""
    side = {"N": "Bắc", "S": "Nam", "E": "Đông", "W": "Tây"}[m.group("dir")]
    if re.search(r"tuyến\s$", before(m, 8)):
        return f"{m.group('num')} độ {side}"
    return f"{m.group('num')} độ {'Vĩ' if m.group('dir') in 'NS' else 'Kinh'} {side}"


@rule("letters_digits", rf"(?<=[{UP}{LOW}])(?=\d)|(?<=\d)(?=[{UP}{LOW}])", digits=True)
def letters_digits(m: re.Match[str], ctx: Context) -> str:
    """Space between letters and digits glued together (H5N1, 5ha): each is read on its own."""
    return " "


@rule("number",
      r"(?<![\d.])(?P<a>\d+)\.(?P<b>\d{1,2})(?![\d]|\.\d)"
      r"(?P<q>(?=\s?(?:triệu|tỷ|nghìn|ngàn|héc|ki|mét|mi|xen|phần|độ|lít|tấn|gam|đồng)))?"
      r"|(?<![\d])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?!\d)", digits=True)
def number(m: re.Match[str], ctx: Context) -> str:
    """Numbers: 1.500.000 -> một triệu năm trăm nghìn, 2,5 -> hai phẩy năm, 05 -> năm, 21 -> hai mươi mốt.

    "1.2" is a section number ("một chấm hai") unless a quantity follows ("1.5 triệu": a decimal).
    """
    if m.group("a"):
        if m.group("q") is not None:
            return glue(num.read_decimal(m.group("a"), m.group("b"), ctx.dialect))
        return ctx.n(m.group("a")) + NB + "chấm" + NB + ctx.n(m.group("b"))
    whole = m.group(4).replace(".", "")
    if m.group(5):
        return glue(num.read_decimal(whole, m.group(5), ctx.dialect))
    if len(whole) > 12 or (whole.startswith("0") and len(whole) >= 4):
        return glue(num.read_digits(whole))
    return ctx.n(whole)


@rule("digits_left", r"\d+", digits=True)
def digits_left(m: re.Match[str], ctx: Context) -> str:
    """Any digit still left is read as a number, so the script never holds a digit."""
    return " " + ctx.n(m.group(0)) + " "
