"""Airing a program with relays in it: the prepared program (its finished WAV) with each
relay item's stretch taken by the upstream (``relay.RelaySource``) instead of the fallback
rendered there, as one streamed airing and one as-run row; each fallback spell is a row of its
own. Zoned stretches (a relay or bulletins item for some zones) reach only their outputs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcaster.air.player import Cancel
from broadcaster.air.playout import AirReport, Playout, RelayNotStarted, StreamAiring
from broadcaster.air.prepare import PreparedProgram
from broadcaster.air.relay import Leveller, RelayEvent, RelaySource, RelayTuning
from broadcaster.air.schedule import PlannedSlot, RelayItem
from broadcaster.air.stream import Streamer, StreamJob
from broadcaster.clock import Clock
from broadcaster.config import ProgramSettings
from broadcaster.errors import public_url
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome
from broadcaster.route.spans import map_of, title_at

log = logging.getLogger(__name__)

# (block, title, the slot's zones, the stretch's zones or ()): where a streamed block goes
RoutedBlock = Callable[[np.ndarray, str, tuple[str, ...], tuple[str, ...]], None]


@dataclass
class _Part:
    """A stretch of a relay program's output: the prepared program from ``at`` (a frame of its
    WAV), or ``relay``; ``narrow``: the item's zones (empty: the slot's)."""

    frames: int
    at: int = 0
    relay: RelaySource | None = None
    narrow: tuple[str, ...] = ()
    begins: int = 0  # its first output frame
    started: bool = False


class RelayProgram:
    """A program with relays in it as one ``PcmSource``: the prepared program (its finished
    WAV, read as it airs, never held whole), and at each relay item's place the relay for its
    minutes instead of the fallback rendered there. Each relay connects ``ahead_s`` before its
    place (the first one by ``connect``). A stretch whose zones leave the sound card out is
    silent on the card and streamed to its zones' outputs only (``on_block`` with the zones)."""

    def __init__(self, wav: Path, parts: list[_Part], rate: int, *, ahead_s: float,
                 title: str, on_block: Callable[[np.ndarray, str, tuple[str, ...]], None] | None,
                 card_in: Callable[[tuple[str, ...]], bool],
                 titles: tuple[tuple[int, str], ...] = ()) -> None:
        import soundfile as sf  # noqa: PLC0415

        self.rate = rate
        self.parts = parts
        self.ahead = int(ahead_s * rate)
        self.title = title
        self.titles = titles  # (first frame in the WAV, title) of the program's items
        self.on_block = on_block
        self.card_in = card_in
        self.file = sf.SoundFile(str(wav))
        self.closed = False
        self.pos = 0  # output frames so far
        self.index = 0
        begins = 0
        for part in parts:
            part.begins = begins
            begins += part.frames
        self.frames = begins

    @property
    def relays(self) -> list[RelaySource]:
        return [p.relay for p in self.parts if p.relay is not None]

    def connect(self) -> None:
        """Connect the relays due within ``ahead_s`` of the start."""
        self._connect_due()

    def _connect_due(self) -> None:
        for part in self.parts[self.index:]:
            if part.begins - self.pos > self.ahead:
                break
            if part.relay is not None and not part.started:
                part.started = True
                part.relay.start()

    def read(self, frames: int) -> np.ndarray:
        if self.closed:  # a streamer thread that outlived the airing by a block
            return np.zeros(frames, np.float32)
        self._connect_due()
        pieces: list[np.ndarray] = []
        got = 0
        while got < frames:
            if self.index >= len(self.parts):
                pieces.append(np.zeros(frames - got, np.float32))
                break
            part = self.parts[self.index]
            inside = self.pos - part.begins
            n = min(frames - got, part.frames - inside)
            if part.relay is not None:
                y = part.relay.read(n)
            else:
                self.file.seek(part.at + inside)
                y = self.file.read(n, dtype="float32", always_2d=True).mean(axis=1)
                if len(y) < n:
                    y = np.concatenate([y, np.zeros(n - len(y), np.float32)])
            y = np.asarray(y, np.float32)
            if self.on_block is not None:
                try:
                    self.on_block(y, self._title(part, inside), part.narrow)
                except Exception:  # noqa: BLE001 - listeners never crash the sender
                    log.exception("relay block listener failed")
            pieces.append(y if not part.narrow or self.card_in(part.narrow)
                          else np.zeros(n, np.float32))
            got += n
            self.pos += n
            if self.pos - part.begins >= part.frames:
                if part.relay is not None:
                    part.relay.finish()
                self.index += 1
        return np.concatenate(pieces) if len(pieces) > 1 else pieces[0]

    def _title(self, part: _Part, inside: int) -> str:
        """The stream title now: the program item's at this frame of the WAV, or the slot's
        during a relay."""
        if part.relay is not None:
            return self.title
        return title_at(self.titles, part.at + inside, self.title)

    def close(self) -> None:
        self.closed = True
        for relay in self.relays:
            relay.finish()
        self.file.close()


