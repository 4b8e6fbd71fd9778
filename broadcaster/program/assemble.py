"""The first, minimal assembler (concatenate parts, peak-normalize), kept for callers that have
not moved to ``render_program``; new code uses ``broadcaster.program.render``."""

from __future__ import annotations

import hashlib

import numpy as np

from broadcaster.models import Clip
from broadcaster.program.audio import resample, silence
from broadcaster.program.model import RenderedProgram, RundownEntry

__all__ = ["RenderedProgram", "RundownEntry", "assemble"]


def assemble(parts: list[tuple[str, str, np.ndarray | Clip]], sample_rate: int,
             gap_ms: int = 500, peak_dbfs: float = -1.0) -> RenderedProgram:
    """Concatenate ``(kind, label, audio)`` parts with ``gap_ms`` of silence between them."""
    chunks: list[np.ndarray] = []
    rundown: list[RundownEntry] = []
    pos = 0
    gap = silence(gap_ms, sample_rate)
    for i, (kind, label, audio) in enumerate(parts):
        if isinstance(audio, Clip):
            pcm = resample(audio.samples, audio.sample_rate, sample_rate)
        else:
            pcm = audio
        if i:
            chunks.append(gap)
            pos += len(gap)
        rundown.append(RundownEntry(kind, label, pos * 1000 // sample_rate,
                                    len(pcm) * 1000 // sample_rate))
        chunks.append(pcm)
        pos += len(pcm)
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak > 0:
        samples = samples * (10 ** (peak_dbfs / 20) / peak)
    samples = samples.astype(np.float32)
    digest = hashlib.sha256(samples.tobytes()).hexdigest()[:16]
    return RenderedProgram(samples, sample_rate, tuple(rundown), digest)
