"""Schedule files: weekly template, dated overrides, one-off slots, positioned errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcaster.air.schedule import Schedule, Slot
from broadcaster.errors import ScheduleError

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK = """
slots:
  - id: sang
    at: "06:00"
    days: [t2, t3, t4, t5, t6, t7, cn]
    program:
      - jingle: open
  - id: chieu
    at: "17:30:15"
    days: [mon, wed, fri]
    program:
      - say: "Xin chào"
"""


def _schedule(tmp_path: Path, files: dict[str, str]) -> Schedule:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Schedule.load(tmp_path, TZ)


def test_week_template_by_weekday_in_station_time(tmp_path: Path) -> None:
    s = _schedule(tmp_path, {"week.yaml": WEEK})
    monday = dt.date(2026, 11, 30)
    planned = s.plan(monday)
    assert [p.key for p in planned] == ["2026-11-30/sang", "2026-11-30/chieu"]
    assert planned[1].start == dt.datetime(2026, 11, 30, 17, 30, 15, tzinfo=TZ)
    assert [p.slot.id for p in s.plan(dt.date(2026, 12, 1))] == ["sang"]  # Tuesday


def test_dated_file_cancels_adds_and_no_broadcast(tmp_path: Path) -> None:
    s = _schedule(tmp_path, {
        "week.yaml": WEEK,
        "2026-11-30.yaml": "cancel: [chieu]\nslots:\n  - id: hop-dan\n    at: '19:00'\n"
                           "    program:\n      - say: 'Họp dân'\n",
        "2026-12-02.yaml": "no_broadcast: true\n",
        "2026-12-04.yaml": "replace_week: true\nslots:\n  - id: sang\n    at: '07:00'\n"
                           "    program:\n      - jingle: open\n",
    })
    assert [p.slot.id for p in s.plan(dt.date(2026, 11, 30))] == ["sang", "hop-dan"]
    assert s.plan(dt.date(2026, 12, 2)) == []
    friday = s.plan(dt.date(2026, 12, 4))
    assert [(p.slot.id, p.start.hour) for p in friday] == [("sang", 7)]


def test_one_off_slot(tmp_path: Path) -> None:
    s = _schedule(tmp_path, {"week.yaml": WEEK})
    slot = Slot.model_validate({"id": "demo", "at": "12:00:05", "program": [{"jingle": "open"}]})
    s.add_one_off(dt.date(2026, 12, 1), slot)
    assert [p.slot.id for p in s.plan(dt.date(2026, 12, 1))] == ["sang", "demo"]


def test_errors_name_file_line_column_with_hints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    bad = """slots:
  - id: sang
    at: "25:00"
    dayz: [t2]
    program:
      - jingel: open
  - id: Chieu
    at: "17:00"
    days: [t9]
    program:
      - say: "x"
"""
    with pytest.raises(ScheduleError) as err:
        _schedule(tmp_path, {"week.yaml": bad})
    text = "\n".join(err.value.problems)
    path = str(tmp_path / "week.yaml")
    assert f"{path}:3:9" in text and "25:00" in text
    assert f"{path}:4:5" in text and "did you mean 'days'" in text
    assert f"{path}:6:9" in text and "did you mean 'jingle'" in text
    assert f"{path}:7:9" in text and "Chieu" in text
    assert f"{path}:9:11" in text and "t9" in text
    assert len(err.value.problems) == 5


def test_unquoted_time_is_understood(tmp_path: Path) -> None:
    s = _schedule(tmp_path, {"week.yaml": "slots:\n  - id: a\n    at: 06:30\n    program:\n"
                                          "      - jingle: open\n"})
    assert s.plan(dt.date(2026, 12, 1))[0].start.time() == dt.time(6, 30)


def test_errors_in_vietnamese_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)
    with pytest.raises(ScheduleError) as err:
        _schedule(tmp_path, {"week.yaml": "slots:\n  - id: a\n    at: '6h'\n    dayz: [t2]\n"
                                          "    program: [{jingle: open}]\n"})
    text = "\n".join(err.value.problems)
    assert "không phải giờ" in text and "có phải ý bạn là 'days'" in text
