"""How the station builds its outputs from the settings, routes each airing, and reports the
outputs in ``status`` and ``doctor``; ``station.py`` calls these (kept here so the wiring there
stays a few lines)."""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Callable

from broadcaster.air.schedule import PlannedSlot
from broadcaster.clock import Clock
from broadcaster.config import IcecastTarget, Station
from broadcaster.errors import ConfigError
from broadcaster.messages import t
from broadcaster.route.outputs import Mark, OutputHub, OutputStatus, mark_drops
from broadcaster.route.player import Route
from broadcaster.route.zones import Zones

EMERGENCY = "emergency"  # the player name the playout gives emergencies


def routed(station: Station) -> bool:
    """Whether the station has anything to route (else the player is left as it is)."""
    s = station.settings
    return bool(s.outputs.icecast or s.zones)


def zones_of(station: Station) -> Zones:
    """The zones of the settings; a ConfigError naming station.yaml when they are wrong."""
    s = station.settings
    zones = Zones(s.zones, [s.outputs.soundcard, *(o.name for o in s.outputs.icecast)])
    problems = zones.problems()
    problems += [t("route.unknown_zone", slot=EMERGENCY, zone=z, known=", ".join(sorted(
        zones.names()))) for z in zones.unknown(s.outputs.emergency_zones)]
    if problems:
        raise ConfigError(t("route.bad_settings", problems="\n".join(problems)),
                          where=f"{station.config_file}: outputs / zones")
    return zones


def build_hub(station: Station, clock: Clock, mark: Mark) -> OutputHub:
    """Every Icecast output of the settings (not started), drops written as as-run marks."""
    from broadcaster.route.icecast import IcecastOutput  # PyAV: only stations that stream

    s = station.settings
    zones = zones_of(station)
    down, back = mark_drops(mark)
    targets = {o.name: o for o in s.outputs.icecast}

    def make(target: IcecastTarget) -> IcecastOutput:
        return IcecastOutput(target, rate=s.audio.sample_rate, idle_title=s.name,
                             timeout_s=s.outputs.timeout_seconds,
                             backoff_max_s=s.outputs.reconnect_max_seconds, now=clock.now,
                             on_down=down, on_back=back)

    return OutputHub([make(o) for o in targets.values()], zones, s.outputs.soundcard,
                     remake=lambda name: make(targets[name]), rate=s.audio.sample_rate)


def route_of(station: Station, clock: Clock, planned: Callable[[], list[PlannedSlot]]
             ) -> Callable[[str], Route]:
    """The route of an airing by the player's name: a slot id (its zones, its name as the
    stream title), or an emergency (``outputs.emergency_zones``)."""
    def route(name: str) -> Route:
        if name == EMERGENCY:
            return Route(station.settings.outputs.emergency_zones, t("route.emergency_title"))
        now = clock.now()
        found = [p for p in planned() if p.slot.id == name]  # today's and tomorrow's
        if not found:
            return Route((), name)
        slot = min(found, key=lambda p: abs((p.start - now).total_seconds())).slot
        return Route(slot.zones, slot.label)

    return route


def outputs_status(station: Station, hub: OutputHub | None, card_error: str
                   ) -> list[dict[str, object]]:
    """``status["outputs"]``: the sound card (or file sink) and every stream."""
    if hub is not None:
        return [row.as_dict() for row in hub.status(card_error)]
    card = station.settings.outputs.soundcard
    return [OutputStatus(card, "soundcard", ("all",), not card_error, card_error, 0.0).as_dict()]


def doctor_lines(station: Station, timeout: float = 2.0) -> list[tuple[str, bool, str]]:
    """(name, ok, sentence) for each Icecast output: does its server answer (TCP)."""
    out = []
    zones = Zones(station.settings.zones,
                  [station.settings.outputs.soundcard,
                   *(o.name for o in station.settings.outputs.icecast)])
    for target in station.settings.outputs.icecast:
        url = urllib.parse.urlsplit(target.url)
        try:
            with socket.create_connection((url.hostname or "localhost", url.port or 8000),
                                          timeout=timeout):
                ok, state = True, t("route.reachable")
        except OSError as exc:
            ok, state = False, t("route.unreachable", error=exc)
        out.append((target.name, ok, t("route.doctor", name=target.name, kind="icecast",
                                         zones=", ".join(zones.zones_of(target.name)),
                                         state=f"{target.url}: {state}")))
    return out
