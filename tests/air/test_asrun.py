"""As-run log on real SQLite: begin/finish, never twice, crash recovery, queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from broadcaster.air.asrun import AsRunLog

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 11, 26, 6, 0, tzinfo=TZ)


def test_airing_row_has_scheduled_and_actual_times_and_offset(tmp_path: Path) -> None:
    log = AsRunLog(tmp_path / "asrun.sqlite3")
    row = log.begin(slot_key="2026-11-26/sang", slot_id="sang", slot_name="Sáng", scheduled=T0,
                    now=T0, items=["jingle:open", "bulletin:a.txt"], program_hash="abc")
    assert log.has_final("2026-11-26/sang")  # on air counts: never started twice
    log.finish(row, outcome="aired", started=T0 + dt.timedelta(milliseconds=3),
               ended=T0 + dt.timedelta(minutes=5), scheduled=T0, archive="x.flac")
    (r,) = log.rows(day=T0.date())
    assert r.outcome == "aired" and r.offset_ms == 3.0
    assert r.started == "2026-11-26T06:00:00.003+07:00"
    assert r.items == ["jingle:open", "bulletin:a.txt"] and r.archive == "x.flac"
    assert log.rows(day=dt.date(2026, 11, 27)) == []
    assert log.rows(month="2026-11")[0].id == r.id


def test_crash_leaves_on_air_rows_marked_interrupted_at_restart(tmp_path: Path) -> None:
    log = AsRunLog(tmp_path / "asrun.sqlite3")
    log.begin(slot_key="k", slot_id="sang", slot_name="", scheduled=T0, now=T0)
    log.close()
    log = AsRunLog(tmp_path / "asrun.sqlite3")  # "restart"
    assert log.settle_unfinished(T0 + dt.timedelta(hours=1), "station stopped") == 1
    (r,) = log.rows(day=T0.date())
    assert r.outcome == "interrupted" and r.reason == "station stopped"
    assert log.last_scheduled() == T0
