"""Render a Program: resolve each item's audio, apply the duration policy, process items for horn
speakers (high-pass, speech compression, per-item loudness), mix with ducked beds, then master
(true-peak limiter) into a 16-bit WAV plus a JSON rundown.

Everything streams, so a 60-minute program needs no 60-minute buffer: two worker threads process
items ahead of the mix (as many as fit a look-ahead budget, so neither waits on a long item), the
mix is handed to the master as soon as no later item can reach it, and the master limits and
writes it chunk by chunk while the workers go on. Each item is normalised to the target, so
the program gain starts at 0 dB; the program loudness is then computed from the K-weighted
energies of every processed item (placed on the timeline, beds and limiter gain included) and a
small level correction is applied to the written file if overlaps, beds or the limiter moved it;
when the peak headroom does not allow that (short, peaky programs) the program is rendered once
more with the gain raised before the limiter. The speech callables are called once to plan and
hash, and again when the item is processed (so an hour of speech is never held at once).
Speech comes only through the caller's callables; this module never calls TTS or the network.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from threadpoolctl import threadpool_limits

from broadcaster.config import ProgramSettings
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.messages import t
from broadcaster.models import Clip
from broadcaster.program import dsp
from broadcaster.program.audio import (
    AudioCorrupt,
    AudioInfo,
    AudioMissing,
    decode,
    probe,
    resample,
    resampled_length,
    wav_declared_frames,
)
from broadcaster.program.duration import fit_duration, layout
from broadcaster.program.model import (
    Bed,
    BulletinItem,
    Item,
    Music,
    Program,
    RenderedProgram,
    RundownEntry,
    Say,
    Silence,
    _FileItem,
)

log = logging.getLogger(__name__)

RENDER_VERSION = "program-render-2"  # bump when the processing changes: invalidates caches
CHUNK_S = 10.0
# processed audio that may wait for the mix (float32 at 48 kHz: 12 minutes is 138 MB)
LOOKAHEAD_S = 720.0
SpeechFn = Callable[[str], Clip | None]
PathFn = Callable[[str], Path]


@dataclass
class _Source:
    """An item with its audio located (not yet decoded) and its length at the station rate."""

    item: Item | Bed
    n: int = 0
    path: Path | None = None
    info: AudioInfo | None = None
    fetch: Callable[[], Clip | None] | None = None  # speech: asks the caller again at render
    digest: str = ""
    fingerprint: str = ""  # speech: to notice it changed between planning and processing
    flags: tuple[str, ...] = ()
    detail: str = ""
    source: str = ""


@dataclass
class _Processed:
    samples: np.ndarray  # station rate, exactly the planned length
    energies: np.ndarray  # K-weighted 100 ms sub-block energies at the item's native rate
    hop_s: float
    flags: tuple[str, ...] = ()
    detail: str = ""


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()  # hardware-accelerated: twice blake2b's speed here
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:32]


def _hash_clip(clip: Clip) -> str:
    h = hashlib.sha256()
    h.update(str(clip.sample_rate).encode())
    h.update(memoryview(np.ascontiguousarray(clip.samples, dtype=np.float32)).cast("B"))
    return h.hexdigest()


def _fingerprint(clip: Clip) -> str:
    """A cheap check that the speech handed over again is the speech that was hashed: length,
    rate and every 61st sample (new synthesis changes nearly all of them)."""
    h = hashlib.sha256(f"{clip.sample_rate}:{len(clip.samples)}".encode())
    h.update(memoryview(np.ascontiguousarray(clip.samples[::61], dtype=np.float32)).cast("B"))
    return h.hexdigest()


def _resolve(item: Item | Bed, sr: int, resolve_path: PathFn, speech_for: SpeechFn,
             say: SpeechFn) -> _Source:
    src = _Source(item)
    if isinstance(item, Silence):
        src.n = int(round(item.ms * sr / 1000))
        return src
    if isinstance(item, (_FileItem, Bed)):
        src.source = item.path
        path = resolve_path(item.path)
        src.path = path
        try:
            src.info = probe(path)
        except AudioMissing as exc:
            src.flags, src.detail = ("missing",), str(exc)
            return src
        except AudioCorrupt as exc:
            src.flags, src.detail = ("corrupt",), str(exc)
            return src
        src.digest = _hash_file(path)
        src.n = resampled_length(src.info.frames, src.info.sample_rate, sr)
        if isinstance(item, Music) and item.max_ms is not None:
            src.n = min(src.n, int(round(item.max_ms * sr / 1000)))
        return src
    if isinstance(item, (Say, BulletinItem)):
        key = item.text if isinstance(item, Say) else item.bulletin_id
        src.source = key if isinstance(item, BulletinItem) else ""
        try:
            clip = say(key) if isinstance(item, Say) else speech_for(key)
        except BroadcasterError as exc:
            clip, src.detail = None, str(exc)
        if clip is None or len(clip.samples) == 0:
            src.flags = ("missing",)
            src.detail = src.detail or t("program.no_speech", item=item.name)
            return src
        src.digest = _hash_clip(clip)
        src.fingerprint = _fingerprint(clip)
        src.n = resampled_length(len(clip.samples), clip.sample_rate, sr)
        # not held: an hour of speech would be hundreds of MB; the worker asks again when it
        # processes this item (the speech stage's finished files make that cheap)
        fn = say if isinstance(item, Say) else speech_for
        src.fetch = lambda: fn(key)
        return src
    raise ProgramError(f"unknown program item {type(item).__name__}")


def _cache_key(program: Program, settings: ProgramSettings, sr: int, srcs: list[_Source],
               bed_srcs: list[_Source]) -> str:
    def desc(x: Item | Bed) -> dict:
        d = dataclasses.asdict(x)
        d["type"] = type(x).__name__
        return d

    payload = {
        "v": RENDER_VERSION,
        "sr": sr,
        "settings": settings.model_dump(mode="json"),
        "items": [desc(s.item) | {"_d": s.digest, "_f": s.flags} for s in srcs],
        "beds": [desc(s.item) | {"_d": s.digest, "_f": s.flags} for s in bed_srcs],
        "max_ms": program.max_ms,
        "overlong": program.overlong,
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


# --- per-item processing -------------------------------------------------------------------------


def _fade(y: np.ndarray, n_in: int, n_out: int) -> None:
    """Equal-power (quarter-sine) fades in place: two overlapping items keep a steady level."""
    if n_in > 0:
        n_in = min(n_in, len(y))
        y[:n_in] *= np.sin(np.linspace(0, np.pi / 2, n_in)).astype(np.float32)
    if n_out > 0:
        n_out = min(n_out, len(y))
        y[len(y) - n_out :] *= np.cos(np.linspace(0, np.pi / 2, n_out)).astype(np.float32)


def _process(src: _Source, s: ProgramSettings, sr: int, target_db: float,
             fade_in_ms: int, fade_out_ms: int, speech: bool) -> _Processed:
    flags: list[str] = []
    detail = ""
    if src.fetch is not None:
        try:
            clip = src.fetch()
        except BroadcasterError as exc:
            clip, detail = None, str(exc)
        if clip is None or len(clip.samples) == 0:
            return _Processed(np.zeros(src.n, np.float32), np.zeros(0), 0.1, ("missing",),
                              detail or t("program.no_speech", item=src.item.name))
        if _fingerprint(clip) != src.fingerprint:
            flags.append("changed")  # the speech changed while the program was being built
            log.warning("program: speech for %s changed during the render", src.item.name)
        x = np.array(clip.samples, dtype=np.float32)  # a copy: the caller's clip is not ours
        rate = clip.sample_rate
        del clip
    else:
        if src.path is None or src.info is None:
            raise ProgramError(f"no audio located for {src.item.name}")
        try:
            x, rate = decode(src.path, src.info)
        except AudioCorrupt as exc:
            return _Processed(np.zeros(src.n, np.float32), np.zeros(0), 0.1, ("corrupt",), str(exc))
        declared = wav_declared_frames(src.path) or src.info.frames
        if len(x) < declared * 0.98:
            flags.append("truncated")
            detail = t("program.truncated", got=len(x), want=declared)
        want = int(np.ceil(src.n * rate / sr)) + 1
        x = x[:want]
    sos = dsp.highpass_sos(s.highpass_hz, s.highpass_order, rate)
    if sos is not None:
        dsp.sosfilt_inplace(sos, x)
    n_in, n_out = int(fade_in_ms * rate / 1000), int(fade_out_ms * rate / 1000)
    if speech and s.compression:
        # threshold relative to the speech's own gated level (unweighted: one filter pass less)
        level = dsp.gated_loudness(_plain_energies(x, rate))
        if level is not None:
            x *= dsp.compressor_gain(x, rate, level + 0.691 + s.compression_threshold_lu,
                                     s.compression_ratio)
    sub, faded = _k_energies(x, rate, n_in, n_out)
    loud = dsp.gated_loudness(sub)
    if loud is None:
        flags.append("silent")  # nothing to measure (silent or under 400 ms): level as is
        gain_db = 0.0
    else:
        gain_db = target_db - loud
    gain = dsp.db_to_lin(gain_db)
    x *= gain
    faded *= gain * gain  # what the item carries into the program, fades included
    y = resample(x, rate, sr, length=src.n)
    del x
    _fade(y, int(fade_in_ms * sr / 1000), int(fade_out_ms * sr / 1000))
    hop = rate // 10
    sub = faded
    return _Processed(y, sub, hop / rate, tuple(flags), detail)


def _plain_energies(x: np.ndarray, rate: int) -> np.ndarray:
    hop = rate // 10
    n = len(x) // hop * hop
    return np.square(x[:n]).reshape(-1, hop).mean(axis=1, dtype=np.float64)


def _fade_curve(n: int, n_in: int, n_out: int, a: int, b: int) -> np.ndarray | None:
    """The fade gains (as _fade applies them) for samples [a, b) of an n-sample item."""
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


def _k_energies(x: np.ndarray, rate: int, n_in: int, n_out: int,
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
            e = np.square(y[:k]).reshape(-1, hop).sum(axis=1).astype(np.float64) / hop
            plain.append(e)
            faded.append(e if yf is None else
                         np.square(yf[:k]).reshape(-1, hop).sum(axis=1).astype(np.float64) / hop)
        rest = y[k:].copy()
        rest_f = rest if yf is None else yf[k:].copy()
    e = np.concatenate(plain) if plain else np.zeros(0)
    return e, (np.concatenate(faded) if faded else np.zeros(0))


# --- mixing --------------------------------------------------------------------------------------


class _Bus:
    """The part of the mix that later items can still reach; the rest goes on to the master.
    Holds the processed items themselves (no mix buffer to grow and copy) and sums them chunk
    by chunk as they are flushed."""

    def __init__(self, sink: _Master, beds: list[_BedPlan], sr: int) -> None:
        self.sink = sink
        self.base = 0
        self.pieces: list[tuple[int, np.ndarray]] = []  # (start sample, processed item)
        self.beds = beds
        self.step = int(CHUNK_S * sr)

    def add(self, start: int, y: np.ndarray) -> None:
        self.pieces.append((start, y))

    def flush(self, upto: int) -> None:
        pos = self.base
        while pos < upto:
            end = min(upto, pos + self.step)
            chunk = np.zeros(end - pos, np.float32)
            for st, y in self.pieces:
                a, b = max(pos, st), min(end, st + len(y))
                if a < b:
                    chunk[a - pos : b - pos] += y[a - st : b - st]
            for bed in self.beds:
                bed.add_to(chunk, pos)
            self.sink.push(chunk)
            pos = end
        if upto > self.base:
            self.base = upto
            # an item is freed as soon as the mix has passed it
            self.pieces = [(st, y) for st, y in self.pieces if st + len(y) > upto]


@dataclass
class _BedPlan:
    signal: np.ndarray  # processed bed at station rate (looped)
    start: int
    end: int
    xp: np.ndarray  # duck breakpoints (samples) and their gains (dB)
    fp: np.ndarray
    fade_in: int
    fade_out: int
    energies: np.ndarray  # K-weighted 100 ms energies of the processed bed (its own rate)
    hop_s: float

    def gain_db(self, pos: np.ndarray) -> np.ndarray:
        g = np.interp(pos, self.xp, self.fp) if len(self.xp) else np.zeros(len(pos))
        with np.errstate(divide="ignore"):
            if self.fade_in > 0:
                g = g + 20 * np.log10(np.clip((pos - self.start) / self.fade_in, 1e-6, 1.0))
            if self.fade_out > 0:
                g = g + 20 * np.log10(np.clip((self.end - pos) / self.fade_out, 1e-6, 1.0))
        return g

    def add_to(self, chunk: np.ndarray, base: int) -> None:
        a, b = max(base, self.start), min(base + len(chunk), self.end)
        if a >= b or len(self.signal) == 0:
            return
        # the gain curve changes slowly: compute it every 1 ms, hold it in between
        step = 48
        coarse = np.arange(a, b, step)
        g = np.repeat((10 ** (self.gain_db(coarse) / 20)).astype(np.float32), step)[: b - a]
        idx = (np.arange(a, b) - self.start) % len(self.signal)
        chunk[a - base : b - base] += self.signal[idx] * g


def _duck_curve(spans: list[tuple[int, int]], duck_db: float, att: int, rel: int
                ) -> tuple[np.ndarray, np.ndarray]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s - att <= merged[-1][1] + rel:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    xp: list[float] = []
    fp: list[float] = []
    for s, e in merged:
        xp += [s - att - 1e-3, s, e, e + rel + 1e-3]
        fp += [0.0, -duck_db, -duck_db, 0.0]
    return np.array(xp, dtype=np.float64), np.array(fp, dtype=np.float64)


def _place(model: np.ndarray, at: float, e: np.ndarray, step: float) -> None:
    """Add an item's sub-block energies (each ``step`` program sub-blocks long, the first at
    sub-block position ``at``) to the program's, split by overlap."""
    if len(e) == 0:
        return
    kf = at + np.arange(len(e)) * step
    k = np.floor(kf).astype(np.int64)
    f = kf - k
    ok = k + 1 < len(model)
    np.add.at(model, k[ok], (1 - f[ok]) * e[ok])
    np.add.at(model, k[ok] + 1, f[ok] * e[ok])


