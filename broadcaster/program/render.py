"""Render a Program: resolve each item's audio, apply the duration policy, process items for horn
speakers (high-pass, speech compression, per-item loudness), mix with ducked beds, then master
(true-peak limiter) into a 16-bit WAV plus a JSON rundown. This module orchestrates; the parts
are ``sources`` (locating and hashing), ``process`` (one item), ``mix`` (bus, beds, ducking,
the energy model), ``master`` (limiter, writer, true peak, level correction) and ``cache``.

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
import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.config import ProgramSettings
from broadcaster.messages import t
from broadcaster.program import dsp
from broadcaster.program.blas import one_blas_thread
from broadcaster.program.cache import cache_key, load_cached, prune_cache, store, temp_wav
from broadcaster.program.duration import fit_duration, layout
from broadcaster.program.master import Master, level_correction, pcm, scale_wav, span_true_peak
from broadcaster.program.mix import (
    Bus,
    ItemMixer,
    Stage,
    Timeline,
    place_beds,
    plan_beds,
)
from broadcaster.program.model import Music, Program, RenderedProgram, RundownEntry
from broadcaster.program.sources import Inputs, PathFn, Source, SpeechFn, resolve

log = logging.getLogger(__name__)

RENDER_VERSION = "program-render-2"  # bump when the processing changes: invalidates caches
CHUNK_S = 10.0
# processed audio that may wait for the mix (float32 at 48 kHz: 12 minutes is 138 MB)
LOOKAHEAD_S = 720.0

__all__ = ["RENDER_VERSION", "PathFn", "RenderedProgram", "SpeechFn", "prune_cache",
           "render_program"]


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
    with one_blas_thread():
        return _render_program(program, settings, sample_rate,
                               Inputs(resolve_path, speech_for, say), cache_dir)


def _render_program(program: Program, settings: ProgramSettings, sr: int, inputs: Inputs,
                    cache_dir: Path | None) -> RenderedProgram:
    with ThreadPoolExecutor(max_workers=2) as pool:  # file hashing and speech loading overlap
        srcs = list(pool.map(lambda it: resolve(it, sr, inputs), program.items))
        bed_srcs = list(pool.map(lambda b: resolve(b, sr, inputs), program.beds))
    key = cache_key(program, settings, sr, srcs, bed_srcs, RENDER_VERSION)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        hit = load_cached(cache_dir, key)
        if hit is not None:
            log.info("program %s: cache hit", key)
            return hit
    tl = _timeline(program, settings, sr, srcs, bed_srcs)
    st = Stage(settings, sr, key, CHUNK_S, LOOKAHEAD_S)
    if cache_dir is not None:
        return _render_to(tl, st, temp_wav(cache_dir, key), cache_dir)
    with tempfile.TemporaryDirectory(prefix="program-") as tmpname:
        return _render_to(tl, st, Path(tmpname) / f"{key}.wav.tmp", None)


def _timeline(program: Program, settings: ProgramSettings, sr: int, srcs: list[Source],
              bed_srcs: list[Source]) -> Timeline:
    """The duration policy applied and the items laid out in samples."""
    fit = fit_duration(program, [round(s.n * 1000 / sr) for s in srcs], program.max_ms,
                       program.overlong, settings.gap_ms)
    items = list(fit.program.items)
    use = [srcs[i] for i in fit.origin]
    for k, it in enumerate(items):  # trimmed music: shorter planned length
        if isinstance(it, Music) and it.max_ms is not None and use[k].n:
            use[k] = dataclasses.replace(use[k], item=it,
                                         n=min(use[k].n, int(round(it.max_ms * sr / 1000))))
    starts, total = layout(items, [s.n for s in use], int(round(settings.gap_ms * sr / 1000)),
                           sr / 1000)
    return Timeline(items, use, starts, total, fit, bed_srcs)


def _render_to(tl: Timeline, st: Stage, wav_tmp: Path, cache_dir: Path | None
               ) -> RenderedProgram:
    """Render into ``wav_tmp``, then store it in ``cache_dir`` or hand the samples back."""
    target = st.settings.loudness_lufs
    try:
        gain_db = 0.0
        for attempt in range(2):
            result = _render(tl, st, wav_tmp, gain_db)
            loud = result.loudness_lufs
            if attempt or loud is None or abs(loud - target) <= 0.3:
                break
            # the limiter took more than the level correction may give back (short, peaky
            # programs): render once more with the program gain raised before the limiter
            gain_db += target - loud
            log.info("program %s: %.2f LUFS, rendering again %+.2f dB", st.key, loud, gain_db)
        if cache_dir is None:
            data, _ = sf.read(str(wav_tmp), dtype="float32", always_2d=False)
            wav_tmp.unlink()
            return dataclasses.replace(result, pcm=np.asarray(data, np.float32))
        return store(result, wav_tmp, cache_dir)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            wav_tmp.unlink()
        raise


@dataclass
class _Mastered:
    """What the master left to measure: the written samples, their 10 ms peaks and the
    program's K-weighted energy per 100 ms (limiter and program gain included)."""

    pcm: np.ndarray
    peaks: np.ndarray
    energies: np.ndarray


