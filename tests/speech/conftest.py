"""Speech-stage fixtures: local fakes of the online endpoints, settings, fast retry policies."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from speech_fakes import FakeEdge, FakeGoogle  # noqa: E402

from broadcaster.config import SpeechSettings, parse_settings  # noqa: E402
from broadcaster.speech.resilience import CircuitBreaker, RetryPolicy  # noqa: E402


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    yield fake
    fake.close()


@pytest.fixture
def edge_server() -> Iterator[FakeEdge]:
    fake = FakeEdge()
    yield fake
    fake.close()


@pytest.fixture
def speech_settings() -> SpeechSettings:
    """Shipped defaults with test-sized backoff (the logic is the same, the waits are short)."""
    s = parse_settings("speech:\n  backoff_s: 0.01\n  backoff_max_s: 0.05\n  timeout_s: 0.5\n",
                       "test.yaml")
    return s.speech


@pytest.fixture
def fast_retry() -> RetryPolicy:
    return RetryPolicy(retries=4, base_s=0.01, cap_s=0.05)


@pytest.fixture
def breaker() -> CircuitBreaker:
    return CircuitBreaker(threshold=50, cooldown_s=60)
