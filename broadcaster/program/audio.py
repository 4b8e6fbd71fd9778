"""Audio in: decode files without a system ffmpeg, mix to mono float32, resample with soxr."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from broadcaster.errors import ProgramError


def to_mono(samples: np.ndarray) -> np.ndarray:
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    return np.ascontiguousarray(samples, dtype=np.float32)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """High-quality resampling (soxr VHQ) of mono float32 audio."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    return soxr.resample(samples, rate, target, quality="VHQ").astype(np.float32, copy=False)


def load_audio(path: Path, sample_rate: int) -> np.ndarray:
    """Mono float32 samples of ``path`` at ``sample_rate``; ProgramError names the file."""
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=False)
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        raise ProgramError(f"cannot read audio: {exc}", where=str(path)) from None
    return resample(to_mono(data), rate, sample_rate)


def silence(ms: int, sample_rate: int) -> np.ndarray:
    return np.zeros(int(sample_rate * ms / 1000), dtype=np.float32)
