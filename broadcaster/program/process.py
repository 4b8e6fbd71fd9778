"""One item made ready for horn speakers: decode (or fetch the speech again), high-pass, speech
compression, gain to its loudness target, resample to the station rate, fades; with the K-weighted
energies the program's loudness is later computed from."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from broadcaster.config import ProgramSettings
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.messages import t
from broadcaster.program import dsp
from broadcaster.program.audio import AudioCorrupt, decode, resample, wav_declared_frames
from broadcaster.program.sources import Source, fingerprint

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Treatment:
    """How one item is processed: its loudness target, its fades and whether it is speech
    (compressed)."""

    target_db: float
    fade_in_ms: int = 0
    fade_out_ms: int = 0
    speech: bool = False


@dataclass
class Processed:
    samples: np.ndarray  # station rate, exactly the planned length
    energies: np.ndarray  # K-weighted 100 ms sub-block energies at the item's native rate
    hop_s: float
    flags: tuple[str, ...] = ()
    detail: str = ""


def _left_out(src: Source, flag: str, detail: str) -> Processed:
    return Processed(np.zeros(src.n, np.float32), np.zeros(0), 0.1, (flag,), detail)


def _load(src: Source, sr: int) -> tuple[np.ndarray, int, list[str], str] | Processed:
    """The item's samples at their own rate, with flags; a Processed when it cannot be had."""
    flags: list[str] = []
    detail = ""
    if src.fetch is not None:
        try:
            clip = src.fetch()
        except BroadcasterError as exc:
            clip, detail = None, str(exc)
        if clip is None or len(clip.samples) == 0:
            return _left_out(src, "missing", detail or t("program.no_speech", item=src.item.name))
        if fingerprint(clip) != src.fingerprint:
            flags.append("changed")  # the speech changed while the program was being built
            log.warning("program: speech for %s changed during the render", src.item.name)
        x = np.array(clip.samples, dtype=np.float32)  # a copy: the caller's clip is not ours
        return x, clip.sample_rate, flags, detail
    if src.path is None or src.info is None:
        raise ProgramError(f"no audio located for {src.item.name}")
    try:
        x, rate = decode(src.path, src.info)
    except AudioCorrupt as exc:
        return _left_out(src, "corrupt", str(exc))
    declared = wav_declared_frames(src.path) or src.info.frames
    if len(x) < declared * 0.98:
        flags.append("truncated")
        detail = t("program.truncated", got=len(x), want=declared)
    want = int(np.ceil(src.n * rate / sr)) + 1
    return x[:want], rate, flags, detail


def process(src: Source, how: Treatment, s: ProgramSettings, sr: int) -> Processed:
    """``src`` processed and resampled to exactly ``src.n`` samples at ``sr``."""
    loaded = _load(src, sr)
    if isinstance(loaded, Processed):
        return loaded
    x, rate, flags, detail = loaded
    horn_treatment(x, rate, s, how.speech)
    n_in, n_out = int(how.fade_in_ms * rate / 1000), int(how.fade_out_ms * rate / 1000)
    sub, faded = k_energies(x, rate, n_in, n_out)
    loud = dsp.gated_loudness(sub)
    if loud is None:
        flags.append("silent")  # nothing to measure (silent or under 400 ms): level as is
        gain_db = 0.0
    else:
        gain_db = how.target_db - loud
    gain = dsp.db_to_lin(gain_db)
    x *= gain
    faded *= gain * gain  # what the item carries into the program, fades included
    y = resample(x, rate, sr, length=src.n)
    del x
    fade(y, int(how.fade_in_ms * sr / 1000), int(how.fade_out_ms * sr / 1000))
    hop = rate // 10
    return Processed(y, faded, hop / rate, tuple(flags), detail)


def horn_treatment(x: np.ndarray, rate: int, s: ProgramSettings, speech: bool) -> None:
    """In place: the high-pass horns need and, for speech, the gentle compressor."""
    sos = dsp.highpass_sos(s.highpass_hz, s.highpass_order, rate)
    if sos is not None:
        dsp.sosfilt_inplace(sos, x)
    if speech and s.compression:
        # threshold relative to the speech's own gated level (unweighted: one filter pass less)
        level = dsp.gated_loudness(plain_energies(x, rate))
        if level is not None:
            x *= dsp.compressor_gain(x, rate, level + 0.691 + s.compression_threshold_lu,
                                     s.compression_ratio)


def fade(y: np.ndarray, n_in: int, n_out: int) -> None:
    """Equal-power (quarter-sine) fades in place: two overlapping items keep a steady level."""
    if n_in > 0:
        n_in = min(n_in, len(y))
        y[:n_in] *= np.sin(np.linspace(0, np.pi / 2, n_in)).astype(np.float32)
    if n_out > 0:
        n_out = min(n_out, len(y))
        y[len(y) - n_out :] *= np.cos(np.linspace(0, np.pi / 2, n_out)).astype(np.float32)


def plain_energies(x: np.ndarray, rate: int) -> np.ndarray:
    """Unweighted mean-square energies of 100 ms sub-blocks."""
    hop = rate // 10
    n = len(x) // hop * hop
    return np.square(x[:n]).reshape(-1, hop).mean(axis=1, dtype=np.float64)


def _fade_curve(n: int, n_in: int, n_out: int, a: int, b: int) -> np.ndarray | None:
    """The fade gains (as fade() applies them) for samples [a, b) of an n-sample item."""
    if not ((n_in and a < n_in) or (n_out and b > n - n_out)):
        return None
    w = np.ones(b - a, np.float32)
    if n_in and a < n_in:
        k = np.arange(a, min(b, n_in))
        w[: len(k)] = np.sin(k * (np.pi / 2) / max(n_in - 1, 1))
    if n_out and b > n - n_out:
        k = np.arange(max(a, n - n_out), b)
        w[k - a] *= np.cos((k - (n - n_out)) * (np.pi / 2) / max(n_out - 1, 1))
    return w


def _energies(y: np.ndarray, k: int, hop: int) -> np.ndarray:
    return np.square(y[:k]).reshape(-1, hop).sum(axis=1).astype(np.float64) / hop


def k_energies(x: np.ndarray, rate: int, n_in: int, n_out: int,
               block: int = 1 << 18) -> tuple[np.ndarray, np.ndarray]:
    """K-weighted 100 ms energies of ``x`` without and with its fades, block by block (no
    full-length filtered copy is held)."""
    m = dsp.KMeter(rate)
    hop = m.hop
    zi = m._zi
    plain: list[np.ndarray] = []
    faded: list[np.ndarray] = []
    rest = np.zeros(0, np.float32)
    rest_f = rest
    n_in, n_out = min(n_in, len(x)), min(n_out, len(x))
    for a in range(0, len(x), block):
        y_new, zi = dsp.ss.sosfilt(m.sos, x[a : a + block], zi=zi)
        w = _fade_curve(len(x), n_in, n_out, a, a + len(y_new))
        y = np.concatenate([rest, y_new]) if len(rest) else y_new
        yf = None  # the faded signal, when it differs from y
        if w is not None or rest_f is not rest:
            yf = np.concatenate([rest_f, y_new * w if w is not None else y_new])
        k = len(y) // hop * hop
        if k:
            e = _energies(y, k, hop)
            plain.append(e)
            faded.append(e if yf is None else _energies(yf, k, hop))
        rest = y[k:].copy()
        rest_f = rest if yf is None else yf[k:].copy()
    e = np.concatenate(plain) if plain else np.zeros(0)
    return e, (np.concatenate(faded) if faded else np.zeros(0))
