"""Players put a finished local WAV on air at an exact time: sound card (child process), file
sink, or a fake for tests; all three keep one contract (``tests/air/test_player_contract.py``).

Every player returns a ``PlayResult`` and never raises for an audio failure: the playout logs
the outcome and carries on. It says how the airing ended and how much of the program went out
(``played_s``, the last ``fade_s`` of it faded), so the archive holds exactly what was heard.
``on_started`` is called as soon as the first sample is out, so a crash cannot lose the start.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soundfile as sf

from broadcaster.air.soundcard import FADE_S, PAUSE_RMS, SOFT_MAX_S
from broadcaster.clock import Clock
from broadcaster.errors import ProgramError
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome
from broadcaster.program.archive import Cut, copy_audio

log = logging.getLogger(__name__)

STALL_S = 2.0  # no progress this long: the child is killed and the airing reported
SOFT_BLOCK_S = 0.02  # the file players judge pauses over blocks this long (a sound card's)

OnStarted = Callable[[dt.datetime], None]


class Cancel(threading.Event):
    """Ends one airing early and says why. ``soft`` waits for a pause in the speech (never
    mid-word); a later hard request overrides a soft one; the first request's why is kept."""

    def __init__(self) -> None:
        super().__init__()
        self._why_lock = threading.Lock()
        self.soft = False
        self.ending = Ending.STOPPED
        self.reason = ""

    def request(self, *, soft: bool = False, ending: Ending = Ending.STOPPED,
                reason: str = "") -> None:
        with self._why_lock:
            if not self.is_set():
                self.soft, self.ending, self.reason = soft, ending, reason
            elif not soft:
                self.soft = False  # a hard stop overrides a soft one
            self.set()


@dataclass(frozen=True)
class PlayResult:
    """What became of one ``play``: the outcome, the real first-sample time, how it ended and
    how much of the program went out (``played_s`` None: all of it)."""

    outcome: Outcome  # AIRED | INTERRUPTED | FAILED
    started: dt.datetime | None
    ended: dt.datetime | None
    reason: str = ""
    ending: Ending = Ending.COMPLETED
    played_s: float | None = None
    fade_s: float = 0.0
    archive: str = ""  # the file sink's copy of what went out

    @property
    def preempted(self) -> bool:
        return self.ending is Ending.PREEMPTED

    def cut(self, rate: int) -> Cut | None:
        """The part of the program that went out, for the archive (None: the whole)."""
        if self.played_s is None:
            return None
        return Cut.seconds(self.played_s, self.fade_s, rate)


def preempted(clock: Clock) -> PlayResult:
    """Cancelled before its first sample: nothing aired."""
    return PlayResult(Outcome.INTERRUPTED, None, clock.now(), t("air.reason.preempted"),
                      Ending.PREEMPTED, 0.0)


def _call_started(on_started: OnStarted | None, started: dt.datetime) -> None:
    """Tell the playout the first sample is out; a listener's bug never stops the airing."""
    if on_started is None:
        return
    try:
        on_started(started)
    except Exception:  # noqa: BLE001 - listeners never crash the sender
        log.exception("recording the start of an airing failed")


class Player(Protocol):
    """Something that airs a WAV file with its first sample at ``start_at``.

    Setting ``cancel`` (from another thread) fades the airing out (``soft``: at the next
    pause), or preempts it before its first sample; each airing gets its own ``Cancel``, so a
    cancel can never be lost or leak into the next airing.
    """

    description: str
    last_error: str

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: Cancel | None = None, on_started: OnStarted | None = None
             ) -> PlayResult: ...


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def probe_outputs(timeout: float = 15.0) -> tuple[list[dict], str]:
    """Output devices seen by a fresh PortAudio process, and why there are none if so."""
    try:
        proc = subprocess.run([sys.executable, "-m", "broadcaster.air.soundcard", "devices"],
                              capture_output=True, text=True, timeout=timeout,
                              env=_subprocess_env(), check=False)
    except subprocess.TimeoutExpired:
        return [], "sound system did not answer"
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("event") == "devices":
            devs = msg["devices"]
            return devs, "" if devs else "PortAudio sees no output device"
        if msg.get("event") == "error":
            return [], msg.get("message", "PortAudio unavailable")
    return [], (proc.stderr.strip().splitlines() or ["PortAudio unavailable"])[-1]


