"""Issue 11 point 1: one bad schedule file never stops the station. Each file stands alone: every
valid file airs, an invalid one airs its last good version (kept across restarts) or nothing,
the wrong file is named with file:line:col, and only an invalid week with no good copy stops the
start. Readers (doctor, bulletins, program, validate) see through a bad file too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from running_station import Running

from broadcaster.air.schedules import ScheduleBook, Source
from broadcaster.cli import main
from broadcaster.clock import SystemClock
from broadcaster.config import Station
from broadcaster.errors import ScheduleError

WEEK = """slots:
  - id: sang
    at: "06:00"
    program: [{jingle: open}]
  - id: chieu
    at: "17:00"
    program: [{jingle: close}]
"""
FUTURE_OK = """slots:
  - id: hop-dan
    at: "19:00"
    program: [{say: "Họp dân"}]
"""
# the bug report's case: a duplicate slot id in a file for next week
FUTURE_DUP = """slots:
  - id: hop-dan
    at: "19:00"
    program: [{say: "Họp dân"}]
  - id: hop-dan
    at: "20:00"
    program: [{say: "Họp dân lần hai"}]
"""


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")


def _today(station: Station) -> dt.date:
    return SystemClock(station.tz).now().date()


def _write(station: Station, name: str, text: str) -> Path:
    path = station.schedules_dir / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def alerts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Alerts the station sends (as if an apprise URL were configured)."""
    sent: list[str] = []

    def sender(title: str, body: str) -> bool:
        sent.append(body)
        return True

    monkeypatch.setattr("broadcaster.station.apprise_sender", lambda urls, timeout: sender)
    yield sent


def test_restart_with_a_bad_future_file_airs_its_last_good_version(
        station: Station, alerts: list[str]) -> None:
    future = _today(station) + dt.timedelta(days=7)
    _write(station, "week.yaml", WEEK)
    day = _write(station, f"{future}.yaml", FUTURE_OK)
    with Running(station) as service:  # first run: every file valid, good copies kept
        assert [p.slot.id for p in service.book.schedule().plan(future)][-1] == "hop-dan"
    assert (station.var_dir / "schedules-good" / day.name).read_text(encoding="utf-8") == FUTURE_OK

    day.write_text(FUTURE_DUP, encoding="utf-8")  # broken while the station was off
    never = _write(station, f"{future + dt.timedelta(days=1)}.yaml", "slots:\n  - id: x\n"
                                                                      "    at: '25:00'\n")
    running = Running(station)
    with running as service:  # starts: one bad file never stops the station
        plan = service.book.schedule().plan(future)
        assert [(p.slot.id, p.start.hour) for p in plan if p.slot.id == "hop-dan"] == [("hop-dan", 19)]
        assert [p.slot.id for p in service.book.schedule().plan(
            future + dt.timedelta(days=1))] == ["sang", "chieu"]  # never valid: ignored
        states = {s.name: s for s in service.book.invalid()}
        assert states[day.name].source == Source.LAST_GOOD
        assert states[never.name].source == Source.IGNORED
        said = "\n".join(running.messages)
        assert f"{day}:5:9:" in said and "used twice" in said  # at the duplicate's line
        assert f"{never}:3:9:" in said and "25:00" in said
        assert service.scheduler.running
        service.alerter.flush()
        assert any(day.name in a and "last good version" in a for a in alerts)
        assert any(never.name in a for a in alerts)


def test_a_valid_edit_of_today_is_not_blamed_on_another_file(station: Station, tmp_path: Path) -> None:
    today = _today(station)
    _write(station, "week.yaml", WEEK)
    bad = _write(station, f"{today + dt.timedelta(days=7)}.yaml", FUTURE_DUP)
    with Running(station) as service:
        edit = tmp_path / f"{today}.yaml"
        edit.write_text("cancel: [chieu]\n", encoding="utf-8")
        result = service.load_schedule(edit, confirmed=True)
        assert result.installed and result.problems == ()
        assert bad.name not in result.message()
        assert [p.slot.id for p in service.schedule.plan(today)] == ["sang"]
        assert (station.schedules_dir / edit.name).read_text(encoding="utf-8") == "cancel: [chieu]\n"


def test_invalid_week_without_a_good_copy_refuses_to_start_with_the_reason(station: Station) -> None:
    week = _write(station, "week.yaml", "slots:\n  - id: sang\n    at: '6h'\n"
                                        "    program: [{jingle: open}]\n")
    service = Running(station).service
    with pytest.raises(ScheduleError) as err:
        service.start()
    text = str(err.value)
    assert "no previous good copy" in text and f"{week}:3:9:" in text
    assert service.started_parts == [] or "playout" not in service.started_parts
    assert not (station.var_dir / "run" / "control.json").exists()  # everything stopped again