def _render(tl: Timeline, st: Stage, wav_tmp: Path, gain_db: float) -> RenderedProgram:
    """One pass: mix and master into ``wav_tmp``, measure, correct the level in place."""
    s, sr = st.settings, st.sr
    target = s.loudness_lufs
    warnings = list(tl.fit.warnings)
    beds, bed_entries = plan_beds(tl, st, warnings)
    master = Master(sr, gain_db, s.true_peak_dbtp, wav_tmp, st.chunk_s)
    model = np.zeros(tl.total // (sr // 10) + 2)  # K-weighted energy per 100 ms of the program
    mixer = ItemMixer(tl, st, Bus(master, beds, int(st.chunk_s * sr)), model)
    try:
        mixer.run()
    except BaseException:
        master.abort()
        raise
    master.finish()
    place_beds(model, beds, sr)
    ratios = master.limiter_ratios()
    m = _Mastered(pcm(wav_tmp, tl.total), master.peak_blocks(),
                  model[: len(ratios)] * ratios * 10 ** (gain_db / 10))
    loud = dsp.gated_loudness(m.energies)
    tp_all = span_true_peak(m.pcm, m.peaks, sr, 0, tl.total, top=256) if tl.total else None
    corr = level_correction(loud, target, tp_all, s.true_peak_dbtp)
    if corr:
        log.debug("program %s: %.2f LUFS before correction, %s dBTP", st.key, loud, tp_all)
    if loud is not None and abs(loud + corr - target) > 0.5:
        warnings.append(t("program.loudness_off", measured=f"{loud + corr:.1f}",
                          target=f"{target:.1f}"))
    # true peaks are measured before the correction (it scales them all alike), so the file
    # is read once before it is rewritten
    rundown = _rundown(tl, st, m, corr, mixer.flags, warnings)
    rundown += [_measure_bed(e, st, m, corr) for e in bed_entries]
    if corr:
        scale_wav(wav_tmp, corr, tl.total)
        loud = loud + corr if loud is not None else None
    tp_all = round(tp_all + corr, 2) if tp_all is not None else None
    for w in warnings:
        log.warning("program %s: %s", st.key, w)
    return RenderedProgram(
        None, sr, tuple(rundown), st.key, tuple(warnings),
        round(loud, 2) if loud is not None else None, tp_all, tl.total,
        dropped=tuple(b.bulletin_id for b in tl.fit.dropped),
    )


def _measure(st: Stage, m: _Mastered, corr: float, a: int, b: int
             ) -> tuple[float | None, float | None]:
    """Loudness and true peak of samples [a, b) of the program, after the correction."""
    hop = st.sr // 10
    ka, kb = -(-a // hop), b // hop
    lu = dsp.gated_loudness(m.energies[ka:kb]) if kb - ka >= 4 else None
    tp = span_true_peak(m.pcm, m.peaks, st.sr, a, b) if b > a else None
    return (round(lu + corr, 2) if lu is not None else None), (
        round(tp + corr, 2) if tp is not None else None)


def _rundown(tl: Timeline, st: Stage, m: _Mastered, corr: float,
             processed: dict[int, tuple[tuple[str, ...], str]], warnings: list[str]
             ) -> list[RundownEntry]:
    sr = st.sr
    out: list[RundownEntry] = []
    for i, (it, src, a) in enumerate(zip(tl.items, tl.srcs, tl.starts, strict=True)):
        flags, detail = src.flags, src.detail
        if i in processed and processed[i][0]:
            flags, detail = flags + processed[i][0], processed[i][1] or detail
        if isinstance(it, Music) and i in tl.fit.trimmed:
            flags += ("trimmed",)
        lu, tp = _measure(st, m, corr, a, a + src.n) if src.n > 0 and not src.flags else (None, None)
        out.append(RundownEntry(it.kind, it.name, round(a * 1000 / sr),
                                round(src.n * 1000 / sr) if not src.flags else 0,
                                lu, tp, flags, src.source, detail, it.zones))
        if {"missing", "corrupt", "truncated"} & set(flags):
            warnings.append(t("program.item_skipped", item=it.name, reason=detail))
    return out


def _measure_bed(entry: RundownEntry, st: Stage, m: _Mastered, corr: float) -> RundownEntry:
    if entry.flags:
        return entry
    a = entry.offset_ms * st.sr // 1000
    lu, tp = _measure(st, m, corr, a, a + entry.duration_ms * st.sr // 1000)
    return dataclasses.replace(entry, loudness_lufs=lu, true_peak_dbtp=tp)