class _Child:
    """One player child process seen through its JSON events (read in a thread)."""

    def __init__(self, proc: subprocess.Popen[str], start_epoch: float, tz: dt.tzinfo | None,
                 on_started: OnStarted | None) -> None:
        self.proc = proc
        self.start_epoch = start_epoch
        self.tz = tz
        self.on_started = on_started
        self.events: list[dict[str, Any]] = []
        self.stderr: collections.deque[str] = collections.deque(maxlen=20)
        self.last_change = time.monotonic()
        self.frames = -1  # frames handed to the output so far
        self.rate = 0
        self.started: dt.datetime | None = None
        self.threads = [threading.Thread(target=self._read_events, name="player-events",
                                         daemon=True),
                        threading.Thread(target=self._drain_stderr, name="player-stderr",
                                         daemon=True)]
        for th in self.threads:
            th.start()

    def _read_events(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            self.events.append(msg)
            kind = msg.get("event")
            if kind == "progress":
                if msg["frames"] != self.frames or time.time() < self.start_epoch:
                    self.frames = int(msg["frames"])
                    self.last_change = time.monotonic()
                continue
            self.last_change = time.monotonic()
            if kind == "ready":
                self.rate = int(msg.get("rate") or 0)
            elif kind == "started" and self.started is None:
                self.started = dt.datetime.fromtimestamp(msg["first_sample_epoch"], self.tz)
                _call_started(self.on_started, self.started)  # at once: a crash keeps it
            elif kind in ("stopped", "done"):
                self.frames = int(msg.get("frames", self.frames))

    def _drain_stderr(self) -> None:  # a full pipe would block the child
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.strip())

    def has(self, kind: str) -> dict[str, Any] | None:
        return next((e for e in self.events if e.get("event") == kind), None)

    def send(self, word: str) -> None:
        """A request on the child's stdin (works on Windows too)."""
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(word + "\n")
            self.proc.stdin.flush()
        except (OSError, ValueError):
            pass  # the child is already gone

    def close(self) -> None:
        self.proc.wait()
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        for th in self.threads:
            th.join(timeout=2)

    def played_s(self) -> float:
        return max(0, self.frames) / self.rate if self.rate else 0.0


