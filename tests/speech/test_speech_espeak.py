"""The offline engine, for real: espeak-ng's Vietnamese voices."""

from __future__ import annotations

import numpy as np
import pytest

from broadcaster.errors import SpeechError
from broadcaster.models import Voice
from broadcaster.speech.espeak import VOICES, EspeakEngine

TEXT = "Thông báo của Ủy ban nhân dân phường về lịch cắt điện ngày mai."


@pytest.mark.parametrize("name", VOICES)
def test_each_vietnamese_voice_speaks(name: str) -> None:
    clip = EspeakEngine(voice=name).synthesize(TEXT, Voice("espeak", name))
    assert clip.sample_rate == 22050 and clip.voice == name
    assert len(clip.samples) / clip.sample_rate > 2.0
    assert float(np.max(np.abs(clip.samples))) > 0.1


def test_rate_changes_pace_and_pitch_setting_is_applied() -> None:
    e = EspeakEngine()
    normal = e.synthesize(TEXT, Voice("espeak", "vi", rate=1.0))
    slow = e.synthesize(TEXT, Voice("espeak", "vi", rate=0.8))
    assert len(slow.samples) > len(normal.samples) * 1.15
    low = e.synthesize(TEXT, Voice("espeak", "vi", pitch=20))
    assert not np.array_equal(low.samples[: len(normal.samples)], normal.samples[: len(low.samples)])
    assert e.settings_key(Voice("espeak", "vi", rate=0.8)) != e.settings_key(Voice("espeak", "vi"))


def test_text_is_passed_without_a_shell() -> None:
    clip = EspeakEngine().synthesize("$(touch /tmp/pwned-by-tts); `ls` | rm", Voice("espeak", "vi"))
    assert len(clip.samples) > 0
    import os
    assert not os.path.exists("/tmp/pwned-by-tts")


def test_missing_executable_is_a_speech_error_with_a_hint() -> None:
    e = EspeakEngine(executable="espeak-ng-not-installed")
    with pytest.raises(SpeechError) as info:
        e.synthesize(TEXT, Voice("espeak", "vi"))
    assert "apt-get install espeak-ng" in str(info.value)
    assert e.health().available is False
