"""Retry policy and circuit breaker, with injected time."""

from __future__ import annotations

import random

import pytest

from broadcaster.speech.resilience import (
    CircuitBreaker,
    CircuitOpen,
    PermanentError,
    RetryPolicy,
    TransientError,
    call_with_retries,
)


class Mono:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    policy = RetryPolicy(retries=6, base_s=0.5, cap_s=4.0)
    rng = random.Random(1)
    for attempt, cap in enumerate([0.5, 1.0, 2.0, 4.0, 4.0, 4.0]):
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert min(delays) >= 0.0 and max(delays) <= cap
        assert max(delays) > cap * 0.8  # jitter spreads over the whole range


def test_transient_errors_are_retried_then_succeed_and_sleeps_are_taken() -> None:
    slept: list[float] = []
    calls = iter([TransientError("429", kind="throttled", retry_after_s=2.0),
                  TransientError("boom", kind="server"), "ok"])

    def fn() -> str:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    out = call_with_retries(fn, policy=RetryPolicy(retries=3, base_s=0.1), breaker=CircuitBreaker(),
                            sleep=slept.append, rng=random.Random(0))
    assert out == "ok"
    assert len(slept) == 2 and slept[0] >= 2.0  # Retry-After honoured


def test_permanent_errors_are_not_retried() -> None:
    n = 0

    def fn() -> None:
        nonlocal n
        n += 1
        raise PermanentError("HTTP 403")

    with pytest.raises(PermanentError):
        call_with_retries(fn, policy=RetryPolicy(retries=5), breaker=CircuitBreaker(),
                          sleep=lambda s: None)
    assert n == 1


def test_breaker_opens_fails_fast_half_opens_and_closes() -> None:
    mono = Mono()
    br = CircuitBreaker(threshold=3, cooldown_s=30, monotonic=mono, trial_wait_s=0.05)
    for _ in range(3):
        br.before_call()
        br.failure("refused")
    assert br.state == "open"
    with pytest.raises(CircuitOpen):
        br.before_call()
    mono.t = 31
    assert br.state == "half-open"
    br.before_call()  # one trial goes through ...
    with pytest.raises(CircuitOpen):
        br.before_call()  # ... and only one (others wait for it, then give up)
    br.failure("still down")
    assert br.state == "open"
    mono.t = 62
    br.before_call()
    br.success()
    assert br.state == "closed"
    assert br.last_error == "still down"


def test_parallel_callers_wait_for_the_half_open_trial() -> None:
    import threading

    mono = Mono()
    br = CircuitBreaker(threshold=1, cooldown_s=10, monotonic=mono, trial_wait_s=5)
    br.failure("down")
    mono.t = 11
    br.before_call()  # the trial
    passed = threading.Event()

    def other() -> None:
        br.before_call()
        passed.set()

    th = threading.Thread(target=other)
    th.start()
    assert not passed.wait(0.1)  # waits while the trial runs
    br.success()
    assert passed.wait(2)  # trial succeeded: the waiting call goes through
    th.join()
