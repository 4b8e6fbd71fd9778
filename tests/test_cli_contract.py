"""CLI contract: help lists working subcommands, version, exit codes 0/1/2, init."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from stationfile import amend

from broadcaster import __version__
from broadcaster.cli import main
from broadcaster.commands import COMMANDS
from broadcaster.config import load_station


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "broadcaster", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=60)


def test_help_lists_every_registered_subcommand_with_one_line() -> None:
    out = run("--help")
    assert out.returncode == 0
    section = out.stdout.split("Commands:")[1]
    listed = {line.split()[0] for line in section.strip("\n").splitlines() if line.startswith("  ")
              and not line.startswith("   ")}
    assert listed == set(COMMANDS)
    for name in ("init", "run", "demo", "devices", "log"):
        assert name in listed


def test_the_static_command_table_matches_the_commands() -> None:
    """``--help`` lists commands from a table without importing them: the table must agree."""
    import importlib

    import click

    for name, entry in COMMANDS.items():
        cmd = getattr(importlib.import_module(f"broadcaster.commands.{entry.module}"), entry.attr)
        assert isinstance(cmd, click.Command)
        assert cmd.name == name
        assert cmd.get_short_help_str(limit=1000) == entry.short_help, name


def test_a_command_runs_and_shows_its_own_help() -> None:
    out = run("status", "--help")
    assert out.returncode == 0
    assert "--json" in out.stdout and "What is on air" in out.stdout


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0 and __version__ in out.stdout


def test_usage_error_exits_2() -> None:
    assert run("no-such-command").returncode == 2
    assert run("log", "--format", "xml").returncode == 2


def test_bad_input_exits_1_with_clear_message(tmp_path: Path) -> None:
    out = run("--station", str(tmp_path), "log")
    assert out.returncode == 1
    assert "station.yaml" in out.stderr


def test_init_creates_a_loadable_station_and_refuses_to_overwrite(tmp_path: Path) -> None:
    root = tmp_path / "phuong-a"
    assert main(["init", str(root)]) == 0
    for sub in ("schedules", "audio", "inbox"):
        assert (root / sub).is_dir()
    station = load_station(root)
    assert station.settings.timezone == "Asia/Ho_Chi_Minh"
    assert (root / "audio" / "chime-open.flac").is_file()
    assert main(["init", str(root)]) == 1


def test_english_messages_with_env(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "BROADCASTER_LANG": "en"}
    out = run("--station", str(tmp_path), "log", env=env)
    assert "No station at" in out.stderr
    env["BROADCASTER_LANG"] = "vi"
    out = run("--station", str(tmp_path), "log", env=env)
    assert "Không tìm thấy đài" in out.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_log_formats_on_empty_station(station_dir: Path, fmt: str) -> None:
    out = run("--station", str(station_dir), "log", "--format", fmt, "--date", "2026-01-01")
    assert out.returncode == 0


def test_control_commands_find_the_running_station_without_validating_it(
        station_dir: Path, tmp_path: Path) -> None:
    """status, skip, stop and emergency read only the folder and the language (the running
    station validated the rest): same folder as the station's, same language, same errors."""
    import os

    import click

    from broadcaster import config
    from broadcaster.commands import control_cmds

    assert control_cmds.STATION_FILE == config.STATION_FILE
    ctx = click.Context(click.Command("status"), obj={"station_dir": str(station_dir)})
    assert control_cmds._var_dir(ctx) == load_station(station_dir).var_dir
    env = {k: v for k, v in os.environ.items() if k != "BROADCASTER_LANG"}
    amend(station_dir / "station.yaml", "\nlanguage: en\n")
    for args in (["status"], ["skip"], ["stop"], ["emergency", "--text", "Khẩn cấp."]):
        out = run("--station", str(station_dir), *args, env=env)
        assert out.returncode == 1 and "The station is not running" in out.stderr, (args, out)
    out = run("--station", str(tmp_path / "none"), "status", env=env)
    assert out.returncode == 1 and "station.yaml" in out.stderr
    (station_dir / "station.yaml").write_text("language: [vi\n", encoding="utf-8")  # broken
    out = run("--station", str(station_dir), "status", env=env)
    assert out.returncode == 1 and "Đài chưa chạy" in out.stderr
