"""Going live on a real PulseAudio server: a second null sink's monitor is the input, a known
signal played into it is found on the air sink's monitor; the program on air fades, a slot
that came due meanwhile airs late after the live segment, and an emergency takes the air from
live. The live segment is archived and logged with who started it and how long it ran."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from relayserver import RATE, band_noise
from scipy import signal

from broadcaster.air.asrun import AsRunLog, AsRunRow
from broadcaster.air.control import ControlError
from broadcaster.air.schedule import Slot
from broadcaster.config import Station, load_station
from broadcaster.messages import t
from broadcaster.station import StationService, asrun_path

pytestmark = [pytest.mark.sound, pytest.mark.slow]


@pytest.fixture
def mic(pulse) -> Iterator[str]:
    """A second null sink 'mic': what is played into it is the live input (its monitor)."""
    module = pulse.pactl("load-module", "module-null-sink", "sink_name=mic", "rate=48000",
                         "channels=1").strip()
    try:
        yield "pulse:mic.monitor"
    finally:
        pulse.pactl("unload-module", module)


def _speak_into(pulse, audio: np.ndarray, tmp_path: Path) -> threading.Thread:
    raw = tmp_path / "into-mic.raw"
    raw.write_bytes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    th = threading.Thread(target=subprocess.run, args=(
        ["pacat", "--device=mic", "--rate=48000", "--channels=1", "--format=s16le", "--raw",
         str(raw)],), kwargs={"env": pulse.env(), "check": False, "timeout": 30}, daemon=True)
    th.start()
    return th


def _find(needle: np.ndarray, hay: np.ndarray) -> tuple[int, float]:
    corr = signal.correlate(hay, needle, mode="valid", method="fft")
    energy = np.sqrt(np.maximum(signal.correlate(hay**2, np.ones(len(needle)), mode="valid",
                                                 method="fft"), 0))
    norm = corr / (np.linalg.norm(needle) * np.maximum(energy, 1e-3))
    i = int(np.argmax(norm))
    return i, float(norm[i])


def _slot(slot_id: str, when: dt.datetime, program: list[dict]) -> Slot:
    return Slot.model_validate({"id": slot_id, "at": f"{when:%H:%M:%S}", "program": program})


def _rows(station: Station, day: dt.date) -> list[AsRunRow]:
    log = AsRunLog(asrun_path(station))
    rows = log.rows(day=day)
    log.close()
    return rows


def _wait_rows(station: Station, day: dt.date, done: callable, seconds: float) -> list[AsRunRow]:
    end = time.monotonic() + seconds
    while True:
        rows = _rows(station, day)
        if done(rows) or time.monotonic() > end:
            return rows
        time.sleep(0.2)


def _live_on_air(station: Station, day: dt.date) -> float:
    """Wall time at which the live segment's first sample went out (waits up to 20 s)."""
    rows = _wait_rows(station, day, lambda rs: any(
        r.slot_id == "live" and r.started for r in rs), 20)
    started = next(r.started for r in rows if r.slot_id == "live")
    assert started is not None
    return dt.datetime.fromisoformat(started).timestamp()


def _recording(pulse, path: Path) -> subprocess.Popen[bytes]:
    rec = pulse.record(path)
    end = time.monotonic() + 10
    while (not path.exists() or path.stat().st_size == 0) and time.monotonic() < end:
        time.sleep(0.02)
    return rec


