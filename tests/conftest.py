"""Shared fixtures: a fresh station folder, and a real PulseAudio sound server with a null sink."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from broadcaster.cli import main
from broadcaster.config import Station, load_station

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def station_dir(tmp_path: Path) -> Path:
    """A new station made by ``broadcaster init`` (chimes generated, default settings)."""
    root = tmp_path / "station"
    assert main(["init", str(root)]) == 0
    return root


@pytest.fixture
def station(station_dir: Path) -> Station:
    return load_station(station_dir)


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


def _start_pulse(base: Path) -> tuple[subprocess.Popen[bytes], PulseServer]:
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


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A real sound server for the whole session; PULSE_SERVER is set for child processes."""
    if shutil.which("pulseaudio") is None:
        if os.environ.get("CI"):
            pytest.fail("pulseaudio is not installed: scripts/setup.sh should have installed it")
        pytest.skip("pulseaudio not installed (scripts/setup.sh installs it)")
    proc, server = _start_pulse(tmp_path_factory.mktemp("pa"))
    old = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server.server
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = old
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def no_sound(monkeypatch: pytest.MonkeyPatch) -> None:
    """No sound server reachable: PortAudio finds no output device."""
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/socket")
