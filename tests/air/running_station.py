"""A station started as ``broadcaster run`` does, on the fake player (no sound card), for the
schedule tests."""

from __future__ import annotations

from broadcaster.air.player import FakePlayer
from broadcaster.clock import SystemClock
from broadcaster.config import Station
from broadcaster.station import StationService


class Running:
    """``with Running(station) as service``: started, then stopped; ``messages`` what it said."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.messages: list[str] = []
        clock = SystemClock(station.tz)
        self.service = StationService(station, clock, player=FakePlayer(clock),
                                      notify=self.messages.append, file_logging=False,
                                      signals=False)

    def __enter__(self) -> StationService:
        self.service.start()
        return self.service

    def __exit__(self, *exc: object) -> None:
        self.service.stop()
