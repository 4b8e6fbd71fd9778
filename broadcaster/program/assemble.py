"""Assemble a program: ordered items (jingles, speech, silence) into one mono PCM buffer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from broadcaster.models import Clip
from broadcaster.program.audio import resample, silence


@dataclass(frozen=True)
class RundownEntry:
    kind: str  # jingle | speech | silence | music
    label: str
    offset_ms: int
    duration_ms: int


@dataclass(frozen=True, eq=False)
class RenderedProgram:
    """A finished program: samples at ``sample_rate``, its rundown and a content hash."""

    samples: np.ndarray
    sample_rate: int
    rundown: tuple[RundownEntry, ...]
    digest: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def duration_ms(self) -> int:
        return int(round(len(self.samples) * 1000 / self.sample_rate))


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
