"""The speech cache: content-addressed, verified on read, atomic, LRU-bounded, restart-proof."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from broadcaster.speech.cache import SpeechCache, cache_key


def audio(n: int = 24000, v: float = 0.25) -> np.ndarray:
    return np.full(n, v, dtype=np.float32)


def test_round_trip_and_survives_restart(tmp_path: Path) -> None:
    key = cache_key("gtts", "vi", "tld=com.vn;rate=0.950", "Xin chào")
    SpeechCache(tmp_path, 10_000_000).put(key, audio(), 24000)
    again = SpeechCache(tmp_path, 10_000_000)  # a new process after a restart
    hit = again.get(key)
    assert hit is not None and hit[1] == 24000
    assert np.allclose(hit[0], 0.25, atol=1e-4)
    assert again.size_bytes > 48000
    assert not list(tmp_path.rglob("*.tmp"))  # atomic write left no temp file


def test_key_depends_on_engine_voice_settings_and_text() -> None:
    base = cache_key("gtts", "vi", "rate=1", "a")
    assert len({base, cache_key("edge", "vi", "rate=1", "a"), cache_key("gtts", "x", "rate=1", "a"),
                cache_key("gtts", "vi", "rate=0.9", "a"), cache_key("gtts", "vi", "rate=1", "b")}) == 5


def test_truncated_or_corrupt_entry_is_a_miss_and_removed(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path, 10_000_000)
    for i, damage in enumerate(["truncate", "flip", "empty"]):
        key = cache_key("gtts", "vi", "", f"text {i}")
        cache.put(key, audio(), 24000)
        path = cache.path(key)
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) - 1000])
        elif damage == "flip":
            path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
        else:
            path.write_bytes(b"")
        assert cache.get(key) is None
        assert not path.exists()
    assert cache.corrupt == 3


def test_least_recently_used_entries_are_evicted(tmp_path: Path) -> None:
    one = 24000 * 2 + 64
    cache = SpeechCache(tmp_path, max_bytes=int(one * 3.5))
    keys = [cache_key("e", "v", "", str(i)) for i in range(3)]
    for i, k in enumerate(keys):
        cache.put(k, audio(), 24000)
        os.utime(cache.path(k), ns=(time.time_ns(), time.time_ns() - (10 - i) * 10**9))
    assert cache.get(keys[0]) is not None  # used: now the most recent
    cache.put(cache_key("e", "v", "", "new"), audio(), 24000)
    assert cache.size_bytes <= cache.max_bytes
    assert cache.get(keys[1]) is None  # oldest unused entry went first
    assert cache.get(keys[0]) is not None
