"""The station's "web" part: the desk runs as its own process, is restarted within 5 s when it
dies or hangs, and is gone when the station stops."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest
from stationfile import amend

from broadcaster.config import load_station
from broadcaster.web.supervisor import WebSupervisor
from tests.web.conftest import free_port


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _wait(cond, limit: float) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if cond():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not within {limit} s")


@pytest.mark.slow
def test_desk_is_restarted_when_killed_or_hung_and_stopped_with_the_station(
        station_dir: Path) -> None:
    port = free_port()
    amend(station_dir / "station.yaml", f'web:\n  enabled: true\n  listen: "127.0.0.1:{port}"\n')
    sup = WebSupervisor(load_station(station_dir))
    sup.start()
    try:
        _wait(lambda: _up(sup.health_url), 30)
        first = sup.proc
        assert first is not None
        os.kill(first.pid, signal.SIGKILL)
        took = _wait(lambda: sup.proc is not first and _up(sup.health_url), 15)
        assert sup.restarts == 1
        # restarted (a new process spawned) within 5 s; answering once it has imported
        assert took < 12
        second = sup.proc
        assert second is not None
        time.sleep(sup_grace(sup))
        os.kill(second.pid, signal.SIGSTOP)  # hung: alive but not answering
        began = time.monotonic()
        _wait(lambda: sup.proc is not second, 10)
        assert time.monotonic() - began < 5.5
        _wait(lambda: _up(sup.health_url), 20)
        assert second.poll() is not None  # the hung one was killed, not left behind
    finally:
        sup.stop()
    assert sup.proc is not None and sup.proc.poll() is not None
    assert not _up(sup.health_url)


def sup_grace(sup: WebSupervisor) -> float:
    """Sleep past the start-up grace, so a hang is judged as a hang."""
    from broadcaster.web import supervisor

    return max(0.0, supervisor.START_GRACE_S - (time.monotonic() - sup._started_at)) + 0.2
