"""The watchdog as a part of the running station: started after the monitor, stopped before it,
its lines in ``status`` (and the ``status`` command), the no-monitor case said, ``doctor``."""

from __future__ import annotations

import json

import pytest
from stationfile import amend

from broadcaster.air.player import FakePlayer
from broadcaster.cli import main
from broadcaster.clock import SystemClock
from broadcaster.config import Station
from broadcaster.ops.ears.doctor import check_watchdog
from broadcaster.station import StationService


def _service(station: Station) -> StationService:
    clock = SystemClock(station.tz)
    return StationService(station, clock, player=FakePlayer(clock), notify=lambda _m: None,
                          file_logging=False, signals=False, web=False)


def test_the_watchdog_is_a_part_and_status_reports_it(station: Station) -> None:
    service = _service(station)
    names = [p.name for p in service.parts()]
    assert names.index("monitor") < names.index("watchdog") < names.index("heartbeat")
    service.start()
    try:
        assert service.watchdog is not None
        status = service.status()
        json.dumps(status, allow_nan=False)
        (line,) = status["watchdog"]  # type: ignore[misc]
        # a fake player is no sound card: nothing to hear, said, and the player's report used
        assert line["check"] == "monitor" and line["ok"] is True
        assert status["output_level"] is None
    finally:
        service.stop()
    assert (station.var("run") / "watchdog.json").is_file()


def test_the_watchdog_can_be_switched_off(station_dir, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from broadcaster.config import load_station

    amend(station_dir / "station.yaml", "watchdog:\n  enabled: false\n")
    station = load_station(station_dir)
    service = _service(station)
    service.start()
    try:
        assert service.watchdog is None and service.status()["watchdog"] == []
    finally:
        service.stop()
    (check,) = check_watchdog(station, SystemClock(station.tz))
    assert check.verdict == "warn" and "watchdog.enabled" in check.detail


def test_doctor_says_when_there_is_no_monitor(station: Station, no_sound: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    checks = {c.name: c for c in check_watchdog(station, SystemClock(station.tz))}
    monitor = checks["watchdog monitor"]
    assert monitor.verdict == "warn"
    assert "Windows" in monitor.detail  # says what the station does where there is none
    assert main(["--station", str(station.root), "doctor", "--no-engines"]) in (0, 1)
    assert "watchdog monitor" in capsys.readouterr().out


def test_the_status_command_shows_the_checks_and_the_level(
        capsys: pytest.CaptureFixture[str]) -> None:
    from broadcaster.commands.control_cmds import _watchdog_lines

    _watchdog_lines({"watchdog": [
        {"check": "dead_air", "ear": "monitor", "ok": False, "since": "2026-12-01T06:00:09+07:00",
         "detail": "DEAD AIR for 8 s"},
        {"check": "listening", "ear": "http://127.0.0.1:8000/khu-1.mp3", "ok": True,
         "since": "2026-12-01T05:00:00+07:00", "detail": "ok"}],
        "output_level": {"rms_dbfs": -18.5, "peak_dbfs": -3.0, "at": "2026-12-01T06:00:10"}})
    out = capsys.readouterr().out
    assert "!  monitor dead_air 06:00:09  DEAD AIR for 8 s" in out
    assert "ok http://127.0.0.1:8000/khu-1.mp3 listening" in out
    assert "-18.5" in out and "-3.0" in out
    _watchdog_lines({"watchdog": [], "output_level": None})
    assert capsys.readouterr().out == ""


def test_the_log_shows_what_the_watchdog_heard(station: Station,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from broadcaster.air.asrun import AsRunLog
    from broadcaster.station import asrun_path

    at = dt.datetime(2026, 12, 1, 6, 0, 9, tzinfo=station.tz)
    log = AsRunLog(asrun_path(station))
    log.mark(at, "watchdog.dead_air", "monitor", "DEAD AIR for 8 s while Buổi sáng plays")
    log.close()
    assert main(["--station", str(station.root), "log", "--date", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "06:00:09  watchdog.dead_air" in out and "monitor  DEAD AIR for 8 s" in out
    assert main(["--station", str(station.root), "log", "--date", "2026-12-01",
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # the JSON rows stay airings only
