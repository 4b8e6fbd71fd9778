"""The operator's words, one language, one clock (issue 11 points 7 and 8): the as-run log, the
monthly report and the console speak the station's language and time; demo airings stay out of
the ward's report; ``bulletins --format json`` has one approval field."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from broadcaster.air.asrun import AsRunLog
from broadcaster.cli import main
from broadcaster.config import Station
from broadcaster.ops.logs import ConsoleFilter, StationFormatter
from broadcaster.ops.report import build_report, to_html
from broadcaster.station import asrun_path


def _rows(station: Station, day: dt.date) -> None:
    log = AsRunLog(asrun_path(station))
    at = dt.datetime.combine(day, dt.time(6, 0), station.tz)
    log.record(slot_key=f"{day}/sang", slot_id="sang", slot_name="Buổi sáng", scheduled=at,
               outcome="missed", now=at, reason="trạm không chạy")
    demo = at + dt.timedelta(hours=5)
    log.record(slot_key=f"{day}/demo-110000", slot_id="demo-110000", slot_name="Demo",
               scheduled=demo, outcome="aired", now=demo, started=demo,
               ended=demo + dt.timedelta(minutes=3))
    log.close()


@pytest.mark.parametrize(("lang", "word", "foreign"), [("vi", "bỏ lỡ", "missed"),
                                                        ("en", "missed", "bỏ lỡ")])
def test_the_log_speaks_the_station_language(station: Station, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch, lang: str,
                                             word: str, foreign: str) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", lang)
    day = dt.date(2026, 12, 1)
    _rows(station, day)
    assert main(["--station", str(station.root), "log", "--date", str(day)]) == 0
    out = capsys.readouterr().out
    assert word in out and foreign not in out
    assert ("kết quả" in out) == (lang == "vi")


def test_the_monthly_report_is_in_one_language_and_leaves_demo_airings_out(
        station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "vi")
    day = dt.date(2026, 12, 1)
    _rows(station, day)
    log = AsRunLog(asrun_path(station))
    rows = log.rows(month="2026-12")
    log.close()
    assert len(rows) == 2
    rep = build_report("2026-12", "Đài", rows, [("tin", 1, f"{day}/demo-110000", "x")], {})
    assert [s.slot_id for s in rep.slots] == ["sang"] and rep.bulletins == []
    page = to_html(rep)
    assert "Báo cáo phát thanh tháng 2026-12" in page and "bỏ lỡ" in page
    assert "total airtime" not in page and "missed" not in page and "Demo" not in page


def test_log_times_are_station_local_and_speech_retries_stay_off_the_console(
        station: Station) -> None:
    record = logging.LogRecord("broadcaster.air.playout", logging.WARNING, __file__, 1, "x", (),
                               None)
    record.created = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC).timestamp()
    record.msecs = 0
    stamp = StationFormatter(station.tz).formatTime(record)
    assert stamp.startswith("2026-12-01 07:30:00")  # Asia/Ho_Chi_Minh, whatever the machine's
    keep = ConsoleFilter()
    retry = logging.LogRecord("broadcaster.speech.render", logging.WARNING, __file__, 1,
                              "gtts failed; trying the next engine", (), None)
    broken = logging.LogRecord("broadcaster.speech.render", logging.ERROR, __file__, 1,
                               "every speech engine failed", (), None)
    assert not keep.filter(retry) and keep.filter(broken) and keep.filter(record)


def test_bulletins_json_has_one_approval_field(station: Station,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from broadcaster.clock import SystemClock
    from broadcaster.inbox.ingest import Ingester
    from broadcaster.inbox.store import BulletinStore, store_path

    store = BulletinStore(store_path(station), approval="required", now=SystemClock(station.tz).now())
    (station.inbox_dir / "tin.txt").write_text("Thông báo họp tổ dân phố.", encoding="utf-8")
    Ingester(station, store, SystemClock(station.tz)).drain()
    store.close()
    assert main(["--station", str(station.root), "bulletins", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["approval"] == {"required": False, "approved": True, "by": "", "at": None,
                               "content_hash": row["content_hash"]}
    assert not {"approved_hash", "approved_by", "approved_at", "approved"} & set(row)


def test_approve_works_on_any_version_that_can_still_air_and_explains_otherwise(
        station: Station, capsys: pytest.CaptureFixture[str]) -> None:
    from broadcaster.clock import SystemClock
    from broadcaster.inbox.ingest import Ingester
    from broadcaster.inbox.store import BulletinStore, store_path

    now = SystemClock(station.tz).now()
    store = BulletinStore(store_path(station), approval="required", now=now)
    ingester = Ingester(station, store, SystemClock(station.tz))
    (station.inbox_dir / "tin.txt").write_text("Thông báo họp tổ dân phố.", encoding="utf-8")
    ingester.drain()
    (station.inbox_dir / "tin.txt").write_text("Thông báo họp tổ dân phố lúc 19 giờ.",
                                               encoding="utf-8")
    ingester.drain()
    (record,) = store.all()
    assert record.version == 2
    store.reject("tin", "sai giờ", by="chủ tịch", now=now)
    store.close()
    root = ["--station", str(station.root)]
    cfg = station.root / "station.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("approval: none", "approval: required"),
                   encoding="utf-8")
    assert main([*root, "approve", "tin@v1"]) == 1  # an older version: says which to review
    assert "phiên bản 2" in capsys.readouterr().err
    assert main([*root, "approve", "tin@v2", "--by", "chủ tịch"]) == 0  # rejected: may air again
    assert main([*root, "withdraw", "tin", "--reason", "hủy họp"]) == 0
    capsys.readouterr()
    assert main([*root, "approve", "tin"]) == 1
    err = capsys.readouterr().err
    assert "hủy họp" in err and "inbox/" in err  # why not, and what to do instead
