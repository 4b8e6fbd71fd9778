"""The station's own chimes are generated deterministically and match the committed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.program.jingles import write_chimes

REPO = Path(__file__).resolve().parent.parent


def test_generator_reproduces_committed_chimes_byte_for_byte(tmp_path: Path) -> None:
    for path in write_chimes(tmp_path):
        committed = REPO / "audio" / path.name
        assert committed.read_bytes() == path.read_bytes(), path.name


def test_chimes_are_short_clean_and_not_silent() -> None:
    for name, longest in (("chime-open.flac", 4), ("chime-close.flac", 4),
                          ("chime-between.flac", 2)):
        data, rate = sf.read(str(REPO / "audio" / name))
        assert rate == 48000
        assert 0.5 < len(data) / rate <= longest
        peak = np.max(np.abs(data))
        assert 0.5 < peak < 0.99  # loud enough, never clipping
        assert abs(data[0]) < 0.01 and abs(data[-1]) < 0.01  # no click at either end
        assert (REPO / "audio" / name).stat().st_size < 120_000
