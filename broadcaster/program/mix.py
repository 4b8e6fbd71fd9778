"""Mixing: the items placed on the timeline (processed ahead on two workers), music beds looped
under them and ducked under speech, summed chunk by chunk into the master; and the program's
K-weighted energy model (items and beds placed on the 100 ms grid) its loudness comes from."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from broadcaster.config import ProgramSettings
from broadcaster.messages import t
from broadcaster.program.duration import Fit
from broadcaster.program.model import Bed, Item, RundownEntry, Silence
from broadcaster.program.process import Processed, Treatment, process
from broadcaster.program.sources import Source


@dataclass(frozen=True)
class Timeline:
    """The program after the duration policy, laid out in samples at the station rate."""

    items: list[Item]
    srcs: list[Source]  # one per item, lengths as planned
    starts: list[int]
    total: int
    fit: Fit
    bed_srcs: list[Source]  # one per bed of the original program

    @property
    def beds(self) -> tuple[Bed, ...]:
        return self.fit.program.beds


@dataclass(frozen=True)
class Stage:
    """What every part of one render shares: the settings, the station rate, the program's
    cache key (for the log), the streaming chunk and the look-ahead budget in seconds."""

    settings: ProgramSettings
    sr: int
    key: str
    chunk_s: float
    lookahead_s: float


class Sink(Protocol):
    def push(self, x: np.ndarray) -> None: ...


@dataclass
class BedPlan:
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


class Bus:
    """The part of the mix that later items can still reach; the rest goes on to the master.
    Holds the processed items themselves (no mix buffer to grow and copy) and sums them chunk
    by chunk as they are flushed."""

    def __init__(self, sink: Sink, beds: list[BedPlan], step: int) -> None:
        self.sink = sink
        self.base = 0
        self.pieces: list[tuple[int, np.ndarray]] = []  # (start sample, processed item)
        self.beds = beds
        self.step = step

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


def duck_curve(spans: list[tuple[int, int]], duck_db: float, att: int, rel: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints (samples) and gains (dB) of a bed turned down ``duck_db`` under ``spans``."""
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


def plan_beds(tl: Timeline, st: Stage, warnings: list[str]
              ) -> tuple[list[BedPlan], list[RundownEntry]]:
    """Process each bed's source once and plan its span and duck curve; a bed that cannot be
    had is left out with a warning."""
    speech_spans = [(a, a + src.n) for it, src, a in zip(tl.items, tl.srcs, tl.starts, strict=True)
                    if it.is_speech and src.n > 0]
    bed_by_item = {id(b.item): b for b in tl.bed_srcs}
    plans: list[BedPlan] = []
    entries: list[RundownEntry] = []
    for bed in tl.beds:
        bsrc = bed_by_item.get(id(bed)) or next(
            (b for b in tl.bed_srcs if isinstance(b.item, Bed) and b.item.path == bed.path), None)
        a, b = _bed_span(tl, bed)
        entry = RundownEntry("bed", bed.name, round(a * 1000 / st.sr),
                             round((b - a) * 1000 / st.sr), source=bed.path)
        if bsrc is None or bsrc.flags or b <= a:
            flags = bsrc.flags if bsrc is not None else ("missing",)
            detail = bsrc.detail if bsrc is not None else ""
            entries.append(dataclasses.replace(entry, flags=flags, detail=detail))
            if flags:
                warnings.append(t("program.item_skipped", item=bed.name, reason=detail))
            continue
        plan, p = _plan_bed(bed, bsrc, (a, b), speech_spans, st)
        plans.append(plan)
        entries.append(dataclasses.replace(entry, flags=p.flags, detail=p.detail))
    return plans, entries


def _bed_span(tl: Timeline, bed: Bed) -> tuple[int, int]:
    n = len(tl.items)
    first = min(max(bed.first, 0), max(n - 1, 0))
    last = n - 1 if bed.last is None else min(bed.last, n - 1)
    a = tl.starts[first] if tl.items else 0
    b = max((tl.starts[i] + tl.srcs[i].n for i in range(first, last + 1)), default=a)
    return a, b


