"""Speech audio helpers: MP3 decoding, silence trim, tempo change without pitch change."""

from __future__ import annotations

import numpy as np
import pytest
from speech_fakes import tone_mp3

from broadcaster.speech.audio import change_tempo, check_speech, decode_mp3, trim_silence
from broadcaster.speech.resilience import TransientError

RATE = 24000


def tone(seconds: float, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec) * RATE / len(x))


def test_decode_mp3_and_reject_empty_or_garbage() -> None:
    samples, rate = decode_mp3(tone_mp3(1000))
    assert rate == 24000 and 1.1 < len(samples) / rate < 1.4
    with pytest.raises(TransientError):
        decode_mp3(b"")
    with pytest.raises(TransientError):
        decode_mp3(b"\x00not an mp3" * 30)


def test_check_speech_rejects_silence_and_cut_short_audio() -> None:
    with pytest.raises(TransientError):
        check_speech(np.zeros(RATE, np.float32), RATE, "xin chào")
    with pytest.raises(TransientError):
        check_speech(tone(0.1), RATE, "một câu dài gồm nhiều chữ cần đọc mất vài giây")
    check_speech(tone(3.0), RATE, "một câu dài gồm nhiều chữ cần đọc mất vài giây")


def test_trim_silence_cuts_lead_and_tail_keeping_a_little() -> None:
    x = np.concatenate([np.zeros(RATE), tone(1.0), np.zeros(RATE // 2)])
    y = trim_silence(x, RATE, keep_ms=30)
    assert 1.0 <= len(y) / RATE <= 1.08
    assert abs(y[0]) < 1e-3 and abs(y[-1]) < 1e-3  # faded, no click


def test_tempo_change_keeps_pitch() -> None:
    x = tone(2.0, 220.0)
    slower = change_tempo(x, RATE, 0.8)
    assert len(slower) / len(x) == pytest.approx(1 / 0.8, rel=0.03)
    assert peak_hz(slower[RATE // 4: -RATE // 4]) == pytest.approx(220.0, abs=3.0)
    assert change_tempo(x, RATE, 1.0) is x
