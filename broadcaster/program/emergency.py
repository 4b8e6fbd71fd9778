"""An emergency program in memory: the alert tone and the spoken message, repeated, brought to the
station loudness plus ``program.emergency_gain_lu`` under the true-peak ceiling.

It runs while the operator waits, so it skips the render path (no files, no cache, no worker
threads): one tone-gap-message-gap cycle is processed and measured, limited, and repeated as is.
The message gets the horn treatment programs give speech (high-pass, gentle compression); the
tone and the message are each brought to the level first, then the cycle as a whole, so the
result measures the same whatever level the speech engine delivered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from broadcaster.config import ProgramSettings
from broadcaster.errors import ProgramError
from broadcaster.messages import t
from broadcaster.models import Clip
from broadcaster.program import dsp
from broadcaster.program.audio import resample
from broadcaster.program.blas import one_blas_thread
from broadcaster.program.process import horn_treatment

GAP_MS = 400  # silence after the tone and after each message
TOLERANCE_LU = 0.2  # a limited message further than this from the level is limited again
ATTEMPTS = 3  # limiter runs at most (the gain is found by the secant method)
# the first step's guess of how much of a gain change survives the limiter: espeak speech at
# the level loses ~1 LU to it and gains ~0.6 LU per dB (then the secant method takes over)
FIRST_SLOPE = 0.6


def emergency_audio(tone: np.ndarray, message: Clip, repeat: int, settings: ProgramSettings,
                    sample_rate: int) -> np.ndarray:
    """Mono float32 at ``sample_rate``: (tone, gap, message, gap) ``repeat`` times, at
    ``settings.loudness_lufs + settings.emergency_gain_lu`` LUFS and at most
    ``settings.true_peak_dbtp``. ``tone`` is at ``sample_rate`` (``jingles.alert_tone``)."""
    if repeat < 1:
        raise ProgramError(t("program.emergency_repeat", repeat=repeat))
    sr = sample_rate
    target = settings.loudness_lufs + settings.emergency_gain_lu
    with one_blas_thread():
        voice, rate = _voice(message, settings)
        # each part measured once, at its own rate: K-weighted energies scale with the gain
        # squared, so every later level is computed, not measured again
        tone_e = dsp.subblock_energies(np.asarray(tone, np.float32), sr)
        voice_e = dsp.subblock_energies(voice, rate)
        g_tone, g_voice = _gain_db(tone_e, target), _gain_db(voice_e, target)
        parts = _Parts(tone_e * _power(g_tone), voice_e * _power(g_voice),
                       np.zeros(GAP_MS // 100))
        # limited at the message's own rate (espeak's 22 kHz: half the work); its true peak
        # is the band-limited signal's, which resampling keeps within the limiter's margin
        gain, voice = _limited(parts, voice * np.float32(dsp.db_to_lin(g_voice)), rate, target,
                               settings.true_peak_dbtp)
        voice = resample(voice, rate, sr)
        tone_out = np.asarray(tone, np.float32) * np.float32(dsp.db_to_lin(g_tone + gain))
        dsp.Limiter(sr, settings.true_peak_dbtp).process(tone_out)  # only a very loud target
    gap = np.zeros(int(GAP_MS * sr / 1000), np.float32)
    return np.tile(np.concatenate([tone_out, gap, voice, gap]), repeat)


def _voice(message: Clip, s: ProgramSettings) -> tuple[np.ndarray, int]:
    """The message with the treatment a program gives speech, at its own rate."""
    x = np.array(message.samples, dtype=np.float32)  # a copy: the caller's clip is not ours
    horn_treatment(x, message.sample_rate, s, speech=True)
    return x, message.sample_rate


@dataclass(frozen=True)
class _Parts:
    """K-weighted 100 ms energies of the tone and the message, each at the level, and of a gap."""

    tone: np.ndarray
    voice: np.ndarray
    gap: np.ndarray

    def loudness(self, gain_db: float, voice_ratio: np.ndarray) -> float | None:
        """The cycle's loudness with ``gain_db`` on it all and the message's energies scaled
        per 100 ms by what the limiter left of them."""
        n = min(len(self.voice), len(voice_ratio))
        voice = self.voice.copy()
        voice[:n] *= voice_ratio[:n]
        cycle = np.concatenate([self.tone, self.gap, voice, self.gap]) * _power(gain_db)
        return dsp.gated_loudness(cycle)


def _gain_db(energies: np.ndarray, target: float) -> float:
    """The gain that brings what ``energies`` measure to ``target`` (0 if unmeasurable)."""
    loud = dsp.gated_loudness(energies)
    return 0.0 if loud is None else target - loud


def _power(gain_db: float) -> float:
    return float(10 ** (gain_db / 10))


def _limited(parts: _Parts, voice: np.ndarray, sr: int, target: float, ceiling: float
             ) -> tuple[float, np.ndarray]:
    """The gain on the whole cycle and the message limited to ``ceiling`` under it, such that
    the cycle measures ``target``: the limiter takes level away where it works, so the gain is
    searched (secant method) with the loss estimated from the energy the limiter removed."""
    gain = _gain_db(np.concatenate([parts.tone, parts.gap, parts.voice, parts.gap]), target)
    tried: list[tuple[float, float]] = []  # (gain, loudness)
    out = voice
    for _ in range(ATTEMPTS):
        out, ratio = _limit(voice, gain, sr, ceiling)
        got = parts.loudness(gain, ratio)
        if got is None or abs(got - target) <= TOLERANCE_LU:
            break
        tried.append((gain, got))
        if len(tried) >= 2 and tried[-1][1] != tried[-2][1]:
            (g0, l0), (g1, l1) = tried[-2], tried[-1]
            gain = g1 + (target - l1) * (g1 - g0) / (l1 - l0)
        else:
            gain += (target - got) / FIRST_SLOPE
    return gain, out


def _limit(voice: np.ndarray, gain_db: float, sr: int, ceiling: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """``voice`` with ``gain_db``, limited; and per 100 ms the energy the limiter left."""
    pre = voice * np.float32(dsp.db_to_lin(gain_db))
    out = pre.copy()
    if not dsp.Limiter(sr, ceiling).process(out):
        return out, np.ones(0)
    hop = sr // 10
    n = len(out) // hop * hop
    e0 = np.square(pre[:n]).reshape(-1, hop).sum(axis=1, dtype=np.float64)
    e1 = np.square(out[:n]).reshape(-1, hop).sum(axis=1, dtype=np.float64)
    return out, np.where(e0 > 0, e1 / np.maximum(e0, 1e-30), 1.0)
