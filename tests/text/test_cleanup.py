"""Cleanup of text pasted from PDF/Word, segmentation and pause hints (points 2 and 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.models import Pause
from broadcaster.text import to_script

SAMPLE = Path(__file__).parents[1] / "corpus" / "ke-hoach-tuyen-truyen-nq57.txt"

OFFICIAL = """UBND PHƯỜNG KINH MÔN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                   Độc lập - Tự do - Hạnh phúc
Số: 125/TB-UBND
                              Kinh Môn, ngày 03 tháng 10 năm 2025

THÔNG BÁO
Đề nghị bà con chủ động sắp xếp công việc.

UBND phường trân trọng thông báo./.

Nơi nhận:
- TT Đảng ủy;
- Lưu: VP.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Hùng
"""


def test_header_footer_signature_and_closing_mark_dropped() -> None:
    lines = to_script(OFFICIAL).lines()
    assert lines == [
        "Thông báo.",
        "Đề nghị bà con chủ động sắp xếp công việc.",
        "Ủy ban nhân dân phường trân trọng thông báo.",
    ]


def test_sample_plan_end_to_end() -> None:
    script = to_script(SAMPLE.read_text(encoding="utf-8"))
    text = script.text
    assert script.lines()[0] == "Kế hoạch."
    assert not any(c.isdigit() for c in text)
    for gone in ("Nơi nhận", "CHỦ TỊCH", "TM.", "./", "Lưu", "(b/c)", "/"):
        assert gone not in text
    # "57-\n\nNQ/TW" split over a page break is rejoined and read as one code
    assert "Nghị quyết số năm mươi bảy của Trung ương" in text
    assert " trừ " not in text and " âm " not in text
    # sentences split by hard wraps and blank lines are rejoined
    assert "của Bộ Chính trị về đột phá phát triển khoa học" in text
    assert "Phần một: Mục đích, yêu cầu." in script.lines()
    headings = [s.text for s in script.segments if s.pause is Pause.HEADING]
    assert "Một chấm một: Tuyên truyền làm rõ quan điểm chỉ đạo của Nghị quyết số năm mươi bảy của Trung ương." in headings


def test_page_numbers_and_running_headers_removed() -> None:
    header = "Kế hoạch tuyên truyền năm 2025\n"
    text = (header + "Người dân cần chủ động phòng chống\n\n- 2 -\n\ndịch bệnh tại gia đình.\n"
            + header + "Các hộ kinh doanh\n\nTrang 3\n\nthực hiện đúng quy định.\n"
            + header + "Mọi người\n\n4\n\ncùng tham gia.\n")
    out = to_script(text).text
    assert "Trang" not in out and "Kế hoạch tuyên truyền" not in out
    assert "phòng chống dịch bệnh tại gia đình." in out
    assert "Các hộ kinh doanh thực hiện đúng quy định." in out


def test_pdf_hyphen_split_code() -> None:
    out = to_script("Thực hiện Nghị quyết số 57-\n\nNQ/TW của Bộ Chính trị.").text
    assert out == "Thực hiện Nghị quyết số năm mươi bảy của Bộ Chính trị."


@pytest.mark.parametrize("limit", [40, 60, 100])
def test_max_chars_cuts_at_clauses_never_inside_words_or_numbers(limit: int) -> None:
    src = SAMPLE.read_text(encoding="utf-8")
    plain = to_script(src)
    cut = to_script(src, max_chars=limit)
    assert all(len(s.text) <= limit for s in cut.segments)
    assert cut.text.split() == plain.text.split()  # same words: nothing cut inside a word
    # no cut falls inside a number's reading
    joined = [s.text for s in cut.segments]
    for a, b in zip(joined, joined[1:], strict=False):
        assert not (a.endswith(("hai mươi", "nghìn không trăm")) and b.startswith(("tư", "hai mươi")))
    assert any(s.pause is Pause.SEGMENT for s in cut.segments)


def test_long_sentence_cut_prefers_punctuation() -> None:
    sentence = ("Đề nghị bà con chằng chống nhà cửa, chặt tỉa cây xanh, không ra khỏi nhà khi có gió mạnh, "
                "chủ động dự trữ lương thực.")
    segs = to_script(sentence, max_chars=50).segments
    assert [s.text for s in segs][0].endswith(",")
    assert segs[-1].pause is Pause.PARAGRAPH


def test_pause_hints() -> None:
    segs = to_script("THÔNG BÁO\n\nCâu một. Câu hai.\n\nCâu ba.").segments
    assert [(s.text, s.pause) for s in segs] == [
        ("Thông báo.", Pause.HEADING),
        ("Câu một.", Pause.SENTENCE),
        ("Câu hai.", Pause.PARAGRAPH),
        ("Câu ba.", Pause.PARAGRAPH),
    ]


def test_syllable_hyphenated_across_a_page_break() -> None:
    text = "Đề nghị bà con thực hi-\n\n\n\nện nghiêm túc, kinh tế-\nxã hội phát triển."
    assert to_script(text).text == "Đề nghị bà con thực hiện nghiêm túc, kinh tế xã hội phát triển."


def test_section_numbers_in_running_text_are_not_decimals() -> None:
    out = to_script("Theo mục 1.2 và điều 5.3, hỗ trợ 1.5 triệu đồng.").text
    assert out == "Theo mục một chấm hai và điều năm chấm ba, hỗ trợ một phẩy năm triệu đồng."


def test_title_typed_above_the_date_line_is_kept_and_letter_items_read() -> None:
    text = ("THÔNG BÁO\nKinh Môn, ngày 10 tháng 9 năm 2025\n"
            "a. Đối tượng: trẻ em dưới 5 tuổi 😀.\nb) Thời gian: từ 7h.\n")
    assert to_script(text).lines() == [
        "Thông báo.", "a: Đối tượng: trẻ em dưới năm tuổi.", "Bê: Thời gian: từ bảy giờ."]


def test_short_pdf_paste_with_a_blank_line_after_every_line_is_joined() -> None:
    # issue 13 point 5: before, fewer than six lines gave no line width, so every line break cut
    pasted = ("Ủy ban nhân dân phường thông báo lịch cắt điện ngày 25/11 tại\n\n"
              "khu phố Bình Minh để thay thế máy biến áp, đề nghị các hộ\n\n"
              "dân chủ động sắp xếp công việc.\n\nTrân trọng thông báo.\n")
    assert to_script(pasted).lines() == [
        "Ủy ban nhân dân phường thông báo lịch cắt điện ngày hai mươi lăm tháng mười một tại khu phố "
        "Bình Minh để thay thế máy biến áp, đề nghị các hộ dân chủ động sắp xếp công việc.",
        "Trân trọng thông báo.",
    ]
    two = "Đề nghị các hộ gia đình đưa trẻ từ 1-5 tuổi đến\n\ntrạm y tế phường để tiêm vắc xin sởi.\n"
    assert len(to_script(two).lines()) == 1


def test_short_typed_paragraphs_still_stand_apart() -> None:
    typed = "Thông báo\n\nỦy ban nhân dân phường thông báo lịch tiêm.\n\nKính gửi: các hộ dân\n\nĐề nghị đi tiêm đúng lịch.\n"
    assert to_script(typed).lines() == ["Thông báo.", "Ủy ban nhân dân phường thông báo lịch tiêm.",
                                        "Kính gửi: các hộ dân.", "Đề nghị đi tiêm đúng lịch."]
