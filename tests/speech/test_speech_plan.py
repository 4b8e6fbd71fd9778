"""Request planning: our segmentation, merged up to the request limit at natural boundaries."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.models import Pause, Script, Segment
from broadcaster.speech.base import plan_units
from broadcaster.text import to_script

SAMPLE = Path(__file__).parent / "data" / "sample_plan.txt"


def test_short_clauses_merge_up_to_the_limit_within_a_sentence() -> None:
    script = Script((
        Segment("Thực hiện kế hoạch", Pause.SEGMENT),
        Segment("Ủy ban nhân dân phường", Pause.SEGMENT),
        Segment("thông báo tới bà con.", Pause.SENTENCE),
        Segment("Xin cảm ơn.", Pause.PARAGRAPH),
    ))
    units = plan_units(script, 100)
    assert [u.text for u in units] == [
        "Thực hiện kế hoạch Ủy ban nhân dân phường thông báo tới bà con.",
        "Xin cảm ơn.",
    ]
    assert [u.pause for u in units] == [Pause.SENTENCE, Pause.PARAGRAPH]


def test_long_sentence_splits_at_commas_then_spaces_never_inside_a_word() -> None:
    sentence = ("Tuyên truyền về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và "
                "chuyển đổi số quốc gia, trên địa bàn phường, tới toàn thể cán bộ, đảng viên "
                "và nhân dân trong toàn phường một cách sâu rộng.")
    units = plan_units(Script((Segment(sentence, Pause.PARAGRAPH),)), 100)
    assert len(units) >= 2
    assert all(len(u.text) <= 100 for u in units)
    assert " ".join(u.text for u in units).split() == sentence.split()
    assert all(u.pause is Pause.SEGMENT for u in units[:-1]) and units[-1].pause is Pause.PARAGRAPH
    # the first cut is at a comma: merged clauses end where a clause ends
    assert units[0].text.endswith(",")


def test_heading_pause_is_kept_and_never_merged_across() -> None:
    script = Script((Segment("I. MỤC ĐÍCH", Pause.HEADING), Segment("Nâng cao nhận thức.", Pause.PARAGRAPH)))
    units = plan_units(script, 100)
    assert [(u.text, u.pause) for u in units] == [("I. MỤC ĐÍCH", Pause.HEADING),
                                                   ("Nâng cao nhận thức.", Pause.PARAGRAPH)]


def test_sample_plan_needs_far_fewer_requests_than_gtts_tokenizer() -> None:
    from gtts import gTTS

    text = SAMPLE.read_text(encoding="utf-8")
    ours = plan_units(to_script(text), 100)
    theirs = gTTS(text, lang="vi", lang_check=False)._tokenize(text)
    assert len(ours) < len(theirs)
    assert all(len(u.text) <= 100 for u in ours)


words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạ", min_size=1, max_size=14)
sentences = st.lists(words, min_size=1, max_size=40).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(sentences, st.sampled_from(list(Pause))), min_size=1, max_size=8))
def test_plan_keeps_every_word_in_order_and_respects_the_limit(parts) -> None:
    script = Script(tuple(Segment(t, p) for t, p in parts))
    units = plan_units(script, 100)
    assert all(len(u.text) <= 100 for u in units)
    assert " ".join(u.text for u in units).split() == " ".join(t for t, _ in parts).split()


def test_unspeakable_piece_is_dropped_but_its_longer_pause_is_kept() -> None:
    script = Script((Segment("Phần một", Pause.SENTENCE), Segment("…", Pause.HEADING),
                     Segment("Nội dung.", Pause.PARAGRAPH)))
    units = plan_units(script, 100)
    assert [(u.text, u.pause) for u in units] == [("Phần một", Pause.HEADING),
                                                   ("Nội dung.", Pause.PARAGRAPH)]
