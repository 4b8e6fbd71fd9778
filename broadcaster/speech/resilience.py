"""Retries with exponential backoff and jitter, and a circuit breaker, for the online engines.

Time and randomness are injected so tests run the real logic without waiting.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from broadcaster.errors import SpeechError

log = logging.getLogger(__name__)

T = TypeVar("T")


class TransientError(SpeechError):
    """Worth retrying: connection refused/reset, timeout, HTTP 429 or 5xx, truncated audio."""

    def __init__(self, message: str, *, kind: str, retry_after_s: float | None = None,
                 where: str = "", hint: str = "") -> None:
        super().__init__(message, where=where, hint=hint)
        self.kind = kind  # "refused", "timeout", "throttled", "server", "bad-audio", "network"
        self.retry_after_s = retry_after_s


class PermanentError(SpeechError):
    """Retrying cannot help (HTTP 4xx other than 429, unsupported voice, bad request)."""


class CircuitOpen(SpeechError):
    """The breaker is open: the endpoint failed repeatedly and is left alone for a while."""


@dataclass(frozen=True)
class RetryPolicy:
    """``retries`` extra attempts; delay n is uniform in [0, min(cap, base * 2**n)] (full jitter)."""

    retries: int = 4
    base_s: float = 0.5
    cap_s: float = 8.0
    max_retry_after_s: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.cap_s, self.base_s * (2**attempt)))


class CircuitBreaker:
    """Closed -> open after ``threshold`` consecutive failures -> half-open after ``cooldown_s``.

    In half-open state one trial call goes through; success closes, failure re-opens.
    """

    def __init__(self, threshold: int = 5, cooldown_s: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 trial_wait_s: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._monotonic = monotonic
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()
        self._trial_done = threading.Condition(self._lock)
        self._monotonic_real = time.monotonic  # waiting for a trial is real time, not clock time
        self.trial_wait_s = trial_wait_s
        self.last_error = ""

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._monotonic() - self._opened_at >= self.cooldown_s:
            return "half-open"
        return "open"

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go through now."""
        with self._lock:
            state = self._state()
            if state == "open":
                left = self.cooldown_s - (self._monotonic() - (self._opened_at or 0.0))
                raise CircuitOpen(f"not called for {left:.0f} s after repeated failures"
                                  f" (circuit open); last: {self.last_error}")
            if state == "half-open":
                # One trial call at a time; parallel callers wait for its outcome instead of
                # failing the whole bulletin on "half-open".
                deadline = self._monotonic_real() + self.trial_wait_s
                while self._trial_running and self._monotonic_real() < deadline:
                    self._trial_done.wait(timeout=max(0.0, deadline - self._monotonic_real()))
                state = self._state()
                if state == "open" or self._trial_running:
                    raise CircuitOpen(f"circuit open; last: {self.last_error}")
                if state == "half-open":
                    self._trial_running = True

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False
            self._trial_done.notify_all()

    def failure(self, reason: str) -> None:
        with self._lock:
            self.last_error = reason
            self._trial_running = False
            self._trial_done.notify_all()
            self._failures += 1
            if self._opened_at is not None or self._failures >= self.threshold:
                if self._opened_at is None:
                    log.warning("circuit opened after %d failures: %s", self._failures, reason)
                self._opened_at = self._monotonic()


def call_with_retries(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy,
    breaker: CircuitBreaker,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    what: str = "request",
) -> T:
    """Call ``fn`` through the breaker, retrying TransientError per ``policy``.

    PermanentError is not retried and does not count against the breaker (the endpoint answered).
    """
    rng = rng or random.Random()
    attempt = 0
    while True:
        breaker.before_call()
        try:
            result = fn()
        except TransientError as exc:
            breaker.failure(f"{exc.kind}: {exc.message}")
            if attempt >= policy.retries:
                raise TransientError(
                    f"{what} failed after {attempt + 1} attempts: {exc.message}", kind=exc.kind
                ) from exc
            delay = policy.delay(attempt, rng)
            if exc.retry_after_s is not None:
                delay = max(delay, min(exc.retry_after_s, policy.max_retry_after_s))
            log.info("%s: %s (%s); retry %d in %.2f s", what, exc.message, exc.kind,
                     attempt + 1, delay)
            sleep(delay)
            attempt += 1
            continue
        except PermanentError:
            breaker.success()
            raise
        breaker.success()
        return result


def probe_tcp(url: str, timeout_s: float) -> bool:
    """Whether a TCP connection to ``url``'s host opens (nothing is sent)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout_s):
            return True
    except OSError:
        return False