def _plan_bed(bed: Bed, bsrc: Source, span: tuple[int, int],
              speech_spans: list[tuple[int, int]], st: Stage) -> tuple[BedPlan, Processed]:
    s, sr = st.settings, st.sr
    a, b = span
    gain = s.bed_gain_db if bed.gain_db is None else bed.gain_db
    p = process(dataclasses.replace(bsrc, n=bsrc.n), Treatment(s.loudness_lufs + gain), s, sr)
    duck = s.duck_db if bed.duck_db is None else bed.duck_db
    spans = [(x, y) for x, y in speech_spans if y > a and x < b]
    xp, fp = duck_curve(spans, duck, int(s.duck_attack_ms * sr / 1000),
                        int(s.duck_release_ms * sr / 1000))
    plan = BedPlan(p.samples, a, b, xp, fp, int(bed.fade_in_ms * sr / 1000),
                   int(bed.fade_out_ms * sr / 1000), p.energies, p.hop_s)
    return plan, p


# --- the items, processed ahead and mixed in order -------------------------------------------


class ItemMixer:
    """Processes the items on two workers ahead of the mix and adds them to the bus in running
    order; what no later item can reach is flushed to the master at once. Every item is already
    at its target, so the program gain starts at 0 dB."""

    def __init__(self, tl: Timeline, st: Stage, bus: Bus, model: np.ndarray) -> None:
        self.tl, self.st, self.bus, self.model = tl, st, bus, model
        self.hop = st.sr // 10
        self.flags: dict[int, tuple[tuple[str, ...], str]] = {}  # what processing flagged
        self.pending: dict[int, Future[Processed | None]] = {}
        self.next = 0  # next item to submit
        self.ahead = 0  # samples submitted and not yet mixed

    def run(self) -> None:
        """Mix every item into the bus and flush it to the end of the program."""
        tl = self.tl
        reach = _reach(tl)
        with ThreadPoolExecutor(max_workers=2) as pool:
            self._submit(pool)
            try:
                for i in range(len(tl.items)):
                    p = self.pending.pop(i).result()
                    self.ahead -= tl.srcs[i].n
                    self._submit(pool)
                    if p is not None:
                        self._add(i, p)
                        del p  # not held while waiting for the next item
                    self.bus.flush(reach[i + 1])
            except BaseException:
                for f in self.pending.values():  # the look-ahead's queued items are not wanted
                    f.cancel()
                raise
            self.bus.flush(tl.total)

    def _submit(self, pool: ThreadPoolExecutor) -> None:
        # keep both workers busy while the master works: at least two items in flight, more
        # while they fit the look-ahead budget (processed audio waiting to be mixed)
        srcs, budget = self.tl.srcs, self.st.lookahead_s * self.st.sr
        while self.next < len(srcs) and (
                len(self.pending) < 2 or self.ahead + srcs[self.next].n <= budget):
            self.pending[self.next] = pool.submit(self._job, self.next)
            self.ahead += srcs[self.next].n
            self.next += 1

    def _job(self, i: int) -> Processed | None:
        src, it = self.tl.srcs[i], self.tl.items[i]
        if src.n <= 0 or src.flags or isinstance(it, Silence):
            return None
        how = Treatment(self.st.settings.loudness_lufs + it.gain_db, it.fade_in_ms,
                        it.fade_out_ms, it.is_speech)
        return process(src, how, self.st.settings, self.st.sr)

    def _add(self, i: int, p: Processed) -> None:
        start = self.tl.starts[i]
        self.bus.add(start, p.samples)
        place(self.model, start / self.hop, p.energies, p.hop_s * 10)
        self.flags[i] = (p.flags, p.detail)


def _reach(tl: Timeline) -> list[int]:
    """For each item index, the earliest sample that item or any later one can still reach."""
    out = [tl.total] * (len(tl.items) + 1)
    for i in reversed(range(len(tl.items))):
        out[i] = min(out[i + 1], tl.starts[i] if tl.srcs[i].n > 0 else tl.total)
    return out


# --- the energy model --------------------------------------------------------------------------


def place(model: np.ndarray, at: float, e: np.ndarray, step: float) -> None:
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


def place_beds(model: np.ndarray, plans: Sequence[BedPlan], sr: int) -> None:
    """Add the beds' energies, with their duck and fade gains, to the program's."""
    hop = sr // 10
    for bp in plans:
        if len(bp.energies) == 0:
            continue
        k = np.arange(bp.start // hop, min(len(model), -(-bp.end // hop)))
        centre = k * hop + hop / 2
        inside = (centre >= bp.start) & (centre < bp.end)
        k, centre = k[inside], centre[inside]
        src = ((centre - bp.start) % len(bp.signal)) / sr
        j = np.minimum((src / bp.hop_s).astype(np.int64), len(bp.energies) - 1)
        model[k] += bp.energies[j] * 10 ** (bp.gain_db(centre) / 10)