def test_live_fades_the_program_airs_the_input_then_the_held_slot_airs_late(
        station_dir: Path, pulse, mic: str, tmp_path: Path) -> None:
    sf.write(str(station_dir / "audio" / "long.wav"), 0.1 * band_noise(20, seed=5), RATE)
    station = load_station(station_dir)
    voice = band_noise(3.0, seed=9)  # what the duty officer 'says'
    recording = tmp_path / "air.raw"
    recorder = _recording(pulse, recording)
    service = StationService(station, notify=lambda _m: None)
    try:
        service.start()
        a = (service.clock.now() + dt.timedelta(seconds=6)).replace(microsecond=0)
        service.add_one_off(_slot("chuong-trinh", a, [{"audio": "audio/long.wav"}]), a)
        b = a + dt.timedelta(seconds=6)
        service.add_one_off(_slot("sau", b, [{"jingle": "between"}]), b)
        time.sleep(max(0.0, a.timestamp() + 3 - time.time()))
        asked = time.time()
        reply = service.handle({"cmd": "live_start", "by": "can-bo-truc", "input": mic})
        assert reply["ok"], reply
        with pytest.raises(Exception, match="can-bo-truc"):  # only one live at a time
            service.live_start("other", mic)
        on_air = _live_on_air(station, a.date())
        took = on_air - asked
        time.sleep(0.5)
        _speak_into(pulse, voice, tmp_path).join(30)
        time.sleep(1.0)
        stopped = service.handle({"cmd": "live_stop"})
        assert stopped["ok"], stopped
        rows = _wait_rows(station, a.date(), lambda rs: any(
            r.slot_id == "sau" and r.outcome not in ("on_air",) for r in rs), 30)
    finally:
        service.stop()
        recorder.terminate()
        recorder.wait(5)
    by_id = {r.slot_id: r for r in rows}
    assert took < 6.0, took  # fade, output handed over, input opened (a busy machine: ~2 s)
    assert by_id["chuong-trinh"].outcome == "interrupted"
    assert by_id["chuong-trinh"].reason == t("live.reason")
    live = by_id["live"]
    assert live.outcome == "aired" and live.ending == "completed", live
    assert "can-bo-truc" in live.reason and "by:can-bo-truc" in live.items
    assert live.archive and Path(live.archive).is_file()
    after = by_id["sau"]
    assert after.outcome == "late", after  # held during live, aired after it
    assert after.started is not None and live.ended is not None
    assert after.started >= live.ended
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    assert _found(voice, heard) >= 4  # the input went out on air
    archived, rate = sf.read(live.archive, dtype="float32")
    assert rate == RATE and _found(voice, archived) >= 4  # and into the archive


def _found(voice: np.ndarray, hay: np.ndarray) -> int:
    """How many of five 0.3 s pieces of ``voice`` are in ``hay`` (a busy machine may drop a
    block of the input now and then: a 20 ms gap breaks a long correlation)."""
    pieces = [voice[int(a * RATE): int((a + 0.3) * RATE)] for a in (0.4, 0.9, 1.4, 1.9, 2.4)]
    return sum(_find(p, hay)[1] > 0.8 for p in pieces)


def test_an_emergency_takes_the_air_from_live(station_dir: Path, pulse, mic: str) -> None:
    station = load_station(station_dir)
    service = StationService(station, notify=lambda _m: None)
    try:
        service.start()
        now = service.clock.now()
        service.live_start("can-bo-truc", mic)
        time.sleep(3.0)
        asked = service.clock.now()
        service.emergency("Khẩn cấp. Đây là tin thử.", 1)
        rows = _wait_rows(station, now.date(), lambda rs: any(
            r.slot_id == "emergency" and r.outcome != "on_air" for r in rs), 60)
        with pytest.raises(Exception, match=t("live.not_live")):
            service.live_stop()  # the emergency ended it
    finally:
        service.stop()
    by_id = {r.slot_id: r for r in rows}
    assert by_id["live"].ending == "emergency", by_id["live"]
    assert by_id["live"].outcome == "interrupted"
    assert by_id["emergency"].outcome == "emergency"
    started = dt.datetime.fromisoformat(by_id["emergency"].started)
    assert (started - asked).total_seconds() < 3.0  # it did not wait for live to end


def test_live_commands_without_a_running_station_say_so(station_dir: Path) -> None:
    from broadcaster.air.control import call

    with pytest.raises(ControlError):
        call(station_dir / "var", "live_start", by="x")


def test_a_live_input_that_fails_ends_the_segment_and_the_schedule_resumes(
        station_dir: Path, no_sound: None) -> None:
    station = load_station(station_dir)
    service = StationService(station, notify=lambda _m: None)
    try:
        service.start()
        now = service.clock.now()
        service.live_start("can-bo-truc", "khong-co-micro")
        rows = _wait_rows(station, now.date(), lambda rs: any(
            r.slot_id == "live" and r.outcome != "on_air" for r in rs), 30)
        assert service.live is not None and service.live.session is not None
        service.live.session.thread.join(10)
        assert not service.playout._held()  # the schedule is no longer held
    finally:
        service.stop()
    (live,) = [r for r in rows if r.slot_id == "live"]
    assert live.ending == "device_lost", live  # failed (before air) or interrupted (on air)
    assert live.outcome in ("failed", "interrupted"), live
    assert "khong-co-micro" in live.reason, live.reason
