"""Rules for quantities: coordinates, fractions, signs, ranges, units, Roman numerals, numbers."""

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
    tables,
)


@rule("coordinates",
      r"(?<![\d.,])(\d{1,3}(?:,\d+)?)\s?°?\s?([NS])\s?[-–,;/]?\s?(\d{1,3}(?:,\d+)?)\s?°?\s?([EW])(?![\w])",
      digits=True, needs="NS")
def coordinates(m: re.Match[str], ctx: Context) -> str:
    """"21,0N-107,8E" -> hai mươi mốt độ Vĩ Bắc, một trăm linh bảy phẩy tám độ Kinh Đông."""
    lat, ns, lon, ew = m.groups()

    def deg(v: str) -> str:
        whole, _, frac = v.partition(",")
        return glue(num.read_decimal(whole, frac, ctx.dialect) if frac else num.read_number(whole, ctx.dialect))

    return (f"{deg(lat)} độ Vĩ {'Bắc' if ns == 'N' else 'Nam'}, "
            f"{deg(lon)} độ Kinh {'Đông' if ew == 'E' else 'Tây'}")


@rule("fraction", r"(?<![\d/])(24)/(24|7)(?P<h>h(?!\w))?(?![\d/])"
                  rf"|(?P<ctx>\b(?:{alternation(tables().fraction_before)})\s)(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?![\d/])"
                  rf"|(?<![\d/.,])(?P<c>\d{{1,2}})/(?P<d>\d{{1,2}})(?=\s(?:{alternation(tables().fraction_after)})\b)",
      digits=True, needs="/")
def fraction(m: re.Match[str], ctx: Context) -> str:
    """Fractions where the words say so: "chiếm 1/3" -> một phần ba, "3/4 số hộ" -> ba phần tư số hộ."""
    if m.group(1):
        return f"{ctx.n(m.group(1))} trên {ctx.n(m.group(2))}" + (" giờ" if m.group("h") else "")
    a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
    if not 0 < int(a) < int(b):  # "trước 31/10" is a date, not a fraction
        return m.group(0)
    return (m.group("ctx") or "") + glue(num.read_fraction(a, b, ctx.dialect))


_DEG = r"\s?(?:°C|ºC|°|oC|độ)"


@rule("below_zero", rf"(?:(?<=^)|(?<=[\s(:,;]))-(?=\d+(?:,\d+)?(?:{_DEG}|\s?(?:đến|-)\s?-?\d+(?:,\d+)?{_DEG}))",
      digits=True, needs="-")
def below_zero(m: re.Match[str], ctx: Context) -> str:
    """A minus sign before a temperature is "âm" (-2°C -> âm hai độ xê); never used for codes."""
    return "âm "


@rule("spaced_thousands", r"(?<![\d,.])\d{1,3}(?: \d{3})+(?=\s?(?:đồng|VNĐ|VND|đ\b|người|hộ|lượt|tấn|kg|ha\b))",
      digits=True)
def spaced_thousands(m: re.Match[str], ctx: Context) -> str:
    """"1 500 000 đồng": spaces as thousands separators."""
    return m.group(0).replace(" ", "")


@rule("dimension", r"(?<=\d)\s?[xX×]\s?(?=\d)", digits=True, needs="xX×")
def dimension(m: re.Match[str], ctx: Context) -> str:
    """"ảnh 4x6" -> bốn nhân sáu."""
    return " nhân "


_ROMAN_CANONICAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_ROMAN_WORD = re.compile(rf"(?:^|\W)(?P<w>{alternation(tables().roman_words)})\s+$", re.IGNORECASE)
_ROMAN_LIST = re.compile(r"(?:\b[IVX]{1,6}\s*(?:,|và|hoặc|-|đến)\s*)+$")
_LOWER_WORD = re.compile(rf"[{LOW}]\s+$")


@rule("roman_numeral", r"(?<![^\W\d_]|[/-])(?P<rn>[IVX]{1,6})(?![\w/-])", needs="IVX")
def roman_numeral(m: re.Match[str], ctx: Context) -> str:
    """Roman numerals as numbers: "báo động III" -> báo động ba, "loại I, II", "lần thứ XIV" -> lần thứ mười bốn.

    Read after a word of level, class, term, phase or region (roman_words), in a list of them,
    and always when two letters or more follow a lower-case word; a bare "I" is never a letter.
    """
    rn = m.group("rn")
    value = num.roman_value(rn)
    if value is None or not _ROMAN_CANONICAL.fullmatch(rn):
        return rn
    said = _ROMAN_LIST.sub("", before(m, 40))
    word = _ROMAN_WORD.search(said)
    if not (word or rn == "I" or (len(rn) > 1 and _LOWER_WORD.search(said))):
        return rn
    if word and word.group("w").lower() == "thứ":
        return glue(num.read_ordinal(value, ctx.dialect))
    return ctx.n(str(value))


@rule("per_number", rf"(?<=[{LOW}²³%])(?<!\d[hg])\s?/\s?(?=\d)", digits=True, needs="/")
def per_number(m: re.Match[str], ctx: Context) -> str:
    """A slash before a number: "mm/24h" -> mi li mét trong hai mươi tư giờ, "bé trai/100 bé gái" -> trên."""
    if re.match(r"\d+\s?(?:h|g|giờ|ngày|tuần|tháng|năm)(?!\w)", m.string[m.end() :]):
        return " trong "
    return " trên "


_UNIT_ALT = "|".join(re.escape(u) for u in sorted(tables().units, key=len, reverse=True))
_PER_ALT = "|".join(re.escape(u) for u in sorted(tables().per_units, key=len, reverse=True))


@rule("per_unit", rf"(?<=\d)(?P<head>\s?(?:{_UNIT_ALT}|[{LOW}]+)(?:\s[{LOW}]+){{0,2}}?)"
                  rf"(?P<pers>(?:/(?:{_UNIT_ALT}|{_PER_ALT}|[{LOW}]+)(?![{UP}{LOW}\d²³]))+)", digits=True, needs="/")
def per_unit(m: re.Match[str], ctx: Context) -> str:
    """A slash after a quantity is "một" for every unit: "đồng/hộ/tháng" -> đồng một hộ một tháng, "m3/s"."""
    tab = ctx.tables
    said = []
    for per in m.group("pers").split("/")[1:]:
        reading = tab.units.get(per) or tab.per_units.get(per) or per
        said.append("một " + reading.replace("{thousand}", ctx.thousand))
    return m.group("head") + " " + " ".join(said)


_NAMED_UNIT_ALT = "|".join(re.escape(u) for u in sorted(
    [u for u in tables().units if len(u) > 1] + list(tables().per_units), key=len, reverse=True))


@rule("slash_unit", rf"(?<=[{LOW}])/(?P<u>{_NAMED_UNIT_ALT})(?![{UP}{LOW}\d²³])", needs="/")
def slash_unit(m: re.Match[str], ctx: Context) -> str:
    """A slash before a unit after words is "một": "giá nước sạch/m3" -> giá nước sạch một mét khối."""
    tab = ctx.tables
    reading = tab.units.get(m.group("u")) or tab.per_units[m.group("u")]
    return " một " + reading.replace("{thousand}", ctx.thousand)


@rule("range", r"(?<=\d)\s?-\s?(?=\d)", digits=True, needs="-")
def range_(m: re.Match[str], ctx: Context) -> str:
    """A dash between two numbers is "đến" (17-18, 25-27°C, 2022-2025, 12-17 tuổi)."""
    return " đến "


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


@rule("coordinate", r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d+)?)\s?°?\s?(?P<dir>[NSEW])(?![\w])", digits=True, needs="NSEW")
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
