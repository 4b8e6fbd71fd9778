"""Heartbeat file and systemd keep-alive (a real datagram socket as NOTIFY_SOCKET), the
single-instance lock across processes, log rotation settings."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from broadcaster.clock import FakeClock
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError
from broadcaster.ops.heartbeat import Heartbeat, sd_notify, watchdog_seconds
from broadcaster.ops.lock import StationLock
from broadcaster.ops.logs import remove_file_logging, setup_file_logging


@pytest.fixture
def notify_socket(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    yield path, sock
    sock.close()


def test_sd_notify_writes_to_the_socket(notify_socket) -> None:  # type: ignore[no-untyped-def]
    path, sock = notify_socket
    assert sd_notify("READY=1", {"NOTIFY_SOCKET": str(path)})
    assert sock.recv(100) == b"READY=1"
    assert not sd_notify("READY=1", {})  # not under systemd: a no-op
    assert watchdog_seconds({"WATCHDOG_USEC": "30000000"}) == 30.0


def test_heartbeat_pets_the_watchdog_only_when_healthy(notify_socket, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, sock = notify_socket
    clock = FakeClock(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    env = {"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "6000000"}
    beat = Heartbeat(tmp_path / "run" / "heartbeat.json", clock, interval=10, env=env)
    assert beat.interval == 2.0  # a third of systemd's WatchdogSec
    healthy = {"ok": True}
    beat.add("inbox", lambda: (healthy["ok"], "last turn 1 s ago"))
    data = beat.beat()
    assert sock.recv(100) == b"WATCHDOG=1"
    on_disk = json.loads((tmp_path / "run" / "heartbeat.json").read_text())
    assert on_disk["healthy"] and on_disk["checks"]["inbox"]["ok"] and on_disk == data
    healthy["ok"] = False
    beat.add("broken", lambda: 1 / 0)  # a probe's bug counts as unhealthy, never raises
    data = beat.beat()
    assert not data["healthy"] and "ZeroDivisionError" in data["checks"]["broken"]["detail"]
    with pytest.raises(TimeoutError):
        sock.settimeout(0.3)
        sock.recv(100)  # no keep-alive: systemd restarts the hung station


def test_a_second_station_process_is_refused(tmp_path: Path) -> None:
    lock = StationLock(tmp_path / "run")
    lock.acquire()
    try:
        code = ("import sys; from pathlib import Path; from broadcaster.ops.lock import StationLock\n"
                "try:\n    StationLock(Path(sys.argv[1])).acquire()\nexcept Exception as e:\n"
                "    print(e); sys.exit(3)\n")
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "run")],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 3 and "station.lock" in out.stdout
        assert lock.is_locked
    finally:
        lock.release()
    # released: another process can take it; a SIGKILLed holder frees it too
    proc = subprocess.Popen([sys.executable, "-c",
                             "import sys, time; from pathlib import Path;"
                             " from broadcaster.ops.lock import StationLock;"
                             " lock = StationLock(Path(sys.argv[1])); lock.acquire();"
                             " print('ok', flush=True);"
                             " time.sleep(60)", str(tmp_path / "run")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ok"
    with pytest.raises(BroadcasterError):
        StationLock(tmp_path / "run").acquire()
    assert StationLock(tmp_path / "run").held_elsewhere()
    proc.kill()
    proc.wait(10)
    again = StationLock(tmp_path / "run")
    again.acquire()
    again.release()


def test_log_file_rotates_by_size(station: Station) -> None:
    path = setup_file_logging(station)
    try:
        handler = next(h for h in logging.getLogger().handlers
                       if getattr(h, "baseFilename", None) == str(path))
        assert handler.maxBytes == 10 * 1024 * 1024 and handler.backupCount == 5
        assert setup_file_logging(station) == path  # once only
        logging.getLogger("broadcaster.test").warning("ghi nhật ký")
        handler.flush()
        assert "ghi nhật ký" in path.read_text(encoding="utf-8")
    finally:
        remove_file_logging(station)


def test_a_broken_inbox_never_stops_the_station(station: Station) -> None:
    from broadcaster.air.player import FakePlayer
    from broadcaster.clock import SystemClock
    from broadcaster.station import StationService

    (station.var("db") / "bulletins.sqlite3").mkdir()  # e.g. a damaged disk: cannot open it
    clock = SystemClock(station.tz)
    service = StationService(station, clock, player=FakePlayer(clock), file_logging=False,
                             signals=False)
    service.start()  # no exception: scheduled programs still air
    try:
        assert service.inbox is None and service.inbox_error
        assert service.heartbeat is not None
        beat = service.heartbeat.beat()
        assert beat["healthy"]  # the watchdog must not restart the station over it in a loop
        assert json.loads((station.var_dir / "run" / "heartbeat.json").read_text())["pid"]
        assert service.status()["bulletins"] == []
    finally:
        service.stop()
    assert not service.lock.is_locked


def test_heartbeat_says_stopped_after_a_stop_and_keeps_the_last_moment_alive(
        tmp_path: Path) -> None:
    from broadcaster.ops.heartbeat import last_beat, read_heartbeat

    clock = FakeClock(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    path = tmp_path / "run" / "heartbeat.json"
    beat = Heartbeat(path, clock, interval=3600, env={})
    beat.start()
    running = read_heartbeat(path)
    assert running is not None and running["state"] == "running"
    assert last_beat(path) == clock.now()  # what a restart after a crash reads
    clock.advance(30)
    beat.stop()
    stopped = read_heartbeat(path)
    # before: the file went on saying "healthy" with the last beat's time after a stop
    assert stopped is not None and stopped["state"] == "stopped" and not stopped["healthy"]
    assert stopped["stopped"] == clock.now().isoformat()
    assert last_beat(path) == clock.now()
    assert last_beat(tmp_path / "missing.json") is None
    assert not list(path.parent.glob(".*.tmp"))  # written whole (durable write), no leftovers
