"""A fake job scheduler on a fake clock, so weeks of playout run in seconds in tests.

It stands in for APScheduler's BackgroundScheduler with the few calls SlotScheduler makes
(date jobs, one daily cron job), running due jobs in time order and moving the clock.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from broadcaster.clock import FakeClock


@dataclass(order=True)
class _Job:
    when: dt.datetime
    seq: int
    id: str = field(compare=False)
    func: Callable[..., Any] = field(compare=False)
    args: tuple[Any, ...] = field(compare=False, default=())
    daily: dt.time | None = field(compare=False, default=None)
    removed: bool = field(compare=False, default=False)


class FakeJobScheduler:
    """Runs jobs synchronously when ``run_until`` moves the fake clock past their time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._heap: list[_Job] = []
        self._jobs: dict[str, _Job] = {}
        self._seq = itertools.count()
        self.ran: list[tuple[dt.datetime, str]] = []

    # --- the subset of APScheduler's API that SlotScheduler uses ------------------------------
    def add_job(self, func: Callable[..., Any], trigger: str, *, id: str,
                args: list[Any] | tuple[Any, ...] = (), run_date: dt.datetime | None = None,
                hour: int = 0, minute: int = 0, second: int = 0,
                replace_existing: bool = False, misfire_grace_time: int | None = None) -> None:
        if id in self._jobs:
            self._jobs[id].removed = True
        if trigger == "date":
            assert run_date is not None
            job = _Job(run_date, next(self._seq), id, func, tuple(args))
        else:  # "cron": once a day at hour:minute:second
            at = dt.time(hour, minute, second)
            job = _Job(self._next_daily(at), next(self._seq), id, func, tuple(args), daily=at)
        self._jobs[id] = job
        heapq.heappush(self._heap, job)

    def get_job(self, job_id: str) -> _Job | None:
        job = self._jobs.get(job_id)
        return job if job and not job.removed else None

    def remove_job(self, job_id: str) -> None:
        job = self._jobs.pop(job_id, None)
        if job:
            job.removed = True

    def add_listener(self, *args: Any) -> None:
        pass

    running = True

    def start(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        self._heap.clear()
        self._jobs.clear()

    # --- driving ------------------------------------------------------------------------------
    def _next_daily(self, at: dt.time) -> dt.datetime:
        now = self.clock.now()
        when = dt.datetime.combine(now.date(), at, now.tzinfo)
        return when if when > now else when + dt.timedelta(days=1)

    def run_until(self, until: dt.datetime) -> None:
        """Run every job due up to ``until`` in order; jobs may take (fake) time."""
        while self._heap and self._heap[0].when <= until:
            job = heapq.heappop(self._heap)
            if job.removed:
                continue
            if job.when > self.clock.now():
                self.clock.set(job.when)
            if job.daily is None:
                self._jobs.pop(job.id, None)
            self.ran.append((self.clock.now(), job.id))
            job.func(*job.args)
            if job.daily is not None and not job.removed:
                job.when = self._next_daily(job.daily)
                job.seq = next(self._seq)
                heapq.heappush(self._heap, job)
        if until > self.clock.now():
            self.clock.set(until)
