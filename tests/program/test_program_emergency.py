"""Emergency programs: at the station loudness plus ``emergency_gain_lu`` whatever level the speech
came at, under the true-peak ceiling, the same every time, and fast enough to air at once."""

from __future__ import annotations

import time

import numpy as np
import pytest
from program_measure import SR, lufs, true_peak_db

from broadcaster.config import ProgramSettings
from broadcaster.errors import ProgramError
from broadcaster.models import Clip, Voice
from broadcaster.program.emergency import GAP_MS, emergency_audio
from broadcaster.program.jingles import alert_tone

STORM = ("Thông báo khẩn cấp: bão số ba đang tiến vào đất liền, đề nghị bà con ở khu vực ven "
         "sông di chuyển ngay đến nơi trú ẩn an toàn tại trường tiểu học của phường.")
FIRE = "Cháy lớn tại chợ phường, đề nghị bà con tránh xa khu vực và nhường đường cho xe cứu hỏa."


@pytest.fixture(scope="module")
def messages() -> dict[str, Clip]:
    from broadcaster.speech.espeak import EspeakEngine

    engine = EspeakEngine()
    return {"storm": engine.synthesize(STORM, Voice("espeak", "vi")),
            "fire": engine.synthesize(FIRE, Voice("espeak", "vi")),
            "long": engine.synthesize(f"{STORM} {FIRE} {STORM}", Voice("espeak", "vi"))}


def scaled(clip: Clip, db: float) -> Clip:
    return Clip((clip.samples * 10 ** (db / 20)).astype(np.float32), clip.sample_rate)


def test_emergencies_of_different_texts_and_levels_air_at_the_same_loudness(
        messages: dict[str, Clip], settings: ProgramSettings) -> None:
    # the bug: peak normalisation aired two emergencies at -12.5 and -14.8 LUFS
    target = settings.loudness_lufs + settings.emergency_gain_lu
    quiet = emergency_audio(alert_tone(SR), scaled(messages["storm"], -26.0), 2, settings, SR)
    loud = emergency_audio(alert_tone(SR), scaled(messages["fire"], -0.5), 3, settings, SR)
    for out in (quiet, loud):
        assert abs(lufs(out) - target) <= 0.5, lufs(out)
        assert true_peak_db(out) <= settings.true_peak_dbtp
    assert abs(lufs(quiet) - lufs(loud)) <= 0.5


def test_the_gain_setting_moves_the_level(messages: dict[str, Clip],
                                          settings: ProgramSettings) -> None:
    level = {}
    for gain in (0.0, 4.0):
        s = settings.model_copy(update={"emergency_gain_lu": gain})
        out = emergency_audio(alert_tone(SR), messages["fire"], 1, s, SR)
        level[gain] = lufs(out)
        assert abs(level[gain] - (settings.loudness_lufs + gain)) <= 0.5
        assert true_peak_db(out) <= settings.true_peak_dbtp
    assert 3.0 <= level[4.0] - level[0.0] <= 5.0


def test_the_same_message_gives_the_same_samples(messages: dict[str, Clip],
                                                 settings: ProgramSettings) -> None:
    clip = messages["storm"]
    before = clip.samples.copy()
    a = emergency_audio(alert_tone(SR), clip, 2, settings, SR)
    b = emergency_audio(alert_tone(SR), clip, 2, settings, SR)
    assert a.dtype == np.float32 and np.array_equal(a, b)
    assert np.array_equal(clip.samples, before)  # the caller's clip is not touched


def test_tone_gap_message_gap_repeated(messages: dict[str, Clip],
                                       settings: ProgramSettings) -> None:
    tone = alert_tone(SR)
    clip = messages["fire"]
    out = emergency_audio(tone, clip, 3, settings, SR)
    gap = GAP_MS * SR // 1000
    voice = round(len(clip.samples) * SR / clip.sample_rate)
    cycle = len(tone) + gap + voice + gap
    assert len(out) == 3 * cycle
    assert np.array_equal(out[:cycle], out[cycle : 2 * cycle])
    head = out[: len(tone)]
    corr = float(np.dot(head, tone) / np.sqrt(np.dot(head, head) * np.dot(tone, tone)))
    assert corr > 0.999  # the tone itself, only its level changed
    assert not np.any(out[len(tone) : len(tone) + gap])  # silence after the tone
    assert np.sqrt(np.mean(out[len(tone) + gap : cycle - gap] ** 2)) > 0.01  # the message
    assert not np.any(out[cycle - gap : cycle])


def test_a_message_must_be_repeated_at_least_once(messages: dict[str, Clip],
                                                  settings: ProgramSettings) -> None:
    with pytest.raises(ProgramError):
        emergency_audio(alert_tone(SR), messages["fire"], 0, settings, SR)


def test_a_twenty_second_message_is_ready_well_within_the_alert_budget(
        messages: dict[str, Clip], settings: ProgramSettings) -> None:
    clip = messages["long"]
    assert len(clip.samples) / clip.sample_rate >= 20.0
    emergency_audio(alert_tone(SR), clip, 3, settings, SR)  # filters and tables built once
    cpu = []
    for _ in range(3):
        c0 = time.process_time()
        emergency_audio(alert_tone(SR), clip, 3, settings, SR)
        cpu.append(time.process_time() - c0)
    # CPU time, not wall time: other work on the machine does not move it
    assert min(cpu) < 0.2, cpu


def test_the_gain_is_a_documented_setting_with_a_default_of_two() -> None:
    from pathlib import Path

    from broadcaster.config import ConfigError, parse_settings

    assert parse_settings("", "station.yaml").program.emergency_gain_lu == 2.0
    assert parse_settings("program:\n  emergency_gain_lu: 0\n",
                          "station.yaml").program.emergency_gain_lu == 0.0
    with pytest.raises(ConfigError):
        parse_settings("program:\n  emergency_gain_lu: 30\n", "station.yaml")
    import broadcaster

    defaults = (Path(broadcaster.__file__).parent / "defaults.yaml").read_text(encoding="utf-8")
    assert "emergency_gain_lu:" in defaults.split("\npolicy:")[0].split("\nprogram:")[1]


def test_the_emergency_gain_leaves_rendered_programs_in_the_cache(render, settings,
                                                                  tmp_path) -> None:
    from broadcaster.program.model import Jingle, Program

    prog = Program((Jingle(path="audio/chime-open.flac"),))
    first = render(prog, cache_dir=tmp_path)
    again = render(prog, cache_dir=tmp_path,
                   settings_=settings.model_copy(update={"emergency_gain_lu": 5.0}))
    assert again.cached and again.digest == first.digest
