"""Scheduler adapter: APScheduler 3.x jobs that call the playout at the right moments.

Policy is explicit (STYLE.md 9): station time zone, misfire grace, coalescing, one instance per
job, stable ids ``prep:DATE/SLOT`` and ``air:DATE/SLOT``. Today and tomorrow are always planned,
so midnight needs no special case; a daily job re-plans the day after.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from broadcaster.air.playout import Playout
from broadcaster.air.schedule import PlannedSlot, Schedule
from broadcaster.clock import Clock

log = logging.getLogger(__name__)


class SlotScheduler:
    """Keeps one prepare job and one air job per planned slot of today and tomorrow."""

    def __init__(self, playout: Playout, schedule: Callable[[], Schedule], clock: Clock, *,
                 tz: dt.tzinfo, preroll: dt.timedelta, grace: dt.timedelta,
                 lead: dt.timedelta = dt.timedelta(seconds=4), scheduler: Any = None) -> None:
        self.playout = playout
        self.schedule = schedule
        self.clock = clock
        self.preroll = preroll
        self.grace = grace
        self.lead = lead
        self.planned: dict[str, PlannedSlot] = {}
        # ``scheduler`` is injectable: tests pass a FakeJobScheduler driven by a fake clock.
        self.scheduler = scheduler or BackgroundScheduler(
            timezone=tz,
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(grace.total_seconds()) + 60},
        )
        self.scheduler.add_listener(self._on_event,
                                    EVENT_JOB_MISSED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES)

    def start(self) -> None:
        self.scheduler.start()
        self.replan()
        self.scheduler.add_job(self.replan, "cron", hour=0, minute=0, second=30, id="replan",
                               replace_existing=True)

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=True)

    def replan(self) -> None:
        """(Re)install jobs for today and tomorrow (and the unlogged tail of past days)."""
        today = self.clock.now().date()
        schedule = self.schedule()
        last = self.playout.asrun.last_scheduled()
        wanted: dict[str, PlannedSlot] = {}
        # Past days back to the last logged slot (a week at most), so an outage of any length
        # leaves a "missed" row for every slot it swallowed; then today and tomorrow.
        first = today if last is None else max(last.date(), today - dt.timedelta(days=7))
        day = first
        while day <= today + dt.timedelta(days=1):
            for planned in schedule.plan(day):
                if day < today and (last is None or planned.start <= last):
                    continue  # past days: only what came after the last logged slot
                wanted[planned.key] = planned
            day += dt.timedelta(days=1)
        for key in set(self.planned) - set(wanted):
            for prefix in ("prep:", "prep1:", "prep2:", "air:"):
                if self.scheduler.get_job(prefix + key):
                    self.scheduler.remove_job(prefix + key)
        now = self.clock.now()
        for key, planned in wanted.items():
            if self.playout.asrun.has_final(key):
                continue
            if self.planned.get(key) == planned and self.scheduler.get_job("air:" + key):
                continue
            if now - planned.start <= self.grace:
                # Pre-roll, then two more tries if it failed (prepare is idempotent and
                # returns at once when the program is ready); air time tries once more.
                tries = (self.preroll, self.preroll / 2, min(self.preroll / 10, self.lead * 15))
                for n, ahead in enumerate(tries):
                    self.scheduler.add_job(self.playout.prepare, "date",
                                           run_date=max(planned.start - ahead, now),
                                           args=[planned], id=f"prep{n or ''}:{key}",
                                           replace_existing=True, misfire_grace_time=None)
            # No misfire grace on air jobs: APScheduler must never drop one silently. The
            # playout applies the station's grace itself and logs "late" or "missed".
            self.scheduler.add_job(self.playout.air, "date",
                                   run_date=max(planned.start - self.lead, now),
                                   args=[planned], id="air:" + key, replace_existing=True,
                                   misfire_grace_time=None)
        self.planned = wanted
        self.playout.forget(set(wanted))

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def refresh(self, planned: PlannedSlot) -> None:
        """Build ``planned``'s program again now, in a worker (its selection changed)."""
        self.scheduler.add_job(self.playout.prepare, "date", run_date=self.clock.now(),
                               args=[planned], id=f"prep-refresh:{planned.key}",
                               replace_existing=True, misfire_grace_time=None)

    def upcoming(self, limit: int = 5) -> list[PlannedSlot]:
        now = self.clock.now()
        future = [p for p in self.planned.values() if p.start >= now - dt.timedelta(seconds=5)]
        return sorted(future, key=lambda p: p.start)[:limit]

    def _on_event(self, event: JobEvent) -> None:
        """Listeners never crash the sender: only log here."""
        if event.code == EVENT_JOB_MISSED:
            log.error("scheduler skipped job %s (missed its time)", event.job_id)
        elif event.code == EVENT_JOB_ERROR:
            log.error("job %s failed: %s", event.job_id, getattr(event, "exception", ""))
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("job %s not run: its previous run is still going", event.job_id)
