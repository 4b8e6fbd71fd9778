"""render_script: one voice per bulletin, fallback chain, pauses, cache, progress."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from speech_fakes import FakeGoogle

from broadcaster.errors import SpeechError
from broadcaster.models import Clip, Pause, Script, Segment, Voice
from broadcaster.speech import SpeechCache, build_engines, render_script, voices_for
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.render import order_engines

SCRIPT = Script(tuple(
    Segment(f"Đây là câu thứ {n} trong bản tin của phường gửi tới bà con.", p)
    for n, p in zip(["một", "hai", "ba", "bốn", "năm", "sáu"],
                    [Pause.SENTENCE, Pause.HEADING, Pause.SENTENCE, Pause.PARAGRAPH,
                     Pause.SENTENCE, Pause.PARAGRAPH], strict=True)))


class LevelEngine:
    """An in-process engine (no network): piece i is a constant level, with silent edges."""

    name = "level"
    max_chars = 100
    native_rate = True
    voices = ("flat",)

    def __init__(self, concurrency: int = 4) -> None:
        self.concurrency = concurrency
        self.calls = 0
        self.lock = threading.Lock()
        self.order: list[str] = []

    def default_voice(self, rate: float = 1.0) -> Voice:
        return Voice(self.name, "flat", rate=rate)

    def settings_key(self, voice: Voice) -> str:
        return ""

    def synthesize(self, text: str, voice: Voice) -> Clip:
        idx = int(text.rsplit("#", 1)[1])
        time.sleep(0.05 * (5 - idx) if idx < 5 else 0)  # early pieces finish last
        with self.lock:
            self.calls += 1
        rate = 1000
        body = np.full(500, 0.1 * (idx + 1), np.float32)
        return Clip(np.concatenate([np.zeros(200, np.float32), body, np.zeros(300, np.float32)]), rate)

    def health(self, probe: bool = False):  # pragma: no cover - unused here
        raise NotImplementedError


def test_order_is_kept_edges_trimmed_and_pauses_inserted(speech_settings) -> None:
    pauses = speech_settings.pauses_ms
    script = Script((Segment("a #0", Pause.SEGMENT), Segment("b #1", Pause.SENTENCE),
                     Segment("c #2", Pause.HEADING), Segment("d #3", Pause.PARAGRAPH),
                     Segment("e #4", Pause.SENTENCE)))
    e = LevelEngine()
    seen: list[tuple[int, int]] = []
    clip = render_script(script, [e], pauses=pauses, rate=1.0, progress=lambda d, t: seen.append((d, t)))
    x = clip.samples
    # "a #0" and "b #1" share a sentence: merged into one request ("a #0 b #1" -> level 0.2)
    loud = x > 0.01
    edges = np.flatnonzero(np.diff(loud.astype(int)))
    runs = [x[a + 1 : b + 1] for a, b in zip(edges[0::2], edges[1::2], strict=False)]
    assert [round(float(np.median(r)), 2) for r in runs] == [0.2, 0.3, 0.4, 0.5]
    gaps = [int(b - a) for a, b in zip(edges[1::2], edges[2::2], strict=False)]
    # gap = pause + kept edge silence (30 ms each side at 1 kHz = 30 samples)
    want = [pauses.sentence, pauses.heading, pauses.paragraph]
    assert [g - 60 for g in gaps] == pytest.approx(want, abs=12)
    assert seen[-1] == (4, 4) and len(seen) == 4


def test_fallback_when_first_engine_fails_mid_bulletin(speech_settings, tmp_path: Path) -> None:
    fake = FakeGoogle(actions=["ok", "ok", "ok"], default="500")  # works, then breaks down
    try:
        engines = build_engines(speech_settings.model_copy(update={"engines": ("gtts", "espeak")}),
                                endpoints={"gtts": fake.url})
        engines[0].concurrency = 1  # deterministic: pieces 1-3 succeed, piece 4 fails
        cache = SpeechCache(tmp_path, 50_000_000)
        clip = render_script(SCRIPT, engines, pauses=speech_settings.pauses_ms, rate=0.95, cache=cache)
        assert clip.engine == "espeak"  # the WHOLE bulletin, one voice
        assert clip.note.startswith("fallback from gtts:") and "HTTP 500" in clip.note
        assert clip.duration_ms > 6 * 2000
        espeak_only = render_script(SCRIPT, [engines[1]], pauses=speech_settings.pauses_ms,
                                    rate=0.95, cache=None)
        assert len(espeak_only.samples) == len(clip.samples)
    finally:
        fake.close()


def test_all_engines_failing_raises_with_every_reason(speech_settings) -> None:
    broken = EspeakEngine(executable="no-such-espeak")
    with pytest.raises(SpeechError) as info:
        render_script(SCRIPT, [broken], pauses=speech_settings.pauses_ms)
    assert "espeak" in str(info.value) and "not installed" in str(info.value)


def test_cached_rerender_does_no_network_io(google: FakeGoogle, speech_settings, tmp_path: Path) -> None:
    engines = build_engines(speech_settings.model_copy(update={"engines": ("gtts",)}),
                            endpoints={"gtts": google.url})
    cache = SpeechCache(tmp_path, 50_000_000)
    first = render_script(SCRIPT, engines, pauses=speech_settings.pauses_ms, rate=0.95, cache=cache)
    sent = google.requests
    assert sent == 6
    google.close()  # the network is gone: only the cache can answer now
    again = render_script(SCRIPT, engines, pauses=speech_settings.pauses_ms, rate=0.95,
                          cache=SpeechCache(tmp_path, 50_000_000))
    assert google.requests == sent and again.engine == "gtts" and not again.note
    assert np.allclose(first.samples, again.samples, atol=1e-4)


def test_online_rate_is_time_stretched(google: FakeGoogle, speech_settings) -> None:
    engines = build_engines(speech_settings.model_copy(update={"engines": ("gtts",)}),
                            endpoints={"gtts": google.url})
    script = Script((SCRIPT.segments[0],))
    normal = render_script(script, engines, pauses=speech_settings.pauses_ms, rate=1.0)
    slow = render_script(script, engines, pauses=speech_settings.pauses_ms, rate=0.8)
    assert len(slow.samples) / len(normal.samples) == pytest.approx(1.25, rel=0.05)


def test_bulletin_engine_and_voice_choice(speech_settings) -> None:
    engines = build_engines(speech_settings)
    assert [e.name for e in order_engines(engines, "espeak")] == ["espeak", "gtts", "edge"]
    assert voices_for(engines, "vi-VN-NamMinhNeural") == {"edge": "vi-VN-NamMinhNeural"}
    assert voices_for(engines, "vi-vn-x-south") == {"espeak": "vi-vn-x-south"}
    with pytest.raises(SpeechError):
        voices_for(engines, "en-US-Nobody")
    clip = render_script(Script((SCRIPT.segments[0],)), [engines[2]],
                         pauses=speech_settings.pauses_ms, voices={"espeak": "vi-vn-x-south"})
    assert clip.voice == "vi-vn-x-south"
