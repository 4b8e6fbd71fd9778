"""Weeks of playout on a fake clock: midnight, restarts, late start, every slot accounted for."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.player import FakePlayer
from broadcaster.air.playout import Playout
from broadcaster.air.prepare import PreparedProgram
from broadcaster.air.schedule import PlannedSlot, Schedule
from broadcaster.air.scheduler import SlotScheduler
from broadcaster.air.simulate import FakeJobScheduler
from broadcaster.clock import FakeClock
from broadcaster.messages import t

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = """
slots:
  - id: sang
    at: "06:00"
    program: [{jingle: open}]
  - id: chieu
    at: "17:00"
    days: [t2, t3, t4, t5, t6]
    program: [{jingle: open}]
  - id: khuya
    at: "23:59:50"
    days: [t7]
    program: [{jingle: open}]
"""


class Station:
    """Just enough of a station to restart playout like the real one does."""

    def __init__(self, tmp: Path, clock: FakeClock, schedule: Schedule) -> None:
        self.tmp, self.clock, self.schedule = tmp, clock, schedule
        self.wav = tmp / "prog.wav"
        sf.write(str(self.wav), np.zeros(48000 * 30, np.float32), 48000)  # 30 s programs
        self.asrun_path = tmp / "asrun.sqlite3"
        self.prepared: list[str] = []
        self.jobs: FakeJobScheduler | None = None
        self.player = FakePlayer(clock)

    def prepare(self, planned: PlannedSlot) -> PreparedProgram:
        self.prepared.append(planned.key)
        return PreparedProgram(planned.key, self.wav, "h", ("jingle:open",), 30_000)

    def start(self) -> None:
        self.asrun = AsRunLog(self.asrun_path)
        self.asrun.settle_unfinished(self.clock.now(), "station stopped during airing")
        grace = dt.timedelta(minutes=10)
        playout = Playout(clock=self.clock, player=self.player, asrun=self.asrun,
                          prepare=self.prepare, archive_dir=self.tmp / "archive", grace=grace)
        self.jobs = FakeJobScheduler(self.clock)
        self.slots = SlotScheduler(playout, lambda: self.schedule, self.clock, tz=TZ,
                                   preroll=dt.timedelta(minutes=10), grace=grace,
                                   scheduler=self.jobs)
        self.slots.start()

    def stop(self) -> None:
        self.slots.shutdown()
        self.asrun.close()

    def run_until(self, when: dt.datetime) -> None:
        assert self.jobs is not None
        self.jobs.run_until(when)


@pytest.fixture
def schedule(tmp_path: Path) -> Schedule:
    folder = tmp_path / "schedules"
    folder.mkdir()
    (folder / "week.yaml").write_text(WEEK, encoding="utf-8")
    (folder / "2026-12-10.yaml").write_text("no_broadcast: true\n", encoding="utf-8")
    (folder / "2026-12-11.yaml").write_text(
        "cancel: [chieu]\nslots:\n  - id: hop-dan\n    at: '19:30'\n    program: [{say: họp}]\n",
        encoding="utf-8")
    return Schedule.load(folder, TZ)


def _expected(schedule: Schedule, first: dt.datetime, last: dt.datetime) -> set[str]:
    keys = set()
    day = first.date()
    while day <= last.date():
        keys |= {p.key for p in schedule.plan(day) if first <= p.start < last}
        day += dt.timedelta(days=1)
    return keys


def test_thirty_days_every_slot_aired_exactly_once_on_time(tmp_path: Path, schedule: Schedule) -> None:
    t0 = dt.datetime(2026, 12, 1, 0, 0, 1, tzinfo=TZ)
    t1 = t0 + dt.timedelta(days=30)
    clock = FakeClock(t0)
    st = Station(tmp_path, clock, schedule)
    st.start()
    st.run_until(t1)
    st.stop()
    rows = AsRunLog(st.asrun_path).rows()
    keys = [r.slot_key for r in rows]
    assert collections.Counter(keys).most_common(1)[0][1] == 1  # nothing twice
    assert set(keys) == _expected(schedule, t0, t1)
    assert all(r.outcome == "aired" and r.offset_ms == 0.0 for r in rows)
    assert "2026-12-10/sang" not in keys  # no-broadcast day
    assert "2026-12-11/hop-dan" in keys and "2026-12-11/chieu" not in keys
    # the Saturday slot at 23:59:50 runs across midnight without disturbing Sunday 06:00
    assert "2026-12-05/khuya" in keys and "2026-12-06/sang" in keys
    # every program was prepared ahead (pre-roll), once
    assert collections.Counter(st.prepared).most_common(1)[0][1] == 1


def test_restarts_late_and_missed_slots_are_each_logged_once(tmp_path: Path, schedule: Schedule) -> None:
    t0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=TZ)  # a Tuesday
    clock = FakeClock(t0)
    st = Station(tmp_path, clock, schedule)
    st.start()
    st.run_until(dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ))
    st.stop()  # PC off from 12:00 ... through the night ...
    clock.set(dt.datetime(2026, 12, 2, 6, 4, tzinfo=TZ))  # ... booted at 06:04 next morning
    st.start()
    st.run_until(dt.datetime(2026, 12, 2, 16, 0, tzinfo=TZ))
    st.stop()  # off again at 16:00, back at 17:30 (beyond grace for 17:00)
    clock.set(dt.datetime(2026, 12, 2, 17, 30, tzinfo=TZ))
    st.start()
    st.run_until(dt.datetime(2026, 12, 3, 18, 0, tzinfo=TZ))
    st.stop()
    rows = {r.slot_key: r for r in AsRunLog(st.asrun_path).rows()}
    assert rows["2026-12-01/sang"].outcome == "aired"
    assert rows["2026-12-01/chieu"].outcome == "missed"  # while the PC was off overnight
    assert rows["2026-12-02/sang"].outcome == "late"
    assert rows["2026-12-02/sang"].offset_ms == pytest.approx(240_000, abs=1000)
    assert rows["2026-12-02/chieu"].outcome == "missed"
    assert rows["2026-12-02/chieu"].reason == t("air.reason.not_running", at="17:00:00",
                                                 late="1800", grace="600")
    assert rows["2026-12-03/sang"].outcome == "aired"
    assert rows["2026-12-03/chieu"].outcome == "aired"
    assert len(rows) == 6


def test_killed_mid_air_is_interrupted_and_not_aired_again(tmp_path: Path, schedule: Schedule) -> None:
    t0 = dt.datetime(2026, 12, 1, 5, 59, tzinfo=TZ)
    clock = FakeClock(t0)
    st = Station(tmp_path, clock, schedule)
    st.asrun = AsRunLog(st.asrun_path)
    start = dt.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
    st.asrun.begin(slot_key="2026-12-01/sang", slot_id="sang", slot_name="sang",
                   scheduled=start, now=start)  # what a SIGKILL mid-air leaves behind
    st.asrun.close()
    clock.set(start + dt.timedelta(seconds=20))
    st.start()
    st.run_until(start + dt.timedelta(hours=1))
    st.stop()
    (row,) = [r for r in AsRunLog(st.asrun_path).rows() if r.slot_key == "2026-12-01/sang"]
    assert row.outcome == "interrupted" and st.player.played == []


def test_failed_preparation_is_retried_before_air(tmp_path: Path, schedule: Schedule) -> None:
    from broadcaster.errors import ProgramError

    t0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=TZ)
    clock = FakeClock(t0)
    st = Station(tmp_path, clock, schedule)
    attempts: list[dt.datetime] = []
    ok = st.prepare

    def flaky(planned: PlannedSlot) -> PreparedProgram:
        attempts.append(clock.now())
        if len(attempts) < 3:
            raise ProgramError("speech not ready")
        ready = ok(planned)
        return PreparedProgram(ready.key, ready.wav, ready.digest, ready.items, ready.duration_ms,
                               warnings=("bulletin a.txt: file not found",))

    st.prepare = flaky  # type: ignore[method-assign]
    st.start()
    st.run_until(dt.datetime(2026, 12, 1, 6, 30, tzinfo=TZ))
    st.stop()
    start = dt.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
    assert len(attempts) == 3 and all(a < start for a in attempts)  # all before air time
    (row,) = [r for r in AsRunLog(st.asrun_path).rows() if r.slot_key == "2026-12-01/sang"]
    assert row.outcome == "aired" and "a.txt: file not found" in row.reason


def test_an_outage_of_days_logs_every_swallowed_slot_as_missed(tmp_path: Path,
                                                                schedule: Schedule) -> None:
    t0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=TZ)
    clock = FakeClock(t0)
    st = Station(tmp_path, clock, schedule)
    st.start()
    st.run_until(dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ))
    st.stop()
    clock.set(dt.datetime(2026, 12, 4, 12, 0, tzinfo=TZ))  # back three days later, at noon
    st.start()
    st.run_until(dt.datetime(2026, 12, 4, 12, 1, tzinfo=TZ))
    st.stop()
    rows = {r.slot_key: r.outcome for r in AsRunLog(st.asrun_path).rows()}
    expected = _expected(schedule, dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ),
                         dt.datetime(2026, 12, 4, 12, 0, tzinfo=TZ))
    assert expected and all(rows[k] == "missed" for k in expected)
    assert rows["2026-12-01/sang"] == "aired"


def test_a_slot_changed_after_pre_roll_airs_its_new_program(tmp_path: Path,
                                                             schedule: Schedule) -> None:
    t0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=TZ)
    clock = FakeClock(t0)
    st = Station(tmp_path, clock, schedule)
    st.start()
    st.run_until(dt.datetime(2026, 12, 1, 5, 55, tzinfo=TZ))  # prepared at 05:50
    assert st.prepared.count("2026-12-01/sang") == 1
    changed = Schedule.load(schedule.folder, TZ)
    (changed.folder / "2026-12-01.yaml").write_text(
        "slots:\n  - id: sang\n    at: '06:00'\n    program: [{say: 'sửa lại'}]\n",
        encoding="utf-8")
    st.schedule = Schedule.load(schedule.folder, TZ)
    st.slots.replan()
    st.run_until(dt.datetime(2026, 12, 1, 6, 30, tzinfo=TZ))
    st.stop()
    assert st.prepared.count("2026-12-01/sang") == 2  # built again from the new items
