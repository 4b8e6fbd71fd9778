"""A private PulseAudio daemon with a null sink, for tests and benchmarks of the real sound path.

Works as root with no DBus and no XDG_RUNTIME_DIR: an anonymous unix socket in a temp folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PulseServer:
    """A private PulseAudio daemon: sink ``air`` (the station's output) and its monitor."""

    server: str
    runtime: Path

    def env(self) -> dict[str, str]:
        return {**os.environ, "PULSE_SERVER": self.server}

    def pactl(self, *args: str) -> str:
        return subprocess.run(["pactl", *args], env=self.env(), capture_output=True, text=True,
                              check=True, timeout=10).stdout

    def record(self, out: Path) -> subprocess.Popen[bytes]:
        """Start recording the ``air`` sink's monitor: raw s16le mono 48 kHz into ``out``."""
        fh = out.open("wb")
        return subprocess.Popen(["parec", "-d", "air.monitor", "--rate=48000", "--channels=1",
                                 "--format=s16le", "--latency-msec=2", "--raw"],
                                stdout=fh, env=self.env())


def start_pulse(base: Path) -> tuple[subprocess.Popen[bytes], PulseServer]:
    runtime = base / "pulse"
    runtime.mkdir(parents=True, exist_ok=True)
    socket = runtime / "native"
    config = runtime / "default.pa"
    # Works as root with no DBus and no XDG_RUNTIME_DIR: anonymous unix socket in a temp folder.
    config.write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
        "load-module module-null-sink sink_name=air rate=48000 channels=1\n"
        "set-default-sink air\n"
    )
    env = {**os.environ, "HOME": str(runtime), "XDG_RUNTIME_DIR": str(runtime),
           "PULSE_RUNTIME_PATH": str(runtime)}
    log = (runtime / "pulseaudio.log").open("wb")
    proc = subprocess.Popen(["pulseaudio", "-n", "-F", str(config), "--exit-idle-time=-1",
                             "--daemonize=no", "--use-pid-file=no", "--disallow-exit",
                             "--log-target=stderr"], stdout=log, stderr=log, env=env,
                            start_new_session=True)
    server = PulseServer(f"unix:{socket}", runtime)
    for _ in range(100):
        if socket.exists():
            try:
                server.pactl("info")
                return proc, server
            except subprocess.CalledProcessError:
                pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"PulseAudio did not start: {(runtime / 'pulseaudio.log').read_text()}")




def stop_pulse(proc: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGCONT, signal.SIGTERM):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