class SoundCardPlayer:
    """Plays through ``broadcaster.air.soundcard`` in a child process it can kill.

    Before the first sample, a failing or missing device is retried with backoff (each
    attempt logged) for up to ``retry_s``; after it, a stall or a silent death ends the child
    within ``STALL_S`` and the airing is reported interrupted. Every airing gets a fresh child.
    """

    READY_S = 5.0  # a child that cannot open the output within this is killed and retried
    BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)

    def __init__(self, clock: Clock, *, device: str | int | None, sample_rate: int,
                 channels: int = 1, volume: float = 1.0, lead_s: float = 3.0,
                 retry_s: float = 60.0) -> None:
        self.clock = clock
        self.device = device
        self.sample_rate = sample_rate
        self.channels = channels
        self.volume = volume
        self.lead_s = lead_s  # child start-up time budget before the first sample
        self.retry_s = retry_s
        self.description = f"sound card {device if device is not None else '(default)'}"
        self.last_error = ""

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: Cancel | None = None, on_started: OnStarted | None = None) -> PlayResult:
        cancel = cancel or Cancel()
        # Start the child ahead of time; it positions the first sample itself.
        if self.clock.wait(cancel, (start_at - self.clock.now()).total_seconds() - self.lead_s):
            return preempted(self.clock)
        give_up = max(start_at, self.clock.now()) + dt.timedelta(seconds=self.retry_s)
        attempt = 0
        while True:
            attempt += 1
            result = self._play_once(wav, start_at, cancel, on_started)
            if result.started is not None or result.outcome != Outcome.FAILED or cancel.is_set():
                if result.outcome == Outcome.AIRED:
                    self.last_error = ""
                return result
            self.last_error = result.reason
            delay = self.BACKOFF_S[min(attempt - 1, len(self.BACKOFF_S) - 1)]
            if self.clock.now() + dt.timedelta(seconds=delay) > give_up:
                return PlayResult(Outcome.FAILED, None, self.clock.now(),
                                  t("air.reason.unavailable", attempts=attempt,
                                    reason=result.reason), Ending.DEVICE_LOST, 0.0)
            log.warning("sound output unavailable (attempt %d): %s; retrying in %.1f s",
                        attempt, result.reason, delay)
            if self.clock.wait(cancel, delay):
                return preempted(self.clock)

    def _play_once(self, wav: Path, start_at: dt.datetime, cancel: Cancel,
                   on_started: OnStarted | None) -> PlayResult:
        start_epoch = start_at.timestamp()
        now_epoch = self.clock.now().timestamp()
        if start_epoch < now_epoch + 0.3:
            start_epoch = now_epoch + 0.3  # late: as soon as the stream is up
        args = [sys.executable, "-m", "broadcaster.air.soundcard", "play", str(wav),
                "--start", f"{start_epoch:.6f}", "--channels", str(self.channels),
                "--volume", str(self.volume), "--rate", str(self.sample_rate)]
        if self.device is not None:
            args += ["--device", str(self.device)]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_subprocess_env())
        child = _Child(proc, start_epoch, self.clock.now().tzinfo, on_started)
        stalled = self._watch(child, cancel)
        child.close()
        return self._result(child, cancel, stalled)

    def _watch(self, child: _Child, cancel: Cancel) -> str:
        """Relay stop requests to the child until it exits; kill it on a stall (the reason)."""
        spawned = time.monotonic()
        sent: set[str] = set()
        while child.proc.poll() is None:
            time.sleep(0.05)
            now = time.monotonic()
            if cancel.is_set():
                # "soft" = stop at the next pause in the speech, "fade" = fade out now;
                # either, before the first sample, = nothing airs
                word = "soft" if cancel.soft else "fade"
                if word not in sent:
                    sent.add(word)
                    child.last_change = now
                    child.send(word)
            stalled = ""
            ready = child.has("ready") is not None
            if not ready and now - spawned > self.READY_S:
                stalled = t("air.reason.not_open", seconds=f"{self.READY_S:.0f}")
            elif ready and now - child.last_change > STALL_S:
                stalled = t("air.reason.stalled", seconds=f"{STALL_S:.0f}")
            if stalled:
                log.error("%s: killing player process %s", stalled, child.proc.pid)
                child.proc.kill()
                return stalled
        return ""

    def _result(self, child: _Child, cancel: Cancel, stalled: str) -> PlayResult:
        started, ended = child.started, self.clock.now()
        if started is None and cancel.is_set():
            return preempted(self.clock)
        if child.has("done") is not None and not stalled:
            return PlayResult(Outcome.AIRED, started, ended)
        played = child.played_s() if started is not None else 0.0
        stopped = child.has("stopped")
        if stopped is not None and not stalled:
            fade = FADE_S if stopped.get("faded") else 0.0
            return PlayResult(Outcome.INTERRUPTED, started, ended, t("air.reason.stopped"),
                              Ending.STOPPED, played, fade)
        err = child.has("error")
        reason = stalled or (str(err.get("message", "")) if err else "") or (
            child.stderr[-1] if child.stderr else t("air.reason.exited",
                                                    code=child.proc.returncode))
        if err is not None and err.get("early_frames") is not None:
            reason = t("air.reason.ended_early", seconds=f"{played:.1f}")
        outcome = Outcome.INTERRUPTED if started is not None else Outcome.FAILED
        return PlayResult(outcome, started, ended, reason, Ending.DEVICE_LOST, played)


def stop_point(wav: Path, at_s: float, soft: bool) -> tuple[float, float]:
    """Where a stop asked ``at_s`` into ``wav`` ends it, as the sound card does it:
    (seconds that went out, seconds of fade at their end). Hard: a ``FADE_S`` fade from
    ``at_s``; soft: the first pause (a quiet block) within ``SOFT_MAX_S``, else that fade."""
    with sf.SoundFile(str(wav)) as f:
        rate, total = f.samplerate, f.frames
        at = min(max(0, int(at_s * rate)), total)
        if soft:
            block = max(1, int(SOFT_BLOCK_S * rate))
            f.seek(at)
            pos = at
            while pos < min(total, at + int(SOFT_MAX_S * rate)):
                data = f.read(block, dtype="float32", always_2d=True).mean(axis=1)
                if not len(data) or float(np.sqrt(np.mean(data * data))) < PAUSE_RMS:
                    return pos / rate, 0.0
                pos += len(data)
            at = pos
        end = min(total, at + int(FADE_S * rate))
        return end / rate, (end - at) / rate


