"""Going live: the microphone or line input on air through the true-peak limiter.

``LiveInput`` reads the input in a child process (``python -m broadcaster.air.soundcard
capture``: PortAudio can hang, and a child can be killed) into a bounded buffer; ``read`` never
waits. ``LiveDesk`` fades what is on air, holds the schedule (live outranks normal and priority
programs), airs the input until ``stop`` (or an emergency, which outranks live), archives it and
logs who started it and how long it ran; the held slots then air late within the grace period,
or are logged missed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcaster.air.player import Cancel, PlayResult, _subprocess_env
from broadcaster.air.playout import AirReport, Playout, StreamAiring
from broadcaster.air.relay import Leveller, OnBlock, _Buffer
from broadcaster.air.stream import Streamer, StreamJob
from broadcaster.clock import Clock
from broadcaster.errors import AirError
from broadcaster.messages import t
from broadcaster.models import Ending

log = logging.getLogger(__name__)

PRIME_S = 0.12  # a jitter buffer: the input's blocks come in bursts (its own latency)
BUFFER_S = 0.4  # more than this waiting is trimmed back to PRIME_S (live stays live)
START_S = 1.0  # the first sample goes out this long after the request (child start-up)


class LiveInput:
    """An input device as a ``PcmSource``; silence while the input brings nothing."""

    def __init__(self, device: str | None, rate: int, leveller: Leveller, *,
                 title: str = "", on_block: OnBlock | None = None) -> None:
        self.device = device
        self.rate = rate
        self.leveller = leveller
        self.title = title
        self.on_block = on_block
        self.buffer = _Buffer(int(2 * BUFFER_S * rate))
        self.primed = False
        self.proc: subprocess.Popen[bytes] | None = None
        self.error = ""
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        args = [sys.executable, "-m", "broadcaster.air.soundcard", "capture",
                "--rate", str(self.rate)]
        if self.device:
            args += ["--device", self.device]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=_subprocess_env())
        self._reader = threading.Thread(target=self._read, name="live-input", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        step = 4 * (self.rate // 50)
        while raw := self.proc.stdout.read(step):
            self.buffer.push(np.frombuffer(raw[: len(raw) // 4 * 4], "<f4").copy())
        err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
        lines = [ln for ln in err.splitlines() if '"error"' in ln] or err.splitlines()[-1:]
        self.error = lines[-1] if lines else t("live.input_closed")

    @property
    def failed(self) -> bool:
        """The capture child has ended (the device failed or vanished)."""
        return self.proc is not None and self.proc.poll() is not None and not self.buffer.frames

    def read(self, frames: int) -> np.ndarray:
        """Exactly ``frames``: the input after a short jitter buffer; silence while it has
        nothing (an underrun waits for the buffer to fill again rather than stutter)."""
        held = self.buffer.frames
        if held > BUFFER_S * self.rate:
            self.buffer.trim(int(PRIME_S * self.rate))
        if not self.primed and held >= PRIME_S * self.rate:
            self.primed = True
        x = self.buffer.take(frames) if self.primed else np.zeros(0, np.float32)
        if len(x) < frames:
            self.primed = False
            x = np.concatenate([x, np.zeros(frames - len(x), np.float32)])
        y = self.leveller.limit(x)
        if self.on_block is not None:
            try:
                self.on_block(y, self.title)
            except Exception:  # noqa: BLE001 - listeners never crash the sender
                log.exception("live block listener failed")
        return y

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        if self._reader is not None:
            self._reader.join(2)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@dataclass(frozen=True)
class LiveSession:
    """The live segment on air: who started it, from which input, for which zones."""

    by: str
    input: str
    zones: tuple[str, ...]
    since: dt.datetime
    cancel: Cancel
    thread: threading.Thread


class LiveDesk:
    """``start``/``stop`` the live segment (the control channel and the web desk call these
    through ``StationService.live_start`` / ``live_stop``)."""

    def __init__(self, playout: Playout, streamer: Streamer, clock: Clock, rate: int, *,
                 ceiling_dbtp: float, work_dir: Path, default_input: str | None = None,
                 on_block: OnBlock | None = None,
                 pick: Callable[[tuple[str, ...]], Streamer] | None = None) -> None:
        self.playout = playout
        self.streamer = streamer
        self.pick = pick  # the streamer for the session's zones (one without the card: the clock's)
        self.clock = clock
        self.rate = rate
        self.ceiling = ceiling_dbtp
        self.work_dir = work_dir
        self.default_input = default_input
        self.on_block = on_block
        self.session: LiveSession | None = None
        self.last: AirReport | None = None
        self._lock = threading.Lock()

    def start(self, by: str, input: str | None = None, zones: tuple[str, ...] = ()
              ) -> LiveSession:
        """Fade what is on air and put the input on air (until ``stop``)."""
        with self._lock:
            if self.session is not None and self.session.thread.is_alive():
                raise AirError(t("live.already", by=self.session.by,
                                 since=f"{self.session.since:%H:%M:%S}"))
            device = input or self.default_input or ""
            self.last = None  # this session's report, not the one before
            cancel = Cancel()
            thread = threading.Thread(target=self._run, args=(by, device, cancel),
                                      name="live", daemon=True)
            self.session = LiveSession(by, device, zones, self.clock.now(), cancel, thread)
            thread.start()
            self.playout.notify(t("live.started", input=device or t("live.default_input"), by=by))
            return self.session

    def stop(self, timeout: float = 10.0) -> AirReport | None:
        """End the live segment (a fade); the schedule resumes. None if nothing was live."""
        with self._lock:
            session = self.session
        if session is None or not session.thread.is_alive():
            raise AirError(t("live.not_live"))
        session.cancel.request(ending=Ending.COMPLETED)
        session.thread.join(timeout)
        if session.thread.is_alive():
            return None  # still closing (the archive is being written): no report yet
        return self.last

    def _run(self, by: str, device: str, cancel: Cancel) -> None:
        playout = self.playout
        try:
            with playout.holding():
                playout.fade_slot(t("live.reason"))  # an emergency on air is never faded
                with playout.exclusive(timeout=30.0) as got:
                    if not got or not playout.wait_emergencies(600.0):
                        log.error("live: the output did not come free")
                        return
                    if cancel.is_set():
                        return  # stopped before it went on air
                    self.last = self._air(by, device, cancel)
                    started = self.last.started
                    seconds = (self.clock.now() - started).total_seconds() if started else 0.0
                    playout.notify(t("live.stopped", seconds=f"{seconds:.0f}"))
        except Exception:  # noqa: BLE001 - a live failure never takes the station down
            log.exception("live segment failed")

    def _air(self, by: str, device: str, cancel: Cancel) -> AirReport:
        now = self.clock.now()
        label = t("live.label", by=by)
        source = LiveInput(device or None, self.rate, Leveller(self.rate, -16.0, self.ceiling),
                           title=label, on_block=self.on_block)
        source.start()
        watch = threading.Thread(target=_end_on_failure, args=(source, cancel), daemon=True)
        watch.start()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        start = now + dt.timedelta(seconds=START_S)
        job = StreamJob(source, start, None, self.work_dir / f"live-{now:%H%M%S%f}.wav", "live")

        def note(result: PlayResult) -> str:
            seconds = (result.ended - result.started).total_seconds() if (
                result.started and result.ended) else 0.0
            extra = t("live.input_failed", input=device or t("live.default_input"),
                      reason=source.error) if source.failed else ""
            return "; ".join(filter(None, [t("live.ended", seconds=f"{seconds:.0f}", by=by),
                                           extra]))

        zones = tuple(self.session.zones) if self.session is not None else ()
        streamer = self.pick(zones) if self.pick is not None else self.streamer
        try:
            return self.playout.air_stream(streamer, StreamAiring(
                f"{now:%Y-%m-%d}/live-{now:%H%M%S}", "live", label, start, job, cancel,
                items=(f"live:{device or 'default'}", f"by:{by}"), ahead_s=0.0, note=note))
        finally:
            cancel.set()  # the failure watch ends too
            source.stop()


def _end_on_failure(source: LiveInput, cancel: Cancel) -> None:
    """The input died: end the live segment (the schedule resumes) rather than air silence."""
    while not cancel.wait(0.25):
        if source.failed:
            log.error("live input failed: %s", source.error)
            cancel.request(ending=Ending.DEVICE_LOST, reason=source.error)
            return