def test_invalid_week_with_a_good_copy_airs_the_good_week(station: Station) -> None:
    week = _write(station, "week.yaml", WEEK)
    with Running(station):
        pass
    week.write_text("slots:\n  - id: sang\n    at: '6h'\n", encoding="utf-8")
    running = Running(station)
    with running as service:
        assert [p.slot.id for p in service.schedule.plan(_today(station))] == ["sang", "chieu"]
        assert any(f"{week}:3:9:" in m for m in running.messages)


def test_watcher_reload_keeps_the_good_version_of_a_broken_edit(station: Station) -> None:
    today = _today(station)
    _write(station, "week.yaml", WEEK)
    day = _write(station, f"{today + dt.timedelta(days=2)}.yaml", FUTURE_OK)
    running = Running(station)
    with running as service:
        day.write_text("slots:\n  - id: hop-dan\n    at: [19:00\n", encoding="utf-8")
        found = service.reload_schedules()  # what the watcher calls
        (state,) = found.invalid
        assert state.source == Source.LAST_GOOD and f"{day}:3:9:" in state.problems[0]
        assert "never closed" in state.problems[0]
        plan = service.schedule.plan(today + dt.timedelta(days=2))
        assert "hop-dan" in [p.slot.id for p in plan]
        assert service.reload_schedules().new_problems == ()  # said once, not at every reload


def test_book_alone(station: Station) -> None:
    """The book without a station: never-valid file ignored, valid ones air, deleted ones go."""
    today = _today(station)
    _write(station, "week.yaml", WEEK)
    ok = _write(station, f"{today}.yaml", "no_broadcast: true\n")
    _write(station, f"{today + dt.timedelta(days=1)}.yaml", "slots: [oops\n")
    _write(station, "ghi-chu.yaml", "slots: []\n")
    book = ScheduleBook(station, persist=True)
    found = book.reload()
    assert sorted(s.name for s in found.invalid) == sorted(
        [f"{today + dt.timedelta(days=1)}.yaml", "ghi-chu.yaml"])
    assert book.schedule().plan(today) == []
    assert [p.slot.id for p in book.schedule().plan(today + dt.timedelta(days=1))] == ["sang", "chieu"]
    ok.unlink()
    book.reload()
    assert [p.slot.id for p in book.schedule().plan(today)] == ["sang", "chieu"]
    assert not (station.var_dir / "schedules-good" / ok.name).exists()
    assert [p.read_text() for p in book.history(ok.name)] == ["no_broadcast: true\n"]


def _cli(station: Station, *args: str) -> int:
    return main(["--station", str(station.root), *args])


def test_readers_see_through_a_bad_file(station: Station, capsys: pytest.CaptureFixture[str]) -> None:
    """doctor lists every invalid file; validate judges each on its own; bulletins and program
    still read the valid schedule."""
    today = _today(station)
    _write(station, "week.yaml", WEEK)
    bad1 = _write(station, f"{today + dt.timedelta(days=7)}.yaml", FUTURE_DUP)
    bad2 = _write(station, f"{today + dt.timedelta(days=8)}.yaml", "")
    good = _write(station, f"{today + dt.timedelta(days=9)}.yaml", FUTURE_OK)
    assert _cli(station, "doctor", "--no-device", "--no-engines") != 0
    out = capsys.readouterr().out
    assert bad1.name in out and bad2.name in out and "used twice" in out and "no 'slots'" in out
    assert f"{today}" in out and "sang" in out  # today's slots are still listed
    assert _cli(station, "validate", str(good)) == 0
    capsys.readouterr()
    assert _cli(station, "bulletins") == 0
    assert _cli(station, "program", "hop-dan", "--date", str(good.stem), "--json") == 0
    assert '"rundown"' in capsys.readouterr().out


def test_what_forbids_airing_a_file_and_what_only_warns(station: Station, tmp_path: Path) -> None:
    """A slot in quiet hours, longer than the policy or malformed never airs; an overlap, a
    missing file or an unknown cancel is reported but the file airs as written (as before at
    start). ``load`` refuses both kinds."""
    today = _today(station)
    _write(station, "week.yaml", WEEK)
    warn = _write(station, f"{today + dt.timedelta(days=3)}.yaml",
                  "cancel: [sangg]\nslots:\n  - id: them\n    at: '17:05'\n"
                  "    program: [{jingle: open}, {bulletin: inbox/khong-co.txt}]\n")
    night = _write(station, f"{today + dt.timedelta(days=4)}.yaml",
                   "slots:\n  - id: dem\n    at: '23:30'\n    program: [{jingle: open}]\n")
    book = ScheduleBook.open(station)
    states = {s.name: s for s in book.invalid()}
    assert states[warn.name].source == Source.FILE and len(states[warn.name].problems) == 3
    assert "them" in [p.slot.id for p in book.schedule().plan(today + dt.timedelta(days=3))]
    assert states[night.name].source == Source.IGNORED and "quiet hours" in states[night.name].problems[0]
    assert book.install(warn).installed is False
