"""Speech audio helpers: MP3 decoding (miniaudio, no system ffmpeg), silence trim, tempo change."""

from __future__ import annotations

import io
from pathlib import Path

import miniaudio
import numpy as np
import soundfile as sf
import soxr

from broadcaster import durable
from broadcaster.speech.resilience import TransientError

# Below this many milliseconds of speech per character the audio is cut short: normal
# Vietnamese speech runs at 60-90 ms per character, so 15 ms means most of it is missing.
MIN_MS_PER_CHAR = 15.0


def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    """Mono float32 samples and rate of an MP3; TransientError if it is empty or undecodable."""
    if not data:
        raise TransientError("empty audio", kind="bad-audio")
    try:
        decoded = miniaudio.mp3_read_f32(data)
    except miniaudio.DecodeError as exc:
        raise TransientError(f"undecodable MP3 ({len(data)} bytes): {exc}", kind="bad-audio") from None
    samples = np.frombuffer(decoded.samples, dtype=np.float32)
    if decoded.nchannels > 1:
        samples = samples.reshape(-1, decoded.nchannels).mean(axis=1)
    return np.ascontiguousarray(samples, dtype=np.float32), decoded.sample_rate


def check_speech(samples: np.ndarray, rate: int, text: str) -> None:
    """TransientError when audio is silent or far too short for ``text`` (truncated answer)."""
    if len(samples) == 0 or float(np.max(np.abs(samples))) < 1e-3:
        raise TransientError("no speech in the audio", kind="bad-audio")
    letters = sum(ch.isalnum() for ch in text)
    ms = len(samples) * 1000 / rate
    if letters and ms < letters * MIN_MS_PER_CHAR:
        raise TransientError(
            f"audio too short: {ms:.0f} ms for {letters} letters (truncated?)", kind="bad-audio"
        )


def trim_silence(samples: np.ndarray, rate: int, *, keep_ms: int = 30,
                 threshold_db: float = -40.0) -> np.ndarray:
    """Cut leading and trailing silence below ``threshold_db`` relative to the peak (10 ms frames)."""
    if len(samples) == 0:
        return samples
    peak = float(np.max(np.abs(samples)))
    if peak <= 0.0:
        return samples[:0]
    frame = max(1, rate // 100)
    n = len(samples) // frame
    if n == 0:
        return samples
    frames = samples[: n * frame].reshape(n, frame)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    loud = np.flatnonzero(rms > peak * 10 ** (threshold_db / 20))
    if len(loud) == 0:
        return samples[:0]
    keep = int(rate * keep_ms / 1000)
    start = max(0, loud[0] * frame - keep)
    end = min(len(samples), (loud[-1] + 1) * frame + keep)
    out = samples[start:end].copy()
    fade = min(len(out) // 2, int(rate * 0.005))  # 5 ms fades: no clicks at the cut
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out


def change_tempo(samples: np.ndarray, rate: int, factor: float) -> np.ndarray:
    """Speak ``factor`` times as fast (0.95 = 5 % slower) with the pitch unchanged.

    Uses Signalsmith Stretch through ``python-stretch`` (MIT, maintained, wheels bundle the
    compiled library); hand-written WSOLA or phase vocoders sound worse on speech and would be
    ours to maintain. (Rubber Band via pedalboard sounds as good but is GPLv3.)
    """
    if abs(factor - 1.0) < 1e-3 or len(samples) == 0:
        return samples
    import python_stretch  # local: only needed when the pace changes

    stretch = python_stretch.Signalsmith.Stretch()
    stretch.preset(1, int(rate))
    stretch.setTimeFactor(float(factor))
    out = np.asarray(stretch.process(np.ascontiguousarray(samples, dtype=np.float32)[None, :]))
    return np.ascontiguousarray(out[0], dtype=np.float32)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or len(samples) == 0:
        return samples
    return soxr.resample(samples, rate, target, quality="HQ").astype(np.float32, copy=False)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, samples, rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def write_wav_atomic(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write a 16-bit WAV durably (``durable.write_bytes``: whole or absent, umask's mode)."""
    durable.write_bytes(path, wav_bytes(samples, rate))
