"""Wiring: start the station's components in order, stop them in reverse in ``finally``."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.control import ControlServer
from broadcaster.air.player import FilePlayer, Player, SoundCardPlayer, probe_outputs
from broadcaster.air.playout import Playout
from broadcaster.air.prepare import PreparedProgram, Preparer
from broadcaster.air.schedule import Schedule, Slot
from broadcaster.air.scheduler import SlotScheduler
from broadcaster.air.validate import validate_file
from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Station
from broadcaster.errors import AirError
from broadcaster.messages import set_language, t
from broadcaster.ops.unattended import Unattended

log = logging.getLogger(__name__)

CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})
EMERGENCY_READS = 2  # an emergency bulletin is read twice after the alert tone


def asrun_path(station: Station) -> Path:
    return station.var("db") / "asrun.sqlite3"


def choose_player(station: Station, clock: Clock, notify: Callable[[str], None]) -> tuple[Player, bool]:
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
        raise AirError(t("air.no_device_no_sink", reason=why), where=f"{station.root / 'station.yaml'}: audio.file_sink_when_no_device",
                       hint=t("air.no_device_no_sink.hint"))
    out = station.var("archive")
    fmt = station.settings.program.archive_format
    notify(t("air.no_device", reason=why, path=out, fmt=fmt.upper()))
    return FilePlayer(clock, out, fmt), True


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
        self.preparer: Preparer | None = None
        self.control: ControlServer | None = None
        self._watcher: ScheduleWatcher | None = None
        self._stopped = threading.Event()
        self.ops: Unattended | None = None  # lock, inbox, alerts, heartbeat, housekeeping
        self._stop_requested = threading.Event()
        self._reload_lock = threading.Lock()
        self._schedules_digest = ""

    def start(self) -> None:
        s = self.station.settings
        set_language(s.language)
        self.ops = Unattended(self.station, self.clock, notify=self.notify)
        self.ops.lock()  # before anything touches var/: one station process only
        self.schedule = Schedule.load(self.station.schedules_dir, self.station.tz)
        self._schedules_digest = _digest(sorted(self.station.schedules_dir.glob("*.yaml")))
        self.asrun = AsRunLog(asrun_path(self.station))
        settled = self.asrun.settle_unfinished(self.clock.now(), "station stopped during airing")
        if settled:
            log.warning("%d airing(s) left unfinished by the last run marked interrupted", settled)
        if self._player is None:
            player, player_archives = choose_player(self.station, self.clock, self.notify)
        else:
            player, player_archives = self._player, False
        ops = self.ops
        speech = lambda: ops.speech  # noqa: E731 - render-ahead service, once ops started
        self.preparer = preparer = Preparer(
            self.station, store=lambda: ops.store, speech_service=speech,
            engines=None, cache=None)
        grace = dt.timedelta(minutes=s.playout.grace_minutes)
        self.playout = Playout(clock=self.clock, player=player, asrun=self.asrun,
                               prepare=preparer.prepare, archive_dir=self.station.var("archive"),
                               grace=grace, archive_format=s.program.archive_format,
                               archive_days=s.program.archive_days,
                               player_archives=player_archives, notify=self.notify,
                               on_aired=self._count_bulletins, still_valid=self._still_valid)
        self.scheduler = SlotScheduler(self.playout, lambda: self._schedule(), self.clock,
                                       tz=self.station.tz,
                                       preroll=dt.timedelta(minutes=s.playout.preroll_minutes),
                                       grace=grace)
        # store, speech render-ahead and inbox before the first preparation can run
        self.ops.start(self)
        service_engines = getattr(ops.speech, "engines", None)
        if service_engines:  # one engine chain (and one breaker state) for the whole station
            preparer.use_engines(service_engines, getattr(ops.speech, "cache", None))
        self.scheduler.start()
        self.control = ControlServer(self.station.var_dir, self.handle)
        self.control.start()
        self._watcher = ScheduleWatcher(self.station.schedules_dir, self.reload_schedules)
        self._watcher.start()
        threading.Thread(target=self._watch_emergencies, name="emergency-watch",
                         daemon=True).start()

    def _still_valid(self, prepared: PreparedProgram, now: dt.datetime) -> bool:
        """Every bulletin chosen at pre-roll is still eligible, in the same version."""
        store = self.ops.store if self.ops is not None else None
        if store is None or not prepared.bulletins:
            return True
        current = {b.id: b.version for b in store.eligible(now)}
        return all(current.get(bid) == version for bid, version in prepared.bulletins)

    def _count_bulletins(self, prepared: PreparedProgram, slot_key: str, when: dt.datetime) -> None:
        """An aired program counts one airing for each store bulletin it carried."""
        store = self.ops.store if self.ops is not None else None
        if store is None:
            return
        for bulletin_id, version in prepared.bulletins:
            store.record_airing(bulletin_id, version, slot_key, when)

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
        self._end_airing()
        if self.ops is not None:
            self.ops.stop()
        if self._watcher is not None:
            self._watcher.stop()
        if self.control is not None:
            self.control.stop()
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.asrun is not None:
            self.asrun.close()
        if self.ops is not None:
            self.ops.release()
        self._stopped.set()
        self._stop_requested.set()
        self.notify(t("run.stopped"))

    def _end_airing(self) -> None:
        """Never cut a bulletin mid-word: end the airing at the next pause in the speech
        (bounded by housekeeping.shutdown_wait_seconds); a second Ctrl-C fades out at once."""
        if self.playout is None:
            return
        self.playout.closing = True
        limit = self.station.settings.housekeeping.shutdown_wait_seconds
        try:
            self.playout.stop_current("station stopped", soft=True)
            if self.playout.wait_idle(limit):
                return
            log.warning("no pause in %s s: fading out", limit)
        except KeyboardInterrupt:
            log.warning("stop forced during an airing")
        self.playout.stop_current("station stopped (forced)")
        self.playout.wait_idle(5)

    # --- operator actions (also reached through the control channel) ----------------------
    def reload_schedules(self, new_file: Path | None = None) -> list[str]:
        """Validate every schedule file and install them; on any problem keep the old ones."""
        with self._reload_lock:
            files = sorted(self.station.schedules_dir.glob("*.yaml"))
            if new_file is None:
                digest = _digest(files)
                if digest == self._schedules_digest:
                    return []  # nothing changed (an editor saved the same content)
                self._schedules_digest = digest
            if new_file is not None and new_file.resolve() not in [f.resolve() for f in files]:
                files.append(new_file)
            problems = [p for f in files for p in validate_file(
                f, self.station, week_dir=self.station.schedules_dir)]
            if problems:
                self.notify(t("control.load_refused", path=new_file or self.station.schedules_dir,
                              problems="\n".join(problems)))
                return problems
            if new_file is not None and new_file.resolve().parent != self.station.schedules_dir.resolve():
                target = self.station.schedules_dir / new_file.name
                tmp = target.with_name(f".{target.name}.tmp")
                shutil.copyfile(new_file, tmp)
                os.replace(tmp, target)
            fresh = Schedule.load(self.station.schedules_dir, self.station.tz)
            if self.schedule is not None:
                fresh.extra = self.schedule.extra
            self.schedule = fresh
            if self.scheduler is not None:
                self.scheduler.replan()
            return []

    def emergency(self, text: str, repeat: int = 1, *,
                  bulletin: tuple[str, int] | None = None) -> dict[str, object]:
        """Interrupt now: fade out, alert tone and ``text`` ``repeat`` times, then resume.

        ``bulletin`` (store id, version): an emergency bulletin from the inbox, counted as
        aired in the store once it is on air."""
        assert self.preparer is not None and self.playout is not None
        if self.playout.closing:
            raise AirError(t("control.stopping"))
        now = self.clock.now()
        key = f"{now:%Y-%m-%d}/emergency-{now:%H%M%S%f}"
        prepared = self.preparer.prepare_emergency(text, repeat, key)

        def run() -> None:
            assert self.playout is not None
            try:
                result = self.playout.emergency(prepared,
                                                reason="interrupted by an emergency message")
                store = self.ops.store if self.ops is not None else None
                if bulletin is not None and store is not None and result.started is not None:
                    store.record_airing(bulletin[0], bulletin[1], key, result.started)
            except Exception:  # noqa: BLE001 - logged; the as-run row says what aired
                log.exception("emergency %s failed", key)

        threading.Thread(target=run, name="emergency", daemon=True).start()
        self.notify(t("emergency.queued", when=f"{self.clock.now():%H:%M:%S}", repeat=repeat))
        return {"key": prepared.key, "duration_ms": prepared.duration_ms}

    def _watch_emergencies(self) -> None:
        """An *emergency* bulletin from the inbox interrupts at once (once approved, if the
        station requires approval); later repeats go first in the next slots."""
        handled: set[tuple[str, int]] = set()
        while not self._stop_requested.is_set():
            if self.playout is not None and self.playout.closing:
                return
            store = self.ops.store if self.ops is not None else None
            try:
                for record in store.eligible(self.clock.now()) if store is not None else []:
                    ident = (record.id, record.version)
                    if (record.priority == "emergency" and record.times_aired == 0
                            and ident not in handled):
                        handled.add(ident)
                        log.warning("emergency bulletin %s: on air now", record.id)
                        self.emergency(record.body, EMERGENCY_READS, bulletin=ident)
            except Exception:  # noqa: BLE001 - the watch loop must survive (it is retried)
                log.exception("checking for emergency bulletins failed")
            self.clock.wait(self._stop_requested, 1.0)

    def status(self) -> dict[str, object]:
        assert self.playout is not None and self.scheduler is not None
        return {
            "station": self.station.settings.name,
            "now": self.clock.now().isoformat(timespec="seconds"),
            "on_air": self.playout.on_air_label,
            "on_air_since": self.playout.on_air_since.isoformat(timespec="seconds")
            if self.playout.on_air_since else None,
            "next": [{"start": p.start.isoformat(timespec="seconds"), "slot": p.slot.label,
                      "key": p.key} for p in self.scheduler.upcoming()],
            "output": self.playout.player.description,
            "output_error": getattr(self.playout.player, "last_error", ""),
            "bulletins": self._queued(),
            "engines": self._engines_health(),
        }

    def _queued(self) -> list[dict[str, object]]:
        store = self.ops.store if self.ops is not None else None
        if store is None:
            return []
        return [{"id": b.id, "title": b.title, "priority": b.priority,
                 "aired": b.times_aired, "repeat": b.repeat}
                for b in store.eligible(self.clock.now())[:20]]

    def _engines_health(self) -> list[dict[str, object]]:
        speech = self.ops.speech if self.ops is not None else None
        if speech is None:
            return []
        return [{"name": h.name, "reachable": h.reachable, "breaker": h.breaker,
                 "last_error": h.last_error} for h in speech.health()]

    def handle(self, request: dict[str, object]) -> dict[str, object]:
        """One control-channel request: status, skip, stop, load, emergency."""
        cmd = request.get("cmd")
        if cmd == "status":
            return {"ok": True, **self.status()}
        if cmd == "skip":
            assert self.playout is not None
            label = self.playout.skip("skipped by operator")
            if label is None:
                return {"ok": True, "message": t("control.nothing_on_air")}
            return {"ok": True, "message": t("control.skipped", slot=label)}
        if cmd == "stop":
            self._stop_requested.set()
            return {"ok": True, "message": t("control.stopping")}
        if cmd == "load":
            path = Path(str(request.get("path", "")))
            problems = self.reload_schedules(path)
            if problems:
                return {"ok": False, "error": t("control.load_refused", path=path,
                                                 problems="\n".join(problems))}
            assert self.schedule is not None
            return {"ok": True, "message": t("control.loaded", path=path,
                                             slots=len(self.scheduler.planned) if self.scheduler else 0)}
        if cmd == "emergency":
            text = str(request.get("text") or "").strip()
            if not text:
                return {"ok": False, "error": t("emergency.need_text")}
            repeat = int(request.get("repeat", 1) or 1)
            return {"ok": True, **self.emergency(text, max(1, min(repeat, 10)))}
        return {"ok": False, "error": t("control.unknown", cmd=cmd)}

    def print_upcoming(self) -> None:
        assert self.scheduler is not None
        upcoming = self.scheduler.upcoming()
        if not upcoming:
            self.notify(t("run.no_slots"))
        for p in upcoming:
            self.notify(t("run.next", when=f"{p.start:%Y-%m-%d %H:%M:%S}", slot=p.slot.label))

    def wait(self) -> None:
        """Block until a stop is requested (Ctrl-C raises KeyboardInterrupt in the main thread)."""
        while not self._stop_requested.wait(0.5):
            pass


def _digest(files: list[Path]) -> str:
    """What the schedule folder holds now (names and contents)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        with contextlib.suppress(OSError):
            h.update(f.read_bytes())
    return h.hexdigest()


class ScheduleWatcher:
    """Reloads the schedule when a file in ``schedules/`` changes (debounced, via watchdog)."""

    def __init__(self, folder: Path, reload: Callable[[], object], debounce_s: float = 1.0) -> None:
        self.folder = folder
        self.reload = reload
        self.debounce_s = debounce_s
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._observer: Observer | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        watcher = self

        class _Events(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                # Only changes: reading a file (the reload itself) raises "opened" and
                # "closed_no_write" events, which would reload for ever.
                if event.event_type not in CHANGE_EVENTS:
                    return
                path = str(getattr(event, "dest_path", "") or event.src_path)
                if path.endswith(".yaml") and not Path(path).name.startswith("."):
                    watcher._poke()

        self._observer = Observer()
        self._observer.schedule(_Events(), str(self.folder), recursive=False)
        self._observer.daemon = True
        self._observer.start()

    def _poke(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.debounce_s, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        try:
            self.reload()
        except Exception:  # noqa: BLE001 - the watcher thread must survive a bad file
            log.exception("reloading schedules failed")

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
