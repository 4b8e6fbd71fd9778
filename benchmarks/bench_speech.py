"""Speech benchmarks: our gTTS engine vs plain gTTS.save(), offline real-time factor, cache hit.

Run: ``python benchmarks/bench_speech.py`` (no internet needed: the Google endpoint is a local
fake on 127.0.0.1 that answers each request after 300 ms).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "speech"))

from speech_fakes import FakeGoogle  # noqa: E402

from broadcaster.config import parse_settings  # noqa: E402
from broadcaster.speech import SpeechCache, build_engines, render_script  # noqa: E402
from broadcaster.text import to_script  # noqa: E402

SAMPLE = ROOT / "tests" / "speech" / "data" / "sample_plan.txt"
LATENCY_S = 0.3


def bulletin_5000() -> str:
    """About 5,000 characters of the sample plan, cut at a paragraph end."""
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.rfind("\n\n", 0, 5000)
    return text[: cut if cut > 4000 else 5000]


def plain_gtts(text: str, url: str, out: Path) -> None:
    """gTTS exactly as it ships, only its host redirected to the local fake."""
    import gtts.tts

    real = gtts.tts._translate_url
    gtts.tts._translate_url = lambda tld="com", path="": url
    try:
        gtts.tts.gTTS(text, lang="vi").save(str(out))
    finally:
        gtts.tts._translate_url = real


def main() -> None:
    settings = parse_settings("", "defaults").speech
    text = bulletin_5000()
    print(f"bulletin: {len(text)} characters; fake endpoint latency {LATENCY_S * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        fake = FakeGoogle(latency_s=LATENCY_S)
        try:
            t0 = time.perf_counter()
            plain_gtts(text, fake.url, tmpdir / "plain.mp3")
            plain_s = time.perf_counter() - t0
            plain_n = fake.requests

            fake.requests = fake.connections = 0
            engines = build_engines(settings.model_copy(update={"engines": ("gtts",)}),
                                    endpoints={"gtts": fake.url})
            cache = SpeechCache(tmpdir / "cache", settings.cache_max_mb * 1024 * 1024)
            t0 = time.perf_counter()
            script = to_script(text)
            clip = render_script(script, engines, pauses=settings.pauses_ms, rate=settings.rate,
                                 cache=cache)
            ours_s = time.perf_counter() - t0
            ours_n = fake.requests

            print(f"plain gTTS(...).save(): {plain_s:7.2f} s  {plain_n:4d} requests "
                  f"(avg {len(text) / max(plain_n, 1):.0f} chars)")
            print(f"ours (gtts engine):     {ours_s:7.2f} s  {ours_n:4d} requests "
                  f"(concurrency {settings.concurrency}, {fake.connections} connections)")
            print(f"speed-up: {plain_s / ours_s:.1f}x, requests: {plain_n} -> {ours_n}; "
                  f"audio {clip.duration_ms / 1000:.1f} s incl. pauses and tempo {settings.rate}")

            fake.requests = 0
            t0 = time.perf_counter()
            again = render_script(to_script(text), engines, pauses=settings.pauses_ms,
                                  rate=settings.rate,
                                  cache=SpeechCache(tmpdir / "cache", settings.cache_max_mb << 20))
            hit_s = time.perf_counter() - t0
            print(f"cache-hit re-render (new cache object, as after a restart): {hit_s:.3f} s, "
                  f"{fake.requests} requests, {again.duration_ms / 1000:.1f} s of audio")
        finally:
            fake.close()

        full = SAMPLE.read_text(encoding="utf-8")
        espeak = build_engines(settings.model_copy(update={"engines": ("espeak",)}))
        t0 = time.perf_counter()
        script = to_script(full)
        clip = render_script(script, espeak, pauses=settings.pauses_ms, rate=settings.rate,
                             cache=None)
        compute = time.perf_counter() - t0
        audio_s = clip.duration_ms / 1000
        print(f"espeak-ng, sample plan ({len(full)} chars): {compute:.2f} s compute for "
              f"{audio_s:.1f} s of audio -> real-time factor {compute / audio_s:.4f}")


if __name__ == "__main__":
    main()
