"""Bad input never crashes or hangs; output has no digits; normalizing again changes nothing (point 6)."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcaster.text import to_script

VI = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạầấẩẫậằắẳẵặèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
TOKENS = st.sampled_from([
    "6h30", "22/12/2024", "57-NQ/TW", "03/NQ-CP", "1.500.000", "2,5", "-", "–", "/", "UBND", "TDP", "KẾ",
    "HOẠCH", "I.", "1.1.", "\n", "\n\n", " ", ".", ",", ";", ":", "(", ")", "%", "°C", "km/h", "0912 345 678",
    "Nơi nhận:", "TM.", "./.", "thứ 2", "tháng 4", "ngày 5-6/9", "25-27", "x", "²", "…", "Covid-19", "H5N1",
])
MIXED = st.lists(st.one_of(TOKENS, st.text(alphabet=VI + VI.upper() + "0123456789 .,-/:", max_size=12)),
                 max_size=25).map("".join)
FAST = settings(max_examples=int(__import__("os").environ.get("HYPO_N", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _no_digits(s: str) -> bool:
    return not any(c.isdigit() for c in s)


@FAST
@given(st.text(max_size=300))
def test_never_raises_on_any_string(s: str) -> None:
    script = to_script(s)
    assert _no_digits(script.text)


@FAST
@given(MIXED)
def test_no_digits_left_and_idempotent(s: str) -> None:
    once = to_script(s).text
    assert _no_digits(once)
    assert to_script(once).text == once


@FAST
@given(MIXED, st.integers(min_value=8, max_value=120))
def test_segments_respect_max_chars(s: str, limit: int) -> None:
    script = to_script(s, max_chars=limit)
    assert all(len(seg.text) <= limit for seg in script.segments)


def test_huge_line_and_garbage_are_fast() -> None:
    line = ("Ủy ban nhân dân phường 57-NQ/TW ngày 22/12/2024 giá 1.500.000 đồng " * 1500)[:100_000]
    start = time.perf_counter()
    out = to_script(line, max_chars=100)
    assert out.segments and time.perf_counter() - start < 10
    assert to_script("").segments == ()
    assert to_script("\x00\x01\ufffd" * 1000).segments == ()
    assert _no_digits(to_script("١٢٣ ①② ¹²³ ５０").text)


def test_pathological_runs_do_not_hang() -> None:
    """Inputs that make careless regexes backtrack for minutes (seen: "a-a-a...", long space runs)."""
    for text in ("a-" * 50_000, " " * 100_000, "./" * 50_000 + "x", "1.1." * 25_000, "\n" * 100_000,
                 "(" * 100_000, "UBND0/" * 15_000):
        start = time.perf_counter()
        out = to_script(text, max_chars=100)
        assert time.perf_counter() - start < 10, text[:12]
        assert _no_digits(out.text)
