"""A fast CLI: importing the command line (and every command module) loads no audio, document or
network stack; the commands that need one import it when they run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from broadcaster.commands import COMMANDS

HEAVY = ("numpy", "scipy", "pyloudnorm", "sounddevice", "soundfile", "soxr", "miniaudio", "pydub",
         "docx", "aiohttp", "requests", "gtts", "edge_tts", "apscheduler", "watchdog")


def _loaded_after(code: str) -> list[str]:
    """The heavy modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _loaded_after("import broadcaster.cli") == []


def test_help_and_version_load_no_heavy_module() -> None:
    code = ("from broadcaster.cli import main\n"
            "assert main(['--help']) == 0\n"
            "assert main(['--version']) == 0\n")
    assert _loaded_after(code) == []


@pytest.mark.parametrize("module", sorted({entry.module for entry in COMMANDS.values()}))
def test_command_modules_import_heavy_modules_only_inside_commands(module: str) -> None:
    assert _loaded_after(f"import broadcaster.commands.{module}") == []
