"""Edge neural voices against a local fake of the read-aloud websocket on 127.0.0.1."""

from __future__ import annotations

import pytest
from speech_fakes import FakeEdge, closed_port

from broadcaster.errors import SpeechError
from broadcaster.models import Voice
from broadcaster.speech.edge import EdgeEngine, rate_param
from broadcaster.speech.resilience import CircuitBreaker, CircuitOpen, RetryPolicy, TransientError

TEXT = "Bà con chú ý, sáng mai phường tổ chức tiêm chủng tại nhà văn hóa."


def engine(url: str, fast_retry, **kw) -> EdgeEngine:
    return EdgeEngine(endpoint=url, timeout_s=kw.pop("timeout_s", 0.5), retry=fast_retry,
                      breaker=kw.pop("breaker", CircuitBreaker(threshold=50)), **kw)


def test_speaks_with_the_chosen_neural_voice_and_rate(edge_server: FakeEdge, fast_retry) -> None:
    e = engine(edge_server.url, fast_retry)
    clip = e.synthesize(TEXT, Voice("edge", "vi-VN-NamMinhNeural", rate=0.9))
    assert clip.voice == "vi-VN-NamMinhNeural" and clip.sample_rate == 24000
    assert len(clip.samples) / 24000 > 2.0
    assert edge_server.texts == [TEXT]
    assert rate_param(0.9) == "-10%" and rate_param(1.0) == "+0%"


@pytest.mark.parametrize("failure", ["429", "500", "truncate", "empty", "short"])
def test_transient_failures_are_retried(edge_server: FakeEdge, fast_retry, failure: str) -> None:
    edge_server.script([failure])
    e = engine(edge_server.url, fast_retry)
    clip = e.synthesize(TEXT, e.default_voice())
    assert len(clip.samples) > 24000 and edge_server.requests == 2


def test_truncated_stream_is_never_accepted(edge_server: FakeEdge) -> None:
    edge_server.script([], default="truncate")
    e = engine(edge_server.url, RetryPolicy(retries=1, base_s=0.0))
    with pytest.raises(TransientError) as info:
        e.synthesize(TEXT, e.default_voice())
    assert info.value.kind == "truncated"


def test_timeout_refused_and_breaker(fast_retry) -> None:
    slow = FakeEdge(default="slow", slow_s=1.0)
    try:
        e = engine(slow.url, RetryPolicy(retries=0), timeout_s=0.2)
        with pytest.raises(TransientError) as info:
            e.synthesize(TEXT, e.default_voice())
        assert info.value.kind == "timeout"
    finally:
        slow.close()
    refused = engine(f"ws://127.0.0.1:{closed_port()}/edge/v1?TrustedClientToken=x", fast_retry,
                     breaker=CircuitBreaker(threshold=2, cooldown_s=60))
    with pytest.raises(CircuitOpen):
        refused.synthesize(TEXT, refused.default_voice())
    h = refused.health(probe=True)
    assert h.breaker == "open" and h.reachable is False and "refused" in h.last_error


def test_unknown_voice_is_rejected() -> None:
    with pytest.raises((SpeechError, ValueError)):
        EdgeEngine(voice="not a voice")
