"""The unattended-operation components of a running station, started and stopped as one:
single-instance lock, log file, bulletin store, speech render-ahead, inbox watcher, alerts,
heartbeat (systemd keep-alive) and housekeeping. ``StationService`` calls ``lock`` first,
``start`` after its own components and ``stop``/``release`` in reverse.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.inbox.watcher import InboxWatcher
from broadcaster.messages import t
from broadcaster.ops.alerts import Alerter, apprise_sender
from broadcaster.ops.heartbeat import Heartbeat
from broadcaster.ops.housekeeping import housekeep
from broadcaster.ops.lock import StationLock
from broadcaster.ops.logs import remove_file_logging, setup_file_logging
from broadcaster.ops.monitor import Monitor

log = logging.getLogger(__name__)


class Unattended:
    """Owns the lock, store, speech service, watcher, monitor, heartbeat and housekeeping."""

    def __init__(self, station: Station, clock: Clock, *,
                 notify: Callable[[str], None] | None = None, speech: Any = None,
                 file_logging: bool = True, signals: bool = True) -> None:
        self.station = station
        self.clock = clock
        self.notify = notify or (lambda msg: log.info("%s", msg))
        self.lock_ = StationLock(station.var("run"))
        self.speech = speech
        self._own_speech = False
        self.file_logging = file_logging
        self.signals = signals
        self.store: BulletinStore | None = None
        self.ingester: Ingester | None = None
        self.watcher: InboxWatcher | None = None
        self.alerter: Alerter | None = None
        self.monitor: Monitor | None = None
        self.heartbeat: Heartbeat | None = None
        self._hk_stop = threading.Event()
        self._hk_thread: threading.Thread | None = None
        self._old_term: Any = None
        self._service: Any = None
        self._started = clock.monotonic()
        self._stopping = False
        self.inbox_error = ""

    # --- start, in order -------------------------------------------------------------------
    def lock(self) -> None:
        """Take the single-instance lock before anything else touches ``var/``."""
        self.lock_.acquire()
        if self.file_logging:
            setup_file_logging(self.station)
        if self.signals:
            self._install_signals()

    def _make_speech(self) -> Any:
        try:
            from broadcaster.speech import SpeechCache, build_engines
            from broadcaster.speech.service import SpeechService

            s = self.station.settings.speech
            engines = build_engines(s)
            cache = SpeechCache(self.station.var("cache", "speech"), s.cache_max_mb * 1024 * 1024)
            return SpeechService(self.station, engines, cache, self.clock)
        except Exception:  # noqa: BLE001 - no render-ahead is degraded, not fatal
            log.exception("speech render-ahead unavailable")
            return None

    def _sender(self) -> Any:
        s = self.station.settings.alerts
        try:
            return apprise_sender(s.urls, s.timeout_s)
        except Exception:  # noqa: BLE001 - no alerts is degraded, not fatal
            log.exception("alerts unavailable")
            return None

    def _start_inbox(self) -> None:
        st = self.station
        s = st.settings
        self.store = BulletinStore(store_path(st), approval=s.approval, now=self.clock.now())
        if self.speech is None:
            self.speech = self._make_speech()
            self._own_speech = self.speech is not None
            if self._own_speech:
                self.speech.start()
        self.ingester = Ingester(st, self.store, self.clock, speech=self.speech)
        alerter = self.alerter
        assert alerter is not None

        def disk_alert(detail: str) -> None:
            alerter.alert("ingest", "disk", t("alert.ingest", station=s.name, detail=detail))

        self.ingester.on_disk_error = disk_alert
        try:
            self.ingester.recover(force=True)
        except Exception:  # noqa: BLE001 - the watcher's loop retries it every pass
            log.exception("recovering unfinished intakes failed; retrying while running")
        self.watcher = InboxWatcher(self.ingester, self.clock, poll_seconds=s.inbox.poll_seconds,
                                    use_events=s.inbox.watch_events)
        self.watcher.start()
        self.notify(t("inbox.watching", path=st.inbox_dir))

    def start(self, service: Any = None) -> None:
        """Store, speech, inbox, alerts, heartbeat, housekeeping (after the as-run log)."""
        self._service = service
        self._started = self.clock.monotonic()
        st = self.station
        s = st.settings
        self.alerter = Alerter(self._sender(), self.clock,
                               min_interval_s=s.alerts.min_interval_minutes * 60, title=s.name)
        try:
            self._start_inbox()
        except Exception as exc:  # noqa: BLE001 - scheduled programs still air without the inbox
            self.inbox_error = f"{type(exc).__name__}: {exc}"
            log.exception("the inbox could not start")
            self.alerter.alert("ingest", "start", t("alert.ingest", station=s.name,
                                                    detail=self.inbox_error))
        schedule = (lambda: getattr(service, "schedule", None)) if service is not None else None
        health = (lambda: self.speech.health()) if self.speech is not None else None
        self.monitor = Monitor(st, self.clock, self.alerter,
                               asrun_path=st.var("db") / "asrun.sqlite3", store=self.store,
                               schedule=schedule, engines_health=health)
        self.monitor.start()
        self.heartbeat = Heartbeat(st.var("run") / "heartbeat.json", self.clock,
                                   interval=s.housekeeping.heartbeat_seconds)
        self._add_probes(service)
        self.heartbeat.start()
        self._hk_stop.clear()
        self._hk_thread = threading.Thread(target=self._housekeeping, name="housekeeping",
                                           daemon=True)
        self._hk_thread.start()

    def _add_probes(self, service: Any) -> None:
        assert self.heartbeat is not None
        poll = self.station.settings.inbox.poll_seconds

        def fresh(component: Any, limit: float) -> tuple[bool, str]:
            if component is None:  # never started (alerted): a restart would not help airing
                return True, f"off {self.inbox_error}".strip()
            beat = getattr(component, "heartbeat", None)
            if beat is None:
                return False, "not started"
            age = self.clock.monotonic() - beat
            return age < limit, f"last turn {age:.0f} s ago"

        self.heartbeat.add("inbox", lambda: fresh(self.watcher, max(60.0, 10 * poll)))
        if self.speech is not None and hasattr(self.speech, "heartbeat"):
            # a render may take minutes; only a loop that is gone is unhealthy
            self.heartbeat.add("speech", lambda: fresh(self.speech, 1800.0))
        if service is not None:
            def scheduler() -> tuple[bool, str]:
                sched = getattr(service, "scheduler", None)
                inner = getattr(sched, "_scheduler", None) or getattr(sched, "scheduler", None)
                running = getattr(inner, "running", None)
                if running is None:
                    return sched is not None, "present" if sched is not None else "missing"
                if not running and self.clock.monotonic() - self._started < 120:
                    return True, "starting"
                return bool(running), "running" if running else "stopped"

            self.heartbeat.add("scheduler", scheduler)

    def _housekeeping(self) -> None:
        every = self.station.settings.housekeeping.every_hours * 3600
        wait = min(every, 60.0)  # first pass soon after start, then every ``every_hours``
        while not self._hk_stop.wait(wait):
            wait = every
            try:
                housekeep(self.station, self.store, self.clock.now())
            except Exception:  # noqa: BLE001 - housekeeping must never stop the station
                log.exception("housekeeping failed")

    # --- graceful stop ---------------------------------------------------------------------
    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
            return  # someone else handles it

        def on_term(signum: int, frame: Any) -> None:
            if not self._stopping:
                self._stopping = True
                raise KeyboardInterrupt  # unwinds ``wait`` into the station's ``finally: stop()``
            # a second request while the airing is being ended: like a second Ctrl-C, fade now
            playout = getattr(self._service, "playout", None)
            if getattr(playout, "on_air_label", None) is not None:
                raise KeyboardInterrupt

        self._old_term = signal.signal(signal.SIGTERM, on_term)

    def stop(self) -> None:
        """Stop in reverse order of ``start`` (the store and the lock go in ``release``)."""
        self._hk_stop.set()
        if self.heartbeat is not None:
            self.heartbeat.stop()
        if self.monitor is not None:
            self.monitor.stop()
        if self.watcher is not None:
            self.watcher.stop()
        if self.alerter is not None:
            self.alerter.stop()
        if self._own_speech and self.speech is not None:
            self.speech.stop()
        if self._hk_thread is not None:
            self._hk_thread.join(30)

    def release(self) -> None:
        """Close the store (the scheduler may use it until it has shut down) and unlock."""
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._old_term is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._old_term)
            self._old_term = None
        if self.file_logging:
            remove_file_logging(self.station)
        self.lock_.release()

