"""pydub interop for hand editing: a rendered program or a clip as an ``AudioSegment`` and back.

Rendering itself is numpy/scipy: pydub's append copies the whole program on every item and its
filters are per-sample Python loops (``benchmarks/bench_program.py`` shows the difference)."""

from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any

import numpy as np

from broadcaster.models import Clip
from broadcaster.program.model import RenderedProgram


def _pydub() -> ModuleType:
    with warnings.catch_warnings():  # no ffmpeg (not needed here); audioop deprecated in 3.11+
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import pydub
    return pydub


def to_segment(audio: RenderedProgram | Clip) -> Any:  # a pydub.AudioSegment (untyped)
    """A 16-bit mono ``pydub.AudioSegment`` of a rendered program or a clip."""
    samples = audio.samples
    pcm = np.rint(np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2")
    return _pydub().AudioSegment(pcm.tobytes(), sample_width=2, frame_rate=audio.sample_rate,
                                 channels=1)


def from_segment(segment: Any) -> Clip:
    """A mono float32 Clip from any ``pydub.AudioSegment`` (channels averaged)."""
    seg = segment.set_sample_width(2)
    pcm = np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float32) / 32768
    if seg.channels > 1:
        pcm = pcm.reshape(-1, seg.channels).mean(axis=1)
    return Clip(np.ascontiguousarray(pcm, dtype=np.float32), seg.frame_rate)
