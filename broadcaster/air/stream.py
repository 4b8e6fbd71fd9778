"""Streamed airings: PCM made while it airs (a relayed station, the live input) goes out through
the sound card child's ``stream`` mode, or is paced by the clock to a file when there is no card.

The parent shapes the audio: it pulls fixed blocks from a ``PcmSource`` (never blocking), fades
them out on a cancel, keeps a WAV of exactly what went out (the archive) and closes the child's
stdin at the end. The child holds at most ``STREAM_QUEUE_S`` of audio, and the pipe is shrunk,
so what is read now is heard well under a second later. A stalled child is killed (``STALL_S``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

import numpy as np

from broadcaster.air.player import (
    STALL_S,
    Cancel,
    FakePlayer,
    FilePlayer,
    OnStarted,
    Player,
    PlayResult,
    SoundCardPlayer,
    _call_started,
    _Child,
    _subprocess_env,
    preempted,
)
from broadcaster.air.soundcard import FADE_S, STREAM_QUEUE_S
from broadcaster.clock import Clock
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome
from broadcaster.program.master import WavWriter

log = logging.getLogger(__name__)

BLOCK_S = 0.02  # the parent pulls and sends 20 ms at a time
PIPE_BYTES = 16384  # Linux: the pipe to the child holds ~85 ms at 48 kHz instead of 340


class PcmSource(Protocol):
    """Live audio: ``read`` returns exactly ``frames`` float32 mono samples at ``rate`` at once
    (what it lacks it fills itself: fallback or silence); it never blocks."""

    rate: int

    def read(self, frames: int) -> np.ndarray: ...


@dataclass(frozen=True)
class StreamJob:
    """One streamed airing: from ``start_at`` for ``duration_s`` (None: until cancelled); a
    16-bit WAV of what went out is written to ``record`` when given."""

    source: PcmSource
    start_at: dt.datetime
    duration_s: float | None = None
    record: Path | None = None
    name: str = ""


class Streamer(Protocol):
    """Something that airs a ``PcmSource``; the same result contract as ``Player.play``."""

    description: str

    def stream(self, job: StreamJob, cancel: Cancel | None = None,
               on_started: OnStarted | None = None) -> PlayResult: ...


class _Feed:
    """Blocks of one streamed airing: the duration, the fade on a cancel, the recording."""

    def __init__(self, job: StreamJob, cancel: Cancel) -> None:
        self.job = job
        self.cancel = cancel
        self.rate = job.source.rate
        self.block = max(1, int(self.rate * BLOCK_S))
        self.total = None if job.duration_s is None else int(job.duration_s * self.rate)
        self.fade_len = int(FADE_S * self.rate)
        self.fade_left = self.fade_len
        self.sent = 0
        self.faded = False
        self.writer = WavWriter(job.record, self.rate) if job.record else None

    def next(self) -> np.ndarray | None:
        """The next block, or None: the airing is over."""
        n = self.block
        if self.total is not None:
            n = min(n, self.total - self.sent)
        if n <= 0 or (self.faded and self.fade_left <= 0):
            return None
        x = np.asarray(self.job.source.read(n), dtype=np.float32)[:n]
        if self.cancel.is_set():
            self.faded = True
            ramp = (self.fade_left - np.arange(n, dtype=np.float32)) / np.float32(self.fade_len)
            x = x * np.clip(ramp, 0, 1)
            self.fade_left = max(0, self.fade_left - n)
        if self.writer is not None:
            self.writer.write(x)
        self.sent += len(x)
        return x

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    @property
    def played_s(self) -> float:
        return self.sent / self.rate

    def stopped(self, started: dt.datetime | None, ended: dt.datetime) -> PlayResult:
        """A cancelled airing: what went out, the last ``FADE_S`` faded."""
        return PlayResult(Outcome.INTERRUPTED, started, ended, t("air.reason.stopped"),
                          Ending.STOPPED, self.played_s, FADE_S)


class SoundCardStreamer:
    """Streams through ``python -m broadcaster.air.soundcard stream`` (a child it can kill)."""

    def __init__(self, player: SoundCardPlayer) -> None:
        self.player = player
        self.clock = player.clock
        self.description = player.description

    def stream(self, job: StreamJob, cancel: Cancel | None = None,
               on_started: OnStarted | None = None) -> PlayResult:
        cancel = cancel or Cancel()
        p = self.player
        if self.clock.wait(cancel, (job.start_at - self.clock.now()).total_seconds() - p.lead_s):
            return preempted(self.clock)
        start_epoch = max(job.start_at.timestamp(), self.clock.now().timestamp() + 0.3)
        args = [sys.executable, "-m", "broadcaster.air.soundcard", "stream",
                "--start", f"{start_epoch:.6f}", "--channels", str(p.channels),
                "--volume", str(p.volume), "--rate", str(job.source.rate)]
        if p.device is not None:
            args += ["--device", str(p.device)]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_subprocess_env())
        _shrink_pipe(proc)
        child = _Child(proc, start_epoch, self.clock.now().tzinfo, on_started)
        feed = _Feed(job, cancel)
        # what the child holds when the first sample goes out is read just before: fresh
        first_read = start_epoch - STREAM_QUEUE_S - 0.2
        writer = threading.Thread(target=_write, args=(proc, feed, first_read, cancel),
                                  name="stream-writer", daemon=True)
        writer.start()
        stalled = _watch(child, cancel)
        child.close()
        writer.join(timeout=2)
        feed.close()
        return self._result(child, feed, cancel, stalled)

    def _result(self, child: _Child, feed: _Feed, cancel: Cancel, stalled: str) -> PlayResult:
        started, ended = child.started, self.clock.now()
        if started is None and cancel.is_set():
            return preempted(self.clock)
        if child.has("done") is not None and not stalled:
            if feed.faded:
                return feed.stopped(started, ended)
            return PlayResult(Outcome.AIRED, started, ended)
        stopped = child.has("stopped")
        if stopped is not None and not stalled:
            return PlayResult(Outcome.INTERRUPTED, started, ended, t("air.reason.stopped"),
                              Ending.STOPPED, child.played_s(),
                              FADE_S if stopped.get("faded") else 0.0)
        err = child.has("error")
        reason = stalled or (str(err.get("message", "")) if err else "") or (
            str(child.stderr[-1]) if child.stderr else t("air.reason.exited",
                                                         code=child.proc.returncode))
        outcome = Outcome.INTERRUPTED if started is not None else Outcome.FAILED
        return PlayResult(outcome, started, ended, reason, Ending.DEVICE_LOST,
                          child.played_s() if started is not None else 0.0)


def _shrink_pipe(proc: subprocess.Popen[str]) -> None:
    """A smaller pipe to the child: less audio waiting between the source and the air."""
    if sys.platform != "linux" or proc.stdin is None:
        return
    import fcntl  # noqa: PLC0415 - Linux only

    with contextlib.suppress(OSError):
        fcntl.fcntl(proc.stdin.fileno(), 1031, PIPE_BYTES)  # F_SETPIPE_SZ


def _write(proc: subprocess.Popen[str], feed: _Feed, first_read: float, cancel: Cancel) -> None:
    """Send the blocks from ``first_read`` (epoch) on (a full pipe blocks here: the output's
    pace); close stdin at the end."""
    assert proc.stdin is not None
    pipe = cast(io.TextIOWrapper, proc.stdin).buffer  # text for events, bytes for the PCM
    try:
        while time.time() < first_read and proc.poll() is None and not cancel.is_set():
            time.sleep(min(0.05, max(0.0, first_read - time.time())))
        while (x := feed.next()) is not None:
            pipe.write(x.astype("<f4").tobytes())
            pipe.flush()
    except (OSError, ValueError):
        pass  # the child is gone: the watcher reports it
    except Exception:  # noqa: BLE001 - a source's bug ends this airing, never the station
        log.exception("the live source failed")
    finally:
        with contextlib.suppress(OSError, ValueError):
            proc.stdin.close()


def _watch(child: _Child, cancel: Cancel) -> str:
    """Wait for the child to exit; kill it when it stops progressing (the reason). Cancelled
    before its first sample, the child is told to stop: nothing airs."""
    spawned = time.monotonic()
    told = False
    while child.proc.poll() is None:
        time.sleep(0.05)
        now = time.monotonic()
        if cancel.is_set() and not told:
            # the child fades at the output at once (the queued audio never goes out);
            # before the first sample nothing airs. (Windows: terminate ends it at once.)
            told = True
            child.proc.terminate()
        ready = child.has("ready") is not None
        stalled = ""
        if not ready and now - spawned > SoundCardPlayer.READY_S:
            stalled = t("air.reason.not_open", seconds=f"{SoundCardPlayer.READY_S:.0f}")
        elif ready and now - child.last_change > STALL_S:
            stalled = t("air.reason.stalled", seconds=f"{STALL_S:.0f}")
        if stalled:
            log.error("%s: killing stream process %s", stalled, child.proc.pid)
            child.proc.kill()
            return stalled
    return ""


class ClockStreamer:
    """No sound card (file sink, fake player): the clock paces the blocks; the recording is
    the airing's archive (``PlayResult.archive``)."""

    def __init__(self, clock: Clock, description: str = "clock-paced stream") -> None:
        self.clock = clock
        self.description = description

    def stream(self, job: StreamJob, cancel: Cancel | None = None,
               on_started: OnStarted | None = None) -> PlayResult:
        cancel = cancel or Cancel()
        clock = self.clock
        if clock.wait(cancel, (job.start_at - clock.now()).total_seconds()):
            return preempted(clock)
        started = clock.now()
        _call_started(on_started, started)
        feed = _Feed(job, cancel)
        try:
            while feed.next() is not None:
                ahead = (started + dt.timedelta(seconds=feed.played_s) - clock.now())
                if ahead.total_seconds() > 0:
                    clock.sleep(ahead.total_seconds())
        finally:
            feed.close()
        if feed.faded:
            return feed.stopped(started, clock.now())
        return PlayResult(Outcome.AIRED, started, clock.now())


def streamer_for(player: Player, clock: Clock) -> Streamer:
    """The streamer that goes with the station's player."""
    if isinstance(player, SoundCardPlayer):
        return SoundCardStreamer(player)
    if isinstance(player, FilePlayer | FakePlayer):
        return ClockStreamer(clock, player.description)
    return ClockStreamer(clock)
