"""Playout core on a fake clock: on time, late within grace, missed, never twice, failures."""

from __future__ import annotations

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
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.clock import FakeClock
from broadcaster.errors import ProgramError
from broadcaster.messages import t

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 11, 30, 6, 0, tzinfo=TZ)


def _planned(at: dt.datetime, slot_id: str = "sang") -> PlannedSlot:
    slot = Slot.model_validate({"id": slot_id, "at": f"{at:%H:%M:%S}",
                                "program": [{"jingle": "open"}]})
    return PlannedSlot(at.date(), slot, at)


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "prog.wav"
    sf.write(str(path), np.zeros(48000 * 2, np.float32), 48000)  # two seconds
    return path


def _playout(tmp_path: Path, clock: FakeClock, wav: Path, fail_prepare: bool = False,
             player: FakePlayer | None = None) -> tuple[Playout, FakePlayer, AsRunLog]:
    def prepare(planned: PlannedSlot) -> PreparedProgram:
        if fail_prepare:
            raise ProgramError("espeak-ng missing")
        return PreparedProgram(planned.key, wav, "d1", ("jingle:open",), 2000)

    player = player or FakePlayer(clock)
    log = AsRunLog(tmp_path / "asrun.sqlite3")
    playout = Playout(clock=clock, player=player, asrun=log, prepare=prepare,
                      archive_dir=tmp_path / "archive", grace=dt.timedelta(minutes=10))
    return playout, player, log


def test_on_time_airing_is_logged_and_archived(tmp_path: Path, wav: Path) -> None:
    clock = FakeClock(START - dt.timedelta(minutes=10))
    playout, player, log = _playout(tmp_path, clock, wav)
    report = playout.air(_planned(START))
    assert report.outcome == "aired"
    assert player.played[0][2] == START  # first sample exactly at the slot time
    (row,) = log.rows(day=START.date())
    assert row.outcome == "aired" and row.offset_ms == 0.0
    assert Path(row.archive).is_file() and row.archive.endswith(".flac")
    assert sf.info(row.archive).duration == pytest.approx(2.0)


def test_late_start_within_grace_airs_late(tmp_path: Path, wav: Path) -> None:
    clock = FakeClock(START + dt.timedelta(minutes=4))  # PC booted at 06:04
    playout, _, log = _playout(tmp_path, clock, wav)
    assert playout.air(_planned(START)).outcome == "late"
    (row,) = log.rows(day=START.date())
    assert row.outcome == "late" and row.offset_ms == pytest.approx(240_000)
    assert row.reason == t("air.reason.late", seconds="240.0")  # the station's language


def test_beyond_grace_is_missed_with_reason(tmp_path: Path, wav: Path) -> None:
    clock = FakeClock(START + dt.timedelta(minutes=11))
    playout, player, log = _playout(tmp_path, clock, wav)
    assert playout.air(_planned(START)).outcome == "missed"
    assert player.played == []
    (row,) = log.rows(day=START.date())
    assert row.outcome == "missed"
    assert row.reason == t("air.reason.not_running", at="06:00:00", late="660", grace="600")


def test_nothing_airs_twice(tmp_path: Path, wav: Path) -> None:
    clock = FakeClock(START - dt.timedelta(seconds=5))
    playout, player, log = _playout(tmp_path, clock, wav)
    planned = _planned(START)
    playout.air(planned)
    assert playout.air(planned).outcome == "skipped"
    assert len(player.played) == 1 and len(log.rows(day=START.date())) == 1


def test_preparation_failure_is_logged_failed_with_reason(tmp_path: Path, wav: Path) -> None:
    clock = FakeClock(START - dt.timedelta(minutes=10))
    playout, player, log = _playout(tmp_path, clock, wav, fail_prepare=True)
    assert playout.air(_planned(START)).outcome == "failed"
    (row,) = log.rows(day=START.date())
    assert row.outcome == "failed" and "espeak-ng missing" in row.reason


def test_player_failure_never_raises(tmp_path: Path, wav: Path) -> None:
    clock = FakeClock(START - dt.timedelta(minutes=1))
    playout, _, log = _playout(tmp_path, clock, wav, player=FakePlayer(clock, fail="device gone"))
    assert playout.air(_planned(START)).outcome == "failed"
    assert log.rows(day=START.date())[0].reason == "device gone"


def test_a_relay_that_cannot_start_airs_its_fallback_never_silence(tmp_path: Path,
                                                                    wav: Path) -> None:
    from broadcaster.air.playout import RelayNotStarted

    clock = FakeClock(START - dt.timedelta(minutes=10))
    playout, player, log = _playout(tmp_path, clock, wav)
    told: list[str] = []
    playout.notify = told.append  # type: ignore[method-assign]

    def relay(planned: PlannedSlot, prepared: PreparedProgram) -> object:
        raise RelayNotStarted("the fallback file is empty")

    playout.relay = relay  # type: ignore[assignment]
    slot = Slot.model_validate({"id": "vov", "at": f"{START:%H:%M:%S}", "program": [
        {"relay": {"url": "http://127.0.0.1:9/vov1.mp3", "minutes": 1,
                   "fallback": str(wav)}}]})
    report = playout.air(PlannedSlot(START.date(), slot, START))
    assert report.outcome == "aired" and player.played  # the prepared fallback went out
    (row,) = log.rows(day=START.date())
    assert row.outcome == "aired"
    assert any("the fallback file is empty" in m for m in told)
