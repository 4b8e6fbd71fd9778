"""Every rule of the RULES table run alone on a typical input (issue 12 point 3, issue 13)."""

from __future__ import annotations

import pytest

from broadcaster.text import load_lexicon
from broadcaster.text import numbers as num
from broadcaster.text.rules import NB, RULES, Context, Rule, tables

CTX = Context("north", load_lexicon(), tables())
BY_NAME = {r.name: r for r in RULES}

# rule name -> (input, output of that rule alone); NBSP shown as a space
ALONE: dict[str, list[tuple[str, str]]] = {
    "closing_mark": [("Trân trọng./.", "Trân trọng.")],
    "typography": [("“Tin” – mới…", '"Tin" - mới…')],
    "document_code": [("Nghị quyết số 57-NQ/TW", "Nghị quyết số năm mươi bảy của Trung ương")],
    "abbreviation": [("UBND phường", "Ủy ban nhân dân phường")],
    "phone": [("gọi 0912 345 678", "gọi không chín một hai, ba bốn năm, sáu bảy tám")],
    "time_date": [("01h/07/9", "một giờ ngày bảy tháng chín")],
    "time": [("6h30", "sáu giờ ba mươi phút"), ("7h30-10h00", "bảy giờ ba mươi phút đến mười giờ")],
    "time_words": [("4 giờ 45", "bốn giờ bốn mươi lăm phút")],
    "coordinates": [("21,0N-107,8E", "hai mươi mốt độ Vĩ Bắc, một trăm linh bảy phẩy tám độ Kinh Đông")],
    "fraction": [("chiếm 1/3", "chiếm một phần ba")],
    "date_range": [("ngày 5-6/9", "ngày năm đến ngày sáu tháng chín")],
    "date": [("22/12/2024", "ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi tư")],
    "month_year": [("6/2025", "tháng sáu năm hai nghìn không trăm hai mươi lăm")],
    "month": [("tháng 4", "tháng tư")],
    "weekday": [("thứ 2", "thứ hai"), ("T7", "thứ bảy")],
    "below_zero": [("-2°C", "âm 2°C")],
    "spaced_thousands": [("1 500 000 đồng", "1500000 đồng")],
    "dimension": [("ảnh 4x6", "ảnh 4 nhân 6")],
    "roman_numeral": [("quý III", "quý ba")],
    "web_address": [("abc.gov.vn", "abc chấm gov chấm vê en nờ")],
    "range": [("12-17 tuổi", "12 đến 17 tuổi")],
    "unit": [("50 km/h", "50 ki lô mét một giờ")],
    "coordinate": [("18,9°N", "18,9 độ Vĩ Bắc")],
    "letters_digits": [("H5N1", "H 5 N 1")],
    "number": [("1.500.000", "một triệu năm trăm nghìn"), ("2,5", "hai phẩy năm")],
    "dash": [("kinh tế - xã hội", "kinh tế xã hội"), ("Hải Dương - Bắc Giang", "Hải Dương, Bắc Giang")],
    "ellipsis": [("chờ… Sau", "chờ. Sau")],
    "symbol": [("A & B", "A  và  B")],
    "acronym": [("HIV", "hát i vê"), ("KHẨN", "khẩn")],
    "digits_left": [("7", " bảy ")],
    "spacing": [("a ,, b", "a, b")],
}


def test_every_rule_has_a_name_a_docstring_and_a_test() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    for r in RULES:
        assert isinstance(r, Rule) and r.doc, r.name
        assert r.name in ALONE, f"no test of rule {r.name} alone"


@pytest.mark.parametrize(("name", "source", "expected"),
                         [(n, s, e) for n, cases in ALONE.items() for s, e in cases])
def test_rule_alone(name: str, source: str, expected: str) -> None:
    assert BY_NAME[name](source, CTX).replace(NB, " ") == expected


def test_rule_runs_without_a_context() -> None:
    assert BY_NAME["time"]("6h30").replace(NB, " ") == "sáu giờ ba mươi phút"


def test_one_roman_reader() -> None:
    assert [num.roman_value(s) for s in ("I", "IV", "IX", "XIV", "XXI", "LX")] == [1, 4, 9, 14, 21, 60]
    assert num.roman_value("ABC") is None and num.roman_value("") is None
