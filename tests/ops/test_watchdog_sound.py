"""The watchdog on the real sound path: programs rendered with espeak-ng, aired by the playout on
a PulseAudio null sink, heard through the sink's monitor (``parec``): 15 s of digital silence
mid-program -> dead air within 10 s; a normal program -> no alert and a live output level;
sound while nothing airs -> alert."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.player import SoundCardPlayer
from broadcaster.air.playout import AirReport, Playout
from broadcaster.air.prepare import PreparedProgram, Preparer
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.clock import SystemClock
from broadcaster.config import Station
from broadcaster.models import WatchCheck
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.ears.listen import MonitorEar
from broadcaster.ops.ears.watchdog import OnAirNow, Watchdog, make_watchdog
from broadcaster.pipeline import Pipeline

pytestmark = [pytest.mark.sound, pytest.mark.slow]

SAY_1 = ("Thông báo của Ủy ban nhân dân phường. Sáng mai, từ bảy giờ đến mười một giờ, trạm y "
         "tế phường tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi.")
SAY_2 = ("Đề nghị các gia đình đưa con em đến đúng giờ, mang theo sổ tiêm chủng. Xin cảm ơn bà "
         "con đã chú ý lắng nghe.")


def _render(station: Station, items: list[dict], slot_id: str) -> PreparedProgram:
    clock = SystemClock(station.tz)
    preparer = Preparer(station, Pipeline(station, clock))
    now = clock.now()
    slot = Slot.model_validate({"id": slot_id, "at": f"{now:%H:%M:%S}", "program": items})
    return preparer.prepare(PlannedSlot(now.date(), slot, now))


@dataclass
class OnAir:
    """A playout airing on the null sink, watched by a watchdog on the sink's monitor."""

    playout: Playout
    dog: Watchdog
    alerter: Alerter
    asrun: AsRunLog
    clock: SystemClock

    def air(self, prepared: PreparedProgram, lead_s: float = 1.5
            ) -> tuple[threading.Thread, list[AirReport], dt.datetime]:
        start = self.clock.now() + dt.timedelta(seconds=lead_s)
        slot = Slot.model_validate({"id": prepared.key.rsplit("/", 1)[-1],
                                    "at": f"{start:%H:%M:%S}",
                                    "program": [{"silence_ms": 1}]})
        planned = PlannedSlot(start.date(), slot, start)
        self.playout._prepare = lambda _p: prepared  # the program rendered above
        out: list[AirReport] = []
        th = threading.Thread(target=lambda: out.append(self.playout.air(planned)), daemon=True)
        th.start()
        return th, out, start

    def watch_alerts(self) -> list[str]:
        return [msg for _, kind, msg in self.alerter.recent if kind == "watchdog"]


@pytest.fixture
def on_air(station: Station, pulse, tmp_path: Path) -> Iterator[OnAir]:  # type: ignore[no-untyped-def]
    clock = SystemClock(station.tz)
    player = SoundCardPlayer(clock, device=None, sample_rate=48000, lead_s=1.0, retry_s=5.0)
    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    playout = Playout(clock=clock, player=player, asrun=asrun, prepare=lambda _p: None,  # type: ignore[arg-type,return-value]
                      archive_dir=tmp_path / "archive", grace=dt.timedelta(minutes=5))
    alerter = Alerter(None, clock, min_interval_s=0)
    settings = station.settings.watchdog.model_copy(update={"monitor": "air.monitor"})
    dog = make_watchdog(settings, clock, alerter=alerter, station="Đài", mark=asrun.mark,
                        expected=lambda: OnAirNow(playout.on_air_label, playout.on_air_since),
                        state_file=tmp_path / "watchdog.json", sound_card=True,
                        player_report=lambda: player.last_error)
    assert [e.kind for e in dog.ears] == ["monitor"], dog.no_monitor
    dog.start()
    try:
        yield OnAir(playout, dog, alerter, asrun, clock)
    finally:
        dog.stop()
        asrun.close()


def _silence_at(wav: Path, seconds: float) -> float:
    """Where the first run of ``seconds`` of digital silence starts in ``wav`` (s)."""
    audio, rate = sf.read(str(wav), dtype="float32", always_2d=True)
    quiet = np.abs(audio).max(axis=1) == 0.0
    run = int(seconds * rate)
    csum = np.concatenate([[0], np.cumsum(quiet)])
    full = np.flatnonzero(csum[run:] - csum[:-run] == run)
    assert full.size, "the program has no such silence"
    return float(full[0] / rate)


