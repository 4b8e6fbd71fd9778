"""``broadcaster run`` starts the desk as its own supervised process (part "web" after
"control"); with the station running, the desk acts through the control channel."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest
from stationfile import amend

from broadcaster.air.player import FakePlayer
from broadcaster.clock import SystemClock
from broadcaster.config import load_station
from broadcaster.station import StationService
from broadcaster.web.desk import Desk
from tests.web.conftest import free_port


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _until(cond, limit: float) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {limit} s")


@pytest.mark.slow
def test_run_starts_the_desk_process_and_the_desk_acts_through_the_control_channel(
        station_dir: Path) -> None:
    port = free_port()
    amend(station_dir / "station.yaml", f'approval: required\nweb:\n  enabled: true\n  listen: "127.0.0.1:{port}"\n')
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    service = StationService(station, clock, player=FakePlayer(clock), file_logging=False,
                             signals=False, notify=lambda _m: None)
    names = [p.name for p in service.parts()]
    assert names.index("control") + 1 == names.index("web")
    (station.inbox_dir / "hop-to.txt").write_text("Tối nay họp tổ dân phố lúc 19h.",
                                                  encoding="utf-8")
    service.start()
    try:
        assert service.web is not None
        health = service.web.health_url
        _until(lambda: _up(health), 30)
        _until(lambda: any(r.state == "awaiting_approval" for r in service.store.active()), 30)
        (rec,) = service.store.active()
        desk = Desk(station, clock)
        assert desk.running() and desk.status() is not None
        service.alerter.alert("test", "power", "Mất điện lưới: đang chạy UPS")
        status = desk.status()
        assert status is not None and status.alerts[-1][1] == "Mất điện lưới: đang chạy UPS"
        desk.approve(rec.id, rec.content_hash, "chu-tich")  # through the control channel
        after = service.store.require(rec.id)
        assert after.state == "approved" and after.approved_by == "chu-tich"
        desk.withdraw(rec.id, "đã hoãn", "chu-tich")
        assert service.store.require(rec.id).state == "withdrawn"
        desk.close()
        proc = service.web.proc
        assert proc is not None
        os.kill(proc.pid, signal.SIGKILL)
        _until(lambda: service.web is not None and service.web.proc is not proc
               and _up(health), 20)
    finally:
        service.stop()
    assert service.stopped_parts.index("web") < service.stopped_parts.index("control")
    assert not _up(health)


@pytest.mark.sound
@pytest.mark.slow
def test_killing_the_desk_during_a_slot_leaves_the_airing_whole(station_dir: Path, pulse) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from broadcaster.air.asrun import AsRunLog
    from broadcaster.air.schedule import Slot
    from broadcaster.station import asrun_path

    port = free_port()
    amend(station_dir / "station.yaml", f'web:\n  enabled: true\n  listen: "127.0.0.1:{port}"\n')
    station = load_station(station_dir)
    (station.root / "tin.txt").write_text("Thông báo của Ủy ban nhân dân phường. Sáng mai có "
                                          "tiêm chủng tại trạm y tế phường.", encoding="utf-8")
    service = StationService(station, notify=lambda _m: None, file_logging=False, signals=False)
    service.start()
    try:
        assert service.web is not None
        health = service.web.health_url
        _until(lambda: _up(health), 30)
        when = (service.clock.now() + dt.timedelta(seconds=6)).replace(microsecond=0)
        slot = Slot.model_validate({"id": f"web-{when:%H%M%S}", "at": f"{when:%H:%M:%S}",
                                    "program": [{"jingle": "between"}, {"bulletin": "tin.txt"},
                                                {"jingle": "between"}]})
        service.add_one_off(slot, when)

        def row():  # type: ignore[no-untyped-def]
            log = AsRunLog(asrun_path(station), readonly=True)
            try:
                found = [r for r in log.rows(day=when.date()) if r.slot_id == slot.id]
            finally:
                log.close()
            return found[0] if found else None

        _until(lambda: (r := row()) is not None and r.outcome == "on_air", 60)
        proc = service.web.proc
        assert proc is not None
        os.kill(proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        _until(lambda: service.web is not None and service.web.proc is not proc, 5)
        assert time.monotonic() - killed < 5  # a new desk process within 5 s
        _until(lambda: (r := row()) is not None and r.outcome != "on_air", 90)
        final = row()
        assert final is not None and final.outcome == "aired", final
        assert "sound card" in final.sink  # on the PulseAudio null sink, not the file sink
        _until(lambda: _up(health), 20)  # the desk answers again
    finally:
        service.stop()
