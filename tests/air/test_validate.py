"""``broadcaster validate``: policy, overlaps, missing files; file:line:column; exit 0/1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from broadcaster.air.validate import validate_file
from broadcaster.config import Station


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")


def _write(station: Station, name: str, text: str) -> Path:
    path = station.schedules_dir / name
    path.write_text(text, encoding="utf-8")
    return path


def test_policy_overlap_and_missing_files_each_reported_with_position(station: Station) -> None:
    path = _write(station, "week.yaml", """slots:
  - id: sang
    at: "06:00"
    max_minutes: 30
    program:
      - jingle: open
      - audio: audio/khong-co.mp3
  - id: sang2
    at: "06:10"
    program:
      - say: hi
  - id: dem
    at: "23:00"
    days: [t2]
    program:
      - bulletin: inbox/missing.txt
""")
    problems = validate_file(path, station)
    assert problems[0].startswith(f"{path}:4:18:") and "30 min" in problems[0]
    assert problems[1].startswith(f"{path}:7:16:") and "khong-co.mp3" in problems[1]
    assert problems[2].startswith(f"{path}:9:9:") and "overlaps slot 'sang'" in problems[2]
    assert problems[3].startswith(f"{path}:13:9:") and "quiet hours" in problems[3]
    assert problems[4].startswith(f"{path}:16:19:") and "missing.txt" in problems[4]
    assert len(problems) == 5


def test_broadcast_days_policy(station: Station) -> None:
    (station.root / "station.yaml").write_text(
        "policy:\n  broadcast_days: [mon, tue, wed, thu, fri]\n", encoding="utf-8")
    from broadcaster.config import load_station

    station = load_station(station.root)
    path = _write(station, "week.yaml", "slots:\n  - id: a\n    at: '06:00'\n    days: [t7, cn]\n"
                                        "    program: [{jingle: open}]\n")
    (problem,) = validate_file(path, station)
    assert f"{path}:4:11:" in problem and "sat, sun" in problem


def test_dated_file_checked_against_the_week(station: Station) -> None:
    _write(station, "week.yaml", "slots:\n  - id: sang\n    at: '06:00'\n"
                                 "    program: [{jingle: open}]\n")
    path = _write(station, "2026-12-01.yaml", "cancel: [sangg]\nslots:\n  - id: hop\n"
                                              "    at: '06:05'\n    program: [{jingle: open}]\n")
    problems = validate_file(path, station)
    assert any(p.startswith(f"{path}:1:10:") and "did you mean 'sang'" in p for p in problems)
    assert any(p.startswith(f"{path}:4:9:") and "overlaps slot 'sang'" in p for p in problems)
    ok = _write(station, "2026-12-02.yaml", "cancel: [sang]\nslots:\n  - id: hop\n"
                                            "    at: '06:05'\n    program: [{jingle: open}]\n")
    assert validate_file(ok, station) == []


def test_cli_exit_codes(station: Station) -> None:
    good = _write(station, "week.yaml", "slots:\n  - id: a\n    at: '06:00'\n"
                                        "    program: [{jingle: open}]\n")
    run = [sys.executable, "-m", "broadcaster", "--station", str(station.root), "validate"]
    out = subprocess.run([*run, str(good)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    bad = _write(station, "2026-12-03.yaml", "slots:\n  - id: a\n    at: '25:00'\n"
                                             "    program: [{jingle: open}]\n")
    out = subprocess.run([*run, str(bad)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert f"{bad}:3:9:" in out.stdout
    out = subprocess.run(run, capture_output=True, text=True, timeout=60)  # all files
    assert out.returncode == 1 and "25:00" in out.stdout


def test_default_station_schedules_are_valid() -> None:
    from broadcaster.config import load_station

    root = Path(__file__).resolve().parents[2]
    station = load_station(root)
    for path in sorted(station.schedules_dir.glob("*.yaml")):
        assert validate_file(path, station) == [], path