def program_parts(prepared: PreparedProgram, slot_relays: tuple[RelayItem, ...], rate: int,
                  spans: Sequence[tuple[int, int, tuple[str, ...]]], frames: int,
                  make_relay: Callable[[RelayItem, np.ndarray], RelaySource]) -> list[_Part]:
    """The stretches of a relay program: the prepared WAV cut at each relay's place (its
    fallback, which the relay replaces) and at each zoned stretch (``spans``, frames)."""
    import soundfile as sf  # noqa: PLC0415

    places = []
    for item, place in zip(slot_relays, prepared.relays, strict=True):
        if place is None:  # its fallback is missing: the relay has no place to air
            raise RelayNotStarted(t("relay.no_fallback", fallback=item.relay.fallback))
        a, b = place[0] * rate // 1000, (place[0] + place[1]) * rate // 1000
        places.append((a, min(b, frames), item))
    parts: list[_Part] = []

    def program(a: int, b: int) -> None:
        cuts = sorted({a, b, *(x for s, e, _ in spans for x in (s, e) if a < x < b)})
        for x, y in itertools.pairwise(cuts):
            narrow = next((z for s, e, z in spans if s <= x and y <= e), ())
            parts.append(_Part(y - x, at=x, narrow=narrow))

    done = 0
    for a, b, item in places:
        if a > done:
            program(done, a)
        fallback, _ = sf.read(str(prepared.wav), start=a, stop=b, dtype="float32",
                              always_2d=True)
        parts.append(_Part(int(item.relay.minutes * 60 * rate),
                           relay=make_relay(item, fallback.mean(axis=1)), narrow=item.zones))
        done = b
    if frames > done:
        program(done, frames)
    return parts


class RelayAirer:
    """Airs slots with relays for the playout (``Playout.relay``): the prepared program holds
    each relay's fallback at its place; the program airs as one as-run row with the relays in
    it; each fallback spell is a row of its own (``DATE/SLOT#fallback-N``: when the stream
    dropped, why, when it came back)."""

    def __init__(self, playout: Playout, streamer: Streamer, clock: Clock, rate: int, *,
                 program: ProgramSettings, tuning: RelayTuning, ahead_s: float,
                 work_dir: Path, on_block: RoutedBlock | None = None,
                 pick: Callable[[tuple[str, ...]], Streamer] | None = None,
                 card_in: Callable[[tuple[str, ...]], bool] | None = None) -> None:
        self.playout = playout
        self.streamer = streamer
        self.pick = pick  # the streamer for a slot's zones (one without the card: the clock's)
        self.card_in = card_in or (lambda zones: True)  # do these zones reach the sound card
        self.clock = clock
        self.rate = rate
        self.program = program
        self.tuning = tuning
        self.ahead_s = ahead_s
        self.work_dir = work_dir
        self.on_block = on_block  # each block with its slot's zones and its stretch's
        self.last: RelaySource | None = None  # the latest relay (tests, status)

    def _relay(self, planned: PlannedSlot, item: RelayItem, fallback: np.ndarray) -> RelaySource:
        return RelaySource(item.relay.url, fallback, self.rate, clock=self.clock,
                           tuning=self.tuning,
                           leveller=Leveller(self.rate, self.program.loudness_lufs,
                                             self.program.true_peak_dbtp),
                           title=planned.slot.label)

    def _routed(self, zones: tuple[str, ...]) -> Callable[[np.ndarray, str, tuple[str, ...]], None]:
        """The program's blocks to ``on_block`` with the slot's zones."""
        def block(y: np.ndarray, title: str, narrow: tuple[str, ...]) -> None:
            if self.on_block is not None:
                self.on_block(y, title, zones, narrow)
        return block

    def air(self, planned: PlannedSlot, prepared: PreparedProgram) -> AirReport:

        slot = planned.slot
        zones = tuple(slot.zones)
        relays = slot.relays
        assert relays  # the playout only calls this for slots with relays
        try:
            import soundfile as sf  # noqa: PLC0415

            frames = sf.info(str(prepared.wav)).frames
            found = map_of(prepared.wav)
            spans = [(sp.start, sp.end, sp.zones) for sp in found.spans]
            parts = program_parts(prepared, relays, self.rate, spans, frames,
                                  lambda item, fb: self._relay(planned, item, fb))
            source = RelayProgram(prepared.wav, parts, self.rate, ahead_s=self.ahead_s,
                                  title=slot.label, on_block=self._routed(zones),
                                  card_in=self.card_in,
                                  titles=found.titles(slot.label))
        except RelayNotStarted:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever it is, the playout airs the fallback
            raise RelayNotStarted(str(exc) or type(exc).__name__) from exc
        try:
            self.work_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            source.close()
            raise RelayNotStarted(str(exc)) from exc
        self.last = source.relays[-1]
        job = StreamJob(source, planned.start, source.frames / self.rate,
                        self.work_dir / f"relay-{slot.id}-{id(source)}.wav", slot.id)
        streamer = self.pick(zones) if self.pick is not None else self.streamer
        count = itertools.count(1)
        marks = [_Marks(self.playout, planned, relay, count) for relay in source.relays]
        for item in relays:
            self.playout.notify(t("relay.on_air", url=public_url(item.relay.url),
                                  minutes=f"{item.relay.minutes:g}"))
        try:
            return self.playout.air_stream(streamer, StreamAiring(
                planned.key, slot.id, slot.label, planned.start, job, Cancel(),
                items=relay_items(prepared, relays), connect=source.connect,
                ahead_s=self.ahead_s, planned=planned, prepared=prepared))
        finally:
            source.close()
            for mark in marks:
                mark.close()


