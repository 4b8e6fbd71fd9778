"""The output hub: every stream output of the station, which zones reach it, what each one is
airing, and what ``status`` says about them. The sound card is an output too (its player is
wrapped by ``RoutedPlayer``); the hub drives the stream outputs.

``begin``/``started``/``end`` follow one airing of a program WAV; ``push`` streams live
blocks (relays, the microphone) to the zones' streams. Nothing here waits on the network.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from broadcaster.messages import t
from broadcaster.route.feed import Airing, Feed
from broadcaster.route.zones import Zones

log = logging.getLogger(__name__)

STALL_S = 15.0  # a stream thread that made no turn this long is replaced (every call is bounded)

# (at, kind, subject, detail): the as-run log's ``mark``
Mark = Callable[[dt.datetime, str, str, str], None]


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
                 remake: Callable[[str], StreamOutput] | None = None) -> None:
        self.outputs = {o.name: o for o in outputs}
        self.zones = zones
        self.card = card
        self._remake = remake  # a fresh output for a name whose thread hung
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._airings: dict[int, tuple[Airing, frozenset[str]]] = {}

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

    # --- one airing ---------------------------------------------------------------------------
    def begin(self, wav: Path, start_at: dt.datetime, title: str,
              zones: Sequence[str] | None) -> int:
        """The zones' streams air ``wav`` from ``start_at``; returns the airing's token."""
        airing = Airing(next(self._tokens), wav, start_at.timestamp(), title)
        names = frozenset(o.name for o in self._streams(zones))
        with self._lock:
            self._airings[airing.token] = (airing, names)
        for name in names:
            self.outputs[name].feed.air(airing)
        return airing.token

    def started(self, token: int, at: dt.datetime) -> None:
        """The sound card's real first sample: the streams follow it."""
        with self._lock:
            found = self._airings.get(token)
            if found is None:
                return
            airing = Airing(token, found[0].wav, at.timestamp(), found[0].title)
            self._airings[token] = (airing, found[1])
        for name in found[1]:
            self.outputs[name].feed.air(airing)

    def end(self, token: int) -> None:
        """The airing is over (completed, stopped or failed): its streams go back to silence."""
        with self._lock:
            found = self._airings.pop(token, None)
        for name in found[1] if found else ():
            self.outputs[name].feed.end(token)

    # --- live ---------------------------------------------------------------------------------
    def push(self, block: np.ndarray, title: str, zones: Sequence[str] | None) -> None:
        """Stream a live block (float32 mono at the station rate) to the zones' streams; never
        blocks: each stream queues at most a couple of seconds and drops the oldest."""
        for out in self._streams(zones):
            out.feed.push(block, title)

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
