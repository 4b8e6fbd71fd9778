"""One station assembly: parts start in order, stop in reverse, and leave no thread behind."""

from __future__ import annotations

import threading
import time

import pytest

from broadcaster.air.control import call
from broadcaster.air.player import FakePlayer
from broadcaster.clock import SystemClock
from broadcaster.config import Station
from broadcaster.station import StationService


def _service(station: Station) -> StationService:
    clock = SystemClock(station.tz)
    return StationService(station, clock, player=FakePlayer(clock), file_logging=False,
                          signals=False, notify=lambda _m: None)


def _new_threads(before: set[threading.Thread], wait_s: float = 5.0) -> list[str]:
    deadline = time.monotonic() + wait_s
    while True:
        left = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def test_parts_start_in_order_stop_in_reverse_and_leave_no_thread(station: Station) -> None:
    before = set(threading.enumerate())
    service = _service(station)
    names = [p.name for p in service.parts()]
    assert names[0] == "lock" and names[-1] == "closing"
    assert names.index("store") < names.index("inbox") < names.index("scheduler")
    service.start()
    try:
        assert service.started_parts == names
        assert service.lock.is_locked
        status = call(station.var_dir, "status")  # the control channel answers
        assert status["ok"] and status["station"] == station.settings.name
        assert len(_new_threads(before, wait_s=0)) >= 5  # scheduler, inbox, heartbeat ...
    finally:
        service.stop()
    assert service.stopped_parts == list(reversed(names))
    assert not service.lock.is_locked
    assert _new_threads(before) == []


def test_a_part_that_fails_to_start_stops_those_before_it(station: Station,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = set(threading.enumerate())
    service = _service(station)

    def broken() -> None:
        raise OSError("port in use")

    monkeypatch.setattr(service, "_start_control", broken)
    with pytest.raises(OSError, match="port in use"):
        service.start()
    started = service.started_parts
    assert started[-1] == "housekeeping" and "control" not in started
    assert service.stopped_parts == list(reversed(started))
    assert not service.lock.is_locked
    assert _new_threads(before) == []


def test_a_side_loop_that_stopped_turning_makes_the_heartbeat_unhealthy(station: Station) -> None:
    """Feeds, social posting and the watchdog run loops of their own: the heartbeat (and so
    systemd's watchdog) notices one that stopped turning, and says nothing of one that is off."""
    import datetime as dt
    from types import SimpleNamespace

    from broadcaster.clock import FakeClock

    clock = FakeClock(dt.datetime(2026, 12, 1, 6, 0, tzinfo=station.tz))
    service = StationService(station, clock, player=FakePlayer(clock), notify=lambda m: None)
    service._started_mono = clock.monotonic()
    loop = SimpleNamespace(heartbeat=None)
    assert service._side_loop(None, 60.0) == (True, "off")
    assert service._side_loop(loop, 60.0) == (True, "starting")  # type: ignore[arg-type]
    clock.sleep(61)
    assert not service._side_loop(loop, 60.0)[0]  # type: ignore[arg-type]  # never turned
    loop.heartbeat = clock.monotonic()
    assert service._side_loop(loop, 60.0)[0]  # type: ignore[arg-type]
    clock.sleep(61)
    ok, detail = service._side_loop(loop, 60.0)  # type: ignore[arg-type]
    assert not ok and "61" in detail
