"""Wiring: start the station's components in order, stop them in reverse in ``finally``."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.player import FilePlayer, Player, SoundCardPlayer, probe_outputs
from broadcaster.air.playout import Playout
from broadcaster.air.prepare import Preparer
from broadcaster.air.schedule import Schedule, Slot
from broadcaster.air.scheduler import SlotScheduler
from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Station
from broadcaster.messages import set_language, t

log = logging.getLogger(__name__)


def asrun_path(station: Station) -> Path:
    return station.var("db") / "asrun.sqlite3"


def choose_player(station: Station, clock: Clock, notify: Callable[[str], None]) -> tuple[Player, bool]:
    """The sound card if PortAudio sees one, else the WAV file sink (said once, clearly)."""
    audio = station.settings.audio
    devices, why = probe_outputs()
    if devices:
        player = SoundCardPlayer(clock, device=audio.output_device, sample_rate=audio.sample_rate,
                                 channels=audio.channels, volume=audio.volume)
        notify(t("air.device", device=audio.output_device if audio.output_device is not None
                 else next((d["name"] for d in devices if d["default"]), devices[0]["name"])))
        return player, False
    out = station.var("archive")
    notify(t("air.no_device", reason=why, path=out))
    return FilePlayer(clock, out), True


class StationService:
    """The running station: as-run log, player, playout and scheduler."""

    def __init__(self, station: Station, clock: Clock | None = None, *,
                 player: Player | None = None, notify: Callable[[str], None] | None = None) -> None:
        self.station = station
        self.clock = clock or SystemClock(station.tz)
        self.notify = notify or (lambda msg: log.info("%s", msg))
        self._player = player
        self.asrun: AsRunLog | None = None
        self.playout: Playout | None = None
        self.scheduler: SlotScheduler | None = None
        self.schedule: Schedule | None = None
        self._stopped = threading.Event()

    def start(self) -> None:
        s = self.station.settings
        set_language(s.language)
        self.schedule = Schedule.load(self.station.schedules_dir, self.station.tz)
        self.asrun = AsRunLog(asrun_path(self.station))
        settled = self.asrun.settle_unfinished(self.clock.now(), "station stopped during airing")
        if settled:
            log.warning("%d airing(s) left unfinished by the last run marked interrupted", settled)
        if self._player is None:
            player, player_archives = choose_player(self.station, self.clock, self.notify)
        else:
            player, player_archives = self._player, False
        preparer = Preparer(self.station)
        grace = dt.timedelta(minutes=s.playout.grace_minutes)
        self.playout = Playout(clock=self.clock, player=player, asrun=self.asrun,
                               prepare=preparer.prepare, archive_dir=self.station.var("archive"),
                               grace=grace, archive_format=s.program.archive_format,
                               player_archives=player_archives, notify=self.notify)
        self.scheduler = SlotScheduler(self.playout, lambda: self._schedule(), self.clock,
                                       tz=self.station.tz,
                                       preroll=dt.timedelta(minutes=s.playout.preroll_minutes),
                                       grace=grace)
        self.scheduler.start()

    def _schedule(self) -> Schedule:
        assert self.schedule is not None
        return self.schedule

    def add_one_off(self, slot: Slot, when: dt.datetime) -> None:
        """Add a slot for ``when``'s date (demo, operator) and plan it at once."""
        assert self.schedule is not None and self.scheduler is not None
        self.schedule.add_one_off(when.date(), slot)
        self.scheduler.replan()

    def stop(self) -> None:
        """Fade out what is on air, let the air job log it, then close in reverse order."""
        self.notify(t("run.stopping"))
        if self.playout is not None:
            self.playout.stop_current()
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.asrun is not None:
            self.asrun.close()
        self._stopped.set()
        self.notify(t("run.stopped"))

    def print_upcoming(self) -> None:
        assert self.scheduler is not None
        upcoming = self.scheduler.upcoming()
        if not upcoming:
            self.notify(t("run.no_slots"))
        for p in upcoming:
            self.notify(t("run.next", when=f"{p.start:%Y-%m-%d %H:%M:%S}", slot=p.slot.label))

    def wait(self) -> None:
        """Block until stopped (Ctrl-C raises KeyboardInterrupt in the main thread)."""
        while not self._stopped.wait(0.5):
            pass
