"""The first assembler, still used until playout moves to render_program."""

from __future__ import annotations

import numpy as np

from broadcaster.models import Clip
from broadcaster.program.assemble import RenderedProgram, assemble


def test_assemble_concatenates_with_gaps_and_peak_normalises() -> None:
    tone = np.sin(np.arange(24000) / 24000 * 2 * np.pi * 440).astype(np.float32) * 0.3
    out = assemble([("jingle", "a", tone[:4800]), ("speech", "b", Clip(tone, 24000))], 48000,
                   gap_ms=500, peak_dbfs=-1.0)
    assert isinstance(out, RenderedProgram)
    assert [e.offset_ms for e in out.rundown] == [0, 600]
    assert out.duration_ms == 100 + 500 + 1000
    assert abs(np.max(np.abs(out.samples)) - 10 ** (-1 / 20)) < 1e-4
