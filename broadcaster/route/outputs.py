"""The output hub: every stream output of the station, which zones reach it, what each one is
airing, and what ``status`` says about them. The sound card is an output too (its player is
wrapped by ``RoutedPlayer``); the hub drives the stream outputs.

``begin``/``started``/``end`` follow one airing of a program WAV; ``push`` streams live
blocks (relays, the microphone) to the zones' streams. Nothing here waits on the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from broadcaster.messages import t
from broadcaster.route.feed import Airing, Feed
from broadcaster.route.spans import Span, muted
from broadcaster.route.zones import Zones

log = logging.getLogger(__name__)

STALL_S = 15.0  # a stream thread that made no turn this long is replaced (every call is bounded)
PUSH_FRESH_S = 1.0  # live blocks pushed this recently say where the sound goes

# (at, kind, subject, detail): the as-run log's ``mark``
Mark = Callable[[dt.datetime, str, str, str], None]


@dataclass
class _Plan:
    """One program airing: what each stream reads, which outputs (the card too) it reaches,
    and the stretches the card leaves silent."""

    airings: dict[str, Airing]
    reached: frozenset[str]
    rate: int
    card_muted: tuple[tuple[int, int], ...]
    start_epoch: float

    def carries(self, output: str, at_epoch: float) -> bool:
        if output not in self.reached:
            return False
        airing = self.airings.get(output)
        ranges = airing.muted if airing is not None else self.card_muted
        frame = (at_epoch - self.start_epoch) * self.rate
        return not any(a <= frame < b for a, b in ranges)


@dataclass(frozen=True)
class OutputStatus:
    """One line of ``status["outputs"]``."""

    name: str
    kind: str
    zones: tuple[str, ...]
    connected: bool
    last_error: str
    dropped_s: float

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "zones": list(self.zones),
                "connected": self.connected, "last_error": self.last_error,
                "dropped_s": round(self.dropped_s, 1)}


class StreamOutput(Protocol):
    """A stream output the hub feeds (an Icecast mount; a fake in tests)."""

    name: str
    kind: str
    feed: Feed

    def start(self) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...

    def stalled(self, limit_s: float) -> bool: ...

    def connected(self) -> bool: ...

    def last_error(self) -> str: ...

    def dropped_s(self) -> float: ...


class FakeOutput:
    """A stream output with no network: keeps its feed, and records what it would send
    (``read`` it like the stream thread does)."""

    kind = "fake"

    def __init__(self, name: str, rate: int, idle_title: str = "") -> None:
        self.name = name
        self.feed = Feed(rate, idle_title)
        self.running = False
        self.error = ""

    def start(self) -> None:
        self.running = True

    def stop(self, timeout: float = 5.0) -> None:
        self.running = False
        self.feed.close()

    def stalled(self, limit_s: float) -> bool:
        return False

    def connected(self) -> bool:
        return self.running and not self.error

    def last_error(self) -> str:
        return self.error

    def dropped_s(self) -> float:
        return 0.0


class OutputHub:
    """The stream outputs and the zones; the sound card is named ``card`` in the zones."""

    def __init__(self, outputs: Sequence[StreamOutput], zones: Zones, card: str,
                 remake: Callable[[str], StreamOutput] | None = None, rate: int = 48000) -> None:
        self.outputs = {o.name: o for o in outputs}
        self.rate = rate  # of the programs (their spans count its frames)
        self.zones = zones
        self.card = card
        self._remake = remake  # a fresh output for a name whose thread hung
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._airings: dict[int, _Plan] = {}
        self._pushed: tuple[float, frozenset[str]] | None = None  # the last live block's reach

    def start(self) -> None:
        for out in self.outputs.values():
            out.start()

    def stop(self) -> None:
        for out in self.outputs.values():
            try:
                out.stop()
            except Exception:  # noqa: BLE001 - one output failing to stop keeps no other up
                log.exception("stopping output %s failed", out.name)

    # --- zones ------------------------------------------------------------------------------
    def reaches_card(self, zones: Sequence[str] | None) -> bool:
        return self.card in self.zones.members(zones)

    def _streams(self, zones: Sequence[str] | None) -> list[StreamOutput]:
        members = self.zones.members(zones)
        return [o for name, o in self.outputs.items() if name in members]

    def members(self, zones: Sequence[str] | None, narrow: Sequence[str] = ()) -> frozenset[str]:
        """The outputs (the card among them) of ``zones``, narrowed to ``narrow``'s if given."""
        found = self.zones.members(zones)
        return found & self.zones.members(narrow) if narrow else found

    def card_muted(self, spans: Sequence[Span]) -> tuple[tuple[int, int], ...]:
        """The frames of a program the sound card leaves silent (stretches for other zones)."""
        return muted(spans, self.card, self.zones.members)

    # --- one airing ---------------------------------------------------------------------------
    def begin(self, wav: Path, start_at: dt.datetime, title: str,
              zones: Sequence[str] | None, spans: Sequence[Span] = (), *,
              card_whole: bool = False, titles: Sequence[tuple[int, str]] = ()) -> int:
        """The zones' streams air ``wav`` from ``start_at`` (each silent in the ``spans`` that
        leave it out, titled by ``titles``: (first frame, title) of each item); ``card_whole``:
        the card airs it whole (its copy could not be made); returns the airing's token."""
        token = next(self._tokens)
        names = frozenset(o.name for o in self._streams(zones))
        plan = _Plan({name: Airing(token, wav, start_at.timestamp(), title,
                                   muted(spans, name, self.zones.members), tuple(titles))
                      for name in names}, frozenset(self.members(zones)), self.rate,
                     () if card_whole else self.card_muted(spans), start_at.timestamp())
        with self._lock:
            self._airings[token] = plan
        for name, airing in plan.airings.items():
            self.outputs[name].feed.air(airing)
        return token

    def started(self, token: int, at: dt.datetime) -> None:
        """The sound card's real first sample: the streams follow it."""
        with self._lock:
            plan = self._airings.get(token)
            if plan is None:
                return
            plan.airings = {name: dataclasses.replace(a, start_epoch=at.timestamp())
                            for name, a in plan.airings.items()}
            plan.start_epoch = at.timestamp()
        for name, airing in plan.airings.items():
            self.outputs[name].feed.air(airing)

    def end(self, token: int) -> None:
        """The airing is over (completed, stopped or failed): its streams go back to silence."""
        with self._lock:
            plan = self._airings.pop(token, None)
        for name in plan.airings if plan else ():
            self.outputs[name].feed.end(token)

    # --- live ---------------------------------------------------------------------------------
    def push(self, block: np.ndarray, title: str, zones: Sequence[str] | None,
             narrow: Sequence[str] = ()) -> None:
        """Stream a live block (float32 mono at the station rate) to the zones' streams (within
        ``narrow``'s, for a zoned stretch); never blocks: each stream queues at most a couple of
        seconds and drops the oldest."""
        reached = self.members(zones, narrow)
        now = time.monotonic()
        with self._lock:
            self._pushed = (now, reached)
        for name, out in self.outputs.items():
            if name in reached:
                out.feed.push(block, title)

    # --- what each output should carry (the watchdog judges each ear by its own) ---------------
    def carrying(self, output: str, at_epoch: float) -> bool | None:
        """Whether ``output`` should carry sound at ``at_epoch``: a program airing reaches it
        and this is not a stretch for other zones, or streamed blocks reach it (relay, live).
        None: nothing the hub routes is on air (the playout's word stands)."""
        with self._lock:
            plans = list(self._airings.values())
            pushed = self._pushed
        if pushed is not None and time.monotonic() - pushed[0] < PUSH_FRESH_S:
            return output in pushed[1]
        if not plans:
            return None
        return any(plan.carries(output, at_epoch) for plan in plans)

    # --- health -------------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Replace stream outputs whose thread hung (returns their names)."""
        hung = [o.name for o in self.outputs.values() if o.stalled(STALL_S)]
        for name in hung:
            log.error("stream %s: no progress for %.0f s: starting it again", name, STALL_S)
            old = self.outputs[name]
            old.stop(timeout=0.1)
            if self._remake is not None:
                fresh = self._remake(name)
                self.outputs[name] = fresh
                fresh.start()
        return hung

    def status(self, card_error: str | None) -> list[OutputStatus]:
        """The sound card (``card_error`` None: the station has none) and every stream."""
        rows = []
        if card_error is not None:
            rows.append(OutputStatus(self.card, "soundcard", tuple(self.zones.zones_of(self.card)),
                                     not card_error, card_error, 0.0))
        for out in self.outputs.values():
            rows.append(OutputStatus(out.name, out.kind, tuple(self.zones.zones_of(out.name)),
                                     out.connected(), out.last_error(), out.dropped_s()))
        return rows


def mark_drops(mark: Mark) -> tuple[Callable[[str, str, dt.datetime], None],
                                    Callable[[str, float, dt.datetime], None]]:
    """The stream outputs' ``on_down``/``on_back`` writing as-run marks (never raising)."""
    def down(name: str, why: str, since: dt.datetime) -> None:
        _safe(mark, since, "output.down", name,
              t("route.mark.down", name=name, since=f"{since:%H:%M:%S}", why=why))

    def back(name: str, seconds: float, since: dt.datetime) -> None:
        _safe(mark, since + dt.timedelta(seconds=seconds), "output.back", name,
              t("route.mark.back", name=name, seconds=f"{seconds:.1f}",
                since=f"{since:%H:%M:%S}"))

    return down, back


def _safe(mark: Mark, at: dt.datetime, kind: str, subject: str, detail: str) -> None:
    try:
        mark(at, kind, subject, detail)
    except Exception:  # noqa: BLE001 - listeners never crash the sender
        log.exception("writing the as-run mark for %s failed", subject)
