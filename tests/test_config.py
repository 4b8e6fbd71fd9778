"""Station configuration: shipped defaults, station layering, errors with file:line and hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.config import load_station, parse_settings
from broadcaster.errors import ConfigError


def test_defaults_alone_are_a_valid_station() -> None:
    s = parse_settings("", "station.yaml")
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.dialect == "north"
    assert s.audio.sample_rate == 48000
    assert s.speech.engines == ("gtts", "edge", "espeak")
    assert s.program.loudness_lufs == -16.0
    assert s.policy.max_session_minutes == 15


def test_station_values_layer_over_defaults_key_by_key() -> None:
    s = parse_settings("audio:\n  sample_rate: 44100\ndialect: south\n", "station.yaml")
    assert s.audio.sample_rate == 44100
    assert s.audio.channels == 1  # untouched sibling keeps its default
    assert s.dialect == "south"


def test_unknown_key_names_file_line_and_suggests() -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings("name: X\naudio:\n  sampel_rate: 44100\n", "/st/station.yaml")
    text = str(err.value)
    assert "/st/station.yaml:3:3" in text
    assert "audio.sampel_rate" in text
    assert "sample_rate" in text  # did you mean


def test_every_problem_is_reported_not_just_the_first() -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings("timezone: Asia/Hanoii\ndialect: central\nspeech:\n  engines: [gtts, foo]\n",
                       "station.yaml")
    assert len(err.value.problems) == 3
    joined = "\n".join(err.value.problems)
    assert "station.yaml:1:11" in joined and "Asia/Hanoii" in joined
    assert "station.yaml:2:10" in joined and "dialect" in joined
    assert "station.yaml:4:19" in joined and "speech.engines.1" in joined


def test_yaml_syntax_error_has_position_and_hint() -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings("name: X\naudio:\n  sample_rate: 48000\n bad: [\n", "station.yaml")
    assert "station.yaml:" in str(err.value)
    assert err.value.hint


def test_quiet_hours_format_checked() -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings("policy:\n  quiet_hours: ['22h-5h']\n", "station.yaml")
    assert "22h-5h" in str(err.value)
    s = parse_settings("", "station.yaml")
    import datetime as dt

    assert s.policy.is_quiet(dt.time(23, 30)) and s.policy.is_quiet(dt.time(4, 59))
    assert not s.policy.is_quiet(dt.time(6, 0))


def test_messages_in_english_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    with pytest.raises(ConfigError) as err:
        parse_settings("nmae: X\n", "station.yaml")
    assert "unknown key 'nmae'" in str(err.value) and "did you mean 'name'" in str(err.value)
    monkeypatch.setenv("BROADCASTER_LANG", "vi")
    with pytest.raises(ConfigError) as err:
        parse_settings("nmae: X\n", "station.yaml")
    assert "khóa không hợp lệ 'nmae'" in str(err.value)


def test_repository_root_is_a_ready_default_station() -> None:
    root = Path(__file__).resolve().parent.parent
    station = load_station(root)
    assert station.settings.name
    for name in ("open", "close", "between"):
        assert station.resolve(getattr(station.settings.program.jingles, name)).is_file()


def test_missing_station_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_station(tmp_path)
    assert "station.yaml" in str(err.value) and "init" in err.value.hint
