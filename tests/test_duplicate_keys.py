"""A key written twice in one YAML mapping is refused, never resolved by keeping the last one:
station.yaml, schedule files, the desk's schedule edits, bulletin front matter (tests/inbox) and
the shipped files. Also ``tests/stationfile.amend``, which tests use instead of appending."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from stationfile import amend, amended

from broadcaster import yamlpos
from broadcaster.air.validate import validate_file
from broadcaster.cli import main
from broadcaster.config import Station, load_station, parse_settings
from broadcaster.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def _line_of(text: str, start: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(start))


def test_a_key_written_twice_names_both_lines_and_the_fix() -> None:
    text = "policy:\n  max_session_minutes: 5\nname: X\npolicy:\n  quiet_hours: []\n"
    with pytest.raises(ConfigError) as err:
        parse_settings(text, "/st/station.yaml")
    msg = str(err.value)
    assert msg.startswith("/st/station.yaml:4:1: ")
    assert "khóa 'policy' xuất hiện hai lần (dòng 1 và dòng 4)" in msg
    assert "gộp hai khối làm một" in msg
    assert "đài không tự chọn" in err.value.hint  # not the indentation hint of syntax errors


def test_a_value_written_twice_inside_a_block_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    with pytest.raises(ConfigError) as err:
        parse_settings("audio:\n  sample_rate: 44100\n  channels: 1\n  sample_rate: 48000\n",
                       "station.yaml")
    assert str(err.value).startswith("station.yaml:4:3: key 'sample_rate' appears twice "
                                     "(lines 2 and 4): keep the right line")


def test_a_second_policy_block_appended_stops_the_station_and_validate(
        station_dir: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = station_dir / "station.yaml"
    text = cfg.read_text(encoding="utf-8")
    first = _line_of(text, "policy:")
    text += "\npolicy:\n  quiet_hours: []\n"
    cfg.write_text(text, encoding="utf-8")
    again = len(text.splitlines()) - 1
    with pytest.raises(ConfigError) as err:
        load_station(station_dir)
    assert f"{cfg.resolve()}:{again}:1: " in str(err.value)
    assert f"(dòng {first} và dòng {again})" in str(err.value)
    assert main(["--station", str(station_dir), "validate"]) == 1
    out = capsys.readouterr()
    assert f"station.yaml:{again}:1" in out.err and f"dòng {first} và dòng {again}" in out.err
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    assert main(["--station", str(station_dir), "doctor", "--no-device", "--no-engines"]) != 0
    out = capsys.readouterr()
    assert f"lines {first} and {again}" in out.out + out.err


SLOT_AT_TWICE = """slots:
  - id: sang
    at: "06:00"
    program: [{jingle: open}]
    at: "07:00"
"""


def test_a_slot_with_at_twice_is_refused_by_validate_with_its_lines(station: Station) -> None:
    path = station.schedules_dir / "week.yaml"
    path.write_text(SLOT_AT_TWICE, encoding="utf-8")
    (problem,) = validate_file(path, station)
    assert problem.startswith(f"{path}:5:5: ")
    assert "khóa 'at' xuất hiện hai lần (dòng 3 và dòng 5)" in problem


def test_the_desk_refuses_to_edit_a_day_file_with_a_key_twice(station: Station) -> None:
    from broadcaster.air.schedules import ScheduleBook
    from broadcaster.web.planner import DayEdit, EditKind, draft

    day = dt.date(2026, 12, 3)
    path = station.schedules_dir / f"{day}.yaml"
    broken = "no_broadcast: true\nnote: nghỉ lễ\nno_broadcast: false\n"
    path.write_text(broken, encoding="utf-8")
    made = draft(ScheduleBook.open(station), day, DayEdit(EditKind.CANCEL, cancel="sang"))
    (problem,) = made.problems
    assert problem.startswith(f"{path}:3:1: ") and "(dòng 1 và dòng 3)" in problem
    assert made.data == broken.encode()  # nothing changed, nothing lost
    assert path.read_text(encoding="utf-8") == broken


def test_the_shipped_yaml_files_have_no_key_twice() -> None:
    files = subprocess.run(["git", "ls-files", "*.yaml", "*.yml"], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    shipped = [f for f in files if not f.startswith("tests/")]
    assert "station.yaml" in shipped and "broadcaster/defaults.yaml" in shipped
    for name in shipped:
        yamlpos.load_file(REPO / name)  # raises DuplicateKeyError naming the lines


def test_a_fresh_station_from_the_template_loads(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "st")]) == 0
    load_station(tmp_path / "st")


def test_amend_replaces_each_top_level_block_and_keeps_the_rest(tmp_path: Path) -> None:
    original = """# station
name: "Đài"   # the name
approval: none

speech:
  engines: [gtts, edge]
  # a comment inside the block goes with it

# the policy block
policy:
  quiet_hours: ["22:00-05:00"]
publish:
  enabled: true
"""
    text = "\n# tests: offline speech\nspeech:\n  engines: [espeak]\napproval: required\n"
    out = amended(original, text)
    assert out == """# station
name: "Đài"   # the name


# the policy block
policy:
  quiet_hours: ["22:00-05:00"]
publish:
  enabled: true

# tests: offline speech
speech:
  engines: [espeak]
approval: required
"""
    path = tmp_path / "station.yaml"
    path.write_text(out, encoding="utf-8")
    amend(path, "publish:\n  enabled: false\n")  # the last block, to the end of the file
    amend(path, "zones:\n  a: [k1]\n")  # a new key is only appended
    data = yamlpos.load_file(path).data  # no key twice
    assert data["publish"] == {"enabled": False} and data["zones"] == {"a": ["k1"]}
    assert data["speech"] == {"engines": ["espeak"]} and data["approval"] == "required"
    assert data["policy"] == {"quiet_hours": ["22:00-05:00"]} and data["name"] == "Đài"
    assert "# the policy block" in path.read_text(encoding="utf-8")


def test_amend_gives_what_appending_gave_when_the_last_key_won(station_dir: Path) -> None:
    import yaml

    cfg = station_dir / "station.yaml"
    before = cfg.read_text(encoding="utf-8")
    text = "policy:\n  quiet_hours: []\nplayout:\n  settle_seconds: 2\nlanguage: en\n"
    last_wins = yaml.safe_load(before + text)  # what PyYAML made of an appended block
    amend(cfg, text)
    assert yamlpos.load_file(cfg).data == last_wins
    assert load_station(station_dir).settings.policy.quiet_hours == ()


def test_an_abbreviation_written_twice_in_the_station_lexicon_is_refused(tmp_path: Path) -> None:
    from broadcaster.errors import TextError
    from broadcaster.text import load_lexicon

    path = tmp_path / "tu-viet-tat.yaml"
    path.write_text("abbreviations:\n  HTX: hợp tác xã\n  KDC: khu dân cư\n  HTX: hội thanh niên\n",
                    encoding="utf-8")
    with pytest.raises(TextError) as err:
        load_lexicon(path)
    assert f"{path}:4:3" in str(err.value) and "khóa 'HTX' xuất hiện hai lần (dòng 2 và dòng 4)" \
        in str(err.value)
