"""pydub interop: a rendered program edited with pydub and brought back as a clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from program_measure import SR

from broadcaster.program.model import BulletinItem, Jingle, Program, Say
from broadcaster.program.pydub_io import from_segment, to_segment
from broadcaster.program.render import render_program


def test_program_round_trips_through_pydub_editing(render, settings) -> None:
    out = render(Program((Jingle(path="audio/chime-open.flac"), BulletinItem(bulletin_id="b1"))))
    seg = to_segment(out)
    assert abs(len(seg) - out.duration_ms) <= 1 and seg.frame_rate == out.sample_rate
    first = out.rundown[0]
    chime = seg[first.offset_ms : first.offset_ms + first.duration_ms]  # cut with pydub
    clip = from_segment(chime.fade_out(500))
    n = len(clip.samples)
    assert np.allclose(clip.samples[: n // 2], out.samples[: n // 2], atol=1 / 16384)
    assert np.abs(clip.samples[-100:]).max() < 0.01  # pydub's fade-out reached silence
    # and a pydub-edited clip goes back into a program as spoken audio
    again = render_program(Program((Say(text="edited chime"),)), settings, sample_rate=SR,
                           resolve_path=Path, speech_for=lambda _: None, say=lambda _: clip)
    assert again.rundown[0].flags == () and abs(again.duration_ms - len(chime)) <= 1