def _place_bed(model: np.ndarray, bp: _BedPlan, hop: int, sr: int) -> None:
    if len(bp.energies) == 0:
        return
    k = np.arange(bp.start // hop, min(len(model), -(-bp.end // hop)))
    centre = k * hop + hop / 2
    inside = (centre >= bp.start) & (centre < bp.end)
    k, centre = k[inside], centre[inside]
    src = ((centre - bp.start) % len(bp.signal)) / sr
    j = np.minimum((src / bp.hop_s).astype(np.int64), len(bp.energies) - 1)
    model[k] += bp.energies[j] * 10 ** (bp.gain_db(centre) / 10)


# --- master --------------------------------------------------------------------------------------


class _WavWriter:
    """16-bit mono WAV written straight from numpy (libsndfile's float conversion is several
    times slower); the RIFF sizes are patched on close."""

    HEADER = 44  # bytes before the samples

    def __init__(self, path: Path, sr: int) -> None:
        self.path = path
        self.f = path.open("wb")
        self.frames = 0
        self.f.write(self._header(sr, 0))
        self.sr = sr

    @staticmethod
    def _header(sr: int, frames: int) -> bytes:
        data = frames * 2
        return (b"RIFF" + (36 + data).to_bytes(4, "little") + b"WAVEfmt "
                + (16).to_bytes(4, "little") + (1).to_bytes(2, "little")
                + (1).to_bytes(2, "little") + sr.to_bytes(4, "little")
                + (sr * 2).to_bytes(4, "little") + (2).to_bytes(2, "little")
                + (16).to_bytes(2, "little") + b"data" + data.to_bytes(4, "little"))

    def write(self, x: np.ndarray) -> None:
        pcm = np.rint(np.clip(x, -1.0, 32767 / 32768) * 32768).astype("<i2")
        self.f.write(memoryview(pcm))
        self.frames += len(x)

    def close(self) -> None:
        self.f.seek(0)
        self.f.write(self._header(self.sr, self.frames))
        self.f.close()  # synced once, after any level correction (render_program)

    def abort(self) -> None:
        self.f.close()


class _Master:
    """Streaming master: program gain, look-ahead true-peak limiter, 16-bit WAV; records the
    10 ms sample peaks of what was written and, per 100 ms, how much energy the limiter took."""

    def __init__(self, sr: int, gain_db: float, ceiling: float, out: Path) -> None:
        self.sr = sr
        self.lim = dsp.Limiter(sr, ceiling)
        self.hop = sr // 10
        self.ratios: list[np.ndarray] = []  # per 100 ms: energy after / before the limiter
        self.ctx = self.lim.context
        # whole 100 ms blocks per chunk, so per-chunk measurements line up with the program grid
        self.step = max(1, round(CHUNK_S * 10)) * self.hop
        self.g = np.float32(dsp.db_to_lin(gain_db))
        self.peak_hop = sr // 100
        self.peaks: list[np.ndarray] = []
        self.limited = 0
        self.wav = _WavWriter(out, sr)
        self.buf = np.zeros(0, np.float32)  # pre-limiter samples from buf_at on
        self.buf_at = 0
        self.done = 0  # samples written

    def push(self, x: np.ndarray) -> None:
        self.buf = np.concatenate([self.buf, x * self.g]) if len(self.buf) else x * self.g
        while self.buf_at + len(self.buf) >= self.done + self.step + self.ctx:
            self._emit(self.done + self.step)

    def _emit(self, b: int) -> None:
        a = self.done
        xe = self.buf[: b + self.ctx - self.buf_at].copy()
        touched = self.lim.process(xe)
        self.limited += touched
        core = xe[a - self.buf_at : b - self.buf_at]
        np.clip(core, -1.0, 32767 / 32768, out=core)
        self.wav.write(core)
        nb = -(-len(core) // self.hop)
        if touched:
            pre = np.zeros(nb * self.hop, np.float32)
            post = np.zeros(nb * self.hop, np.float32)
            pre[: len(core)] = self.buf[a - self.buf_at : b - self.buf_at]
            post[: len(core)] = core
            e0 = np.square(pre).reshape(nb, self.hop).sum(axis=1, dtype=np.float64)
            e1 = np.square(post).reshape(nb, self.hop).sum(axis=1, dtype=np.float64)
            self.ratios.append(np.where(e0 > 0, e1 / np.maximum(e0, 1e-30), 1.0))
        else:
            self.ratios.append(np.ones(nb))
        m = -(-len(core) // self.peak_hop)
        pc = np.zeros(m * self.peak_hop, np.float32)
        np.abs(core, out=pc[: len(core)])
        self.peaks.append(pc.reshape(m, self.peak_hop).max(axis=1))
        self.done = b
        keep = max(0, b - self.ctx - self.buf_at)
        self.buf = self.buf[keep:]
        self.buf_at += keep

    def abort(self) -> None:
        self.wav.abort()

    def finish(self) -> None:
        end = self.buf_at + len(self.buf)
        while self.done < end:
            self._emit(min(end, self.done + self.step))
        self.wav.close()

    def limiter_ratios(self) -> np.ndarray:
        return np.concatenate(self.ratios) if self.ratios else np.zeros(0)

    def peak_blocks(self) -> np.ndarray:
        return np.concatenate(self.peaks) if self.peaks else np.zeros(0, np.float32)


def _pcm(path: Path, frames: int) -> np.ndarray:
    """The 16-bit samples of a WAV written by _WavWriter, memory-mapped read-only."""
    if frames == 0:
        return np.zeros(0, "<i2")
    return np.memmap(path, dtype="<i2", mode="r", offset=_WavWriter.HEADER, shape=(frames,))


def _scale_wav(path: Path, gain_db: float, frames: int) -> None:
    """Apply a gain to the 16-bit samples of a WAV written by _WavWriter, in place: the two
    halves at once (numpy and file I/O release the GIL). Plain reads and writes, not a memory
    map, so the file's pages are not counted against the process."""
    g = np.float32(dsp.db_to_lin(gain_db))
    block = 1 << 20

    def part(a: int, b: int) -> None:
        with path.open("r+b") as f:
            for s in range(a, b, block):
                n = min(b, s + block) - s
                f.seek(_WavWriter.HEADER + 2 * s)
                x = np.frombuffer(f.read(2 * n), dtype="<i2").astype(np.float32)
                x *= g
                np.rint(x, out=x)
                np.clip(x, -32768, 32767, out=x)
                f.seek(_WavWriter.HEADER + 2 * s)
                f.write(memoryview(x.astype("<i2")))

    half = frames // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        for f in [pool.submit(part, 0, half), pool.submit(part, half, frames)]:
            f.result()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _span_true_peak(pcm: np.ndarray, peaks: np.ndarray, sr: int, a: int, b: int,
                    top: int = 48) -> float | None:
    """True peak in dBTP of samples [a, b) of the rendered 16-bit ``pcm``: 4x oversampling of
    the ``top`` 10 ms blocks with the highest sample peaks (elsewhere the sample peak is lower
    by a margin no real signal's inter-sample overshoot reaches), in one filter call."""
    hop = sr // 100
    ka, kb = a // hop, min(len(peaks), -(-b // hop))
    if kb <= ka:
        return None
    blk = peaks[ka:kb]
    best = float(blk.max())
    if best <= 0:
        return None
    k = np.sort(np.argpartition(blk, -top)[-top:] if len(blk) > top else np.arange(len(blk))) + ka
    s, e = np.maximum(a, k * hop), np.minimum(b, (k + 1) * hop)
    segs = [(int(x), int(y)) for x, y in zip(s, e, strict=True) if y > x]
    # each block with real signal on both sides; only the block itself is kept, since a
    # window cut out of loud audio rings at its edges
    _, tp = dsp.oversampled_abs_segments(pcm, segs, pad=64)
    if len(tp):
        best = max(best, float(tp.max()) / 32768)
    return dsp.lin_to_db(best)


def _atomic_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _load_cached(cache_dir: Path, key: str) -> RenderedProgram | None:
    wav, js = cache_dir / f"{key}.wav", cache_dir / f"{key}.json"
    if not (wav.is_file() and js.is_file()):
        return None
    try:
        data = json.loads(js.read_text(encoding="utf-8"))
        info = sf.info(str(wav))
    except (OSError, ValueError, sf.LibsndfileError, RuntimeError):
        return None
    if data.get("digest") != key or info.frames != data.get("frames"):
        return None
    return RenderedProgram(
        None, int(data["sample_rate"]), tuple(RundownEntry.from_json(e) for e in data["rundown"]),
        key, tuple(data.get("warnings", ())), data.get("loudness_lufs"),
        data.get("true_peak_dbtp"), int(data["frames"]), wav, js, tuple(data.get("dropped", ())),
        cached=True,
    )


# --- the entry point -----------------------------------------------------------------------------


def render_program(program: Program, settings: ProgramSettings, *, sample_rate: int,
                   resolve_path: PathFn, speech_for: SpeechFn, say: SpeechFn,
                   cache_dir: Path | None = None) -> RenderedProgram:
    """Render ``program`` to a WAV (16-bit, mono, ``sample_rate``) and a rundown.

    With ``cache_dir`` the result is ``cache_dir/<digest>.wav`` + ``.json``, written atomically
    and reused when the inputs (file contents, speech samples, items, settings) hash the same;
    ``samples`` then loads lazily. Without it the samples are returned in memory. Missing or
    corrupt audio is left out and flagged in the rundown and ``warnings``; the program still
    renders. ``program.max_ms`` applies the duration policy; ``dropped`` lists bulletin ids to
    carry to the next slot.

    ``speech_for(bulletin_id)`` and ``say(text)`` return a Clip or None (None or a
    BroadcasterError: the item is flagged missing). Each is called once to plan and hash and
    again while rendering, from worker threads: they must be cheap, thread-safe and give the
    same audio (e.g. read the speech stage's finished WAV).
    """
    with _one_blas_thread():
        return _render_program(program, settings, sample_rate, resolve_path, speech_for, say,
                               cache_dir)


_blas_lock = threading.Lock()
_blas_users: list[Any] = []  # the limiter object while any render runs, one entry per render


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS on one thread while any render runs. A render keeps both cores busy with its own
    threads; BLAS (the true-peak oversampling is a matrix product) spinning up threads of its
    own would only take turns with them. The limit is process-wide, so overlapping renders
    share it: the first sets it, the last restores it."""
    with _blas_lock:
        ctl = _blas_users[0] if _blas_users else threadpool_limits(limits=1, user_api="blas")
        _blas_users.append(ctl)
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users.pop()
            if not _blas_users:
                ctl.restore_original_limits()


def _render_program(program: Program, settings: ProgramSettings, sample_rate: int,
                    resolve_path: PathFn, speech_for: SpeechFn, say: SpeechFn,
                    cache_dir: Path | None) -> RenderedProgram:
    sr = sample_rate
    with ThreadPoolExecutor(max_workers=2) as pool:  # file hashing and speech loading overlap
        srcs = list(pool.map(lambda it: _resolve(it, sr, resolve_path, speech_for, say),
                             program.items))
        bed_srcs = list(pool.map(lambda b: _resolve(b, sr, resolve_path, speech_for, say),
                                 program.beds))
    key = _cache_key(program, settings, sr, srcs, bed_srcs)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        hit = _load_cached(cache_dir, key)
        if hit is not None:
            log.info("program %s: cache hit", key)
            return hit

    fit = fit_duration(program, [round(s.n * 1000 / sr) for s in srcs], program.max_ms,
                       program.overlong, settings.gap_ms)
    items = list(fit.program.items)
    use = [srcs[i] for i in fit.origin]
    for k, it in enumerate(items):  # trimmed music: shorter planned length
        if isinstance(it, Music) and it.max_ms is not None and use[k].n:
            use[k] = dataclasses.replace(use[k], item=it,
                                         n=min(use[k].n, int(round(it.max_ms * sr / 1000))))
    lengths = [s.n for s in use]
    starts, total = layout(items, lengths, int(round(settings.gap_ms * sr / 1000)), sr / 1000)
    warnings = list(fit.warnings)
    target = settings.loudness_lufs

    if cache_dir is not None:
        work_dir = cache_dir
        tmpctx: contextlib.AbstractContextManager = contextlib.nullcontext()
    else:
        tmpctx = tempfile.TemporaryDirectory(prefix="program-")
    with tmpctx as tmpname:
        if cache_dir is None:
            work_dir = Path(tmpname)
        wav_tmp = work_dir / f".{key}.{os.getpid()}-{threading.get_ident()}.wav.tmp"
        try:
            gain_db = 0.0
            for attempt in range(2):
                result = _render(items, use, starts, total, fit.program.beds, bed_srcs, settings,
                                 sr, target, wav_tmp, list(warnings), key, fit, gain_db)
                loud = result.loudness_lufs
                if attempt or loud is None or abs(loud - target) <= 0.3:
                    break
                # the limiter took more than the level correction may give back (short, peaky
                # programs): render once more with the program gain raised before the limiter
                gain_db += target - loud
                log.info("program %s: %.2f LUFS, rendering again %+.2f dB", key, loud, gain_db)
            if cache_dir is None:
                data, _ = sf.read(str(wav_tmp), dtype="float32", always_2d=False)
                wav_tmp.unlink()
                return dataclasses.replace(result, pcm=np.asarray(data, np.float32))
            wav = cache_dir / f"{key}.wav"
            js = cache_dir / f"{key}.json"
            _fsync(wav_tmp)  # on disk before anyone may rename it into place
            os.replace(wav_tmp, wav)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                wav_tmp.unlink()
            raise
        result = dataclasses.replace(result, wav_path=wav, rundown_path=js)
        _atomic_json(js, result.to_json())
        return result


def _render(items: list[Item], srcs: list[_Source], starts: list[int], total: int,
            beds: tuple[Bed, ...], bed_srcs_all: list[_Source], s: ProgramSettings, sr: int,
            target: float, wav_tmp: Path, warnings: list[str], key: str,
            fit, gain_db: float = 0.0) -> RenderedProgram:
    # beds: process the source once, plan its span and duck curve
    bed_plans: list[_BedPlan] = []
    bed_entries: list[RundownEntry] = []
    speech_spans = [(st, st + src.n) for it, src, st in zip(items, srcs, starts, strict=True)
                    if it.is_speech and src.n > 0]
    bed_by_item = {id(b.item): b for b in bed_srcs_all}
    for bed in beds:
        bsrc = bed_by_item.get(id(bed)) or next(
            (b for b in bed_srcs_all if getattr(b.item, "path", None) == bed.path), None)
        first = min(max(bed.first, 0), max(len(items) - 1, 0))
        last = len(items) - 1 if bed.last is None else min(bed.last, len(items) - 1)
        a = starts[first] if items else 0
        b = max((starts[i] + srcs[i].n for i in range(first, last + 1)), default=a)
        entry = RundownEntry("bed", bed.name, round(a * 1000 / sr), round((b - a) * 1000 / sr),
                             source=bed.path)
        if bsrc is None or bsrc.flags or b <= a:
            flags = bsrc.flags if bsrc is not None else ("missing",)
            detail = bsrc.detail if bsrc is not None else ""
            bed_entries.append(dataclasses.replace(entry, flags=flags, detail=detail))
            if flags:
                warnings.append(t("program.item_skipped", item=bed.name, reason=detail))
            continue
        gain = s.bed_gain_db if bed.gain_db is None else bed.gain_db
        p = _process(dataclasses.replace(bsrc, n=bsrc.n), s, sr, target + gain, 0, 0, False)
        duck = s.duck_db if bed.duck_db is None else bed.duck_db
        spans = [(x, y) for x, y in speech_spans if y > a and x < b]
        xp, fp = _duck_curve(spans, duck, int(s.duck_attack_ms * sr / 1000),
                             int(s.duck_release_ms * sr / 1000))
        bed_plans.append(_BedPlan(p.samples, a, b, xp, fp, int(bed.fade_in_ms * sr / 1000),
                                  int(bed.fade_out_ms * sr / 1000), p.energies, p.hop_s))
        bed_entries.append(dataclasses.replace(entry, flags=p.flags, detail=p.detail))

    # items: processed ahead on two workers, mixed in order; what no later item can reach is
    # mastered at once. Every item is already at the target, so the program gain starts at
    # 0 dB; the measured result is corrected afterwards if overlaps, beds or the limiter moved it.
    hop = sr // 10
    master = _Master(sr, gain_db, s.true_peak_dbtp, wav_tmp)
    model = np.zeros(total // hop + 2)  # K-weighted energy per 100 ms of the program
    suffix_min = [total] * (len(items) + 1)
    for i in reversed(range(len(items))):
        suffix_min[i] = min(suffix_min[i + 1], starts[i] if srcs[i].n > 0 else total)
    processed_flags: dict[int, tuple[tuple[str, ...], str]] = {}

    def job(i: int) -> _Processed | None:
        src, it = srcs[i], items[i]
        if src.n <= 0 or src.flags or isinstance(it, Silence):
            return None
        return _process(src, s, sr, target + it.gain_db, it.fade_in_ms, it.fade_out_ms,
                        it.is_speech)

    with ThreadPoolExecutor(max_workers=2) as pool:
        bus = _Bus(master, bed_plans, sr)
        pending: dict[int, Future] = {}
        ahead = [0, 0]  # next item to submit; samples submitted and not yet mixed

        def submit() -> None:
            # keep both workers busy while the master works: at least two items in flight,
            # more while they fit the look-ahead budget (processed audio waiting to be mixed)
            while ahead[0] < len(items) and (
                    len(pending) < 2 or ahead[1] + srcs[ahead[0]].n <= LOOKAHEAD_S * sr):
                pending[ahead[0]] = pool.submit(job, ahead[0])
                ahead[1] += srcs[ahead[0]].n
                ahead[0] += 1

        submit()
        try:
            for i in range(len(items)):
                p = pending.pop(i).result()
                ahead[1] -= srcs[i].n
                submit()
                if p is not None:
                    bus.add(starts[i], p.samples)
                    _place(model, starts[i] / hop, p.energies, p.hop_s * 10)
                    processed_flags[i] = (p.flags, p.detail)
                    del p  # not held while waiting for the next item
                bus.flush(suffix_min[i + 1])
        except BaseException:
            for f in pending.values():  # the look-ahead's queued items are not wanted now
                f.cancel()
            master.abort()
            raise
        bus.flush(total)
    master.finish()
    for bp in bed_plans:
        _place_bed(model, bp, hop, sr)
    ratios = master.limiter_ratios()
    energies = model[: len(ratios)] * ratios * 10 ** (gain_db / 10)
    peaks = master.peak_blocks()
    loud = dsp.gated_loudness(energies)
    pcm = _pcm(wav_tmp, total)
    tp_all = _span_true_peak(pcm, peaks, sr, 0, total, top=256) if total else None
    corr = 0.0
    if loud is not None and abs(target - loud) > 0.15:
        # correct the level of the written file: down freely, up only within the peak headroom
        corr = min(target - loud, s.true_peak_dbtp - 0.05 - (tp_all if tp_all is not None else -120.0))
        log.debug("program %s: %.2f LUFS before correction, %s dBTP", key, loud, tp_all)
        corr = corr if abs(corr) > 0.05 else 0.0
    if loud is not None and abs(loud + corr - target) > 0.5:
        warnings.append(t("program.loudness_off", measured=f"{loud + corr:.1f}", target=f"{target:.1f}"))

    # true peaks are measured before the correction (it scales them all alike), so the file
    # is read once before it is rewritten
    def measure(a: int, b: int) -> tuple[float | None, float | None]:
        ka, kb = -(-a // hop), b // hop
        lu = dsp.gated_loudness(energies[ka:kb]) if kb - ka >= 4 else None
        tp = _span_true_peak(pcm, peaks, sr, a, b) if b > a else None
        return (round(lu + corr, 2) if lu is not None else None), (
            round(tp + corr, 2) if tp is not None else None)

    rundown: list[RundownEntry] = []
    for i, (it, src, st) in enumerate(zip(items, srcs, starts, strict=True)):
        flags, detail = src.flags, src.detail
        if i in processed_flags and processed_flags[i][0]:
            flags, detail = flags + processed_flags[i][0], processed_flags[i][1] or detail
        if isinstance(it, Music) and i in fit.trimmed:
            flags += ("trimmed",)
        lu, tp = measure(st, st + src.n) if src.n > 0 and not src.flags else (None, None)
        rundown.append(RundownEntry(it.kind, it.name, round(st * 1000 / sr),
                                    round(src.n * 1000 / sr) if not src.flags else 0,
                                    lu, tp, flags, src.source, detail))
        if {"missing", "corrupt", "truncated"} & set(flags):
            warnings.append(t("program.item_skipped", item=it.name, reason=detail))
    for entry in bed_entries:
        if not entry.flags:
            a = entry.offset_ms * sr // 1000
            lu, tp = measure(a, a + entry.duration_ms * sr // 1000)
            entry = dataclasses.replace(entry, loudness_lufs=lu, true_peak_dbtp=tp)
        rundown.append(entry)
    if corr:
        _scale_wav(wav_tmp, corr, total)
        loud += corr
    tp_all = round(tp_all + corr, 2) if tp_all is not None else None
    for w in warnings:
        log.warning("program %s: %s", key, w)
    return RenderedProgram(
        None, sr, tuple(rundown), key, tuple(warnings),
        round(loud, 2) if loud is not None else None, tp_all, total,
        dropped=tuple(b.bulletin_id for b in fit.dropped),
    )


def prune_cache(cache_dir: Path, now: float, max_age_s: float) -> list[Path]:
    """Delete rendered programs (``.wav`` + ``.json``) and abandoned temp files last written
    more than ``max_age_s`` before ``now`` (a POSIX timestamp, passed in). Returns what went."""
    gone: list[Path] = []
    if not cache_dir.is_dir():
        return gone
    for p in cache_dir.iterdir():
        if not (p.suffix in (".wav", ".json", ".tmp") and p.is_file()):
            continue
        try:
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
                gone.append(p)
        except FileNotFoundError:
            continue
    return gone
