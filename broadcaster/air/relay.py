"""Relay of an upstream station (HTTP/Icecast MP3, AAC, Ogg) as a live ``PcmSource``.

A decoder thread (PyAV, ``timeout=(connect, read)`` on every open and read) fills a bounded
buffer; a watchdog abandons a decoder that stops beating and starts a fresh one, so a hung
network call can never hang the station. ``read`` never waits: it takes what the buffer holds,
trims it to ``buffer_s`` (the source-to-output delay), and when the stream brings no audio, or
only silence, for ``dead_s`` it plays the slot's fallback (a finished local file, looped) until
the stream has ``return_s`` of sound buffered again. Everything goes through a slow leveller to
the station loudness and the true-peak limiter. Drops and returns are queued as ``RelayEvent``s
(the playout writes them to the as-run log outside the audio path).
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.signal as ss

from broadcaster.clock import Clock
from broadcaster.config import RelaySettings
from broadcaster.errors import public_url
from broadcaster.messages import t
from broadcaster.program import dsp

log = logging.getLogger(__name__)

OnBlock = Callable[[np.ndarray, str], None]  # (float32 mono block at the station rate, title)


@dataclass(frozen=True)
class RelayTuning:
    """Timeouts and buffer sizes of a relay (``relay:`` in station.yaml)."""

    connect_s: float = 5.0  # opening the stream (DNS, TCP, HTTP, first bytes)
    read_s: float = 4.0  # any later read
    dead_s: float = 3.5  # no audio or only silence this long: the fallback plays
    silence_dbfs: float = -50.0  # quieter than this is silence
    buffer_s: float = 0.5  # audio kept ahead of the output (the delay it adds)
    max_buffer_s: float = 1.5  # more than this buffered: trimmed back to buffer_s
    return_s: float = 1.0  # sound buffered before the stream replaces the fallback
    backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)  # between reconnections


@dataclass(frozen=True)
class RelayEvent:
    kind: str  # "drop" (the fallback plays) | "return" (the stream is back) | "end" (stopped)
    at_s: float  # seconds into the relay's output
    detail: str = ""


class Leveller:
    """A slow gain rider to ``target_lufs`` (K-weighted, gated so silence is never pumped up)
    followed by the look-ahead true-peak limiter run with context on both sides (it delays
    the audio by the limiter's context, ~70 ms)."""

    def __init__(self, rate: int, target_lufs: float, ceiling_dbtp: float,
                 max_gain_db: float = 12.0, window_s: float = 3.0) -> None:
        self.rate = rate
        self.target = target_lufs
        self.max_gain = max_gain_db
        self.sos = dsp.k_weighting_sos(rate)
        self.zi = np.zeros((self.sos.shape[0], 2))
        self.window_s = window_s
        self.energy: float | None = None
        self.gain_db = 0.0
        self.lim = dsp.Limiter(rate, ceiling_dbtp)
        self.ctx = self.lim.context
        self.hist = np.zeros(2 * self.ctx, np.float32)

    def level(self, x: np.ndarray) -> np.ndarray:
        """``x`` brought towards the target by the slowly moving gain."""
        y, self.zi = ss.sosfilt(self.sos, x.astype(np.float64), zi=self.zi)
        ms = float(np.mean(y * y)) if len(y) else 0.0
        if ms > 10 ** ((self.target - 20) / 10):  # gate: 20 LU under the target
            a = min(1.0, len(x) / (self.window_s * self.rate))
            self.energy = ms if self.energy is None else (1 - a) * self.energy + a * ms
            level = -0.691 + 10 * np.log10(self.energy)
            self.gain_db = float(np.clip(self.target - level, -self.max_gain, self.max_gain))
        return x.astype(np.float32) * np.float32(dsp.db_to_lin(self.gain_db))

    def limit(self, x: np.ndarray) -> np.ndarray:
        """The next ``len(x)`` limited samples (delayed by the limiter's context)."""
        buf = np.concatenate([self.hist, x.astype(np.float32)])
        work = buf.copy()
        self.lim.process(work)
        n = len(x)
        out = work[self.ctx:self.ctx + n]
        self.hist = buf[n:]
        return np.clip(out, -1.0, 1.0).astype(np.float32)


class _Buffer:
    """The bounded buffer between the decoder and the output."""

    def __init__(self, limit: int) -> None:
        self.blocks: collections.deque[np.ndarray] = collections.deque()
        self.frames = 0
        self.limit = limit
        self.lock = threading.Lock()

    def push(self, x: np.ndarray) -> None:
        with self.lock:
            self.blocks.append(x)
            self.frames += len(x)
            self._trim(self.limit)

    def _trim(self, keep: int) -> None:
        while self.blocks and self.frames - len(self.blocks[0]) >= keep:
            self.frames -= len(self.blocks.popleft())
        if self.frames > keep and self.blocks:
            cut = self.frames - keep
            self.blocks[0] = self.blocks[0][cut:]
            self.frames -= cut

    def trim(self, keep: int) -> None:
        with self.lock:
            self._trim(keep)

    def take(self, n: int) -> np.ndarray:
        parts: list[np.ndarray] = []
        got = 0
        with self.lock:
            while got < n and self.blocks:
                head = self.blocks[0]
                if len(head) <= n - got:
                    parts.append(self.blocks.popleft())
                else:
                    parts.append(head[: n - got])
                    self.blocks[0] = head[n - got:]
                got += len(parts[-1])
            self.frames -= got
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def clear(self) -> None:
        with self.lock:
            self.blocks.clear()
            self.frames = 0


class RelaySource:
    """An upstream stream as a ``PcmSource`` with a local fallback (see the module doc)."""

    def __init__(self, url: str, fallback: np.ndarray, rate: int, *, leveller: Leveller,
                 clock: Clock, tuning: RelayTuning | None = None, title: str = "",
                 on_block: OnBlock | None = None) -> None:
        if not len(fallback):
            raise ValueError("the fallback has no audio")
        self.url = url
        self.shown = public_url(url)  # how logs, the console and the as-run log name it
        self.rate = rate
        self.fallback = np.asarray(fallback, np.float32)
        self.leveller = leveller
        self.clock = clock
        self.tune = tuning or RelayTuning()
        self.title = title
        self.on_block = on_block
        self.events: queue.Queue[RelayEvent] = queue.Queue()
        self.buffer = _Buffer(int(self.tune.max_buffer_s * 2 * rate))
        self.on_fallback = False
        self.fb_pos = 0
        self.out_frames = 0
        self.dead_frames = 0  # output frames since the stream last brought sound
        self.last_error = ""
        self._gen = 0
        self._beat = clock.monotonic()
        self._last_audio = clock.monotonic()  # the decoder's last audio
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.decoders = 0  # decoders started (the watchdog's restarts included)

    # --- the decoder thread -------------------------------------------------------------------
    def start(self) -> None:
        """Connect now (a few seconds ahead of the slot); returns at once."""
        self._spawn()

    def finish(self) -> None:
        """Its stretch of the program is over: disconnect, and end a fallback spell still
        open (its as-run row closes here, not when the whole program ends)."""
        if not self._stop.is_set():
            self.events.put(RelayEvent("end", self.out_frames / self.rate))
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._gen += 1  # any decoder still running drops out at its next frame

    def _spawn(self) -> None:
        with self._lock:
            self._gen += 1
            gen = self._gen
            self._beat = self.clock.monotonic()
        self.decoders += 1
        threading.Thread(target=self._run, args=(gen,), name=f"relay-decoder-{gen}",
                         daemon=True).start()

    def _current(self, gen: int) -> bool:
        return gen == self._gen and not self._stop.is_set()

    def _run(self, gen: int) -> None:
        attempt = 0
        while self._current(gen):
            self._beat = self.clock.monotonic()
            try:
                if self._decode(gen):
                    attempt = 0
                self.last_error = t("relay.end_of_stream")
            except Exception as exc:  # noqa: BLE001 - PyAV's errors vary; the decoder loops on
                said = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self.last_error = said.replace(self.url, self.shown)  # PyAV names the URL
            if not self._current(gen):
                return
            delay = self.tune.backoff_s[min(attempt, len(self.tune.backoff_s) - 1)]
            attempt += 1
            log.warning("relay %s: %s; reconnecting in %.1f s", self.shown, self.last_error, delay)
            self._beat = self.clock.monotonic() + delay
            if self._stop.wait(delay):
                return

    def _decode(self, gen: int) -> bool:
        """Decode until the stream ends or fails; True if it brought audio."""
        import av  # noqa: PLC0415 - heavy: only the relay needs it

        got = False
        with av.open(self.url, timeout=(self.tune.connect_s, self.tune.read_s),
                     options={"probesize": "16384", "analyzeduration": "300000",
                              "fflags": "nobuffer", "user_agent": "broadcaster-relay"}) as c:
            stream = c.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=self.rate)
            for frame in c.decode(stream):
                if not self._current(gen):
                    return got
                self._beat = self.clock.monotonic()
                for out in resampler.resample(frame):
                    self.buffer.push(out.to_ndarray().reshape(-1).astype(np.float32))
                    self._last_audio = self.clock.monotonic()
                    got = True
        return got

    def _watchdog(self) -> None:
        """A decoder that has not beaten within its timeouts is hung: start a fresh one."""
        if self._stop.is_set():
            return
        limit = self.tune.connect_s + self.tune.read_s + 2.0
        if self.clock.monotonic() - self._beat > limit:
            log.error("relay %s: the decoder hung; starting a new one", self.shown)
            self.last_error = t("relay.decoder_hung")
            self._spawn()

    # --- the output side (never blocks) -------------------------------------------------------
    def read(self, frames: int) -> np.ndarray:
        """Exactly ``frames`` levelled samples: the stream, or the fallback while it is out."""
        self._watchdog()
        if self.out_frames == 0 and self.buffer.frames == 0:
            self.fall_back(t("relay.not_connected", url=self.shown))
        if self.buffer.frames > self.tune.max_buffer_s * self.rate:
            self.buffer.trim(int(self.tune.buffer_s * self.rate))
        x = self._fallback(frames) if self.on_fallback else self._stream(frames)
        self.out_frames += frames
        y = self.leveller.limit(x)
        if self.on_block is not None:
            try:
                self.on_block(y, self.title)
            except Exception:  # noqa: BLE001 - listeners never crash the sender
                log.exception("relay block listener failed")
        return y

    def _loud(self, x: np.ndarray) -> bool:
        return len(x) > 0 and float(np.sqrt(np.mean(x * x))) > dsp.db_to_lin(
            self.tune.silence_dbfs)

    def _stream(self, frames: int) -> np.ndarray:
        x = self.buffer.take(frames)
        self.dead_frames = 0 if self._loud(x) else self.dead_frames + frames
        if len(x) < frames:
            x = np.concatenate([x, np.zeros(frames - len(x), np.float32)])
        # no audio from the decoder for dead_s (the buffered tail is not waited for), or
        # dead_s of silence on the output
        starved = self.clock.monotonic() - self._last_audio >= self.tune.dead_s
        if starved or self.dead_frames >= self.tune.dead_s * self.rate:
            self.fall_back(self.last_error or t("relay.silence"))
        return self.leveller.level(x)

    def fall_back(self, detail: str) -> None:
        """The fallback plays from the next block (logged as a drop)."""
        self.on_fallback = True
        self.fb_pos = 0
        self.buffer.clear()
        self._event("drop", detail)

    def _fallback(self, frames: int) -> np.ndarray:
        if self.buffer.frames >= self.tune.return_s * self.rate and self._loud(
                self._peek()):
            self.on_fallback = False
            self.dead_frames = 0
            self.buffer.trim(int(self.tune.buffer_s * self.rate))
            self._event("return")
            return self._stream(frames)
        if self.buffer.frames >= self.tune.return_s * self.rate:
            self.buffer.trim(int(self.tune.buffer_s * self.rate))  # silence: keep waiting
        idx = (self.fb_pos + np.arange(frames)) % len(self.fallback)
        self.fb_pos = int((self.fb_pos + frames) % len(self.fallback))
        return self.fallback[idx]

    def _peek(self) -> np.ndarray:
        with self.buffer.lock:
            return np.concatenate(list(self.buffer.blocks)) if self.buffer.blocks else np.zeros(
                0, np.float32)

    def _event(self, kind: str, detail: str = "") -> None:
        at = self.out_frames / self.rate
        log.warning("relay %s: %s at %.1f s %s", self.shown, kind, at, detail)
        self.events.put(RelayEvent(kind, at, detail))

    @property
    def buffered_s(self) -> float:
        return self.buffer.frames / self.rate


def wait_connected(source: RelaySource, clock: Clock, seconds: float) -> bool:
    """Wait up to ``seconds`` for the first ``buffer_s`` of audio (the pre-roll connection)."""
    end = clock.monotonic() + seconds
    while clock.monotonic() < end:
        if source.buffered_s >= source.tune.buffer_s:
            return True
        clock.sleep(0.05)
    return False


def tuning_from(settings: RelaySettings) -> RelayTuning:
    """The relay's timeouts and buffers from ``station.yaml``'s ``relay:``."""
    return RelayTuning(connect_s=settings.connect_seconds, read_s=settings.read_seconds,
                       dead_s=settings.dead_seconds, silence_dbfs=settings.silence_dbfs,
                       buffer_s=settings.buffer_seconds,
                       max_buffer_s=max(settings.max_buffer_seconds, settings.buffer_seconds),
                       return_s=settings.return_seconds)
