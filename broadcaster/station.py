"""Wiring: the running station is one ordered list of parts, started in order and stopped in
reverse (an ``ExitStack``), every thread joined on stop.

lock -> logs -> signals -> as-run log -> store -> pipeline -> alerts -> outputs (Icecast
streams, each its own thread) -> playout -> inbox -> feeds (upstream feeds, its own thread) ->
scheduler -> monitor -> watchdog (ears on the output) -> heartbeat -> housekeeping -> control
channel -> web desk (its own process, supervised) -> publish (its own thread) -> social pages
(its own thread) -> schedule watcher -> store watcher -> closing (the first to stop: it ends
the airing at a pause in the speech).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.control import ControlServer
from broadcaster.air.player import FilePlayer, Player, SoundCardPlayer, probe_outputs
from broadcaster.air.playout import Playout
from broadcaster.air.prepare import PreparedProgram, Preparer
from broadcaster.air.requests import handle as handle_request
from broadcaster.air.schedule import PlannedSlot, Schedule, Slot
from broadcaster.air.scheduler import SlotScheduler
from broadcaster.air.schedules import LoadResult, Reload, ScheduleBook
from broadcaster.air.watch import ScheduleWatcher
from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Station
from broadcaster.errors import AirError
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.inbox.watcher import InboxWatcher
from broadcaster.messages import label, set_language, t
from broadcaster.ops.alerts import Alerter, apprise_sender
from broadcaster.ops.ears.watchdog import OnAirNow, Watchdog, make_watchdog
from broadcaster.ops.heartbeat import Heartbeat, last_beat
from broadcaster.ops.housekeeping import housekeep
from broadcaster.ops.lock import StationLock
from broadcaster.ops.logs import remove_file_logging, setup_file_logging
from broadcaster.ops.monitor import Monitor
from broadcaster.pipeline import Pipeline
from broadcaster.worker import Worker

if TYPE_CHECKING:
    import numpy as np

    from broadcaster.air.late import Resettler
    from broadcaster.air.live import LiveDesk
    from broadcaster.air.relay_air import RelayAirer
    from broadcaster.air.simulate import FakeJobScheduler
    from broadcaster.air.stream import Streamer
    from broadcaster.inbox.feeds.poll import FeedPoller
    from broadcaster.inbox.records import BulletinRecord
    from broadcaster.publish.publisher import Publisher
    from broadcaster.publish.social.worker import SocialWorker
    from broadcaster.route.outputs import OutputHub
    from broadcaster.route.player import RoutedPlayer
    from broadcaster.speech.base import Engine
    from broadcaster.web.supervisor import WebSupervisor

log = logging.getLogger(__name__)

Notify = Callable[[str], None]


def asrun_path(station: Station) -> Path:
    return station.var("db") / "asrun.sqlite3"


def choose_player(station: Station, clock: Clock, notify: Notify) -> tuple[Player, bool]:
    """The sound card if PortAudio sees one, else the file sink (said once, clearly)."""
    audio = station.settings.audio
    devices, why = probe_outputs()
    if devices:
        player = SoundCardPlayer(clock, device=audio.output_device, sample_rate=audio.sample_rate,
                                 channels=audio.channels, volume=audio.volume)
        notify(t("air.device", device=audio.output_device if audio.output_device is not None
                 else next((d["name"] for d in devices if d["default"]), devices[0]["name"])))
        return player, False
    if not audio.file_sink_when_no_device:
        raise AirError(t("air.no_device_no_sink", reason=why),
                       where=f"{station.root / 'station.yaml'}: audio.file_sink_when_no_device",
                       hint=t("air.no_device_no_sink.hint"))
    out = station.var("archive")
    fmt = station.settings.program.archive_format
    notify(t("air.no_device", reason=why, path=out, fmt=fmt.upper()))
    return FilePlayer(clock, out, fmt), True


@dataclass(frozen=True)
class Part:
    """One component of the running station: how it starts and how it stops."""

    name: str
    start: Callable[[], None]
    stop: Callable[[], None]


class _Loop:
    """A background loop run every ``every`` seconds (first after ``first``), joined on stop."""

    def __init__(self, name: str, every: float, body: Callable[[], None],
                 first: float | None = None) -> None:
        self.name = name
        self.every = every
        self.first = every if first is None else first
        self.body = body
        self._worker = Worker(name)

    def start(self) -> None:
        self._worker.start(self._run)

    def _run(self) -> None:
        self._worker.pause(self.first)
        while not self._worker.stopping:
            try:
                self.body()
            except Exception:  # noqa: BLE001 - a long-running loop restarts itself
                log.exception("%s failed; retrying", self.name)
            self._worker.pause(self.every)

    def stop(self, timeout: float = 30.0) -> None:
        self._worker.stop(timeout)


class StationService:
    """The running station: every part, the operator's actions, and what status reports."""

    def __init__(self, station: Station, clock: Clock | None = None, *,
                 player: Player | None = None, notify: Notify | None = None,
                 engines: list[Engine] | None = None, file_logging: bool = True,
                 signals: bool = True, jobs: FakeJobScheduler | None = None,
                 demo: bool = False, web: bool = True) -> None:
        self.station = station
        self.clock: Clock = clock or SystemClock(station.tz)
        self.notify: Notify = notify or (lambda msg: log.info("%s", msg))
        self.file_logging = file_logging
        self.signals = signals
        s = station.settings
        self.lock = StationLock(station.var("run"))
        self.pipeline = Pipeline(station, self.clock, engines=engines)
        self.alerter = Alerter(None, self.clock, min_interval_s=s.alerts.min_interval_minutes * 60,
                               title=s.name)
        self._player = player
        self._jobs = jobs  # tests: a fake job scheduler driven by a FakeClock
        self.demo = demo  # ``broadcaster demo``: no alerts for slots before it started
        self._versions_seen: dict[str, int] | None = None
        self._asrun: AsRunLog | None = None
        self._store: BulletinStore | None = None
        self._playout: Playout | None = None
        self._routed: RoutedPlayer | None = None  # the player when the station routes (zones)
        self._scheduler: SlotScheduler | None = None
        self.preparer: Preparer | None = None
        self._resettler: Resettler | None = None
        self._warm: threading.Thread | None = None
        self.schedule: Schedule | None = None
        self.book = ScheduleBook(station, self.clock, persist=True)
        self.ingester: Ingester | None = None
        self.inbox: InboxWatcher | None = None
        self.inbox_error = ""
        self.monitor: Monitor | None = None
        self.watchdog: Watchdog | None = None
        self.heartbeat: Heartbeat | None = None
        self.control: ControlServer | None = None
        self.web: WebSupervisor | None = None
        self.publisher: Publisher | None = None
        self.social: SocialWorker | None = None
        self.feeds: FeedPoller | None = None
        self.web_enabled = web  # tests that do not need the desk leave it out
        self.hub: OutputHub | None = None  # Icecast outputs and zones (issue 15.1)
        self.hub_check = _Loop("outputs-check", 5.0, self._check_outputs)
        self.watcher = ScheduleWatcher(station.schedules_dir, self.reload_schedules)
        self.housekeeping = _Loop("housekeeping", s.housekeeping.every_hours * 3600,
                                  self._housekeep, first=60.0)
        self.store_watch = _Loop("store-watch", 1.0, self._watch_store, first=0.5)
        self.started_parts: list[str] = []
        self.stopped_parts: list[str] = []
        self._stack = contextlib.ExitStack()
        self._stop_requested = threading.Event()
        self._reload_lock = threading.Lock()
        self._old_term: signal.Handlers | Callable[[int, FrameType | None], object] | int | None = None
        self._stopping = False
        self._emergencies_seen: set[tuple[str, int]] = set()
        self._started_mono = self.clock.monotonic()
        # every relay/live block as it goes out (float32 mono at the station rate, title):
        # the seam for the Icecast outputs (OutputHub.push)
        self.on_block: Callable[[np.ndarray, str], None] | None = None
        self._card: Player | None = None  # the player under the routing one (relay, live, ears)
        self.streamer: Streamer | None = None
        self.relay_airer: RelayAirer | None = None
        self.live: LiveDesk | None = None

    # --- the parts, in order ---------------------------------------------------------------
    def parts(self) -> list[Part]:
        noop: Callable[[], None] = lambda: None  # noqa: E731
        return [
            Part("lock", self.lock.acquire, self.lock.release),
            Part("logs", self._start_logs, self._stop_logs),
            Part("signals", self._install_signals, self._restore_signals),
            Part("asrun", self._open_asrun, self._close_asrun),
            Part("store", self._open_store, self._close_store),
            Part("pipeline", self.pipeline.start, self.pipeline.stop),
            Part("alerts", self._start_alerts, self.alerter.stop),
            Part("outputs", self._start_outputs, self._stop_outputs),
            Part("playout", self._make_playout, noop),
            Part("live", noop, self._stop_live),
            Part("warm-up", self._start_warm_up, self._join_warm_up),
            Part("inbox", self._start_inbox, self._stop_inbox),
            Part("feeds", self._start_feeds, self._stop_feeds),
            Part("scheduler", self._start_scheduler, self._stop_scheduler),
            Part("monitor", self._start_monitor, self._stop_monitor),
            Part("watchdog", self._start_watchdog, self._stop_watchdog),
            Part("heartbeat", self._start_heartbeat, self._stop_heartbeat),
            Part("housekeeping", self.housekeeping.start, self.housekeeping.stop),
            Part("control", self._start_control, self._stop_control),
            Part("web", self._start_web, self._stop_web),
            Part("publish", self._start_publish, self._stop_publish),
            Part("social", self._start_social, self._stop_social),
            Part("schedule-watch", self.watcher.start, self.watcher.stop),
            Part("store-watch", self.store_watch.start, self.store_watch.stop),
            Part("closing", noop, self._end_airing),
        ]

    def start(self) -> None:
        """Start every part in order; if one fails, those started are stopped in reverse."""
        set_language(self.station.settings.language)
        self._started_mono = self.clock.monotonic()
        try:
            for part in self.parts():
                part.start()
                self.started_parts.append(part.name)
                self._stack.callback(self._stop_part, part)
        except BaseException:
            self._stack.close()
            raise

    def _stop_part(self, part: Part) -> None:
        try:
            part.stop()
        except Exception:  # noqa: BLE001 - one part failing to stop must not keep the others up
            log.exception("stopping %s failed", part.name)
        self.stopped_parts.append(part.name)

    def stop(self) -> None:
        """End the airing at a pause in the speech, then stop every part in reverse order."""
        self.notify(t("run.stopping"))
        self._stop_requested.set()
        self._stack.close()
        self.notify(t("run.stopped"))

    # --- typed access to parts that exist once started --------------------------------------
    @property
    def asrun(self) -> AsRunLog:
        if self._asrun is None:
            raise AirError("the as-run log is not open (station not started)")
        return self._asrun

    @property
    def store(self) -> BulletinStore:
        if self._store is None:
            raise AirError("the bulletin store is not open (station not started)")
        return self._store

    @property
    def playout(self) -> Playout:
        if self._playout is None:
            raise AirError("playout not started")
        return self._playout

    @property
    def scheduler(self) -> SlotScheduler:
        if self._scheduler is None:
            raise AirError("scheduler not started")
        return self._scheduler

    # --- part starters and stoppers --------------------------------------------------------
    def _start_logs(self) -> None:
        if self.file_logging:
            setup_file_logging(self.station)

    def _stop_logs(self) -> None:
        if self.file_logging:
            remove_file_logging(self.station)

    def _install_signals(self) -> None:
        if not self.signals or threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
            return  # someone else handles it

        def on_term(signum: int, frame: FrameType | None) -> None:
            if not self._stopping:
                self._stopping = True
                raise KeyboardInterrupt  # unwinds ``wait`` into the caller's ``finally: stop()``
            # a second request while the airing is being ended: like a second Ctrl-C, fade now
            if self._playout is not None and self._playout.on_air_label is not None:
                raise KeyboardInterrupt

        self._old_term = signal.signal(signal.SIGTERM, on_term)

    def _restore_signals(self) -> None:
        if self._old_term is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._old_term)
            self._old_term = None

    def _open_asrun(self) -> None:
        # airings a crash left on air are settled by the playout (it archives them)
        self._asrun = AsRunLog(asrun_path(self.station))

    def _close_asrun(self) -> None:
        if self._asrun is not None:
            self._asrun.close()

    def _open_store(self) -> None:
        try:
            self._store = BulletinStore(store_path(self.station),
                                        approval=self.station.settings.approval, now=self.clock.now())
        except Exception as exc:  # noqa: BLE001 - scheduled programs still air without the inbox
            self.inbox_error = f"{type(exc).__name__}: {exc}"
            log.exception("the bulletin store could not be opened")

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _start_alerts(self) -> None:
        s = self.station.settings.alerts
        try:
            self.alerter.sender = apprise_sender(s.urls, s.timeout_s)
        except Exception:  # noqa: BLE001 - no alerts is degraded, not fatal
            log.exception("alerts unavailable")

    def _start_outputs(self) -> None:
        """The Icecast outputs and zones (none configured: the player is left as it is)."""
        from broadcaster.route.wiring import build_hub, routed

        if not routed(self.station):
            return
        self.hub = build_hub(self.station, self.clock, self.asrun.mark)
        self.hub.start()
        self.hub_check.start()

    def _stop_outputs(self) -> None:
        self.hub_check.stop()
        if self.hub is not None:
            self.hub.stop()

    def _check_outputs(self) -> None:
        if self.hub is not None:
            self.hub.check()

    def _make_playout(self) -> None:
        s = self.station.settings
        if self._player is None:
            player, player_archives = choose_player(self.station, self.clock, self.notify)
        else:
            player, player_archives = self._player, False
        card = player  # relay and live stream to the card itself (the hub gets their blocks)
        self._card = card
        if self.hub is not None:
            from broadcaster.route.player import RoutedPlayer
            from broadcaster.route.wiring import route_of

            player = self._routed = RoutedPlayer(player, self.hub, route_of(
                self.station, self.clock, lambda: list(self._scheduler.planned.values())
                if self._scheduler is not None else []), self.clock)
        self._load_schedules()
        self.preparer = Preparer(self.station, self.pipeline, self._store)
        grace = dt.timedelta(minutes=s.playout.grace_minutes)
        self._playout = Playout(clock=self.clock, player=player, asrun=self.asrun,
                                prepare=self._prepare_program,
                                archive_dir=self.station.var("archive"), grace=grace,
                                archive_format=s.program.archive_format,
                                archive_days=s.program.archive_days,
                                player_archives=player_archives, notify=self.notify,
                                on_aired=self._count_bulletins, still_valid=self._still_valid)
        # before the heartbeat is rewritten and before anything airs: an airing the last run
        # left on air (killed, power cut) keeps its start, ends at the last heartbeat and is
        # archived up to there
        self._playout.settle_crashed(last_beat(self.station.var("run") / "heartbeat.json"))
        self._wire_streams(card)

    def _prepare_program(self, planned: PlannedSlot) -> PreparedProgram:
        """The slot's program, and (zones) the sound card's copy of it, made ahead of air."""
        assert self.preparer is not None  # made before the playout
        prepared = self.preparer.prepare(planned)
        if self._routed is not None:
            self._routed.ready(prepared.wav, tuple(planned.slot.zones))
        return prepared

    def _wire_streams(self, player: Player) -> None:
        """Relay slots and the live input air through the streamer that goes with the player;
        each block they make is also handed to ``self.on_block`` (the Icecast outputs)."""
        from broadcaster.air.live import LiveDesk  # noqa: PLC0415 - scipy
        from broadcaster.air.relay import tuning_from  # noqa: PLC0415 - scipy
        from broadcaster.air.relay_air import RelayAirer  # noqa: PLC0415
        from broadcaster.air.stream import streamer_for  # noqa: PLC0415

        s = self.station.settings
        self.streamer = streamer_for(player, self.clock)
        self.relay_airer = RelayAirer(
            self.playout, self.streamer, self.clock, s.audio.sample_rate, program=s.program,
            tuning=tuning_from(s.relay), ahead_s=s.relay.connect_ahead_seconds,
            work_dir=self.station.var("tmp"), on_block=self._on_relay_block,
            pick=self._streamer_for, card_in=lambda narrow: self.hub is None or self.hub.reaches_card(narrow))
        self.playout.relay = self.relay_airer.air
        self.live = LiveDesk(self.playout, self.streamer, self.clock, s.audio.sample_rate,
                             ceiling_dbtp=s.program.true_peak_dbtp,
                             work_dir=self.station.var("tmp"),
                             default_input=None if s.live.input is None else str(s.live.input),
                             on_block=self._on_block, pick=self._streamer_for)

    def _stop_live(self) -> None:
        """A live segment still on air when the station stops ends (faded) and is logged
        before the as-run log closes."""
        live = self.live
        if live is not None and live.session is not None and live.session.thread.is_alive():
            with contextlib.suppress(AirError):
                live.stop()

    def _on_block(self, block: np.ndarray, title: str) -> None:
        """A live input's block as it goes out: to the Icecast outputs of the session's zones."""
        session = self.live.session if self.live is not None else None
        zones = tuple(session.zones) if session is not None else ()
        self._on_relay_block(block, title, zones, ())

    def _on_relay_block(self, block: np.ndarray, title: str, zones: tuple[str, ...],
                        narrow: tuple[str, ...]) -> None:
        """A streamed block as it goes out: to the Icecast outputs of ``zones`` (empty: all)
        within ``narrow`` (a stretch for some of them), and to ``on_block`` if one is set."""
        if self.hub is not None:
            self.hub.push(block, title, zones or None, narrow)
        if self.on_block is not None:
            self.on_block(block, title)

    def _streamer_for(self, zones: tuple[str, ...]) -> Streamer:
        """The streamer for a relay or live segment in ``zones``: the card's, unless the zones
        leave the card out (then the clock paces it: its blocks reach only the streams)."""
        from broadcaster.air.stream import ClockStreamer  # noqa: PLC0415

        assert self.streamer is not None  # wired with the playout
        if self.hub is not None and not self.hub.reaches_card(zones or None):
            return ClockStreamer(self.clock, t("route.streams_only"))
        return self.streamer

    def _start_warm_up(self) -> None:
        def warm() -> None:
            try:
                if self.preparer is not None:
                    self.preparer.warm_up()
            except Exception:  # noqa: BLE001 - only a head start: an emergency still works cold
                log.exception("warming up the emergency path failed")

        self._warm = threading.Thread(target=warm, name="warm-up", daemon=True)
        self._warm.start()

    def _join_warm_up(self) -> None:
        if self._warm is not None:
            self._warm.join(60)

    def _start_inbox(self) -> None:
        st = self.station
        s = st.settings
        try:
            if self._store is None:
                raise AirError(self.inbox_error or "no bulletin store")
            self.ingester = Ingester(st, self._store, self.clock, scripter=self.pipeline.script,
                                     speech=self.pipeline, audio_probe=self.pipeline.recording_ms)
            self.ingester.on_disk_error = self._disk_alert
            try:
                self.ingester.recover(force=True)
            except Exception:  # noqa: BLE001 - the watcher's loop retries it every pass
                log.exception("recovering unfinished intakes failed; retrying while running")
            self.inbox = InboxWatcher(self.ingester, self.clock, poll_seconds=s.inbox.poll_seconds,
                                      use_events=s.inbox.watch_events)
            self.inbox.start()
        except Exception as exc:  # noqa: BLE001 - scheduled programs still air without the inbox
            self.inbox_error = self.inbox_error or f"{type(exc).__name__}: {exc}"
            log.exception("the inbox could not start")
            self.alerter.alert("ingest", "start", t("alert.ingest", station=s.name,
                                                    detail=self.inbox_error))
            return
        self.notify(t("inbox.watching", path=st.inbox_dir))

    def _disk_alert(self, detail: str) -> None:
        self.alerter.alert("ingest", "disk", t("alert.ingest", station=self.station.settings.name,
                                               detail=detail))

    def _stop_inbox(self) -> None:
        if self.inbox is not None:
            self.inbox.stop()

    def _start_feeds(self) -> None:
        """Upstream feeds (``feeds.sources``): polled on their own thread into the store."""
        if not self.station.settings.feeds.sources or self._store is None:
            return
        from broadcaster.inbox.feeds.poll import FeedPoller

        self.feeds = FeedPoller(self.station, self._store, self.clock,
                                scripter=self.pipeline.script, speech=self.pipeline,
                                notify=self.notify)
        self.feeds.start()

    def _stop_feeds(self) -> None:
        if self.feeds is not None:
            self.feeds.stop()

    def _start_scheduler(self) -> None:
        s = self.station.settings
        self._scheduler = SlotScheduler(
            self.playout, self._current_schedule, self.clock, tz=self.station.tz,
            preroll=dt.timedelta(minutes=s.playout.preroll_minutes),
            grace=dt.timedelta(minutes=s.playout.grace_minutes), scheduler=self._jobs)
        self._scheduler.start()

    def _stop_scheduler(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown()

    def _start_monitor(self) -> None:
        self.monitor = Monitor(self.station, self.clock, self.alerter,
                               asrun_path=asrun_path(self.station), store=self._store,
                               schedule=self._current_schedule,
                               engines_health=self.pipeline.health,
                               quiet_before=self.clock.now() if self.demo else None)
        self.monitor.start()

    def _stop_monitor(self) -> None:
        if self.monitor is not None:
            self.monitor.stop()

    def _start_watchdog(self) -> None:
        """Ears on the output (the sound card's monitor, the Icecast mounts): dead air, sound
        while idle, a mount down -> alert, as-run mark, status and doctor lines."""
        s = self.station.settings.watchdog
        if not s.enabled:
            return
        playout = self.playout
        self.watchdog = make_watchdog(
            s, self.clock, alerter=self.alerter, station=self.station.settings.name,
            expected=lambda: OnAirNow(playout.on_air_label, playout.on_air_since),
            mark=self.asrun.mark, state_file=self.station.var("run") / "watchdog.json",
            sound_card=isinstance(self._card, SoundCardPlayer),  # not the routing player
            output_device=self.station.settings.audio.output_device,
            player_report=lambda: playout.player.last_error,
            carrying=self._carrying, card=self.station.settings.outputs.soundcard,
            streams={o.name: o.url for o in self.station.settings.outputs.icecast})
        self.watchdog.start()
        ears = ", ".join(e.name for e in self.watchdog.ears)
        self.notify(t("watch.starting", ears=ears or "-") + (
            f" ({self.watchdog.no_monitor})" if self.watchdog.no_monitor else ""))

    def _carrying(self, output: str, now: dt.datetime) -> bool | None:
        """Whether ``output`` should carry sound now, by the zones of what is on air (the
        watchdog's question); None when the station routes nothing (one output: the card)."""
        hub = self.hub
        return None if hub is None else hub.carrying(output, now.timestamp())

    def _stop_watchdog(self) -> None:
        if self.watchdog is not None:
            self.watchdog.stop()

    def _start_heartbeat(self) -> None:
        s = self.station.settings
        beat = Heartbeat(self.station.var("run") / "heartbeat.json", self.clock,
                         interval=s.housekeeping.heartbeat_seconds)
        poll = s.inbox.poll_seconds
        beat.add("inbox", lambda: self._fresh(self.inbox.heartbeat if self.inbox else None,
                                              max(60.0, 10 * poll), self.inbox is None))
        # a render may take minutes; only a loop that is gone is unhealthy
        beat.add("speech", lambda: self._fresh(self.pipeline.heartbeat, 1800.0, False))
        beat.add("scheduler", self._scheduler_probe)
        # the side loops that guard air, when they run: one that stopped turning is unhealthy
        # (a feed poll may take minutes; the watchdog ticks every block). Social posting is not
        # here: a stalled post must never get the station restarted in the middle of a program
        beat.add("feeds", lambda: self._side_loop(self.feeds, 900.0))
        beat.add("watchdog", lambda: self._side_loop(self.watchdog, 60.0))
        self.heartbeat = beat
        beat.start()

    def _stop_heartbeat(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def _fresh(self, beat: float | None, limit: float, off: bool) -> tuple[bool, str]:
        if off:  # never started (alerted): a restart would not help airing
            return True, f"off {self.inbox_error}".strip()
        if beat is None:
            return False, "not started"
        age = self.clock.monotonic() - beat
        return age < limit, f"last turn {age:.0f} s ago"

    def _side_loop(self, loop: FeedPoller | SocialWorker | Watchdog | None,
                   limit: float) -> tuple[bool, str]:
        if loop is None:
            return True, "off"
        if loop.heartbeat is None and self.clock.monotonic() - self._started_mono < limit:
            return True, "starting"
        return self._fresh(loop.heartbeat, limit, False)

    def _scheduler_probe(self) -> tuple[bool, str]:
        running = self._scheduler is not None and self._scheduler.running
        if not running and self.clock.monotonic() - self._started_mono < 120:
            return True, "starting"
        return running, "running" if running else "stopped"

    def _start_publish(self) -> None:
        if not self.station.settings.publish.enabled:
            return
        from broadcaster.publish.publisher import Publisher

        def speech(rec: BulletinRecord) -> Path:
            return rec.speech_path or self.pipeline.speech(rec.bulletin())

        self.publisher = Publisher(self.station, self.clock, self._store, speech=speech,
                                   alerter=self.alerter, notify=self.notify)
        self.publisher.start()

    def _stop_publish(self) -> None:
        if self.publisher is not None:
            self.publisher.stop()

    def _start_social(self) -> None:
        """Posting to the social pages: only with publishing on and a page configured."""
        social = self.station.settings.publish.social
        if self.publisher is None or (social.facebook is None and social.zalo is None):
            return
        from broadcaster.publish.social.worker import SocialWorker

        self.social = SocialWorker(self.station, self.clock, self._store,
                                   base_url=self.publisher.info.base_url, alerter=self.alerter,
                                   notify=self.notify)
        self.social.start()

    def _stop_social(self) -> None:
        if self.social is not None:
            self.social.stop()

    def _start_control(self) -> None:
        self.control = ControlServer(self.station.var_dir, self.handle)
        self.control.start()

    def _stop_control(self) -> None:
        if self.control is not None:
            self.control.stop()

    def _start_web(self) -> None:
        if not self.web_enabled or not self.station.settings.web.enabled:
            return
        from broadcaster.web.supervisor import WebSupervisor

        self.web = WebSupervisor(self.station)
        self.web.start()

    def _stop_web(self) -> None:
        if self.web is not None:
            self.web.stop()
            self.web = None

    def _housekeep(self) -> None:
        housekeep(self.station, self._store, self.clock.now())

    # --- bulletins and air -----------------------------------------------------------------
    def _current_schedule(self) -> Schedule:
        if self.schedule is None:
            raise AirError("no schedule loaded")
        return self.schedule

    def _still_valid(self, prepared: PreparedProgram, now: dt.datetime) -> bool:
        """Just before air: the program still carries exactly the bulletins the selection picks
        now. A bulletin withdrawn, changed or aired enough always forces a rebuild; one that
        arrived since is taken in when its speech is ready and there is time, else it moves to
        the next slot (and the operator is told)."""
        from broadcaster.air.late import judge

        planned = self._scheduler.planned.get(prepared.key) if self._scheduler else None
        if planned is None or self.preparer is None:
            return True
        verdict = judge(prepared, planned, self.preparer, now)
        for bulletin_id in verdict.late:
            self.notify(t("air.bulletin_late", id=bulletin_id, slot=planned.slot.label))
        return verdict.keep

    def _count_bulletins(self, prepared: PreparedProgram, slot_key: str, when: dt.datetime) -> None:
        """An aired program counts one airing for each store bulletin it carried."""
        for bulletin_id, version in prepared.bulletins:
            if self._store is not None:
                self._store.record_airing(bulletin_id, version, slot_key, when)
        if self.publisher is not None:
            self.publisher.wake()  # publishing listens; air never waits for it

    def _watch_store(self) -> None:
        """Every second: inbox emergencies go on air; prepared slots whose selection changed
        are built again while there is time (late approvals still make their slot)."""
        if self._playout is None or self._playout.closing or self._store is None:
            return
        self._air_inbox_emergencies()
        self._tell_taken()
        if self._resettler is None and self._scheduler is not None and self.preparer is not None:
            from broadcaster.air.late import Resettler

            self._resettler = Resettler(self._scheduler, self.playout, self.preparer)
        if self._resettler is not None:
            self._resettler.refresh(self.clock.now())

    def _air_inbox_emergencies(self) -> None:
        """An *emergency* bulletin from the inbox interrupts at once (once approved, if the
        station requires approval); later repeats go first in the next slots."""
        for record in self.store.eligible(self.clock.now()):
            ident = (record.id, record.version)
            if (record.priority == "emergency" and record.times_aired == 0
                    and ident not in self._emergencies_seen):
                self._emergencies_seen.add(ident)
                log.warning("emergency bulletin %s: on air now", record.id)
                self.emergency(record.body, EMERGENCY_READS, bulletin=ident, audio=record.audio)
                if self.publisher is not None:
                    self.publisher.wake()  # emergencies are published at once

    def _tell_taken(self) -> None:
        """One console line per bulletin version taken in (the inbox logs the detail)."""
        if self._store is None:
            return
        current = {r.id: r for r in self._store.active()}
        seen = self._versions_seen
        self._versions_seen = {bid: r.version for bid, r in current.items()}
        if seen is None:
            return  # the first turn learns what was there before the start
        for bid, rec in current.items():
            if seen.get(bid) != rec.version:
                self.notify(t("inbox.taken", id=bid, version=rec.version, title=rec.title,
                              state=label("state", rec.state)))

    def add_one_off(self, slot: Slot, when: dt.datetime) -> None:
        """Add a slot for ``when``'s date (demo, operator) and plan it at once."""
        self._current_schedule().add_one_off(when.date(), slot)
        self.scheduler.replan()

    def _end_airing(self) -> None:
        """Never cut a bulletin mid-word: end the airing at the next pause in the speech
        (bounded by housekeeping.shutdown_wait_seconds); a second Ctrl-C fades out at once."""
        if self._playout is None:
            return
        playout = self._playout
        playout.closing = True
        limit = self.station.settings.housekeeping.shutdown_wait_seconds
        try:
            playout.stop_current(soft=True)
            if playout.wait_idle(limit):
                return
            log.warning("no pause in %s s: fading out", limit)
        except KeyboardInterrupt:
            log.warning("stop forced during an airing")
        playout.stop_current()
        playout.wait_idle(5)

    # --- operator actions (also reached through the control channel) ----------------------
    def _load_schedules(self) -> None:
        """Every valid schedule file, the last good version of an invalid one; only an invalid
        week template with no good copy stops the start."""
        found = self.book.reload()
        self.book.require_week()
        self._announce(found)
        self.schedule = self.book.schedule()

    def _announce(self, found: Reload) -> None:
        """Say what changed, and which file is wrong and where (also as an alert)."""
        for change in found.changes:
            self.notify(t("book.changed", name=change.name, changes="\n".join(change.lines())))
        for state in found.new_problems:
            detail = t(f"book.{state.source.value}", name=state.name, problems="\n".join(state.problems))
            self.notify(detail)
            self.alerter.alert("schedule", state.name,
                               t("book.alert", station=self.station.settings.name, detail=detail))

    def reload_schedules(self) -> Reload:
        """The schedules folder changed (the watcher): judge each file again, on its own."""
        with self._reload_lock:
            found = self.book.reload(force=False)
            self._announce(found)
            self.schedule = self.book.schedule()
            if self._scheduler is not None and found.changes:
                self._scheduler.replan()
            return found

    def load_schedule(self, path: Path, *, confirmed: bool = False) -> LoadResult:
        """``broadcaster load``: judge ``path`` alone and install it; a file that removes slots
        needs ``confirmed`` (the CLI's --yes, the web desk's confirmation)."""
        with self._reload_lock:
            result = self.book.install(path, confirmed=confirmed)
            if result.installed:
                self.schedule = self.book.schedule()
                if self._scheduler is not None:
                    self._scheduler.replan()
            return result

    def emergency(self, text: str, repeat: int = 1, *,
                  bulletin: tuple[str, int] | None = None,
                  audio: Path | None = None) -> dict[str, object]:
        """Interrupt now: fade out, alert tone and ``text`` (or the recording ``audio``)
        ``repeat`` times, then resume.

        ``bulletin`` (store id, version): an emergency bulletin from the inbox, counted as
        aired in the store once it is on air."""
        playout, preparer = self.playout, self.preparer
        if playout.closing or preparer is None:
            raise AirError(t("control.stopping"))
        now = self.clock.now()
        key = f"{now:%Y-%m-%d}/emergency-{now:%H%M%S%f}"
        prepared = preparer.prepare_emergency(text, repeat, key, audio=audio)

        def run() -> None:
            try:
                result = playout.emergency(prepared)
                if bulletin is not None and result.started is not None:
                    self.store.record_airing(bulletin[0], bulletin[1], key, result.started)
            except Exception:  # noqa: BLE001 - logged; the as-run row says what aired
                log.exception("emergency %s failed", key)

        threading.Thread(target=run, name="emergency", daemon=True).start()
        self.notify(t("emergency.queued", when=f"{self.clock.now():%H:%M:%S}", repeat=repeat))
        return {"key": prepared.key, "duration_ms": prepared.duration_ms}

    def live_start(self, by: str, input: str | None = None,
                   zones: tuple[str, ...] = ()) -> dict[str, object]:
        """Fade the program on air and put the input on air until ``live_stop``; live outranks
        scheduled programs and yields to emergencies. ``zones``: kept on the session for the
        outputs' routing (default: all)."""
        if self.live is None or self.playout.closing:
            raise AirError(t("control.stopping"))
        if zones:  # a mistyped zone would reach no one: said before anything fades
            known = (self.hub.zones.names() if self.hub is not None
                     else {"all", self.station.settings.outputs.soundcard})
            unknown = sorted(set(zones) - known)
            if unknown:
                raise AirError(t("live.unknown_zone", zones=", ".join(unknown),
                                 known=", ".join(sorted(known))))
        session = self.live.start(by, input, zones)
        return {"message": t("live.started", input=session.input or t("live.default_input"), by=by),
                "since": session.since.isoformat(timespec="seconds")}

    def live_stop(self) -> dict[str, object]:
        """Take the input off air (a fade); the schedule resumes."""
        if self.live is None:
            raise AirError(t("live.not_live"))
        report = self.live.stop()
        seconds = 0.0
        if report is not None and report.started is not None:
            seconds = (self.clock.now() - report.started).total_seconds()
        return {"message": t("live.stopped", seconds=f"{seconds:.0f}"),
                "archive": report.archive if report else ""}

    def status(self, *, brief: bool = False) -> dict[str, object]:
        playout, scheduler = self.playout, self.scheduler
        since = playout.on_air_since
        out: dict[str, object] = {
            "station": self.station.settings.name,
            "now": self.clock.now().isoformat(timespec="seconds"),
            "on_air": playout.on_air_label,
            "on_air_since": since.isoformat(timespec="seconds") if since else None,
            "next": [{"start": p.start.isoformat(timespec="seconds"), "slot": p.slot.label,
                      "key": p.key} for p in scheduler.upcoming()],
            "output": playout.player.description,
            "output_error": playout.player.last_error,
            "outputs": self._outputs_status(),
            "engines": [{"name": h.name, "reachable": h.reachable, "breaker": h.breaker,
                         "last_error": h.last_error} for h in self.pipeline.health()],
            "alerts": [{"at": at, "kind": kind, "message": msg}
                       for at, kind, msg in list(self.alerter.recent)[-5:]],
            "watchdog": self.watchdog.status() if self.watchdog is not None else [],
            "output_level": self.watchdog.output_level() if self.watchdog is not None else None,
        }
        if not brief:  # the bulletins' promised airings: costly with a thousand bulletins
            out["bulletins"] = self._queued()
        return out

    def _outputs_status(self) -> list[dict[str, object]]:
        from broadcaster.route.wiring import outputs_status

        return outputs_status(self.station, self.hub, self.playout.player.last_error)

    def _queued(self) -> list[dict[str, object]]:
        from broadcaster.ops.upcoming import promises

        if self._store is None:
            return []
        records = self.store.active()
        settle = dt.timedelta(seconds=self.station.settings.playout.settle_seconds)
        nxt = promises(records, self._current_schedule(), self.clock.now(), self.store.eligible,
                       settle=settle)
        return [{"id": b.id, "title": b.title, "priority": str(b.priority), "state": str(b.state),
                 "aired": b.times_aired, "repeat": b.repeat,
                 "next_airing": _promised(nxt.get(b.id))}
                for b in records]

    def handle(self, request: dict[str, object]) -> dict[str, object]:
        """One control-channel request (the CLI, the web desk): ``air/requests.py``."""
        return handle_request(self, request)

    def request_stop(self) -> None:
        """Ask the station to stop (``wait`` returns; the caller stops it)."""
        self._stop_requested.set()

    def print_upcoming(self) -> None:
        upcoming = self.scheduler.upcoming()
        if not upcoming:
            self.notify(t("run.no_slots"))
        for p in upcoming:
            self.notify(t("run.next", when=f"{p.start:%Y-%m-%d %H:%M:%S}", slot=p.slot.label))

    def wait(self) -> None:
        """Block until a stop is requested (Ctrl-C raises KeyboardInterrupt in the main thread)."""
        while not self._stop_requested.wait(0.5):
            pass


EMERGENCY_READS = 2  # an emergency bulletin is read twice after the alert tone


def _promised(planned: PlannedSlot | None) -> str | None:
    """A promise as the operator reads it: ``2026-12-01 09:00 sang``."""
    return f"{planned.start:%Y-%m-%d %H:%M} {planned.slot.id}" if planned else None
