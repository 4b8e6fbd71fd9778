"""The seam with the playout: ``RoutedPlayer`` wraps the station's player (sound card, file
sink) and sends each airing to the streams of its zones, in time with the card's first sample.
A slot whose zones leave the sound card out is timed by ``StreamOnlyPlayer`` (the card stays
silent; the streams carry it)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from broadcaster.air.player import Cancel, OnStarted, Player, PlayResult, preempted, stop_point
from broadcaster.clock import Clock
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome
from broadcaster.route.outputs import OutputHub
from broadcaster.route.spans import Span, map_of, masked_copy, spans_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """Where one airing goes and what the streams call it."""

    zones: tuple[str, ...]  # empty: all
    title: str


RouteOf = Callable[[str], Route]  # the player's ``name`` (a slot id, "emergency") -> its route


class StreamOnlyPlayer:
    """Takes the program's time on the clock without a sound card (the streams carry it);
    honours ``cancel`` where the card would have ended it (at a pause, or faded)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.description = "streams only"
        self.last_error = ""

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: Cancel | None = None, on_started: OnStarted | None = None) -> PlayResult:
        cancel = cancel or Cancel()
        clock = self.clock
        try:
            info = sf.info(str(wav))
        except (OSError, RuntimeError) as exc:
            return PlayResult(Outcome.FAILED, None, clock.now(), str(exc), Ending.DEVICE_LOST,
                              0.0)
        if clock.wait(cancel, (start_at - clock.now()).total_seconds()):
            return preempted(clock)
        started = clock.now()
        if on_started is not None:
            on_started(started)
        end = started + dt.timedelta(seconds=info.frames / info.samplerate)
        while clock.now() < end and not cancel.is_set():
            clock.wait(cancel, (end - clock.now()).total_seconds())
        if not cancel.is_set():
            return PlayResult(Outcome.AIRED, started, clock.now())
        played, fade = stop_point(wav, (clock.now() - started).total_seconds(), cancel.soft)
        left = (started + dt.timedelta(seconds=played) - clock.now()).total_seconds()
        if left > 0:
            clock.sleep(left)
        return PlayResult(Outcome.INTERRUPTED, started, clock.now(), t("air.reason.stopped"),
                          Ending.STOPPED, played, fade)


class RoutedPlayer:
    """A ``Player``: the inner player airs on the sound card when the zones include it (else
    ``StreamOnlyPlayer`` keeps the time), and the hub streams the same program to the zones'
    outputs from the card's real first sample until the airing ends."""

    def __init__(self, inner: Player, hub: OutputHub, route_of: RouteOf, clock: Clock) -> None:
        self.inner = inner
        self.hub = hub
        self.route_of = route_of
        self.timed = StreamOnlyPlayer(clock)
        self.description = inner.description
        self.last_error = inner.last_error

    def play(self, wav: Path, start_at: dt.datetime, name: str = "",
             cancel: Cancel | None = None, on_started: OnStarted | None = None) -> PlayResult:
        route = self._route(name)
        card = True
        token: int | None = None
        aired = wav
        try:
            card = self.hub.reaches_card(route.zones)
            found = map_of(wav)
            if card and found.spans:
                aired = self._card_copy(wav, found.spans)
            token = self.hub.begin(wav, start_at, route.title, route.zones, found.spans,
                                   card_whole=aired == wav, titles=found.titles(route.title))
        except Exception:  # noqa: BLE001 - a routing bug never keeps a program off the card
            log.exception("routing %s failed: it airs whole on the sound card", name)
            card, aired = True, wav
        player: Player = self.inner if card else self.timed

        def started(at: dt.datetime) -> None:
            if token is not None:
                self.hub.started(token, at)
            if on_started is not None:
                on_started(at)

        try:
            return player.play(aired, start_at, name=name, cancel=cancel, on_started=started)
        finally:
            if token is not None:
                self.hub.end(token)
            self.last_error = self.inner.last_error

    def ready(self, wav: Path, zones: tuple[str, ...]) -> None:
        """Make the sound card's copy of a program with stretches for other zones when it is
        prepared (an hour of program takes seconds to copy: never at air time)."""
        try:
            spans = spans_of(wav)
            if spans and self.hub.reaches_card(zones):
                self._card_copy(wav, spans)
        except Exception:  # noqa: BLE001 - made again (or aired whole) at air time
            log.exception("%s: preparing the sound card's copy failed", wav)

    def _card_copy(self, wav: Path, spans: tuple[Span, ...]) -> Path:
        """The program as the card airs it: silent in the stretches for other zones."""
        try:
            return masked_copy(wav, self.hub.card_muted(spans))
        except Exception:  # noqa: BLE001 - a routing failure never keeps a program off air
            log.exception("%s: making the sound card's copy failed: it airs whole", wav)
            return wav

    def _route(self, name: str) -> Route:
        try:
            return self.route_of(name)
        except Exception:  # noqa: BLE001 - a routing bug never keeps a program off air
            log.exception("routing %s failed: it airs everywhere", name)
            return Route((), name)

