"""Shared fixtures: a fresh station folder, and a real PulseAudio sound server with a null sink."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from icecast import ICECAST, IcecastServer
from soundserver import PulseServer, start_pulse, stop_pulse
from stationfile import amend

from broadcaster.cli import main
from broadcaster.config import Station, load_station

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def _station_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "station"
    assert main(["init", str(root)]) == 0
    # tests plan their own slots; the example week (tests/air/test_template.py) would air in them
    (root / "schedules" / "week.yaml").unlink()
    return root


@pytest.fixture
def station_dir(tmp_path: Path, _station_template: Path) -> Path:
    """A new station folder as ``broadcaster init`` makes it (made once, copied: the chimes are
    generated once per session), with offline speech only."""
    root = tmp_path / "station"
    shutil.copytree(_station_template, root)
    # No internet here: the online engines would only add their (tested) fallback delay.
    # The template's own speech: block is replaced (a key written twice is refused).
    amend(root / "station.yaml", "\n# tests: offline speech\nspeech:\n  engines: [espeak]\n"
          # tests: no web desk process unless a test asks for one (tests/web)
          "web:\n  enabled: false\n")
    return root


@pytest.fixture
def station(station_dir: Path) -> Station:
    return load_station(station_dir)


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A real sound server for the whole session; PULSE_SERVER is set for child processes."""
    if shutil.which("pulseaudio") is None:
        if os.environ.get("CI"):
            pytest.fail("pulseaudio is not installed: scripts/setup.sh should have installed it")
        pytest.skip("pulseaudio not installed (scripts/setup.sh installs it)")
    proc, server = start_pulse(tmp_path_factory.mktemp("pa"))
    old = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server.server
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = old
        stop_pulse(proc)


@pytest.fixture
def no_sound(monkeypatch: pytest.MonkeyPatch) -> None:
    """No sound server reachable: PortAudio finds no output device."""
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/socket")


@pytest.fixture
def icecast(tmp_path: Path) -> Iterator[IcecastServer]:
    """A real icecast2 on a free loopback port (source password ``hackme``, admin
    ``adminpw``); ``stop()``/``start()`` kill and restart it on the same port."""
    if not Path(ICECAST).exists():
        if os.environ.get("CI"):
            pytest.fail("icecast2 is not installed: scripts/setup.sh should have installed it")
        pytest.skip("icecast2 not installed (scripts/setup.sh installs it)")
    server = IcecastServer(tmp_path / "icecast")
    server.start()
    try:
        yield server
    finally:
        server.close()