def test_fifteen_seconds_of_silence_mid_program_raise_dead_air_within_ten_seconds(
        station: Station, on_air: OnAir) -> None:
    prepared = _render(station, [{"jingle": "open"}, {"say": SAY_1}, {"silence_ms": 15000},
                                 {"say": SAY_2}, {"jingle": "close"}], "watch-dead")
    silent_at = _silence_at(prepared.wav, 14.0)
    th, out, start = on_air.air(prepared)
    detected: dt.datetime | None = None
    deadline = time.monotonic() + prepared.duration_ms / 1000 + 20
    while time.monotonic() < deadline and th.is_alive():
        if detected is None and any(s.check == WatchCheck.DEAD_AIR for s in on_air.dog.failing()):
            detected = on_air.clock.now()
        time.sleep(0.05)
    th.join(30)
    assert out and out[0].outcome == "aired", out
    assert detected is not None, f"no dead air heard; status {on_air.dog.status()}"
    began = (out[0].started or start) + dt.timedelta(seconds=silent_at)
    after = (detected - began).total_seconds()
    assert 7.0 < after <= 10.0, after  # not before the silence could count, within 10 s
    (alert,) = on_air.watch_alerts()
    assert "watch-dead" in alert
    time.sleep(0.5)
    on_air.dog.tick()
    assert on_air.dog.failing() == []  # the speech came back before the end
    kinds = [m.kind for m in on_air.asrun.marks()]
    assert kinds == ["watchdog.dead_air", "watchdog.dead_air"]  # began, and was back


def test_a_normal_program_raises_nothing_and_the_level_moves_five_times_a_second(
        station: Station, on_air: OnAir) -> None:
    prepared = _render(station, [{"jingle": "open"}, {"say": SAY_1}, {"say": SAY_2},
                                 {"jingle": "between"}, {"say": SAY_1}, {"jingle": "close"}],
                       "watch-normal")
    th, out, _ = on_air.air(prepared)
    seen: set[str] = set()
    loud: list[float] = []
    while th.is_alive():
        level = on_air.dog.output_level()
        if level is not None:
            seen.add(str(level["at"]))
            loud.append(float(level["rms_dbfs"]))  # type: ignore[arg-type]
        time.sleep(0.02)
    th.join(30)
    time.sleep(8)  # the tail and the idle grace: no "sound while idle" either
    on_air.dog.tick()
    assert out and out[0].outcome == "aired"
    assert on_air.watch_alerts() == [] and on_air.dog.failing() == []
    assert on_air.asrun.marks() == []
    seconds = prepared.duration_ms / 1000
    assert len(seen) >= 5 * seconds * 0.8, (len(seen), seconds)  # >= 5 levels a second
    assert max(loud) > -30  # the program was heard at its level
    status = {(s["ear"], s["check"]): s for s in on_air.dog.status()}
    assert all(s["ok"] for s in status.values()), status


def test_sound_while_nothing_airs_raises_an_alert(station: Station, on_air: OnAir,
                                                  tmp_path: Path) -> None:
    tone = tmp_path / "tone.wav"
    t = np.arange(48000 * 16) / 48000
    sf.write(str(tone), (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 48000)
    other = SoundCardPlayer(on_air.clock, device=None, sample_rate=48000, lead_s=1.0)
    time.sleep(station.settings.watchdog.idle_grace_seconds)  # idle since the watch began
    began = on_air.clock.now() + dt.timedelta(seconds=1)
    th = threading.Thread(target=lambda: other.play(tone, began), daemon=True)
    th.start()  # something else plays to the loudspeakers: the playout is idle
    detected = None
    while th.is_alive() and detected is None:
        if any(s.check == WatchCheck.UNEXPECTED_SOUND for s in on_air.dog.failing()):
            detected = on_air.clock.now()
        time.sleep(0.05)
    th.join(30)
    assert detected is not None, on_air.dog.status()
    lag = (detected - began).total_seconds()
    assert 4.5 < lag < 9.0, lag  # unexpected_sound_seconds (5) plus the window
    assert len(on_air.watch_alerts()) == 1
    assert [m.kind for m in on_air.asrun.marks()] == ["watchdog.unexpected_sound"]


def test_the_monitor_probe_names_what_is_missing(pulse) -> None:  # type: ignore[no-untyped-def]
    assert MonitorEar.probe("air.monitor") == (True, "air.monitor")
    found, why = MonitorEar.probe("nowhere.monitor")
    assert not found and "nowhere.monitor" in why and "air.monitor" in why


def test_the_running_station_listens_to_its_sound_card(station: Station, pulse) -> None:  # type: ignore[no-untyped-def]
    from broadcaster.station import StationService

    clock = SystemClock(station.tz)
    player = SoundCardPlayer(clock, device=None, sample_rate=48000, lead_s=1.0, retry_s=5.0)
    said: list[str] = []
    service = StationService(station, clock, player=player, notify=said.append,
                             file_logging=False, signals=False, web=False)
    service.start()
    try:
        level = None
        deadline = time.monotonic() + 15
        while level is None and time.monotonic() < deadline:
            level = service.status()["output_level"]
            time.sleep(0.1)
        time.sleep(1.0)
        status = service.status()
    finally:
        service.stop()
    assert level is not None and float(level["rms_dbfs"]) <= -100  # type: ignore[index]
    lines = {(s["ear"], s["check"]): s for s in status["watchdog"]}  # type: ignore[attr-defined]
    assert lines[("monitor", "listening")]["ok"] is True, lines
    assert all(s["ok"] for s in lines.values()), lines
    assert any("monitor" in m for m in said), said  # the operator is told what is heard
