"""The checks behind the alerts, run periodically while the station runs: missed or failed
slots (read from the as-run log), device lost, all online engines down, disk low, no schedule
for tomorrow by a set hour, a bulletin still awaiting approval close to its air time."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from broadcaster.air.schedule import Schedule
from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.inbox.store import BulletinStore
from broadcaster.messages import label, t
from broadcaster.models import Ending, Outcome
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.upcoming import next_airing

log = logging.getLogger(__name__)

BAD_OUTCOMES = (Outcome.MISSED, Outcome.FAILED, Outcome.INTERRUPTED)
OPERATOR_ENDINGS = (Ending.SKIPPED, Ending.STOPPED)  # the operator's own doing: logged only
ONLINE_ENGINES = ("gtts", "edge")
_DEVICE_WORDS = ("device", "portaudio", "sound server", "thiết bị", "stalled", "no output")


class Monitor:
    """``check(now)`` runs every check once; ``start`` runs them every ``check_seconds``."""

    def __init__(self, station: Station, clock: Clock, alerter: Alerter, *,
                 asrun_path: Path, store: BulletinStore | None = None,
                 schedule: Callable[[], Schedule | None] | None = None,
                 engines_health: Callable[[], Sequence[Any]] | None = None,
                 quiet_before: dt.datetime | None = None) -> None:
        self.station = station
        self.clock = clock
        self.alerter = alerter
        self.asrun_path = asrun_path
        self.store = store
        self.schedule = schedule
        self.engines_health = engines_health
        self.quiet_before = quiet_before  # demo: slots scheduled before it started are not news
        self.settings = station.settings.alerts
        self.name = station.settings.name
        self._last_row = self._max_row()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.heartbeat: float | None = None

    # --- as-run ----------------------------------------------------------------------------
    def _rows_after(self, last: int) -> list[tuple[Any, ...]]:
        if not self.asrun_path.is_file():
            return []
        db = sqlite3.connect(f"file:{self.asrun_path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT id, slot_key, slot_name, scheduled, outcome, reason,"
                              " ending FROM airings WHERE id > ? AND outcome != ? ORDER BY id",
                              (last, Outcome.ON_AIR)).fetchall()
        except sqlite3.Error as exc:
            log.warning("monitor: cannot read the as-run log: %s", exc)
            return []
        finally:
            db.close()

    def _max_row(self) -> int:
        rows = self._rows_after(-1)
        return max((r[0] for r in rows), default=0)

    def check_slots(self) -> int:
        """Alert on every new missed, failed or interrupted airing, except an operator's own
        skip or stop (logged only); a lost device also raises the device alert."""
        n = 0
        for rid, key, name, scheduled, outcome, reason, ending in self._rows_after(
                self._last_row):
            self._last_row = max(self._last_row, rid)
            if outcome not in BAD_OUTCOMES:
                continue
            if self.quiet_before is not None and dt.datetime.fromisoformat(scheduled) < self.quiet_before:
                continue
            if ending in OPERATOR_ENDINGS:
                log.info("%s %s by the operator: %s (not alerted)", key, ending, reason)
                continue
            text = (reason or "").lower()
            worded = ending in ("", Ending.NOT_STARTED) and any(w in text for w in _DEVICE_WORDS)
            if ending == Ending.DEVICE_LOST or worded:
                self.alerter.alert("device", "output", t("alert.device", station=self.name,
                                                         detail=f"{name}: {reason}"))
            self.alerter.alert("slot", key, t("alert.slot", station=self.name, slot=name,
                                              scheduled=str(scheduled)[:16].replace("T", " "),
                                              outcome=label("outcome", outcome),
                                              reason=reason or "-"))
            n += 1
        return n

    # --- resources and engines -------------------------------------------------------------
    def check_disk(self) -> bool:
        path = self.station.var_dir
        try:
            free_mb = shutil.disk_usage(path).free // (1024 * 1024)
        except OSError:
            return False
        if free_mb < self.settings.disk_low_mb:
            self.alerter.alert("disk", str(path), t("alert.disk", station=self.name, free=free_mb,
                                                     path=path))
            return True
        return False

    def check_engines(self) -> bool:
        if self.engines_health is None:
            return False
        online = [h for h in self.engines_health() if h.name in ONLINE_ENGINES and h.available]
        if not online:
            return False
        down = [h for h in online if h.reachable is False or h.breaker == "open"]
        if len(down) == len(online):
            detail = "; ".join(f"{h.name}: {h.last_error or h.breaker}" for h in down)
            self.alerter.alert("engines", "online", t("alert.engines", station=self.name,
                                                      detail=detail))
            return True
        return False

    # --- schedule and approvals ------------------------------------------------------------
    def _schedule(self) -> Schedule | None:
        if self.schedule is not None:
            return self.schedule()
        try:
            from broadcaster.air.schedules import ScheduleBook

            return ScheduleBook.open(self.station).schedule()
        except Exception as exc:  # noqa: BLE001 - a broken file is the doctor's to explain
            log.warning("monitor: schedule unreadable: %s", exc)
            return None

    def check_schedule(self, now: dt.datetime) -> bool:
        at = dt.time.fromisoformat(self.settings.schedule_check_at)
        if now.time() < at:
            return False
        schedule = self._schedule()
        tomorrow = now.date() + dt.timedelta(days=1)
        if schedule is None or not schedule.plan(tomorrow):
            self.alerter.alert("no_schedule", tomorrow.isoformat(),
                               t("alert.no_schedule", station=self.name, day=tomorrow.isoformat()))
            return True
        return False

    def check_approvals(self, now: dt.datetime) -> list[str]:
        if self.store is None or self.store.approval != "required":
            return []
        warn = dt.timedelta(minutes=self.settings.approval_warn_minutes)
        schedule = self._schedule()
        late: list[str] = []
        for rec in self.store.active():
            if rec.approved:
                continue
            due: dt.datetime | None = None
            if schedule is not None:
                planned = next_airing(rec, schedule, now, days=2, settle=dt.timedelta(
                    seconds=self.station.settings.playout.settle_seconds))
                due = planned.start if planned else None
            if due is None and rec.air_from is not None:
                due = rec.air_from
            if due is not None and due - now <= warn:
                self.alerter.alert("approval", f"{rec.id}@{rec.version}", t(
                    "alert.approval", station=self.name, id=rec.id, title=rec.title,
                    when=f"{due:%Y-%m-%d %H:%M}"))
                late.append(rec.id)
        return late

    def check(self, now: dt.datetime | None = None) -> None:
        now = now or self.clock.now()
        for name, fn in (("slots", self.check_slots), ("disk", self.check_disk),
                         ("engines", self.check_engines),
                         ("schedule", lambda: self.check_schedule(now)),
                         ("approvals", lambda: self.check_approvals(now))):
            try:
                fn()
            except Exception:  # noqa: BLE001 - one broken check must not stop the others
                log.exception("monitor check %s failed", name)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="monitor", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.heartbeat = self.clock.monotonic()
            self.check()
            self._stop.wait(self.settings.check_seconds)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