class _Timed:
    """The file and fake players' airing: real (or fake) time passes as the program would
    play; a cancel ends it where the sound card would (pause or fade), a stall as a device
    that stopped progressing."""

    def __init__(self, clock: Clock, wav: Path, cancel: Cancel, stall_at_s: float | None):
        self.clock = clock
        self.wav = wav
        self.cancel = cancel
        self.stall_at_s = stall_at_s
        info = sf.info(str(wav))
        self.duration_s = info.frames / info.samplerate

    def run(self, start_at: dt.datetime, on_started: OnStarted | None) -> PlayResult:
        clock, cancel = self.clock, self.cancel
        if clock.wait(cancel, (start_at - clock.now()).total_seconds()):
            return preempted(clock)
        started = clock.now()
        _call_started(on_started, started)
        length = self.duration_s
        if self.stall_at_s is not None:
            length = min(length, self.stall_at_s)
        end = started + dt.timedelta(seconds=length)
        while clock.now() < end and not cancel.is_set():
            clock.wait(cancel, (end - clock.now()).total_seconds())
        if cancel.is_set():
            return self._stopped(started)
        if self.stall_at_s is not None and self.stall_at_s < self.duration_s:
            clock.sleep(STALL_S)  # the watchdog notices after this long
            return PlayResult(Outcome.INTERRUPTED, started, clock.now(),
                              t("air.reason.stalled", seconds=f"{STALL_S:.0f}"),
                              Ending.DEVICE_LOST, self.stall_at_s)
        return PlayResult(Outcome.AIRED, started, clock.now())

    def _stopped(self, started: dt.datetime) -> PlayResult:
        clock, cancel = self.clock, self.cancel
        soft = cancel.soft
        played, fade = stop_point(self.wav, (clock.now() - started).total_seconds(), soft)
        while True:  # the pause or the fade takes its time; a hard stop overrides a soft one
            left = (started + dt.timedelta(seconds=played) - clock.now()).total_seconds()
            if left <= 0:
                break
            clock.sleep(min(left, 0.05))
            if soft and not cancel.soft:
                soft = False
                played, fade = stop_point(self.wav, (clock.now() - started).total_seconds(),
                                          False)
        return PlayResult(Outcome.INTERRUPTED, started, clock.now(), t("air.reason.stopped"),
                          Ending.STOPPED, played, fade)


class FilePlayer:
    """No sound card: 'airs' by taking the program's time and writing what went out under
    ``out_dir/DATE/`` (in the archive format: FLAC by default, WAV on request). That copy is
    the airing's archive (``PlayResult.archive``), cut where a stop ended it."""

    def __init__(self, clock: Clock, out_dir: Path, fmt: str = "flac") -> None:
        self.clock = clock
        self.out_dir = out_dir
        self.fmt = fmt
        self.description = f"{fmt.upper()} file sink {out_dir}"
        self.last_error = ""

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: Cancel | None = None, on_started: OnStarted | None = None) -> PlayResult:
        cancel = cancel or Cancel()
        try:
            timed = _Timed(self.clock, wav, cancel, None)
        except (OSError, RuntimeError) as exc:
            return self._failed(None, ProgramError(str(exc), where=str(wav)))
        result = timed.run(start_at, on_started)
        if result.started is None:
            return result
        target = self.out_dir / f"{result.started:%Y-%m-%d}" / (
            f"{result.started:%H%M%S}-{name or wav.stem}.{self.fmt}")
        try:
            copy_audio(wav, target, self.fmt, cut=result.cut(sf.info(str(wav)).samplerate))
        except (ProgramError, OSError, RuntimeError) as exc:
            return self._failed(result.started, exc)
        self.last_error = ""
        return dataclasses.replace(result, archive=str(target))

    def _failed(self, started: dt.datetime | None, exc: Exception) -> PlayResult:
        self.last_error = t("air.reason.file_sink", error=exc)
        return PlayResult(Outcome.FAILED if started is None else Outcome.INTERRUPTED, started,
                          self.clock.now(), self.last_error, Ending.DEVICE_LOST,
                          None if started is None else 0.0)


@dataclass
class FakePlayer:
    """Test double keeping the players' contract on the given clock: honours ``cancel``
    (preempt, soft stop at a pause, fade), ``fail`` (the output never opens) and
    ``stall_at_s`` (the output stops progressing then); records what it played."""

    clock: Clock
    fail: str = ""
    stall_at_s: float | None = None
    description: str = "fake"
    last_error: str = ""
    played: list[tuple[Path, dt.datetime, dt.datetime]] = field(default_factory=list)

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: Cancel | None = None, on_started: OnStarted | None = None) -> PlayResult:
        cancel = cancel or Cancel()
        if self.fail:
            if self.clock.wait(cancel, (start_at - self.clock.now()).total_seconds()):
                return preempted(self.clock)
            self.last_error = self.fail
            return PlayResult(Outcome.FAILED, None, self.clock.now(), self.fail,
                              Ending.DEVICE_LOST, 0.0)
        result = _Timed(self.clock, wav, cancel, self.stall_at_s).run(start_at, on_started)
        if result.started is not None:
            self.played.append((wav, start_at, result.started))
        return result
