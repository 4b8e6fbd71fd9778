"""The watchdog service: its ears report levels from their threads, a tick compares them
with what the playout says should be airing, and every change of a check becomes a log line,
an as-run mark and (a problem) an alert; ``status`` and ``output_level`` feed the station's
status and the web desk's meter; ``var/run/watchdog.json`` feeds ``doctor``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from broadcaster.clock import Clock
from broadcaster.config import WatchdogSettings
from broadcaster.durable import write_json
from broadcaster.messages import t
from broadcaster.models import WatchCheck
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.ears.judge import FLOOR_DBFS, STALE_S, EarJudge, Expected, Level, Thresholds
from broadcaster.ops.ears.listen import Ear
from broadcaster.ops.ears.mount import MountEar

log = logging.getLogger(__name__)

LEVEL_FRESH_S = 1.0  # an output level older than this is not shown (null)
STATE_EVERY_S = 10.0  # watchdog.json is rewritten at least this often while running


@dataclass(frozen=True)
class OnAirNow:
    """What the playout says is on air: its label and first-sample time, or nothing."""

    label: str | None
    since: dt.datetime | None


@dataclass(frozen=True)
class CheckState:
    ear: str
    check: WatchCheck
    ok: bool
    since: dt.datetime
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"check": str(self.check), "ear": self.ear, "ok": self.ok,
                "since": self.since.isoformat(timespec="seconds"), "detail": self.detail}


Mark = Callable[[dt.datetime, str, str, str], None]  # (at, kind, subject, detail)
# (output, now) -> should that output carry sound now (None: the playout's word stands)
Carrying = Callable[[str, dt.datetime], "bool | None"]


class Watchdog:
    """Ears on the output, judged against ``expected()``; ``tick`` decides (tests call it on a
    FakeClock), ``start`` runs it every ``every_s`` in its own thread."""

    def __init__(self, clock: Clock, ears: Sequence[Ear], limits: dict[str, Thresholds], *,
                 expected: Callable[[], OnAirNow], alerter: Alerter, station: str,
                 mark: Mark | None = None, state_file: Path | None = None,
                 no_monitor: str = "", player_report: Callable[[], str] | None = None,
                 every_s: float = 0.25, stale_s: dict[str, float] | None = None,
                 carrying: Carrying | None = None, outputs: dict[str, str] | None = None
                 ) -> None:
        self.clock = clock
        # Zones: each ear is judged by what its own output should carry (a mount outside the
        # slot's zones, or in a stretch for other zones, is rightly silent); ``outputs`` maps
        # an ear's name to the output it listens to (ears of no output: the whole playout).
        self.carrying = carrying
        self.outputs = dict(outputs or {})
        self._carry_since: dict[str, float] = {}
        self.ears = list(ears)
        stale = stale_s or {}
        self.judges = {ear.name: EarJudge(limits[ear.name], stale.get(ear.name, STALE_S))
                       for ear in self.ears}
        self.expected = expected
        self.alerter = alerter
        self.station = station
        self.mark = mark
        self.state_file = state_file
        self.no_monitor = no_monitor  # why there is no monitor ear ("" if there is one)
        self.player_report = player_report
        self.every_s = every_s
        self._states: dict[tuple[str, WatchCheck], CheckState] = {}
        self._lock = threading.Lock()
        self._level: tuple[Level, dt.datetime] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._written = -STATE_EVERY_S
        self.heartbeat: float | None = None

    # --- from the ears' threads -----------------------------------------------------------
    def _on_level(self, ear: Ear) -> Callable[[Level], None]:
        judge = self.judges[ear.name]

        def heard(level: Level) -> None:
            with self._lock:
                judge.hear(level)
                if ear.kind == "monitor":
                    self._level = (level, self.clock.now())
        return heard

    def _on_alive(self, ear: Ear) -> Callable[[float], None]:
        judge = self.judges[ear.name]

        def alive(at: float) -> None:
            with self._lock:
                judge.alive(at)
        return alive

    # --- running ------------------------------------------------------------------------
    def start(self) -> None:
        for ear in self.ears:
            ear.start(self._on_level(ear), self._on_alive(ear))
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a long-running loop restarts itself
                log.exception("watchdog tick failed; retrying")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        for ear in self.ears:
            try:
                ear.stop()
            except Exception:  # noqa: BLE001 - one ear failing to stop must not keep others up
                log.exception("stopping the ear %s failed", ear.name)
        self._write_state(force=True)

    def _expected_now(self, mono: float, now: dt.datetime) -> Expected:
        on_air = self.expected()
        if on_air.label is None or on_air.since is None:
            return Expected(None, None)
        return Expected(on_air.label, mono - (now - on_air.since).total_seconds())

    def _expected_of(self, ear: str, base: Expected, mono: float, now: dt.datetime) -> Expected:
        """What ``ear``'s own output should carry: the playout's airing, unless the routing
        says it does not reach that output now; timed from when the output began to carry it
        (the end of a stretch for other zones gives the ear its grace again)."""
        output = self.outputs.get(ear)
        if output is None or self.carrying is None or base.on_air is None:
            self._carry_since.pop(ear, None)
            return base
        try:
            carries = self.carrying(output, now)
        except Exception:  # noqa: BLE001 - a routing question never stops the watch
            log.exception("watchdog: asking what %s carries failed", output)
            carries = None
        if carries is None:
            self._carry_since.pop(ear, None)
            return base
        if not carries:
            self._carry_since[ear] = -1.0  # marks "was silent by design"
            return Expected(None, None)
        since = self._carry_since.get(ear)
        if since is None:  # carrying from the airing's start
            since = base.since if base.since is not None else mono
        elif since < 0:  # carrying again after a stretch for other zones
            since = mono
        self._carry_since[ear] = since
        return Expected(base.on_air, max(base.since or since, since))

    def tick(self) -> list[CheckState]:
        """Judge every ear now; act on each check that changed; return the changes."""
        mono, now = self.clock.monotonic(), self.clock.now()
        self.heartbeat = mono
        base = self._expected_now(mono, now)
        expected = {name: self._expected_of(name, base, mono, now) for name in self.judges}
        changes: list[tuple[CheckState, CheckState | None]] = []
        with self._lock:
            for name, judge in self.judges.items():
                for finding in judge.judge(mono, expected[name]):
                    old = self._states.get((name, finding.check))
                    changed = old is None or old.ok != finding.ok
                    since = now if changed or old is None else old.since
                    state = CheckState(name, finding.check, finding.ok, since, finding.detail)
                    self._states[(name, finding.check)] = state
                    if changed and (old is not None or not finding.ok):
                        changes.append((state, old))
        for state, old in changes:
            self._act(state, old)
        self._write_state(force=bool(changes))
        return [state for state, _ in changes]

    def _act(self, state: CheckState, old: CheckState | None) -> None:
        """A check changed: log it, mark it in the as-run log, alert a problem."""
        what = t(f"watch.check.{state.check}")
        if state.ok:
            lasted = (state.since - old.since).total_seconds() if old is not None else 0.0
            text = t("watch.back", ear=state.ear, check=what, seconds=f"{lasted:.0f}")
            log.info("watchdog: %s", text)
        else:
            text = t("watch.alert", station=self.station, ear=state.ear, check=what,
                     detail=state.detail)
            self.alerter.alert("watchdog", f"{state.ear}:{state.check}", text)
        if self.mark is not None:
            try:
                self.mark(state.since, f"watchdog.{state.check}", state.ear,
                          text if state.ok else state.detail)
            except Exception:  # noqa: BLE001 - the as-run log failing never stops the watch
                log.exception("watchdog: as-run mark failed")

    # --- what it reports ----------------------------------------------------------------
    def status(self) -> list[dict[str, object]]:
        """``status["watchdog"]``: one line per ear and check (and the no-monitor case)."""
        with self._lock:
            states = sorted(self._states.values(), key=lambda s: (s.ear, s.check))
        lines = [s.as_dict() for s in states]
        if self.no_monitor:
            report = self.player_report() if self.player_report is not None else ""
            lines.insert(0, {"check": "monitor", "ear": "monitor", "ok": not report,
                             "since": None, "detail": t("watch.no_monitor", why=self.no_monitor,
                                                        report=report or t("watch.player_ok"))})
        return lines

    def output_level(self) -> dict[str, object] | None:
        """``status["output_level"]``: the monitor's last block, or None when not hearing."""
        with self._lock:
            last = self._level
        if last is None or self.clock.monotonic() - last[0].at > LEVEL_FRESH_S:
            return None
        level, at = last
        return {"rms_dbfs": round(max(level.rms_dbfs, FLOOR_DBFS), 1),
                "peak_dbfs": round(max(level.peak_dbfs, FLOOR_DBFS), 1),
                "at": at.isoformat(timespec="milliseconds")}

    def failing(self) -> list[CheckState]:
        with self._lock:
            return [s for s in self._states.values() if not s.ok]

    def _write_state(self, *, force: bool) -> None:
        """``var/run/watchdog.json`` for ``doctor`` (another process): on change, and every
        few seconds so its age tells whether the watch still runs."""
        if self.state_file is None:
            return
        mono = self.clock.monotonic()
        if not force and mono - self._written < STATE_EVERY_S:
            return
        self._written = mono
        try:
            write_json(self.state_file, {"time": self.clock.now().isoformat(timespec="seconds"),
                                         "checks": self.status()})
        except OSError:
            log.exception("watchdog: cannot write %s", self.state_file)


