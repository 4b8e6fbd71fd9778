"""Players put a finished local WAV on air at an exact time: sound card (child process) or file.

Every player returns a ``PlayResult`` and never raises for an audio failure: the playout logs
the outcome and carries on. The sound-card player watches its child and kills it on a stall.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import soundfile as sf

from broadcaster.clock import Clock
from broadcaster.errors import ProgramError
from broadcaster.program.archive import copy_audio

log = logging.getLogger(__name__)

STALL_S = 2.0  # no progress this long: the child is killed and the airing reported
PREEMPTED = "preempted before its first sample"


class Cancel(threading.Event):
    """Ends one airing early. ``soft`` waits for a pause in the speech (never mid-word)."""

    def __init__(self) -> None:
        super().__init__()
        self.soft = False

    def request(self, *, soft: bool = False) -> None:
        if self.is_set() and not soft:
            self.soft = False  # a hard stop overrides a soft one
        elif not self.is_set():
            self.soft = soft
        self.set()


@dataclass(frozen=True)
class PlayResult:
    outcome: str  # aired | interrupted | failed
    started: dt.datetime | None
    ended: dt.datetime | None
    reason: str = ""
    sink: str = ""


class Player(Protocol):
    """Something that airs a WAV file with its first sample at ``start_at``.

    Setting ``cancel`` (from another thread) fades the airing out, or preempts it before its
    first sample; each airing gets its own event, so a cancel can never be lost or leak into
    the next airing.
    """

    description: str
    last_error: str  # why the output failed last, "" when it works

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: threading.Event | None = None) -> PlayResult: ...


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
             cancel: threading.Event | None = None) -> PlayResult:
        cancel = cancel or threading.Event()
        # Start the child ahead of time; it positions the first sample itself.
        if self.clock.wait(cancel, (start_at - self.clock.now()).total_seconds() - self.lead_s):
            return PlayResult("interrupted", None, self.clock.now(), PREEMPTED, self.description)
        give_up = max(start_at, self.clock.now()) + dt.timedelta(seconds=self.retry_s)
        attempt = 0
        while True:
            attempt += 1
            result = self._play_once(wav, start_at, cancel)
            if result.started is not None or result.outcome != "failed" or cancel.is_set():
                if result.outcome == "aired":
                    self.last_error = ""
                return result
            self.last_error = result.reason
            delay = self.BACKOFF_S[min(attempt - 1, len(self.BACKOFF_S) - 1)]
            if self.clock.now() + dt.timedelta(seconds=delay) > give_up:
                return PlayResult("failed", None, self.clock.now(),
                                  f"sound output unavailable after {attempt} attempt(s):"
                                  f" {result.reason}", self.description)
            log.warning("sound output unavailable (attempt %d): %s; retrying in %.1f s",
                        attempt, result.reason, delay)
            if self.clock.wait(cancel, delay):
                return PlayResult("interrupted", None, self.clock.now(), PREEMPTED,
                                  self.description)

    def _play_once(self, wav: Path, start_at: dt.datetime, cancel: threading.Event) -> PlayResult:
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
        return self._watch(proc, start_epoch, cancel)

    def _watch(self, proc: subprocess.Popen[str], start_epoch: float,
               cancel: threading.Event) -> PlayResult:
        events: list[dict] = []
        stderr: collections.deque[str] = collections.deque(maxlen=20)
        last_change = [time.monotonic()]
        progress = [-1]

        def read_events() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except json.JSONDecodeError:
                    continue
                events.append(msg)
                if msg.get("event") == "progress":
                    if msg["frames"] != progress[0] or time.time() < start_epoch:
                        progress[0] = msg["frames"]
                        last_change[0] = time.monotonic()
                else:
                    last_change[0] = time.monotonic()

        def drain_stderr() -> None:  # a full pipe would block the child
            assert proc.stderr is not None
            for line in proc.stderr:
                stderr.append(line.strip())

        threads = [threading.Thread(target=read_events, name="player-events", daemon=True),
                   threading.Thread(target=drain_stderr, name="player-stderr", daemon=True)]
        for th in threads:
            th.start()
        stalled = ""
        spawned = time.monotonic()
        sent: set[str] = set()
        while proc.poll() is None:
            time.sleep(0.05)
            now = time.monotonic()
            if cancel.is_set():
                # on the child's stdin (works on Windows too): "soft" = stop at the next pause
                # in the speech, "fade" = fade out now; either, before the first sample, = none
                word = "soft" if getattr(cancel, "soft", False) else "fade"
                if word not in sent:
                    sent.add(word)
                    last_change[0] = now
                    try:
                        assert proc.stdin is not None
                        proc.stdin.write(word + "\n")
                        proc.stdin.flush()
                    except (OSError, ValueError):
                        pass  # the child is already gone
            ready = any(e.get("event") == "ready" for e in events)
            if not ready and now - spawned > self.READY_S:
                stalled = f"sound output did not open within {self.READY_S:.0f} s"
            elif ready and now - last_change[0] > STALL_S:
                stalled = f"sound output stalled (no progress for {STALL_S:.0f} s)"
            if stalled:
                log.error("%s: killing player process %s", stalled, proc.pid)
                proc.kill()
                break
        proc.wait()
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        for th in threads:
            th.join(timeout=2)
        started = next((e["first_sample_epoch"] for e in events if e.get("event") == "started"),
                       None)
        tz = self.clock.now().tzinfo
        started_dt = dt.datetime.fromtimestamp(started, tz) if started else None
        ended_dt = self.clock.now()
        err = next((e.get("message", "") for e in events if e.get("event") == "error"), "")
        if started is None and cancel.is_set():
            return PlayResult("interrupted", None, ended_dt, PREEMPTED, self.description)
        if stalled:
            return PlayResult("interrupted" if started else "failed", started_dt, ended_dt,
                              stalled, self.description)
        if any(e.get("event") == "done" for e in events):
            return PlayResult("aired", started_dt, ended_dt, "", self.description)
        if any(e.get("event") == "stopped" for e in events) or cancel.is_set():
            return PlayResult("interrupted", started_dt, ended_dt, "stopped by operator",
                              self.description)
        reason = err or (stderr[-1] if stderr else f"player exited with {proc.returncode}")
        return PlayResult("interrupted" if started else "failed", started_dt, ended_dt, reason,
                          self.description)


class FilePlayer:
    """No sound card: 'airs' by writing the program under ``out_dir/DATE/`` (in the archive
    format: FLAC by default, WAV on request) and taking the program's time to do so. That
    copy is the airing's archive."""

    def __init__(self, clock: Clock, out_dir: Path, fmt: str = "flac") -> None:
        self.clock = clock
        self.out_dir = out_dir
        self.fmt = fmt
        self.description = f"{fmt.upper()} file sink {out_dir}"
        self.last_error = ""

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: threading.Event | None = None) -> PlayResult:
        cancel = cancel or threading.Event()
        if self.clock.wait(cancel, (start_at - self.clock.now()).total_seconds()):
            return PlayResult("interrupted", None, self.clock.now(), PREEMPTED, self.description)
        started = self.clock.now()
        folder = self.out_dir / f"{started:%Y-%m-%d}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{started:%H%M%S}-{name or wav.stem}.{self.fmt}"
        try:
            copy_audio(wav, target, self.fmt)
            duration = sf.info(str(target)).duration
        except (ProgramError, OSError, RuntimeError) as exc:
            return PlayResult("failed", None, self.clock.now(), f"file sink: {exc}", str(target))
        end = started + dt.timedelta(seconds=duration)
        while self.clock.now() < end:
            if self.clock.wait(cancel, (end - self.clock.now()).total_seconds()):
                break
        ended = self.clock.now()
        if cancel.is_set():
            return PlayResult("interrupted", started, ended, "stopped by operator", str(target))
        return PlayResult("aired", started, ended, "", str(target))


class FakePlayer:
    """Test double: records what it was asked to play, airing instantly on the given clock."""

    def __init__(self, clock: Clock, *, fail: str = "") -> None:
        self.clock = clock
        self.fail = fail
        self.description = "fake"
        self.last_error = ""
        self.played: list[tuple[Path, dt.datetime, dt.datetime]] = []

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: threading.Event | None = None) -> PlayResult:
        self.clock.sleep((start_at - self.clock.now()).total_seconds())
        started = self.clock.now()
        if self.fail:
            return PlayResult("failed", None, started, self.fail, "fake")
        duration = sf.info(str(wav)).duration
        self.clock.sleep(duration)
        self.played.append((wav, start_at, started))
        return PlayResult("aired", started, self.clock.now(), "", "fake")
