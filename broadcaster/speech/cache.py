"""Content-addressed speech cache: verified on read, atomic writes, size-bounded LRU.

An entry is the finished audio of one engine request (trimmed, at the requested pace), keyed
by a hash of (engine, voice, settings, text). The file carries its own length and SHA-256,
so a truncated or corrupt entry reads as a miss and is deleted, never aired.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import threading
from pathlib import Path

import numpy as np

from broadcaster import durable

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
_MAGIC = b"BCSPCH1\n"
_HEADER = struct.Struct("<8sIQ32s")  # magic, sample rate, payload bytes, sha256(payload)
_SUFFIX = ".pcm"


def cache_key(engine: str, voice: str, settings: str, text: str) -> str:
    """The hex key of one engine request."""
    raw = json.dumps([FORMAT_VERSION, engine, voice, settings, text], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class SpeechCache:
    """Speech snippets under ``root`` (the station's ``var/cache/speech``), at most ``max_bytes``."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self._size = sum(p.stat().st_size for p in self._entries())

    def _entries(self) -> list[Path]:
        return [p for p in self.root.glob(f"*/*{_SUFFIX}") if p.is_file()]

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{_SUFFIX}"

    @property
    def size_bytes(self) -> int:
        return self._size

    def get(self, key: str) -> tuple[np.ndarray, int] | None:
        """Samples and rate for ``key``, or None (missing, truncated or corrupt)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            log.warning("speech cache: cannot read %s: %s", path, exc)
            self.misses += 1
            return None
        decoded = self._decode(data)
        if decoded is None:
            log.warning("speech cache: corrupt entry %s removed", path)
            self.corrupt += 1
            self.misses += 1
            self._remove(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # mtime = last use: the LRU order survives restarts
        self.hits += 1
        return decoded

    @staticmethod
    def _decode(data: bytes) -> tuple[np.ndarray, int] | None:
        if len(data) < _HEADER.size:
            return None
        magic, rate, length, digest = _HEADER.unpack_from(data)
        payload = data[_HEADER.size:]
        if magic != _MAGIC or rate <= 0 or len(payload) != length or length % 2:
            return None
        if hashlib.sha256(payload).digest() != digest:
            return None
        pcm = np.frombuffer(payload, dtype="<i2").astype(np.float32) / 32767.0
        return pcm, int(rate)

    def put(self, key: str, samples: np.ndarray, rate: int) -> None:
        """Store atomically (temp file + rename), then evict least-recently-used entries."""
        pcm = np.clip(samples, -1.0, 1.0)
        payload = (np.round(pcm * 32767.0)).astype("<i2").tobytes()
        blob = _HEADER.pack(_MAGIC, rate, len(payload), hashlib.sha256(payload).digest()) + payload
        path = self.path(key)
        old = path.stat().st_size if path.exists() else 0
        # no fsync: an entry cut short by a power cut fails its checksum and reads as a miss
        durable.write_bytes(path, blob, sync=False)
        with self._lock:
            self._size += len(blob) - old
        self._evict()

    def _remove(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            return
        with self._lock:
            self._size -= size

    def _evict(self) -> None:
        if self._size <= self.max_bytes:
            return
        with self._lock:
            entries = []
            for p in self._entries():
                try:
                    st = p.stat()
                except OSError:
                    continue
                entries.append((st.st_mtime_ns, st.st_size, p))
            entries.sort()
            total = sum(size for _, size, _ in entries)
            target = int(self.max_bytes * 0.9)  # evict a little extra: fewer directory scans
            for _, size, p in entries:
                if total <= target:
                    break
                try:
                    p.unlink()
                except OSError:
                    continue
                total -= size
                log.debug("speech cache: evicted %s", p.name)
            self._size = total
