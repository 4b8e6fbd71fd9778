"""The master: program gain, look-ahead true-peak limiter and a streaming 16-bit WAV writer; then
the measurements taken from what was written (true peak of any span) and the level correction
applied to the file in place."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from broadcaster.program import dsp


class WavWriter:
    """16-bit mono WAV written straight from numpy (libsndfile's float conversion is several
    times slower); the RIFF sizes are patched on close. The caller names the (temporary) file
    and syncs and renames it once it is final."""

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
        self.f.write(pcm.data)
        self.frames += len(x)

    def close(self) -> None:
        self.f.seek(0)
        self.f.write(self._header(self.sr, self.frames))
        self.f.close()  # synced once, after any level correction (cache.store)

    def abort(self) -> None:
        self.f.close()


class Master:
    """Streaming master: program gain, look-ahead true-peak limiter, 16-bit WAV; records the
    10 ms sample peaks of what was written and, per 100 ms, how much energy the limiter took.
    ``chunk_s`` is how much it limits and writes at a time."""

    def __init__(self, sr: int, gain_db: float, ceiling: float, out: Path,
                 chunk_s: float) -> None:
        self.sr = sr
        self.lim = dsp.Limiter(sr, ceiling)
        self.hop = sr // 10
        self.ratios: list[np.ndarray] = []  # per 100 ms: energy after / before the limiter
        self.ctx = self.lim.context
        # whole 100 ms blocks per chunk, so per-chunk measurements line up with the program grid
        self.step = max(1, round(chunk_s * 10)) * self.hop
        self.g = np.float32(dsp.db_to_lin(gain_db))
        self.peak_hop = sr // 100
        self.peaks: list[np.ndarray] = []
        self.limited = 0
        self.wav = WavWriter(out, sr)
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


def level_correction(loud: float | None, target: float, tp_all: float | None,
                     ceiling: float) -> float:
    """dB to apply to the written program so it measures ``target``: down freely, up only
    within the true-peak headroom under ``ceiling``; 0 when within 0.15 LU or 0.05 dB."""
    if loud is None or abs(target - loud) <= 0.15:
        return 0.0
    corr = min(target - loud, ceiling - 0.05 - (tp_all if tp_all is not None else -120.0))
    return corr if abs(corr) > 0.05 else 0.0


def pcm(path: Path, frames: int) -> np.ndarray:
    """The 16-bit samples of a WAV written by WavWriter, memory-mapped read-only."""
    if frames == 0:
        return np.zeros(0, "<i2")
    return np.memmap(path, dtype="<i2", mode="r", offset=WavWriter.HEADER, shape=(frames,))


def scale_wav(path: Path, gain_db: float, frames: int) -> None:
    """Apply a gain to the 16-bit samples of a WAV written by WavWriter, in place: the two
    halves at once (numpy and file I/O release the GIL). Plain reads and writes, not a memory
    map, so the file's pages are not counted against the process."""
    g = np.float32(dsp.db_to_lin(gain_db))
    block = 1 << 20

    def part(a: int, b: int) -> None:
        with path.open("r+b") as f:
            for s in range(a, b, block):
                n = min(b, s + block) - s
                f.seek(WavWriter.HEADER + 2 * s)
                x = np.frombuffer(f.read(2 * n), dtype="<i2").astype(np.float32)
                x *= g
                np.rint(x, out=x)
                np.clip(x, -32768, 32767, out=x)
                f.seek(WavWriter.HEADER + 2 * s)
                f.write(x.astype("<i2").data)

    half = frames // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        for f in [pool.submit(part, 0, half), pool.submit(part, half, frames)]:
            f.result()


def span_true_peak(pcm: np.ndarray, peaks: np.ndarray, sr: int, a: int, b: int,
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
