"""The as-run log and the archive are proof, for every way an airing can end: completed,
skipped, interrupted by an emergency, stopped, killed (settled at the restart from the
heartbeat) and device lost. The row keeps the real start (written at the first sample), the
last moment known on air, how it ended, and an archive of exactly what went out."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf

from broadcaster.air.asrun import AsRunLog, AsRunRow
from broadcaster.air.player import FakePlayer, Player
from broadcaster.air.playout import AirReport, Playout
from broadcaster.air.prepare import PreparedProgram
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.air.soundcard import FADE_S
from broadcaster.clock import FakeClock, SystemClock
from broadcaster.config import Station
from broadcaster.errors import ProgramError
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.heartbeat import Heartbeat, last_beat
from broadcaster.ops.monitor import Monitor

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RATE = 16000
PROGRAM_S = 30.0  # a long program; every early ending must archive only its beginning


def _tone(path: Path, seconds: float, freq: float = 440.0) -> Path:
    t_ = np.arange(int(seconds * RATE)) / RATE
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * freq * t_)).astype(np.float32), RATE)
    return path


def _planned(at: dt.datetime, slot_id: str = "sang") -> PlannedSlot:
    slot = Slot.model_validate({"id": slot_id, "at": f"{at:%H:%M:%S}",
                                "program": [{"jingle": "open"}]})
    return PlannedSlot(at.date(), slot, at)


@dataclass
class Air:
    playout: Playout
    asrun: AsRunLog
    wav: Path
    told: list[str]

    def rows(self) -> list[AsRunRow]:
        return self.asrun.rows()

    def row(self, slot_id: str = "sang") -> AsRunRow:
        (row,) = [r for r in self.rows() if r.slot_id == slot_id]
        return row

    def air_in_thread(self, planned: PlannedSlot) -> tuple[threading.Thread, list[AirReport]]:
        out: list[AirReport] = []
        th = threading.Thread(target=lambda: out.append(self.playout.air(planned)), daemon=True)
        th.start()
        return th, out

    def wait_started(self, slot_id: str = "sang", timeout: float = 10) -> AsRunRow:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rows = [r for r in self.rows() if r.slot_id == slot_id and r.started]
            if rows:
                return rows[0]
            time.sleep(0.01)
        raise AssertionError("the airing did not start")


def _air(tmp_path: Path, player: Callable[[SystemClock], Player] = FakePlayer,
         prepare: Callable[[PlannedSlot], PreparedProgram] | None = None,
         still_valid: Callable[[PreparedProgram, dt.datetime], bool] | None = None) -> Air:
    clock = SystemClock(TZ)
    wav = _tone(tmp_path / "prog.wav", PROGRAM_S)
    told: list[str] = []

    def ready(planned: PlannedSlot) -> PreparedProgram:
        return PreparedProgram(planned.key, wav, "d1", ("jingle:open",), int(PROGRAM_S * 1000))

    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    playout = Playout(clock=clock, player=player(clock), asrun=asrun, prepare=prepare or ready,
                      archive_dir=tmp_path / "archive", grace=dt.timedelta(minutes=10),
                      notify=told.append, still_valid=still_valid)
    return Air(playout, asrun, wav, told)


@pytest.fixture
def air(tmp_path: Path) -> Iterator[Air]:
    a = _air(tmp_path)
    yield a
    a.asrun.close()


def _seconds(path: str) -> float:
    info = sf.info(path)
    return info.frames / info.samplerate


def _soon(seconds: float = 0.5) -> dt.datetime:
    return dt.datetime.now(TZ) + dt.timedelta(seconds=seconds)


def _fades_out(path: str) -> bool:
    audio, rate = sf.read(path, dtype="float32")
    tail = audio[-int(FADE_S * rate):]
    quarters = [float(np.abs(q).max()) for q in np.array_split(tail, 4)]
    return all(b < a for a, b in zip(quarters, quarters[1:], strict=False)) and quarters[-1] < 0.1


def _monitor(station: Station, asrun: AsRunLog) -> tuple[Monitor, Alerter]:
    clock = SystemClock(TZ)
    alerter = Alerter(lambda title, body: True, clock, min_interval_s=0)
    monitor = Monitor(station, clock, alerter, asrun_path=asrun.path)
    return monitor, alerter


def _delivered(alerter: Alerter, n: int) -> list[str]:
    """The kinds of the alerts delivered, once ``n`` are (the alerter sends in a thread)."""
    end = time.monotonic() + 5
    while len(alerter.sent) < n and time.monotonic() < end:
        time.sleep(0.01)
    time.sleep(0.05)
    return sorted(a.kind for a in alerter.sent)


def test_completed_airing_keeps_its_start_end_and_whole_archive(air: Air) -> None:
    report = air.playout.air(_planned(_soon(0.3)))
    assert report.outcome == Outcome.AIRED
    row = air.row()
    assert row.ending == Ending.COMPLETED and row.started and row.ended
    assert _seconds(row.archive) == pytest.approx(PROGRAM_S, abs=0.01)
    assert row.program == str(air.wav)


def test_the_real_start_is_in_the_log_while_the_airing_is_still_on_air(air: Air) -> None:
    planned = _planned(_soon(0.3))
    th, _ = air.air_in_thread(planned)
    row = air.wait_started()
    assert row.outcome == Outcome.ON_AIR  # not finished yet, but its start is proof already
    assert abs(dt.datetime.fromisoformat(row.started or "").timestamp()
               - planned.start.timestamp()) < 0.05
    air.playout.stop_current()
    th.join(10)


def test_skip_archives_what_went_out_and_is_logged_not_alerted(air: Air,
                                                               station: Station) -> None:
    monitor, alerter = _monitor(station, air.asrun)
    th, out = air.air_in_thread(_planned(_soon(0.3)))
    air.wait_started()
    time.sleep(1.0)
    assert air.playout.skip() == "sang"
    th.join(10)
    row = air.row()
    assert row.outcome == Outcome.INTERRUPTED and row.ending == Ending.SKIPPED
    assert row.reason == t("air.reason.skipped")  # in the station's language
    assert row.started and row.ended
    # before: the archive held the whole 30 s program although 1.4 s went out
    assert _seconds(row.archive) == pytest.approx(1.0 + FADE_S, abs=0.2)
    assert _fades_out(row.archive)
    assert monitor.check_slots() == 0 and _delivered(alerter, 0) == []  # the operator's doing


def test_emergency_interruption_archives_both_airings_as_they_went_out(air: Air,
                                                                       tmp_path: Path) -> None:
    th, _ = air.air_in_thread(_planned(_soon(0.3)))
    air.wait_started()
    time.sleep(1.0)
    alert = _tone(tmp_path / "alert.wav", 2.0, 880)
    report = air.playout.emergency(PreparedProgram("k/emergency", alert, "e1", ("tone",), 2000))
    th.join(10)
    slot, emergency = air.row("sang"), air.row("emergency")
    assert slot.outcome == Outcome.INTERRUPTED and slot.ending == Ending.EMERGENCY
    assert slot.reason == t("air.reason.emergency")
    assert _seconds(slot.archive) == pytest.approx(1.0 + FADE_S, abs=0.2)
    assert report.outcome == Outcome.EMERGENCY and emergency.outcome == Outcome.EMERGENCY
    assert emergency.ending == Ending.COMPLETED and emergency.started
    assert _seconds(emergency.archive) == pytest.approx(2.0, abs=0.01)


def test_station_stop_archives_what_went_out_and_is_not_alerted(air: Air,
                                                                station: Station) -> None:
    monitor, alerter = _monitor(station, air.asrun)
    th, _ = air.air_in_thread(_planned(_soon(0.3)))
    air.wait_started()
    time.sleep(1.0)
    air.playout.closing = True
    air.playout.stop_current()
    assert air.playout.wait_idle(10)
    th.join(10)
    row = air.row()
    assert row.outcome == Outcome.INTERRUPTED and row.ending == Ending.STOPPED
    assert row.reason == t("air.reason.station_stopped")
    assert _seconds(row.archive) == pytest.approx(1.0 + FADE_S, abs=0.2)
    assert monitor.check_slots() == 0 and _delivered(alerter, 0) == []


def test_device_lost_archives_up_to_the_stall_and_alerts(tmp_path: Path,
                                                         station: Station) -> None:
    air = _air(tmp_path, player=lambda clock: FakePlayer(clock, stall_at_s=1.0))
    monitor, alerter = _monitor(station, air.asrun)
    report = air.playout.air(_planned(_soon(0.3)))
    row = air.row()
    assert report.outcome == Outcome.INTERRUPTED and row.ending == Ending.DEVICE_LOST
    assert row.started and row.ended and row.reason
    assert _seconds(row.archive) == pytest.approx(1.0, abs=0.01)
    assert monitor.check_slots() == 1
    assert _delivered(alerter, 2) == ["device", "slot"]
    assert t("outcome.interrupted") in next(a.message for a in alerter.sent if a.kind == "slot")


def _killed_on_air(tmp_path: Path, started: dt.datetime, beat_after_s: float | None
                   ) -> tuple[Path, Path]:
    """What a SIGKILL mid-air leaves: a row begun and started, a heartbeat never stopped."""
    wav = _tone(tmp_path / "prog.wav", PROGRAM_S)
    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    row = asrun.begin(slot_key=f"{started:%Y-%m-%d}/sang", slot_id="sang", slot_name="Sáng",
                      scheduled=started, now=started, program=str(wav), sink="sound card")
    asrun.mark_started(row, started, started)
    asrun.close()
    beat = tmp_path / "run" / "heartbeat.json"
    if beat_after_s is not None:
        Heartbeat(beat, FakeClock(started + dt.timedelta(seconds=beat_after_s)),
                  interval=10).beat()  # the last beat before the kill
    return wav, beat


def _restart(tmp_path: Path, beat: Path) -> tuple[Playout, AsRunLog, list[AsRunRow]]:
    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    clock = FakeClock(dt.datetime(2026, 11, 30, 9, 0, tzinfo=TZ))  # restarted much later
    playout = Playout(clock=clock, player=FakePlayer(clock), asrun=asrun,
                      prepare=lambda p: PreparedProgram(p.key, Path("x"), "d", (), 1),
                      archive_dir=tmp_path / "archive", grace=dt.timedelta(minutes=10))
    return playout, asrun, playout.settle_crashed(last_beat(beat))


def test_killed_airing_keeps_its_start_ends_at_the_last_heartbeat_and_is_archived(
        tmp_path: Path) -> None:
    started = dt.datetime(2026, 11, 30, 6, 0, 0, 3000, tzinfo=TZ)
    _, beat = _killed_on_air(tmp_path, started, beat_after_s=12.0)
    playout, asrun, settled = _restart(tmp_path, beat)
    (row,) = asrun.rows()
    assert settled == [row]
    # before: started None, ended = the restart time, no archive
    assert row.outcome == Outcome.INTERRUPTED and row.ending == Ending.KILLED
    assert row.started == "2026-11-30T06:00:00.003+07:00"
    assert row.ended == "2026-11-30T06:00:12.003+07:00"  # the last moment known on air
    assert row.reason == t("air.reason.killed", when="06:00:12")
    assert _seconds(row.archive) == pytest.approx(12.0, abs=0.01)
    assert asrun.has_final(row.slot_key)  # never aired a second time
    asrun.close()


def test_killed_after_its_program_ended_is_cut_at_the_program_end(tmp_path: Path) -> None:
    started = dt.datetime(2026, 11, 30, 6, 0, tzinfo=TZ)
    _, beat = _killed_on_air(tmp_path, started, beat_after_s=PROGRAM_S + 8)
    _, asrun, (row,) = _restart(tmp_path, beat)
    assert row.ended == (started + dt.timedelta(seconds=PROGRAM_S)).isoformat(
        timespec="milliseconds")
    assert _seconds(row.archive) == pytest.approx(PROGRAM_S, abs=0.01)
    asrun.close()


def test_killed_with_no_heartbeat_keeps_the_start_and_says_the_end_is_unknown(
        tmp_path: Path) -> None:
    started = dt.datetime(2026, 11, 30, 6, 0, tzinfo=TZ)
    _killed_on_air(tmp_path, started, beat_after_s=None)
    _, asrun, (row,) = _restart(tmp_path, tmp_path / "run" / "heartbeat.json")
    assert row.started and row.ended == row.started and row.ending == Ending.KILLED
    assert row.reason == t("air.reason.killed_unknown")
    asrun.close()


def test_killed_before_the_first_sample_can_air_at_the_restart(tmp_path: Path) -> None:
    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    at = dt.datetime(2026, 11, 30, 6, 0, tzinfo=TZ)
    asrun.begin(slot_key="2026-11-30/sang", slot_id="sang", slot_name="Sáng", scheduled=at,
                now=at - dt.timedelta(seconds=2))
    asrun.close()
    _, asrun, settled = _restart(tmp_path, tmp_path / "none.json")
    assert settled == [] and asrun.rows() == []  # nothing went out: nothing to prove
    assert not asrun.has_final("2026-11-30/sang")
    asrun.close()


def test_a_log_from_before_the_ending_column_is_upgraded_in_place(tmp_path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "asrun.sqlite3")
    db.executescript(
        "CREATE TABLE airings (id INTEGER PRIMARY KEY AUTOINCREMENT, slot_key TEXT NOT NULL,"
        " slot_id TEXT NOT NULL, slot_name TEXT NOT NULL DEFAULT '', scheduled TEXT NOT NULL,"
        " started TEXT, ended TEXT, offset_ms REAL, outcome TEXT NOT NULL,"
        " reason TEXT NOT NULL DEFAULT '', program_hash TEXT NOT NULL DEFAULT '',"
        " items TEXT NOT NULL DEFAULT '[]', archive TEXT NOT NULL DEFAULT '',"
        " sink TEXT NOT NULL DEFAULT '', logged_at TEXT NOT NULL);"
        "INSERT INTO airings (slot_key, slot_id, scheduled, outcome, logged_at)"
        " VALUES ('k', 'sang', '2026-11-01T06:00:00.000+07:00', 'aired', 'x');")
    db.close()
    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    (row,) = asrun.rows()
    assert row.outcome == "aired" and row.ending == "" and row.program == ""
    asrun.close()


@pytest.mark.parametrize("where", ["first", "after still_valid"])
def test_a_program_that_cannot_be_prepared_is_logged_failed_and_told(tmp_path: Path,
                                                                     where: str) -> None:
    calls: list[str] = []
    wav = _tone(tmp_path / "ok.wav", 1.0)

    def prepare(planned: PlannedSlot) -> PreparedProgram:
        calls.append(planned.key)
        if where == "first" or len(calls) > 1:
            raise ProgramError("espeak-ng missing")
        return PreparedProgram(planned.key, wav, "d1", (), 1000)

    air = _air(tmp_path, prepare=prepare, still_valid=lambda prepared, now: False)
    report = air.playout.air(_planned(_soon(0.3)))
    assert report.outcome == Outcome.FAILED
    row = air.row()
    assert row.outcome == Outcome.FAILED and "espeak-ng missing" in row.reason
    assert row.ending == Ending.NOT_STARTED and not row.archive
    # before: the re-preparation's failure was logged without a word to the operator
    assert air.told[-1] == t("air.failed", slot="sang", reason=row.reason)
    air.asrun.close()


@pytest.mark.sound
def test_on_a_real_sound_card_the_archive_is_what_the_listeners_heard(
        tmp_path: Path, pulse) -> None:  # type: ignore[no-untyped-def]
    from broadcaster.air.player import SoundCardPlayer

    def card(clock: SystemClock) -> Player:
        return SoundCardPlayer(clock, device=None, sample_rate=48000, lead_s=3.5)

    air = _air(tmp_path, player=card)
    recording = tmp_path / "monitor.raw"
    recorder = pulse.record(recording)
    try:
        time.sleep(0.3)
        th, _ = air.air_in_thread(_planned(_soon(4.5)))
        air.wait_started(timeout=15)
        time.sleep(1.5)
        assert air.playout.skip() == "sang"
        th.join(20)
        time.sleep(0.5)
    finally:
        recorder.terminate()
        recorder.wait(5)
    row = air.row()
    assert row.ending == Ending.SKIPPED and row.started
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(heard) > 0.003)
    heard_s = (loud[-1] - loud[0]) / 48000
    assert 1.5 < heard_s < PROGRAM_S / 2
    # the archive holds what went out, to the end of the fade (before: the whole 30 s)
    # (a busy machine's underruns make the card play a little less than the wall time it took:
    # within 0.3 s of what the monitor heard, against the whole 30 s program before)
    assert _seconds(row.archive) == pytest.approx(heard_s, abs=0.3)
    assert _fades_out(row.archive)
