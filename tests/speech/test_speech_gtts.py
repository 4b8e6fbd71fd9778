"""Our gTTS engine against a local fake of Google's batchexecute endpoint (HTTP on 127.0.0.1)."""

from __future__ import annotations

import time

import pytest
from speech_fakes import FakeGoogle, closed_port

from broadcaster.models import Script, Segment
from broadcaster.speech.gtts_engine import GttsEngine
from broadcaster.speech.render import render_with
from broadcaster.speech.resilience import (
    CircuitBreaker,
    CircuitOpen,
    PermanentError,
    TransientError,
)

TEXT = "Ủy ban nhân dân phường Kinh Môn thông báo tới toàn thể nhân dân"


def engine(url: str, fast_retry, breaker=None, **kw) -> GttsEngine:
    return GttsEngine(endpoint=url, timeout_s=kw.pop("timeout_s", 0.5), retry=fast_retry,
                      breaker=breaker or CircuitBreaker(threshold=50), **kw)


def test_speaks_vietnamese_and_decodes_mp3_without_ffmpeg(google: FakeGoogle, fast_retry) -> None:
    e = engine(google.url, fast_retry)
    clip = e.synthesize(TEXT, e.default_voice())
    assert clip.sample_rate == 24000 and clip.engine == "gtts"
    assert len(clip.samples) / 24000 > 2.0  # ~60 ms per letter in the fake
    assert google.texts == [TEXT]


@pytest.mark.parametrize("failure", ["429", "500", "truncate", "empty", "garbage", "short"])
def test_transient_failures_are_retried(google: FakeGoogle, fast_retry, failure: str) -> None:
    google.script([failure, failure])
    e = engine(google.url, fast_retry)
    clip = e.synthesize(TEXT, e.default_voice())
    assert len(clip.samples) > 24000
    assert google.requests == 3


def test_read_timeout_is_a_timeout_and_is_retried(fast_retry) -> None:
    slow = FakeGoogle(actions=["slow"], slow_s=1.5)
    try:
        e = engine(slow.url, fast_retry, timeout_s=0.3)
        t0 = time.monotonic()
        clip = e.synthesize(TEXT, e.default_voice())
        assert time.monotonic() - t0 < 1.4  # did not wait for the slow answer
        assert len(clip.samples) > 0 and slow.requests == 2
    finally:
        slow.close()


def test_errors_name_their_kind(google: FakeGoogle, fast_retry) -> None:
    google.script([], default="500")
    with pytest.raises(TransientError) as info:
        engine(google.url, fast_retry).synthesize(TEXT, engine(google.url, fast_retry).default_voice())
    assert info.value.kind == "server" and google.requests == 5  # 1 + 4 retries
    refused = engine(f"http://127.0.0.1:{closed_port()}/x", fast_retry)
    with pytest.raises(TransientError) as info:
        refused.synthesize(TEXT, refused.default_voice())
    assert info.value.kind == "refused"
    slow = FakeGoogle(default="slow", slow_s=1.0)
    try:
        timing_out = engine(slow.url, fast_retry, timeout_s=0.2)
        timing_out.retry = type(fast_retry)(retries=0)
        with pytest.raises(TransientError) as info:
            timing_out.synthesize(TEXT, timing_out.default_voice())
        assert info.value.kind == "timeout"
    finally:
        slow.close()


def test_http_403_is_permanent_not_retried(google: FakeGoogle, fast_retry) -> None:
    google.script(["403"])
    e = engine(google.url, fast_retry)
    with pytest.raises(PermanentError):
        e.synthesize(TEXT, e.default_voice())
    assert google.requests == 1


def test_breaker_stops_calling_a_failing_endpoint(google: FakeGoogle, fast_retry) -> None:
    google.script([], default="500")
    e = engine(google.url, fast_retry, breaker=CircuitBreaker(threshold=3, cooldown_s=60))
    with pytest.raises(CircuitOpen):
        e.synthesize(TEXT, e.default_voice())
    assert google.requests == 3
    with pytest.raises(CircuitOpen):
        e.synthesize(TEXT, e.default_voice())
    assert google.requests == 3  # no request while open
    assert e.health().breaker == "open" and "server" in e.health().last_error


def test_bulletin_requests_run_in_parallel_bounded_in_order_on_few_connections(
        fast_retry, speech_settings) -> None:
    fake = FakeGoogle(latency_s=0.4)
    try:
        # a generous timeout: this is about parallelism, and a busy machine must not turn a
        # 0.4 s answer into a timed-out request and a retry
        e = engine(fake.url, fast_retry, concurrency=4, timeout_s=5.0)
        sentences = [f"Câu số {w} của bản tin hôm nay gửi tới bà con trong phường." for w in
                     ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám"]]
        script = Script(tuple(Segment(s) for s in sentences))
        t0 = time.monotonic()
        clip = render_with(e, script, voice=e.default_voice(), cache=None,
                           pauses=speech_settings.pauses_ms)
        elapsed = time.monotonic() - t0
        assert fake.requests == 8 and fake.max_in_flight == 4
        assert elapsed < 8 * 0.4 * 0.7  # parallel, not one after another (2+ s margin)
        assert fake.connections <= 4  # keep-alive: one connection per worker
        assert sorted(fake.texts) == sorted(sentences)
        assert clip.duration_ms > 8 * 2000
    finally:
        fake.close()


def test_health_probe_reports_unreachable_endpoint(fast_retry) -> None:
    e = engine(f"http://127.0.0.1:{closed_port()}/x", fast_retry)
    h = e.health(probe=True)
    assert h.reachable is False and h.breaker == "closed" and h.voices == ("vi",)
