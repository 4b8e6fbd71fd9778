"""``broadcaster program SLOT``: builds the slot's program from the schedule, prints the rundown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from broadcaster.config import Station


def _run(station: Station, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "broadcaster", "--station", str(station.root),
                           "program", *args], capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "BROADCASTER_LANG": "en"})


@pytest.mark.slow
def test_program_rundown_and_wav(station: Station, tmp_path: Path) -> None:
    (station.schedules_dir / "week.yaml").write_text(
        "slots:\n  - id: sang\n    at: '06:00'\n    program:\n      - jingle: open\n"
        "      - say: 'Đây là Đài truyền thanh phường.'\n      - jingle: close\n",
        encoding="utf-8")
    out = tmp_path / "sang.wav"
    done = _run(station, "sang", "--date", "2026-12-01", "-o", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [ln.split()[2] for ln in lines[1:4]] == ["jingle", "say", "jingle"]
    assert "LUFS" in lines[4]
    info = sf.info(str(out))
    assert info.samplerate == 48000 and info.duration > 5
    raw = json.loads(_run(station, "sang", "--date", "2026-12-01", "--json").stdout)
    assert [e["kind"] for e in raw["rundown"]] == ["jingle", "say", "jingle"]
    assert abs(raw["loudness_lufs"] - station.settings.program.loudness_lufs) < 0.5
    assert raw["true_peak_dbtp"] <= station.settings.program.true_peak_dbtp + 0.05


def test_unknown_slot_says_which_exist(station: Station) -> None:
    (station.schedules_dir / "week.yaml").write_text(
        "slots:\n  - id: sang\n    at: '06:00'\n    program: [{jingle: open}]\n", encoding="utf-8")
    done = _run(station, "sng", "--date", "2026-12-01")
    assert done.returncode == 1 and "did you mean 'sang'" in done.stderr
