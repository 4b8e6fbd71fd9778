"""Issue 11 point 3 (an empty or truncated schedule never wipes a day) and point 8 (``load`` says
what changed): an empty file is refused by validate and load; a file that removes slots says how
many and needs --yes (the control request's ``yes``); every replaced file is kept in
var/schedules-history/; load lists the slots added, removed and moved, with their times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from running_station import Running

from broadcaster.air.control import ControlError, call
from broadcaster.air.schedules import ChangeKind, ScheduleBook
from broadcaster.air.validate import validate_file
from broadcaster.cli import main
from broadcaster.clock import SystemClock
from broadcaster.config import Station

WEEK = """slots:
  - id: sang
    at: "06:00"
    program: [{jingle: open}]
  - id: chieu
    at: "17:00"
    program: [{jingle: close}]
"""
SPECIAL = """slots:
  - id: dac-biet
    at: "19:00"
    program: [{say: "Chương trình đặc biệt"}]
"""


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")


def _tomorrow(station: Station) -> dt.date:
    return SystemClock(station.tz).now().date() + dt.timedelta(days=1)


@pytest.mark.parametrize("text", ["", "\n# only a comment\n", "note: cut here\n", "slots: []\n",
                                  "replace_week: true\n"])
def test_empty_or_truncated_day_file_is_refused_by_validate(station: Station, text: str) -> None:
    path = station.schedules_dir / f"{_tomorrow(station)}.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = validate_file(path, station)
    assert problem.startswith(f"{path}:") and "no 'slots', 'cancel' or 'no_broadcast: true'" in problem


def test_empty_week_is_refused_and_a_real_day_off_is_accepted(station: Station) -> None:
    week = station.schedules_dir / "week.yaml"
    week.write_text("", encoding="utf-8")
    (problem,) = validate_file(week, station)
    assert problem.startswith(f"{week}:1:1:") and "has no slots" in problem
    day = station.schedules_dir / f"{_tomorrow(station)}.yaml"
    day.write_text("no_broadcast: true\n", encoding="utf-8")
    assert validate_file(day, station) == []


def test_load_of_an_empty_file_keeps_tomorrows_special_slot(station: Station, tmp_path: Path) -> None:
    """The bug report: ``load`` of an empty file answered "6 slots loaded" and tomorrow's
    special slot disappeared with no backup."""
    (station.schedules_dir / "week.yaml").write_text(WEEK, encoding="utf-8")
    name = f"{_tomorrow(station)}.yaml"
    (station.schedules_dir / name).write_text(SPECIAL, encoding="utf-8")
    empty = tmp_path / name
    empty.write_text("", encoding="utf-8")
    with Running(station) as service:
        with pytest.raises(ControlError) as err:
            call(station.var_dir, "load", path=str(empty))
        assert "no 'slots'" in str(err.value)
        assert "dac-biet" in [p.slot.id for p in service.schedule.plan(_tomorrow(station))]
    assert (station.schedules_dir / name).read_text(encoding="utf-8") == SPECIAL


def test_removing_slots_needs_yes_and_the_replaced_file_is_kept(
        station: Station, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (station.schedules_dir / "week.yaml").write_text(WEEK, encoding="utf-8")
    day = _tomorrow(station)
    target = station.schedules_dir / f"{day}.yaml"
    target.write_text(SPECIAL, encoding="utf-8")
    new = tmp_path / target.name
    new.write_text("cancel: [chieu]\n", encoding="utf-8")  # drops the special slot and chieu
    cli = ["--station", str(station.root), "load", str(new)]
    with Running(station) as service:
        assert main(cli) != 0
        out = capsys.readouterr()
        said = out.out + out.err
        assert "would remove 2 existing slot(s)" in said and "--yes" in said
        assert "dac-biet at 19:00 (removed)" in said and "chieu at 17:00 (removed)" in said
        assert target.read_text(encoding="utf-8") == SPECIAL  # nothing changed
        assert main([*cli, "--yes"]) == 0
        said = capsys.readouterr().out
        assert "Loaded schedule" in said and "dac-biet at 19:00 (removed)" in said
        assert [p.slot.id for p in service.schedule.plan(day)] == ["sang"]
        (kept,) = service.book.history(target.name)
        assert kept.read_text(encoding="utf-8") == SPECIAL and kept.parent.name == "schedules-history"
        # the web desk's way: the same request with its confirmation flag
        back = tmp_path / "back" / target.name
        back.parent.mkdir()
        back.write_text(SPECIAL, encoding="utf-8")
        reply = call(station.var_dir, "load", path=str(back), yes=False)  # adds only: no question
        assert reply["changes"] == [["added", "chieu", "", "17:00"], ["added", "dac-biet", "", "19:00"]]
        assert len(service.book.history(target.name)) == 2


def test_load_says_what_changed_with_times(station: Station, tmp_path: Path) -> None:
    (station.schedules_dir / "week.yaml").write_text(WEEK, encoding="utf-8")
    book = ScheduleBook(station, persist=True)
    book.reload()
    new = tmp_path / "week.yaml"
    new.write_text("""slots:
  - id: sang
    at: "06:30"
    program: [{jingle: open}]
  - id: chieu
    at: "17:00"
    program: [{jingle: open}, {say: "Thêm lời chào"}]
  - id: toi
    at: "19:00"
    days: [t2, t4]
    program: [{jingle: close}]
""", encoding="utf-8")
    result = book.install(new)
    assert result.installed
    kinds = [(c.kind, c.slot, c.before, c.after) for c in result.change.slots]
    assert kinds == [(ChangeKind.MOVED, "sang", "06:00 (every day)", "06:30 (every day)"),
                     (ChangeKind.CHANGED, "chieu", "17:00 (every day)", "17:00 (every day)"),
                     (ChangeKind.ADDED, "toi", "", "19:00 (mon, wed)")]
    text = result.message()
    assert "sang moved from 06:00 (every day) to 06:30 (every day)" in text
    assert "toi at 19:00 (mon, wed) (added)" in text
    fewer = tmp_path / "fewer" / "week.yaml"
    fewer.parent.mkdir()
    fewer.write_text(WEEK.split("  - id: chieu")[0], encoding="utf-8")
    refused = book.preview(fewer)
    assert refused.needs_confirmation and [c.slot for c in refused.change.removed] == ["chieu", "toi"]
    assert not book.install(fewer).installed  # not confirmed
    assert book.install(fewer, confirmed=True).installed
    assert [p.read_text(encoding="utf-8") for p in book.history("week.yaml")] == [
        WEEK, new.read_text(encoding="utf-8")]


def test_an_upload_is_previewed_then_installed_with_confirmation(station: Station) -> None:
    """The web desk's way: the content comes with the request, the change is shown, and the
    operator's confirmation installs it."""
    (station.schedules_dir / "week.yaml").write_text(WEEK, encoding="utf-8")
    book = ScheduleBook(station, persist=True)
    book.reload()
    upload = WEEK.split("  - id: chieu")[0].encode("utf-16")  # saved by Windows Notepad
    shown = book.preview(Path("week.yaml"), upload)
    assert shown.needs_confirmation and "chieu at 17:00 (every day) (removed)" in shown.message()
    assert book.install(Path("week.yaml"), confirmed=True, data=upload).installed
    assert [p.slot.id for p in book.schedule().plan(_tomorrow(station))] == ["sang"]
    assert (station.schedules_dir / "week.yaml").read_bytes() == upload
