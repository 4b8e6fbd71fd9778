"""The station's own chimes: deterministic synthesis, no third-party audio.

Bell-like tones (a fundamental plus a few inharmonic partials with exponential decay), the
classic three/four-note public-address chime. Run again to get byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48000

# (partial ratio, relative amplitude, decay time constant in seconds): a soft struck bell.
PARTIALS = ((1.0, 1.0, 0.9), (2.0, 0.45, 0.55), (2.76, 0.22, 0.35), (5.4, 0.08, 0.18))


def bell(freq: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    tone = np.zeros_like(t)
    for ratio, amp, tau in PARTIALS:
        tone += amp * np.sin(2 * np.pi * freq * ratio * t) * np.exp(-t / tau)
    attack = np.minimum(1.0, t / 0.004)  # 4 ms attack: no click
    return tone * attack


def chime(notes: list[tuple[float, float]], tail: float = 1.6) -> np.ndarray:
    """``notes`` are (frequency Hz, onset s); each note rings for ``tail`` seconds."""
    length = max(onset for _, onset in notes) + tail
    out = np.zeros(int(length * RATE))
    for freq, onset in notes:
        start = int(onset * RATE)
        b = bell(freq, tail)
        out[start : start + len(b)] += b[: len(out) - start]
    fade = int(0.05 * RATE)
    out[-fade:] *= np.linspace(1.0, 0.0, fade)
    return (out / np.max(np.abs(out)) * 10 ** (-3 / 20)).astype(np.float32)  # peak -3 dBFS


C5, E5, G5, C6, A4 = 523.25, 659.25, 783.99, 1046.50, 440.0

CHIMES = {
    "chime-open.flac": chime([(C5, 0.0), (E5, 0.35), (G5, 0.7), (C6, 1.05)], tail=1.8),
    "chime-close.flac": chime([(C6, 0.0), (G5, 0.35), (E5, 0.7), (C5, 1.05)], tail=1.8),
    "chime-between.flac": chime([(G5, 0.0), (C6, 0.25)], tail=1.0),
}


def write_chimes(out: Path) -> list[Path]:
    """Write the chimes as 16-bit FLAC into ``out``; byte-identical on every run."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, samples in CHIMES.items():
        pcm = np.round(samples * 32767).astype(np.int16)
        sf.write(out / name, pcm, RATE, format="FLAC", subtype="PCM_16")
        written.append(out / name)
    return written


def alert_tone(rate: int = RATE, cycles: int = 3) -> np.ndarray:
    """Attention signal before an emergency message: alternating 960/1200 Hz, peak -3 dBFS."""
    part = int(0.35 * rate)
    t = np.arange(part) / rate
    edge = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)  # 10 ms ramps: no clicks
    tones = [np.sin(2 * np.pi * f * t) * edge for f in (960.0, 1200.0)]
    out = np.concatenate([tones[i % 2] for i in range(2 * cycles)])
    return (out * 10 ** (-3 / 20)).astype(np.float32)
