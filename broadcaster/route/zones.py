"""Zones: named sets of outputs. ``all`` is every output, and every output is also a zone of
its own name, so a slot can say ``zones: [ip-khu-1]`` without a ``zones:`` entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from broadcaster.messages import t

ALL = "all"


class Zones:
    """Which outputs a list of zone names reaches."""

    def __init__(self, zones: Mapping[str, Sequence[str]], outputs: Sequence[str]) -> None:
        self.outputs = tuple(outputs)
        self.zones = {name: tuple(members) for name, members in zones.items()}

    def names(self) -> set[str]:
        """Every name a slot, emergency or live input may target."""
        return {ALL, *self.zones, *self.outputs}

    def members(self, zones: Sequence[str] | None) -> frozenset[str]:
        """The outputs ``zones`` reach (None or empty: all); unknown names reach nothing."""
        if not zones:
            return frozenset(self.outputs)
        found: set[str] = set()
        for zone in zones:
            if zone == ALL:
                return frozenset(self.outputs)
            if zone in self.zones:
                found.update(self.zones[zone])
            elif zone in self.outputs:
                found.add(zone)
        return frozenset(found & set(self.outputs))

    def zones_of(self, output: str) -> list[str]:
        """The zones an output belongs to (``all`` first), for ``status``."""
        return [ALL, *sorted(z for z, members in self.zones.items() if output in members)]

    def problems(self) -> list[str]:
        """What is wrong with the ``zones:`` settings (one sentence each, naming the key)."""
        out = []
        for name, members in self.zones.items():
            if name == ALL:
                out.append(t("route.zone_all"))
            for member in members:
                if member not in self.outputs:
                    out.append(t("route.zone_unknown_output", zone=name, output=member,
                                 outputs=", ".join(self.outputs)))
        seen: set[str] = set()
        for name in self.outputs:
            if name in seen or name == ALL:
                out.append(t("route.output_name_twice", name=name))
            seen.add(name)
        return out

    def unknown(self, zones: Sequence[str]) -> list[str]:
        """The names in ``zones`` that are neither a zone nor an output."""
        known = self.names()
        return [z for z in zones if z not in known]
