"""What one stream output sends next: live blocks (``push``), else the program on air read
from its WAV at the position the wall clock says, else silence (receivers stay connected).

Only the output's own thread reads; the playout and live sources only swap small state under
a lock, so a slow stream never makes them wait.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.route.spans import title_at

log = logging.getLogger(__name__)

LIVE_BUFFER_S = 2.0  # live blocks waiting for a stalled stream: the oldest are dropped
LIVE_HOLD_S = 0.5  # live pushes this recent keep the stream on live (gaps are silence)
LIVE_PREROLL_S = 0.3  # live audio queued before it streams (and again after an underrun)
RESYNC_S = 0.25  # the program read drifts this far from the wall clock: seek


@dataclass(frozen=True)
class Airing:
    """A program WAV airing with its first sample at ``start_epoch`` (Unix seconds)."""

    token: int
    wav: Path
    start_epoch: float
    title: str
    muted: tuple[tuple[int, int], ...] = ()  # frames of the WAV for other zones: silence here
    titles: tuple[tuple[int, str], ...] = ()  # (first frame, title) of each item: its title

    def title_at(self, frame: int) -> str:
        """The title of the item at ``frame`` (the airing's title before the first)."""
        return title_at(self.titles, frame, self.title)


class Feed:
    """The signal of one output, read in blocks by its stream thread."""

    def __init__(self, rate: int, idle_title: str) -> None:
        self.rate = rate
        self.idle_title = idle_title
        self._lock = threading.Lock()
        self._airing: Airing | None = None
        self._live: collections.deque[np.ndarray] = collections.deque()
        self._live_frames = 0
        self._live_title = ""
        self._live_at = -1e9
        self._live_playing = False  # past the pre-roll: the queue is being played
        self._file: sf.SoundFile | None = None
        self._file_token = -1
        self._pos = 0
        self.dropped_live_frames = 0

    # --- writers (any thread) ----------------------------------------------------------------
    def air(self, airing: Airing) -> None:
        with self._lock:
            self._airing = airing

    def end(self, token: int) -> None:
        with self._lock:
            if self._airing is not None and self._airing.token == token:
                self._airing = None

    def push(self, block: np.ndarray, title: str) -> None:
        """Queue live audio (mono float32 at ``rate``); never blocks, drops the oldest."""
        block = np.ascontiguousarray(block, dtype=np.float32).reshape(-1)
        with self._lock:
            self._live.append(block)
            self._live_frames += len(block)
            self._live_title = title
            self._live_at = time.monotonic()
            limit = int(LIVE_BUFFER_S * self.rate)
            while self._live_frames > limit and len(self._live) > 1:
                old = self._live.popleft()
                self._live_frames -= len(old)
                self.dropped_live_frames += len(old)

    def flush_live(self) -> None:
        """Forget queued live audio (a reconnect starts in time, not behind)."""
        with self._lock:
            self._live.clear()
            self._live_frames = 0
            self._live_playing = False

    # --- the reader (the output's thread) ----------------------------------------------------
    def read(self, n: int, end_epoch: float) -> tuple[np.ndarray, str]:
        """``n`` frames ending at ``end_epoch`` and the title to show for them."""
        with self._lock:
            airing = self._airing
            live = self._take_live(n)
            live_on = time.monotonic() - self._live_at < LIVE_HOLD_S
            live_title = self._live_title
        if live is not None or live_on:
            out = np.zeros(n, dtype=np.float32)
            if live is not None:
                out[:len(live)] = live
            return out, live_title
        if airing is None:
            self._close()
            return np.zeros(n, dtype=np.float32), self.idle_title
        return self._program(airing, n, end_epoch)

    def _take_live(self, n: int) -> np.ndarray | None:
        """Up to ``n`` queued live frames once the pre-roll is in (a jitter buffer)."""
        if not self._live_playing and self._live_frames < LIVE_PREROLL_S * self.rate:
            return None
        self._live_playing = self._live_frames >= n  # an underrun: fill the pre-roll again
        if not self._live:
            return None
        parts, got = [], 0
        while self._live and got < n:
            block = self._live[0]
            take = min(n - got, len(block))
            parts.append(block[:take])
            got += take
            if take == len(block):
                self._live.popleft()
            else:
                self._live[0] = block[take:]
        self._live_frames -= got
        return np.concatenate(parts)

    def _program(self, airing: Airing, n: int, end_epoch: float) -> tuple[np.ndarray, str]:
        out = np.zeros(n, dtype=np.float32)
        first = round((end_epoch - airing.start_epoch) * self.rate) - n  # frame at out[0]
        if first + n <= 0:
            return out, airing.title  # not started yet
        title = airing.title_at(first + n // 2)
        f = self._open(airing)
        if f is None:
            return out, title
        lead = max(0, -first)
        want = max(0, first)
        if abs(want - self._pos) > RESYNC_S * self.rate:  # a jump (start, realigned, stall)
            f.seek(min(want, f.frames))
            self._pos = want
        at = self._pos - lead  # the WAV frame out[0] holds (what was read, not the ideal)
        data = f.read(n - lead, dtype="float32", always_2d=True)
        if len(data):
            out[lead:lead + len(data)] = data.mean(axis=1)
        self._pos += len(data)
        for a, b in airing.muted:  # a stretch for other zones
            lo, hi = max(a - at, lead), min(b - at, n)
            if hi > lo:
                out[lo:hi] = 0.0
        return out, title

    def _open(self, airing: Airing) -> sf.SoundFile | None:
        if self._file is not None and self._file_token == airing.token:
            return self._file
        self._close()
        self._file_token = airing.token
        try:
            self._file = sf.SoundFile(str(airing.wav))
        except (OSError, RuntimeError) as exc:
            log.error("stream: cannot read %s: %s", airing.wav, exc)
            return None
        if self._file.samplerate != self.rate:
            log.error("stream: %s is %d Hz, the stream %d Hz: not streamed", airing.wav,
                      self._file.samplerate, self.rate)
            self._close()
            return None
        self._pos = 0
        return self._file

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._close()
