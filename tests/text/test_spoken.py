"""Spoken forms residents hear: numbers, dates, times, ranges, codes, units, lexicon (point 3)."""

from __future__ import annotations

import pytest

from broadcaster.text import load_lexicon, to_script
from broadcaster.text.numbers import read_int


def say(text: str, **kw: object) -> str:
    return to_script(text, **kw).text  # type: ignore[arg-type]


@pytest.mark.parametrize(("n", "north", "south"), [
    (21, "hai mươi mốt", "hai mươi mốt"),
    (24, "hai mươi tư", "hai mươi tư"),
    (25, "hai mươi lăm", "hai mươi lăm"),
    (15, "mười lăm", "mười lăm"),
    (105, "một trăm linh năm", "một trăm lẻ năm"),
    (1005, "một nghìn không trăm linh năm", "một ngàn không trăm lẻ năm"),
    (2024, "hai nghìn không trăm hai mươi tư", "hai ngàn không trăm hai mươi tư"),
    (1500000, "một triệu năm trăm nghìn", "một triệu năm trăm ngàn"),
    (2500000000, "hai tỷ năm trăm triệu", "hai tỷ năm trăm triệu"),
])
def test_numbers_by_dialect(n: int, north: str, south: str) -> None:
    assert read_int(n, "north") == north
    assert read_int(n, "south") == south


def test_contract_readings() -> None:
    assert say("6h30") == "Sáu giờ ba mươi phút."
    assert say("22/12/2024") == "Ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi tư."
    assert say("tháng 4") == "Tháng tư."
    assert say("có 105 hộ", dialect="south") == "Có một trăm lẻ năm hộ."
    assert say("1.500.000 đồng") == "Một triệu năm trăm nghìn đồng."
    assert say("1.500.000 đồng", dialect="south") == "Một triệu năm trăm ngàn đồng."
    assert say("UBND") == "Ủy ban nhân dân."
    assert "Chính phủ" in say("theo 03/NQ-CP") and "cổ phần" not in say("theo 03/NQ-CP")
    assert say("Công ty CP Điện lực") == "Công ty cổ phần Điện lực."


@pytest.mark.parametrize("code", ["57-NQ/TW", "1224/SYT-NVY", "688/HD – BCH", "57/NQ- TW", "57NQ/TW",
                                  "06-KH/ĐU", "120/2013/NĐ-CP", "45/QĐ-UBND"])
def test_document_codes_are_never_ranges_minus_or_fractions(code: str) -> None:
    out = say(f"Theo văn bản {code} đã ban hành")
    words = out.lower().replace(",", " ").replace(".", " ").split()
    for bad in ("trừ", "âm", "trên", "đến", "phần", "gạch", "xuyệt"):
        assert bad not in words, (code, out)
    assert not any(c.isdigit() for c in out)


def test_headings_read_naturally_or_dropped() -> None:
    text = "I. MỤC ĐÍCH, YÊU CẦU\n\n1.1. Tuyên truyền nội dung\n\nNội dung chính được đọc."
    read = to_script(text).lines()
    assert read[0] == "Phần một: Mục đích, yêu cầu."
    assert read[1] == "Một chấm một: Tuyên truyền nội dung."
    dropped = to_script(text, headings="drop").lines()
    assert dropped[:2] == ["Mục đích, yêu cầu.", "Tuyên truyền nội dung."]


def test_unknown_acronym_spelled_and_caps_words_read() -> None:
    assert say("Xét nghiệm HIV") == "Xét nghiệm hát i vê."
    assert say("THÔNG BÁO KHẨN") == "Thông báo khẩn."


def test_station_lexicon_extends_and_overrides(tmp_path) -> None:
    f = tmp_path / "lex.yaml"
    f.write_text("abbreviations:\n  HTXNN: hợp tác xã nông nghiệp\n  UBND: Ủy ban\n", encoding="utf-8")
    lex = load_lexicon(f)
    assert len(load_lexicon()) >= 200
    assert say("HTXNN và UBND", lexicon=lex) == "Hợp tác xã nông nghiệp và Ủy ban."


def test_station_lexicon_errors_name_the_line(tmp_path) -> None:
    from broadcaster.errors import TextError

    f = tmp_path / "lex.yaml"
    f.write_text("abbreviations:\n  ABC: ba 3\n", encoding="utf-8")
    with pytest.raises(TextError) as err:
        load_lexicon(f)
    assert "lex.yaml:2" in str(err.value)


def test_weekdays_ordinals_and_foreign_words() -> None:
    assert say("thứ 2, thứ 4 và CN") == "Thứ hai, thứ tư và Chủ nhật."
    assert say("phòng Covid-19 qua internet") == "Phòng Cô vít mười chín qua in tơ nét."


def test_explain_lists_rule_original_spoken() -> None:
    from broadcaster.text import explain

    changes = explain("UBND phường họp lúc 6h30.")
    pairs = {(c.rule, c.original, c.spoken) for c in changes}
    assert ("abbreviation", "UBND", "Ủy ban nhân dân") in pairs
    assert ("time", "6h30", "sáu giờ ba mươi phút") in pairs


def test_plan_lists_steps_in_order() -> None:
    from broadcaster.text import plan

    names = [name for name, _ in plan()]
    assert names.index("drop_header") < names.index("join_lines") < names.index("document_code")
    assert names.index("document_code") < names.index("range") < names.index("number")


def test_explain_shows_every_change_with_offsets() -> None:
    """Issue 13 point 6: marks made pauses or dropped, slashes and dashes made words, letterhead
    and distribution list skipped all appear, located in the original text."""
    from broadcaster.text import explain

    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/TB-UBND\nPhường A, ngày 3 tháng 5 năm 2025\n"
            "THÔNG BÁO\n- Giá 30.000 đồng/hộ/tháng (tăng 5%), Hải Dương - Bắc Giang; cấp 6-7.\n"
            "Nơi nhận:\n- Như trên;\n")
    changes = explain(text)
    got = {(c.rule, c.original, c.spoken) for c in changes}
    assert ("drop_header", "Số: 12/TB-UBND", "") in got
    assert ("drop_footer", "Nơi nhận:", "") in got and ("drop_footer", "- Như trên;", "") in got
    assert ("drop_bullet", "-", "") in got
    assert ("per_unit", " đồng/hộ/tháng", "đồng một hộ một tháng") in got
    assert ("range", "-", "đến") in got
    assert ("dash", " - ", ",") in got
    assert ("symbol", "(", ",") in got and ("symbol", ")", ",") in got
    for c in changes:
        if c.start is not None:
            assert text[c.start : c.end] == c.original
    located = {c.original for c in changes if c.start is not None}
    assert {"Số: 12/TB-UBND", " đồng/hộ/tháng", " - ", "(", "30.000"} <= located
    where = {c.original: c.start for c in changes if c.rule == "range"}
    assert text[where["-"] - 1 : where["-"] + 2] == "6-7"


def test_explain_of_an_empty_text_is_empty() -> None:
    from broadcaster.text import explain

    assert explain("") == [] and explain("\n\n") == []
