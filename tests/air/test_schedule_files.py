"""Issue 11 point 7, schedule files: Windows-1258 and UTF-16 files read like inbox files; YAML
syntax errors in plain words at their line; ``validate`` reports every problem of a file in one
run (unknown jingles and missing bulletin files next to shape errors); a duplicate slot id at the
duplicate's line."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from broadcaster.air.schedule import DayFile, Schedule, parse_file
from broadcaster.air.validate import validate_file
from broadcaster.config import Station
from broadcaster.errors import ScheduleError

WEEK = """# Lịch phát hằng tuần
slots:
  - id: sang
    name: "Chương trình buổi sáng — Đài phường"
    at: "06:00"
    program:
      - jingle: open
      - say: "Đây là Đài truyền thanh phường Kinh Môn."
"""


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")


def _write(station: Station, name: str, text: str) -> Path:
    path = station.schedules_dir / name
    path.write_text(text, encoding="utf-8")
    return path


def _cp1258(text: str) -> bytes:
    """Text as Windows-1258 (Vietnamese Notepad) writes it: ê, ơ, ă precomposed, tone marks
    as combining characters after the letter."""
    clusters: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    out = []
    for cluster in clusters:
        base = cluster[0] + "".join(c for c in cluster[1:] if c in "\u0302\u0306\u031b")
        tones = "".join(c for c in cluster[1:] if c not in "\u0302\u0306\u031b")
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("codec", ["cp1258", "utf-16", "utf-16-le", "utf-8-sig"])
def test_legacy_and_utf16_files_read_like_inbox_files(station: Station, codec: str) -> None:
    path = station.schedules_dir / "week.yaml"
    data = _cp1258(WEEK) if codec == "cp1258" else WEEK.encode(codec)
    path.write_bytes(data)
    assert validate_file(path, station) == []
    schedule = Schedule.load(station.schedules_dir, station.tz)
    (slot,) = schedule.week.slots
    assert slot.name == "Chương trình buổi sáng — Đài phường"
    assert slot.program[1].say == "Đây là Đài truyền thanh phường Kinh Môn."  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "line", "col", "words"), [
    ("slots:\n  - id: a\n\tat: '06:00'\n", 3, 1, "indented with a tab"),
    ("slots:\n  - id: a\n    days: [t2, t3\n    at: '06:00'\n", 3, 11,
     "'[' opened on line 3 is never closed: add ']'"),
    ("slots:\n  - id: a\n    name: Giờ phát: 6h sáng\n", 3, 19,
     'put the value in quotes, e.g. name: "Giờ phát: 6h sáng"'),
    ("slots:\n  - id: a\n    name: \"Buổi sáng\n    at: '06:00'\n", 3, 11,
     'quote " opened on line 3 is never closed'),
    ("slots:\n  - id: a\n   at: '06:00'\n", 3, 4, "indentation does not line up"),
])
def test_yaml_syntax_errors_in_plain_words(station: Station, text: str, line: int, col: int,
                                           words: str) -> None:
    path = _write(station, "week.yaml", text)
    (problem,) = validate_file(path, station)
    assert problem.startswith(f"{path}:{line}:{col}: ") and words in problem, problem
    assert "while parsing" not in problem and "could not find" not in problem


def test_every_problem_of_a_file_in_one_run(station: Station) -> None:
    path = _write(station, "week.yaml", """slots:
  - id: sang
    at: "06:00"
    program:
      - jingle: opne
      - bulletin: inbox/khong-co.txt
  - id: chieu
    at: "17:00"
    dayz: [t2]
    program:
      - jingle: open
      - audio: audio/mat-tich.mp3
""")
    problems = validate_file(path, station)
    assert problems[0].startswith(f"{path}:5:17:") and "unknown jingle 'opne'" in problems[0] \
        and "did you mean 'open'" in problems[0]
    assert problems[1].startswith(f"{path}:6:19:") and "khong-co.txt" in problems[1]
    assert problems[2].startswith(f"{path}:9:5:") and "did you mean 'days'" in problems[2]
    assert problems[3].startswith(f"{path}:12:16:") and "mat-tich.mp3" in problems[3]
    assert len(problems) == 4


def test_switched_off_jingle_is_named(station: Station) -> None:
    (station.root / "station.yaml").write_text("program:\n  jingles:\n    between: null\n",
                                               encoding="utf-8")
    from broadcaster.config import load_station

    station = load_station(station.root)
    path = _write(station, "week.yaml", "slots:\n  - id: a\n    at: '06:00'\n"
                                        "    program: [{jingle: between}]\n")
    (problem,) = validate_file(path, station)
    assert f"{path}:4:24:" in problem and "switched off" in problem and "jingles.between" in problem


def test_duplicate_id_reported_at_the_duplicates_line(station: Station) -> None:
    text = ("slots:\n  - id: hop\n    at: '19:00'\n    program: [{say: a}]\n"
            "  - id: hop\n    at: '20:30'\n    program: [{say: b}]\n")
    day = _write(station, f"{dt.date.today() + dt.timedelta(days=3)}.yaml", text)
    week = _write(station, "week.yaml", text)
    for path in (day, week):
        (problem,) = validate_file(path, station)
        assert problem.startswith(f"{path}:5:9:") and "'hop' is used twice" in problem
    with pytest.raises(ScheduleError) as err:
        parse_file(day, DayFile)
    assert err.value.problems[0].startswith(f"{day}:5:9:")
