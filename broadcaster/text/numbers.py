"""Vietnamese number reading: integers, decimals, digit strings (north "linh/nghìn", south "lẻ/ngàn").

Pure functions over small tables; every other rule that meets digits ends up here.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

_WORDS = {
    "north": {"odd": "linh", "thousand": "nghìn"},
    "south": {"odd": "lẻ", "thousand": "ngàn"},
}


def _words(dialect: str) -> dict[str, str]:
    return _WORDS.get(dialect, _WORDS["north"])


def _two(n: int) -> list[str]:
    """10..99 (n >= 10)."""
    tens, unit = divmod(n, 10)
    out = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if unit == 0:
        return out
    if unit == 1 and tens > 1:
        out.append("mốt")
    elif unit == 4 and tens > 1:
        out.append("tư")
    elif unit == 5:
        out.append("lăm")
    else:
        out.append(DIGITS[unit])
    return out


def _three(n: int, full: bool, odd: str) -> list[str]:
    """0..999; ``full`` reads leading zero hundreds ("không trăm ...") inside a larger number."""
    hundreds, rest = divmod(n, 100)
    out: list[str] = []
    if hundreds or full:
        out += [DIGITS[hundreds], "trăm"]
    if rest == 0:
        return out
    if rest < 10:
        if out:
            out.append(odd)
        out.append(DIGITS[rest])
    else:
        out += _two(rest)
    return out


def read_int(n: int, dialect: str = "north") -> str:
    """``n`` in words: 21 -> "hai mươi mốt", 105 -> "một trăm linh năm"."""
    if n < 0:
        return "âm " + read_int(-n, dialect)
    if n < 10:
        return DIGITS[n]
    w = _words(dialect)
    if n >= 10**9:
        high, low = divmod(n, 10**9)
        out = read_int(high, dialect) + " tỷ"
        if low:
            out += " " + _read_below_billion(low, w, full=True)
        return out
    return _read_below_billion(n, w, full=False)


def _read_below_billion(n: int, w: dict[str, str], *, full: bool) -> str:
    groups = [(n // 10**6) % 1000, (n // 1000) % 1000, n % 1000]
    names = ["triệu", w["thousand"], ""]
    out: list[str] = []
    started = full
    for i, (g, name) in enumerate(zip(groups, names, strict=True)):
        if g == 0:
            # "1.000.500": the empty thousands group is said ("không nghìn") so that the
            # amount cannot be heard as 1.500.000 ("một triệu năm trăm")
            if started and name and any(groups[i + 1 :]):
                out += ["không", name]
            continue
        out += _three(g, started, w["odd"])
        if name:
            out.append(name)
        started = True
    return " ".join(out)


def read_number(digits: str, dialect: str = "north") -> str:
    """A digit string as a quantity; leading zeros dropped ("05" -> "năm")."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > 15:
        return read_digits(digits)
    return read_int(int(digits), dialect)


def read_digits(digits: str, group: int = 0) -> str:
    """Digit by digit ("0912" -> "không chín một hai"); ``group`` > 0 inserts commas."""
    words = [DIGITS[int(c)] for c in digits if c.isdigit()]
    if group <= 0:
        return " ".join(words)
    chunks = [" ".join(words[i : i + group]) for i in range(0, len(words), group)]
    return ", ".join(chunks)


def read_decimal(integer: str, fraction: str, dialect: str = "north") -> str:
    """``integer``,``fraction``: "2,5" -> "hai phẩy năm", "0,05" -> "không phẩy không năm"."""
    head = read_number(integer, dialect)
    if not fraction.strip("0"):  # "5,0 m" is five metres
        return head
    fraction = fraction.rstrip("0") if len(fraction) > 2 else fraction
    if not fraction:
        return head
    if fraction.startswith("0") or len(fraction) > 3:
        tail = read_digits(fraction)
    else:
        tail = read_number(fraction, dialect)
    return f"{head} phẩy {tail}"


def read_day(n: int, dialect: str = "north") -> str:
    return read_int(n, dialect)


def read_month(n: int, dialect: str = "north") -> str:
    """Month names: "tư" for 4 ("tháng tư"), otherwise the number."""
    return "tư" if n == 4 else read_int(n, dialect)


def read_ordinal(n: int, dialect: str = "north") -> str:
    """After "thứ": 1 -> "nhất", 4 -> "tư"."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return read_int(n, dialect)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(s: str) -> int | None:
    """A Roman numeral's value ("IV" -> 4), or None when ``s`` is not one."""
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN[a]
        total += -v if _ROMAN.get(b, 0) > v else v
    return total if total > 0 else None


def digit_groups(digits: str) -> list[str]:
    """How an announcer groups an unbroken identifier: 0912345678 -> 0912 345 678, 7111 -> 7111."""
    n = len(digits)
    if n <= 6:
        return [digits]
    cuts = {7: (3,), 8: (4,), 9: (3, 6), 10: (4, 7), 11: (4, 7)}.get(n)
    if cuts is None:  # twelve and more: threes, a lone last digit joins the group before it
        cuts = tuple(range(3, n - 1 if n % 3 == 1 else n, 3))
    bounds = (0, *cuts, n)
    return [digits[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def read_identifier(groups: list[str]) -> str:
    """Digit groups read digit by digit, a comma (a short pause) between groups."""
    return ", ".join(read_digits(g) for g in groups if g)


def read_fraction(numerator: str, denominator: str, dialect: str = "north") -> str:
    """"3/4" -> "ba phần tư", "2/5" -> "hai phần năm"."""
    den = int(denominator)
    below = "tư" if den == 4 else read_number(denominator, dialect)
    return f"{read_number(numerator, dialect)} phần {below}"
