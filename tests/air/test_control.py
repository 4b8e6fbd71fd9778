"""The running station from another terminal: status, skip, stop, load, emergency; token; loopback."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from stationfile import amend

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.control import ControlError, call
from broadcaster.air.schedule import Slot
from broadcaster.config import Station, load_station
from broadcaster.messages import t
from broadcaster.station import StationService, asrun_path


@pytest.fixture
def running(station_dir: Path, no_sound: None) -> Iterator[StationService]:
    # no quiet hours: the tests add slots an hour or two from whenever they run; slots a few
    # seconds ahead settle their bulletins 2 s before air (the shortest setting), not 8
    amend(station_dir / "station.yaml", "\npolicy:\n  quiet_hours: []\nplayout:\n  settle_seconds: 2\n")
    service = StationService(load_station(station_dir), notify=lambda m: None)
    service.start()
    try:
        yield service
    finally:
        service.stop()


def _rows(station: Station) -> list:
    log = AsRunLog(asrun_path(station))
    try:
        return log.rows(day=dt.datetime.now(station.tz).date())
    finally:
        log.close()


def _wait(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def _on_air(service: StationService, label: str) -> bool:
    """``label`` has reached its first sample (not just waiting for its start time)."""
    since = service.playout.on_air_since
    return (service.playout.on_air_label == label and since is not None
            and since <= service.clock.now())


def _long_slot(service: StationService, seconds_ahead: float = 1.5) -> Slot:
    when = (service.clock.now() + dt.timedelta(seconds=seconds_ahead + 1)).replace(microsecond=0)
    slot = Slot.model_validate({"id": f"dai-{when:%H%M%S}", "name": "Chương trình dài",
                                "at": f"{when:%H:%M:%S}",
                                "program": [{"jingle": "open"}, {"silence_ms": 60000}]})
    service.add_one_off(slot, when)
    return slot


def test_control_file_is_private_and_token_is_required(running: StationService) -> None:
    path = running.station.var_dir / "run" / "control.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    info = json.loads(path.read_text())
    with socket.create_connection(("127.0.0.1", info["port"]), timeout=5) as sock:
        sock.sendall(b'{"cmd": "status", "token": "wrong"}\n')
        reply = json.loads(sock.makefile("rb").readline())
    assert reply["ok"] is False
    assert call(running.station.var_dir, "status")["ok"] is True
    # the server listens on the loopback address only
    assert running.control is not None
    assert running.control.server.server_address[0] == "127.0.0.1"


def test_status_shows_on_air_and_next(running: StationService) -> None:
    slot = _long_slot(running)
    reply = call(running.station.var_dir, "status")
    assert any(n["slot"] == slot.name for n in reply["next"])
    _wait(lambda: call(running.station.var_dir, "status")["on_air"] == slot.name)
    reply = call(running.station.var_dir, "status")
    assert "FLAC file sink" in reply["output"]
    assert [e["name"] for e in reply["engines"]] == ["espeak"]
    assert reply["bulletins"] == []  # nothing in the inbox


def test_skip_fades_out_and_logs_interrupted(running: StationService) -> None:
    slot = _long_slot(running)
    _wait(lambda: _on_air(running, slot.name))
    assert slot.name in call(running.station.var_dir, "skip")["message"]
    _wait(lambda: any(r.slot_id == slot.id and r.outcome != "on_air" for r in _rows(running.station)))
    (row,) = [r for r in _rows(running.station) if r.slot_id == slot.id]
    assert row.outcome == "interrupted" and row.ending == "skipped"
    assert row.reason == t("air.reason.skipped")  # in the station's language


def test_emergency_interrupts_then_schedule_resumes(running: StationService) -> None:
    slot = _long_slot(running)
    _wait(lambda: _on_air(running, slot.name))
    asked = time.monotonic()
    call(running.station.var_dir, "emergency", text="Bão số chín đang tiến vào đất liền.",
         repeat=2)
    _wait(lambda: running.playout.on_air_label == "KHẨN CẤP / EMERGENCY", timeout=5)
    took = time.monotonic() - asked
    _wait(lambda: any(r.slot_id == "emergency" and r.outcome != "on_air"
                      for r in _rows(running.station)))
    rows = _rows(running.station)
    (interrupted,) = [r for r in rows if r.slot_id == slot.id]
    (emergency,) = [r for r in rows if r.slot_id == "emergency"]
    assert interrupted.outcome == "interrupted" and interrupted.ending == "emergency"
    assert emergency.outcome == "emergency"
    assert emergency.items == ["jingle:alert", "speech:emergency"] * 2
    assert took < 5  # (latency is measured in benchmarks/bench_playout.py)
    # the schedule resumes: a later slot still airs
    nxt = _long_slot(running, seconds_ahead=1)
    _wait(lambda: running.playout.on_air_label == nxt.name)


def test_load_refuses_invalid_and_keeps_previous(running: StationService, tmp_path: Path) -> None:
    bad = tmp_path / "week.yaml"
    bad.write_text("slots:\n  - id: a\n    at: '25:00'\n    program: [{jingle: open}]\n")
    with pytest.raises(ControlError) as err:
        call(running.station.var_dir, "load", path=str(bad))
    assert "25:00" in str(err.value)
    before = running.schedule
    assert not (running.station.schedules_dir / "week.yaml").exists()
    later = (dt.datetime.now(running.station.tz) + dt.timedelta(hours=1)).strftime("%H:%M")
    good = tmp_path / "week.yaml"
    good.write_text(f"slots:\n  - id: moi\n    at: '{later}'\n    program: [{{jingle: open}}]\n")
    call(running.station.var_dir, "load", path=str(good))
    assert running.schedule is not before
    assert (running.station.schedules_dir / "week.yaml").is_file()
    assert any(p.slot.id == "moi" for p in running.scheduler.planned.values())


def test_editing_a_schedule_file_reloads_it(running: StationService) -> None:
    later = (dt.datetime.now(running.station.tz) + dt.timedelta(hours=2)).replace(second=0)
    day_file = running.station.schedules_dir / f"{later:%Y-%m-%d}.yaml"
    day_file.write_text(f"slots:\n  - id: sua\n    at: '{later:%H:%M}'\n"
                        "    program: [{jingle: open}]\n", encoding="utf-8")
    _wait(lambda: any(p.slot.id == "sua" for p in running.scheduler.planned.values()), timeout=10)


def test_stop_command_ends_wait(running: StationService) -> None:
    waiter = threading.Thread(target=running.wait, daemon=True)
    waiter.start()
    waiter.join(timeout=1.0)
    assert waiter.is_alive(), "wait() returned before any stop was asked for"
    reply = call(running.station.var_dir, "stop")
    assert reply["ok"] is True and reply["message"]
    waiter.join(timeout=5.0)
    assert not waiter.is_alive(), "wait() still blocks after the stop command"


def test_commands_say_when_the_station_is_not_running(station: Station) -> None:
    with pytest.raises(ControlError) as err:
        call(station.var_dir, "status")
    assert "broadcaster run" in err.value.hint


def test_emergency_before_a_slot_starts_goes_first_and_the_slot_follows(
        running: StationService) -> None:
    when = (running.clock.now() + dt.timedelta(seconds=6)).replace(microsecond=0)
    slot = Slot.model_validate({"id": f"sau-{when:%H%M%S}", "name": "Sau khẩn cấp",
                                "at": f"{when:%H:%M:%S}",
                                "program": [{"jingle": "between"}]})
    running.add_one_off(slot, when)
    # the air job wakes 4 s ahead and waits for the slot time; the emergency arrives then
    _wait(lambda: running.playout.on_air_label is not None or
          running.clock.now() >= when - dt.timedelta(seconds=3), timeout=10)
    call(running.station.var_dir, "emergency", text="Mất điện từ mười giờ.", repeat=3)
    _wait(lambda: any(r.slot_id == slot.id and r.outcome != "on_air"
                      for r in _rows(running.station)), timeout=60)
    rows = _rows(running.station)
    (emergency,) = [r for r in rows if r.slot_id == "emergency"]
    (after,) = [r for r in rows if r.slot_id == slot.id]
    assert emergency.outcome == "emergency"
    assert after.outcome in ("aired", "late") and after.started > emergency.started


@pytest.mark.slow
def test_inbox_bulletins_are_selected_aired_and_counted(running: StationService) -> None:
    inbox = running.station.inbox_dir
    (inbox / "uu-tien.txt").write_text(
        "---\ntitle: Lịch cắt điện\npriority: priority\ntags: [dien]\n---\n"
        "Ngày mai cắt điện từ 7h đến 11h.\n", encoding="utf-8")
    (inbox / "nong-nghiep.txt").write_text(
        "---\ntitle: Phòng trừ sâu bệnh\ntags: [nong-nghiep]\nrepeat: 2\n---\n"
        "Bà con chú ý phun thuốc trừ sâu.\n", encoding="utf-8")
    (inbox / "y-te.txt").write_text(
        "---\ntitle: Tiêm chủng\ntags: [y-te]\n---\nTiêm chủng vào thứ 7.\n", encoding="utf-8")
    _wait(lambda: len(running.store.eligible(running.clock.now())) == 3, timeout=30)

    def slot_with(selection: dict, seconds: float) -> Slot:  # type: ignore[type-arg]
        when = (running.clock.now() + dt.timedelta(seconds=seconds)).replace(microsecond=0)
        slot = Slot.model_validate({"id": f"tin-{when:%H%M%S}", "at": f"{when:%H:%M:%S}",
                                    "program": [{"jingle": "open"}, {"bulletins": selection},
                                                {"jingle": "close"}]})
        running.add_one_off(slot, when)
        _wait(lambda: any(r.slot_id == slot.id and r.outcome not in ("on_air",)
                          for r in _rows(running.station)), timeout=90)
        return slot

    first = slot_with({"tags": ["nong-nghiep"]}, 3)
    (row,) = [r for r in _rows(running.station) if r.slot_id == first.id]
    assert row.outcome == "aired", row.reason
    bulletins = [i for i in row.items if i.startswith("bulletin:")]
    assert bulletins[0].startswith("bulletin:Lịch cắt điện@v1")  # priority first, any tag
    assert bulletins[1].startswith("bulletin:Phòng trừ sâu bệnh@v1")
    assert len(bulletins) == 2  # the health notice has another tag
    store = running.store
    left = {b.title: b.times_aired for b in store.eligible(running.clock.now())}
    assert left == {"Phòng trừ sâu bệnh": 1, "Tiêm chủng": 0}  # priority one aired its once
    second = slot_with({"tags": ["nong-nghiep", "y-te"]}, 3)
    (row,) = [r for r in _rows(running.station) if r.slot_id == second.id]
    assert [i.split("@")[0] for i in row.items if i.startswith("bulletin:")] == [
        "bulletin:Phòng trừ sâu bệnh", "bulletin:Tiêm chủng"]
    assert store.eligible(running.clock.now()) == []  # everything aired as often as asked


@pytest.mark.slow
def test_emergency_bulletin_dropped_in_the_inbox_interrupts_now(running: StationService) -> None:
    slot = _long_slot(running)
    _wait(lambda: _on_air(running, slot.name))
    (running.station.inbox_dir / "bao.txt").write_text(
        "---\ntitle: Bão khẩn cấp\npriority: emergency\n---\n"
        "Bão số chín đổ bộ trong đêm nay. Bà con không ra khơi.\n", encoding="utf-8")
    _wait(lambda: any(r.slot_id == "emergency" and r.outcome != "on_air"
                      for r in _rows(running.station)), timeout=60)
    rows = _rows(running.station)
    (interrupted,) = [r for r in rows if r.slot_id == slot.id]
    assert interrupted.outcome == "interrupted" and interrupted.ending == "emergency"
    (record,) = [b for b in running.store.all() if b.title == "Bão khẩn cấp"]
    _wait(lambda: running.store.get(record.id).times_aired == 1, timeout=10)
    time.sleep(2.5)  # the watch loop must not air it a second time
    assert len([r for r in _rows(running.station) if r.slot_id == "emergency"]) == 1


def test_a_bulletin_withdrawn_after_pre_roll_does_not_air(running: StationService) -> None:
    (running.station.inbox_dir / "huy.txt").write_text(
        "---\ntitle: Sẽ bị hủy\n---\nThông báo này sẽ bị rút lại.\n", encoding="utf-8")
    (running.station.inbox_dir / "giu.txt").write_text(
        "---\ntitle: Vẫn phát\n---\nThông báo này vẫn phát.\n", encoding="utf-8")
    _wait(lambda: len(running.store.eligible(running.clock.now())) == 2, timeout=30)
    when = (running.clock.now() + dt.timedelta(seconds=12)).replace(microsecond=0)
    slot = Slot.model_validate({"id": f"rut-{when:%H%M%S}", "at": f"{when:%H:%M:%S}",
                                "program": [{"bulletins": {}}]})
    running.add_one_off(slot, when)
    key = f"{when:%Y-%m-%d}/{slot.id}"
    _wait(lambda: running.playout.is_prepared(key), timeout=10)  # pre-roll done
    (record,) = [b for b in running.store.all() if b.title == "Sẽ bị hủy"]
    running.store.withdraw(record.id, "đã hủy", now=running.clock.now())
    _wait(lambda: any(r.slot_id == slot.id and r.outcome != "on_air"
                      for r in _rows(running.station)), timeout=60)
    (row,) = [r for r in _rows(running.station) if r.slot_id == slot.id]
    titles = [i.split("@")[0] for i in row.items if i.startswith("bulletin:")]
    assert titles == ["bulletin:Vẫn phát"]


def test_a_recorded_emergency_airs_after_the_tone_from_the_control_channel_and_the_inbox(
        running: StationService, tmp_path: Path) -> None:
    """An emergency recorded on a phone: sent by ``emergency FILE`` / the desk (the control
    channel's ``audio``), or dropped in inbox/ as an emergency recording: tone, then the
    recording, and the store counts the inbox one as aired."""
    from broadcaster.inbox.store import BulletinStore, store_path
    from tests.inbox.audiofiles import encode, speech_samples

    recording = encode(*speech_samples("Bão số chín, bà con vào nơi trú ẩn."), tmp_path / "bao.mp3")
    # ``broadcaster emergency FILE`` tells a recording by its bytes
    from broadcaster.cli import main

    assert main(["--station", str(running.station.root), "emergency", str(recording),
                 "--repeat", "1"]) == 0
    _wait(lambda: any(r.slot_id == "emergency" and r.outcome != "on_air"
                      for r in _rows(running.station)))
    (first,) = [r for r in _rows(running.station) if r.slot_id == "emergency"]
    assert first.outcome == "emergency" and first.items == ["jingle:alert", "recording:emergency"]
    with pytest.raises(ControlError):  # a path that is not there: said, nothing airs
        call(running.station.var_dir, "emergency", audio=str(tmp_path / "khong-co.mp3"))

    inbox = running.station.inbox_dir
    (inbox / "bao-khan.yaml").write_text("title: Bão khẩn\npriority: emergency\n", encoding="utf-8")
    (inbox / "bao-khan.mp3").write_bytes(recording.read_bytes())
    _wait(lambda: len([r for r in _rows(running.station) if r.slot_id == "emergency"
                       and r.outcome != "on_air"]) == 2, timeout=60)
    second = [r for r in _rows(running.station) if r.slot_id == "emergency"][-1]
    assert second.items[:2] == ["jingle:alert", "recording:emergency"]
    store = BulletinStore(store_path(running.station))
    try:
        (rec,) = store.all()
        assert rec.audio is not None and rec.times_aired == 1
    finally:
        store.close()
