"""Build the station's engines, in its order, from the ``speech:`` settings."""

from __future__ import annotations

import time
from collections.abc import Callable

from broadcaster.config import SpeechSettings
from broadcaster.speech.base import Engine
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.resilience import CircuitBreaker, RetryPolicy


def build_engine(name: str, settings: SpeechSettings, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 endpoints: dict[str, str] | None = None) -> Engine:
    """One engine by name; ``endpoints`` points online engines elsewhere (tests, benchmarks)."""
    endpoints = endpoints or {}
    retry = RetryPolicy(retries=settings.retries, base_s=settings.backoff_s,
                        cap_s=settings.backoff_max_s)

    def breaker() -> CircuitBreaker:
        return CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s, monotonic,
                              trial_wait_s=2 * settings.timeout_s)

    if name == "espeak":
        return EspeakEngine(voice=settings.espeak_voice, wpm=settings.espeak_wpm,
                            pitch=settings.espeak_pitch, timeout_s=max(60.0, settings.timeout_s),
                            concurrency=2)
    if name == "gtts":
        from broadcaster.speech.gtts_engine import GttsEngine  # the only module importing gtts

        return GttsEngine(tld=settings.gtts_tld, timeout_s=settings.timeout_s,
                          concurrency=settings.concurrency, retry=retry, breaker=breaker(),
                          endpoint=endpoints.get("gtts"))
    if name == "edge":
        from broadcaster.speech.edge import EdgeEngine

        return EdgeEngine(voice=settings.edge_voice, timeout_s=settings.timeout_s,
                          concurrency=settings.concurrency, retry=retry, breaker=breaker(),
                          endpoint=endpoints.get("edge"))
    raise ValueError(f"unknown engine {name!r}")


def build_engines(settings: SpeechSettings, *, monotonic: Callable[[], float] = time.monotonic,
                  endpoints: dict[str, str] | None = None) -> list[Engine]:
    """The station's engines in its ``speech.engines`` order."""
    return [build_engine(n, settings, monotonic=monotonic, endpoints=endpoints)
            for n in settings.engines]