MONITOR_LAG_S = 0.5  # the monitor hears the sink a few tens of ms late; a margin for a busy box


def make_watchdog(settings: WatchdogSettings, clock: Clock, *, expected: Callable[[], OnAirNow],
                  alerter: Alerter, station: str, mark: Mark | None, state_file: Path | None,
                  sound_card: bool, output_device: str | int | None = None,
                  player_report: Callable[[], str] | None = None,
                  mounts: Sequence[str] = (), carrying: Carrying | None = None,
                  card: str = "", streams: dict[str, str] | None = None) -> Watchdog:
    """The station's watchdog: the output's monitor (when the station airs on a sound card
    and the sound server has one) and every mount of ``watchdog.mounts`` plus ``mounts``.
    ``carrying`` with ``card`` (the sound card's output name) and ``streams`` (output name ->
    its mount URL) judges each ear by its own output's zones."""
    from broadcaster.ops.ears.listen import MonitorEar, monitor_source
    from broadcaster.ops.ears.mount import MountEar

    ears: list[Ear] = []
    limits: dict[str, Thresholds] = {}
    source, no_monitor = monitor_source(settings.monitor, output_device)
    if source is not None and not sound_card:
        no_monitor = t("watch.not_a_sound_card")
    elif source is not None:
        found, why = MonitorEar.probe(source)
        if found:
            ear = MonitorEar(clock, source, rate=settings.rate, block_ms=settings.block_ms)
            ears.append(ear)
            limits[ear.name] = Thresholds.of(settings, MONITOR_LAG_S)
        else:
            no_monitor = why
    for url in dict.fromkeys([*settings.mounts, *mounts]):
        mount = MountEar(clock, url, timeout_s=min(5.0, settings.mount_timeout_seconds),
                         rate=settings.rate, block_ms=settings.block_ms)
        ears.append(mount)
        limits[mount.name] = Thresholds.of(settings, settings.mount_lag_seconds)
    outputs = {ear.name: output for ear in ears
               if (output := output_of(ear, card, streams or {})) is not None}
    for name in (e.name for e in ears if e.kind == "mount"):  # a host spelled two ways differs
        log.info("watchdog: %s is judged %s", name,
                 f"by the zones of output {outputs[name]}" if name in outputs
                 else "against the whole playout (no output of this station feeds it)")
    return Watchdog(clock, ears, limits, expected=expected, alerter=alerter, station=station,
                    mark=mark, state_file=state_file, no_monitor=no_monitor,
                    player_report=player_report,
                    stale_s={m.name: settings.mount_timeout_seconds for m in ears
                             if m.kind == "mount"}, carrying=carrying, outputs=outputs)


LOOPBACK = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}


def _mount_key(url: str) -> tuple[str, int, str]:
    """(host, port, mount) of a URL; the names of this machine are one (no DNS asked)."""
    u = urllib.parse.urlsplit(url.strip())
    host = (u.hostname or "").lower()
    return ("localhost" if host in LOOPBACK else host,
            u.port or (443 if u.scheme == "https" else 80), u.path.rstrip("/"))


def output_of(ear: Ear, card: str, streams: dict[str, str]) -> str | None:
    """The station output an ear listens to: the monitor hears the sound card; a mount ear
    hears the output streaming to that mount (same host, port and mount; credentials aside);
    None: a mount the station does not feed itself (a relay server), judged by the playout."""
    if ear.kind == "monitor":
        return card or None
    if isinstance(ear, MountEar):
        key = _mount_key(ear.url)
        return next((name for name, url in streams.items() if _mount_key(url) == key), None)
    return None