def relay_items(prepared: PreparedProgram, relays: tuple[RelayItem, ...]) -> tuple[str, ...]:
    """The as-run items of a relay program: each relay in place of its fallback."""
    from broadcaster.air.prepare import relay_label  # noqa: PLC0415

    names = {f"jingle:{relay_label(j)}": f"relay:{public_url(item.relay.url)}"
             for j, item in enumerate(relays)}
    return tuple(names.get(label, label) for label in prepared.items)


class _Marks:
    """Writes the relay's drops and returns to the as-run log, off the audio path."""

    def __init__(self, playout: Playout, planned: PlannedSlot, source: RelaySource,
                 numbers: Iterator[int]) -> None:
        self.playout = playout
        self.planned = planned
        self.source = source
        self.numbers = numbers  # shared by the relays of one program: fallback-1, -2 ...
        self.row: int | None = None
        self.since: dt.datetime | None = None
        self.count = 0
        self.detail = ""
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="relay-marks", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set() or not self.source.events.empty():
            try:
                event = self.source.events.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self._mark(event)
            except Exception:  # noqa: BLE001 - a log failure never stops the relay
                log.exception("writing a relay mark failed")
        if self.row is not None:
            self._finish(self.playout.clock.now(), "")

    def _mark(self, event: RelayEvent) -> None:
        asrun, now, slot = self.playout.asrun, self.playout.clock.now(), self.planned.slot
        url = self.source.shown
        if event.kind == "drop" and self.row is None:
            self.count = next(self.numbers)
            self.since = now
            self.detail = event.detail
            self.row = asrun.begin(slot_key=f"{self.planned.key}#fallback-{self.count}",
                                   slot_id=slot.id, now=now, scheduled=now,
                                   slot_name=t("relay.fallback_label", slot=slot.label),
                                   items=(f"relay:{url}",))
            asrun.mark_started(self.row, now, now)
            self.playout.notify(t("relay.drop", url=url, detail=event.detail))
        elif event.kind == "end" and self.row is not None:  # the relay's stretch is over
            self._finish(now, "")
        elif event.kind == "return" and self.row is not None:
            self._finish(now, t("relay.back", url=url, seconds=self._seconds(now)))
            self.playout.notify(t("relay.back", url=url, seconds=self._seconds(now)))

    def _seconds(self, now: dt.datetime) -> str:
        return f"{(now - self.since).total_seconds():.1f}" if self.since else "?"

    def _finish(self, now: dt.datetime, back: str) -> None:
        assert self.row is not None and self.since is not None
        reason = "; ".join(filter(None, [t("relay.drop", url=self.source.shown,
                                           detail=self.detail), back]))
        self.playout.asrun.finish(self.row, outcome=Outcome.AIRED, started=self.since,
                                  ended=now, scheduled=self.since, reason=reason,
                                  ending=Ending.COMPLETED)
        self.row = None

    def close(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)
