"""The watchdog's ears: the sound server's monitor of the output (``parec`` in a child
process: no sound library in the core) and each Icecast mount heard as a listener (HTTP GET
with bounded timeouts, decoded a little with PyAV). Both report a ``Level`` per block from
their own thread, restart themselves with a backoff, and never touch the output.

``MonitorEar.probe`` says whether there is a monitor at all: PulseAudio (or PipeWire's Pulse
server) has one for every sink; plain ALSA and Windows have none, and the station then falls
back to the player's own report.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from broadcaster.clock import Clock
from broadcaster.messages import t
from broadcaster.ops.ears.judge import Level, dbfs

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

OnLevel = Callable[[Level], None]
OnAlive = Callable[[float], None]
DEFAULT_MONITOR = "@DEFAULT_MONITOR@"  # PulseAudio: the monitor of the default sink
BACKOFF_S = (0.5, 1.0, 2.0, 4.0)


def monitor_source(setting: str, output_device: str | int | None) -> tuple[str | None, str]:
    """The source to hear the output through (``watchdog.monitor``), or None and why not.

    ``auto`` is the default sink's monitor, right only when the player uses the sound server's
    default output; a player on a named device (``audio.output_device``, e.g. an ALSA card used
    directly) needs its monitor named, else the watchdog would hear another output."""
    if setting == "off":
        return None, t("watch.monitor_off")
    if setting != "auto":
        return setting, ""
    if output_device is None or (isinstance(output_device, str) and any(
            word in output_device.lower() for word in ("pulse", "pipewire", "default"))):
        return DEFAULT_MONITOR, ""
    return None, t("watch.auto_named_device", device=output_device)


class Ear(Protocol):
    """Something that listens to one output and reports what it hears."""

    name: str
    kind: str  # "monitor" | "mount"
    last_error: str

    def start(self, on_level: OnLevel, on_alive: OnAlive) -> None: ...

    def stop(self) -> None: ...


def level_of(block: np.ndarray, at: float, rate: int) -> Level:
    """The RMS and peak of one mono float block."""
    import numpy as np

    if block.size == 0:
        return Level(at, dbfs(0.0), dbfs(0.0), 0.0)
    x = block.astype(np.float64, copy=False)
    return Level(at, dbfs(float(np.mean(x * x))), dbfs(float(np.max(np.abs(x))) ** 2),
                 block.size / rate)


class _Restarting:
    """A listening thread that runs ``once`` again after a failure, with a growing pause."""

    def __init__(self, name: str, clock: Clock) -> None:
        self.name = name
        self.clock = clock
        self.last_error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _begin(self, once: Callable[[], None]) -> None:
        self._stop.clear()

        def run() -> None:
            failures = 0
            while not self._stop.is_set():
                try:
                    once()
                    failures = 0
                except Exception as exc:  # noqa: BLE001 - an ear restarts itself, always
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    log.warning("watchdog ear %s: %s", self.name, self.last_error)
                    failures += 1
                pause = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
                if self._stop.wait(pause):
                    return

        self._thread = threading.Thread(target=run, name=f"ear {self.name}", daemon=True)
        self._thread.start()

    def _end(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


class MonitorEar(_Restarting):
    """The output sink's monitor, read by ``parec`` as raw float32 mono."""

    kind = "monitor"

    def __init__(self, clock: Clock, source: str = DEFAULT_MONITOR, *, rate: int = 16000,
                 block_ms: int = 100) -> None:
        super().__init__("monitor", clock)  # one monitor per station: its key in status
        self.source = source
        self.rate = rate
        self.block = max(1, rate * block_ms // 1000)
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @staticmethod
    def probe(source: str = DEFAULT_MONITOR, timeout: float = 5.0) -> tuple[bool, str]:
        """Whether a monitor can be read here, and if not why (said in doctor and status)."""
        if shutil.which("parec") is None or shutil.which("pactl") is None:
            return False, "parec/pactl not installed (no PulseAudio client)"
        try:
            info = subprocess.run(["pactl", "info"], capture_output=True, text=True,
                                  timeout=timeout, check=False)
            if info.returncode != 0:
                return False, (info.stderr.strip() or "no PulseAudio server")[:200]
            if source == DEFAULT_MONITOR:
                return True, source
            sources = subprocess.run(["pactl", "list", "short", "sources"], capture_output=True,
                                     text=True, timeout=timeout, check=False).stdout
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"{type(exc).__name__}: {exc}"
        names = [line.split("\t")[1] for line in sources.splitlines() if "\t" in line]
        if source not in names:
            return False, f"no source {source!r} (have: {', '.join(names) or '-'})"
        return True, source

    def start(self, on_level: OnLevel, on_alive: OnAlive) -> None:
        self._begin(lambda: self._listen(on_level))

    def _listen(self, on_level: OnLevel) -> None:
        import numpy as np

        argv = ["parec", f"--device={self.source}", "--raw", "--format=float32le",
                "--channels=1", f"--rate={self.rate}", "--latency-msec=50"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with self._lock:
            self._proc = proc
        try:
            if proc.stdout is None:
                raise OSError("parec has no output pipe")
            size = self.block * 4
            while not self._stop.is_set():
                data = proc.stdout.read(size)
                if len(data) < size:
                    if self._stop.is_set():
                        return  # stopped: the child was ended on purpose
                    err = proc.stderr.read(500) if proc.stderr and proc.poll() is not None else b""
                    raise OSError(t("ear.parec_ended", error=err.decode(errors="replace").strip() or "EOF"))
                block = np.frombuffer(data, dtype="<f4")
                on_level(level_of(block, self.clock.monotonic(), self.rate))
                self.last_error = ""
        finally:
            _end_child(proc)

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._proc is not None:
                _end_child(self._proc)  # unblocks the reader
        self._end()


def _end_child(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(2)


class FakeEar:
    """An ear tests drive by hand: ``push`` a level or ``alive`` as the real ear would."""

    def __init__(self, name: str = "monitor", kind: str = "monitor") -> None:
        self.name = name
        self.kind = kind
        self.last_error = ""
        self.on_level: OnLevel | None = None
        self.on_alive: OnAlive | None = None

    def start(self, on_level: OnLevel, on_alive: OnAlive) -> None:
        self.on_level, self.on_alive = on_level, on_alive

    def push(self, level: Level) -> None:
        if self.on_level is not None:
            self.on_level(level)

    def alive(self, at: float) -> None:
        if self.on_alive is not None:
            self.on_alive(at)

    def stop(self) -> None:
        self.on_level = self.on_alive = None
