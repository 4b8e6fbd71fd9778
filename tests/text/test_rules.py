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
    "web_address": [("abc.gov.vn", "a bê xê chấm gốp chấm vê en"),
                    ("ubndphuong1@gmail.com", "u bê en nờ dê phuong một a còng gờ meo chấm com"),
                    ("https://dichvucong.gov.vn/", "dich vu cong chấm gốp chấm vê en")],
    "place_prefix": [("P. Tân Định", "phường Tân Định"), ("Q.1", "quận 1"), ("TX. Sơn Tây", "thị xã Sơn Tây"),
                     ("Nguyễn Văn P. đã đến", "Nguyễn Văn P. đã đến")],
    "plate": [("29A-123.45", "hai chín a, một hai ba bốn năm"), ("59-X1 234.56", "năm chín ích xì một, hai ba bốn năm sáu")],
    "identifier": [("số tài khoản 7111", "số tài khoản bảy một một một"),
                   ("gọi 113 hoặc 115", "gọi một một ba hoặc một một năm"),
                   ("đường dây nóng 1022", "đường dây nóng một không hai hai"),
                   ("Mã số thuế: 8012345678", "Mã số thuế: tám không một hai, ba bốn năm, sáu bảy tám"),
                   ("gọi ngay cho Công an theo số 113", "gọi ngay cho Công an theo số một một ba"),
                   ("lộ 471", "lộ bốn bảy một"),
                   ("tài khoản 2.000.000 đồng", "tài khoản 2.000.000 đồng"),
                   ("giấy gọi nhập ngũ năm 2026", "giấy gọi nhập ngũ năm 2026"),
                   ("mã số 45/QĐ-UBND", "mã số 45/QĐ-UBND"),
                   ("Mã số thuế 0101234567-001", "Mã số thuế không một không một, hai ba bốn, năm sáu bảy, không không một")],
    "document_code": [("Nghị quyết số 57-NQ/TW", "Nghị quyết số năm mươi bảy của Trung ương")],
    "abbreviation": [("UBND phường", "Ủy ban nhân dân phường")],
    "phone": [("gọi 0912 345 678", "gọi không chín một hai, ba bốn năm, sáu bảy tám")],
    "time_date": [("01h/07/9", "một giờ ngày bảy tháng chín")],
    "per_number": [("412 mm/24h", "412 mm trong 24h"), ("112 bé trai/100 bé gái", "112 bé trai trên 100 bé gái")],
    "time": [("6h30", "sáu giờ ba mươi phút"), ("7h30-10h00", "bảy giờ ba mươi phút đến mười giờ"),
             ("lúc 7g", "lúc bảy giờ"), ("7g30", "bảy giờ ba mươi phút"), ("9g-10g", "chín giờ đến mười giờ"),
             ("14g ngày 10", "mười bốn giờ ngày 10"), ("thêm 5g muối", "thêm 5g muối"),
             ("uống 5g mỗi ngày", "uống 5g mỗi ngày")],
    "quarter": [("quý 2/2027", "quý hai năm hai nghìn không trăm hai mươi bảy"),
                ("quý IV/2027", "quý bốn năm hai nghìn không trăm hai mươi bảy")],
    "time_words": [("4 giờ 45", "bốn giờ bốn mươi lăm phút")],
    "coordinates": [("21,0N-107,8E", "hai mươi mốt độ Vĩ Bắc, một trăm linh bảy phẩy tám độ Kinh Đông")],
    "fraction": [("chiếm 1/3", "chiếm một phần ba"), ("3/4 số hộ", "ba phần tư số hộ"),
                 ("đạt 2/5 kế hoạch", "đạt hai phần năm kế hoạch"), ("trước 31/10", "trước 31/10")],
    "day_month": [("đêm 14-10", "đêm mười bốn tháng mười"), ("ngày 14-10 và 15-10", "ngày mười bốn tháng mười và ngày mười lăm tháng mười"),
                  ("cấp 6-7", "cấp 6-7"), ("ngày 5-6 tháng 9", "ngày 5-6 tháng 9")],
    "date_range": [("ngày 5-6/9", "ngày năm đến ngày sáu tháng chín")],
    "date": [("22/12/2024", "ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi tư")],
    "month_year": [("6/2025", "tháng sáu năm hai nghìn không trăm hai mươi lăm")],
    "month": [("tháng 4", "tháng tư")],
    "weekday": [("thứ 2", "thứ hai"), ("T7", "thứ bảy")],
    "below_zero": [("-2°C", "âm 2°C")],
    "spaced_thousands": [("1 500 000 đồng", "1500000 đồng")],
    "dimension": [("ảnh 4x6", "ảnh 4 nhân 6")],
    "roman_numeral": [("quý III", "quý ba"), ("báo động III", "báo động ba"), ("loại I, II", "loại một, hai"),
                      ("lần thứ XIV", "lần thứ mười bốn"), ("cơ sở II", "cơ sở hai"), ("Quân khu V", "Quân khu năm"),
                      ("vitamin X", "vitamin X"), ("hạng I", "hạng một")],
    "per_unit": [("30.000 đồng/hộ/tháng", "30.000 đồng một hộ một tháng"), ("350 m3/s", "350 m3 một giây"),
                 ("12.500 người/km2", "12.500 người một ki lô mét vuông"), ("2 viên/ngày", "2 viên một ngày")],
    "slash_unit": [("giá nước sạch/m3", "giá nước sạch một mét khối"), ("giá điện/kWh", "giá điện một ki lô oát giờ")],
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
