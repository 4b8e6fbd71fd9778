"""When a bulletin is next planned to air: the first slot ahead whose selection (the playout's
own, ``air.select.slot_selection``, over every bulletin eligible then) picks it, inside its air
window. ``bulletins`` and ``status`` promise with this; the playout airs with the same code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from broadcaster.air.schedule import PlannedSlot, Schedule
from broadcaster.air.select import Candidate, settled, slot_selection
from broadcaster.inbox.store import BulletinRecord
from broadcaster.models import BulletinState

Eligible = Callable[[dt.datetime], Sequence[BulletinRecord]]
SETTLE = dt.timedelta(seconds=8)


def selects(planned: PlannedSlot, rec: BulletinRecord,
            eligible: Sequence[Candidate] | None = None, settle: dt.timedelta = SETTLE) -> bool:
    """Whether ``planned`` would pick ``rec`` among ``eligible`` (alone when not given)."""
    pool: list[Candidate] = list(eligible) if eligible is not None else []
    if all(c.id != rec.id for c in pool):
        pool.append(rec)  # awaiting approval: where it would air once approved
    pool = settled(pool, planned.start, settle)
    return any(c.id == rec.id for chosen in slot_selection(planned.slot.program, planned.slot.id,
                                                           pool) for c in chosen)


def next_airing(rec: BulletinRecord, schedule: Schedule, now: dt.datetime, *,
                eligible: Eligible | None = None, settle: dt.timedelta = SETTLE,
                days: int = 14) -> PlannedSlot | None:
    """The first slot after ``now`` that will air ``rec``, by the playout's own selection (a
    slot's bulletins are settled ``settle`` before air: later ones move to the next slot)."""
    if rec.state not in (BulletinState.APPROVED, BulletinState.AWAITING_APPROVAL,
                         BulletinState.RECEIVED):
        return None
    cache: dict[dt.datetime, Sequence[BulletinRecord]] = {}
    for offset in range(days + 1):
        for planned in schedule.plan(now.date() + dt.timedelta(days=offset)):
            if planned.start <= now or not rec.in_window(planned.start):
                continue
            if now >= planned.start - settle and rec.state != BulletinState.APPROVED:
                continue  # still awaiting approval when the slot settles: not this one
            pool = None
            if eligible is not None:
                if planned.start not in cache:
                    cache[planned.start] = eligible(planned.start)
                pool = cache[planned.start]
            if selects(planned, rec, pool, settle):
                return planned
    return None


def promises(records: Sequence[BulletinRecord], schedule: Schedule, now: dt.datetime,
             eligible: Eligible, *, settle: dt.timedelta = SETTLE
             ) -> dict[str, PlannedSlot | None]:
    """``next_airing`` for each record (sharing the eligible lists per slot time)."""
    cache: dict[dt.datetime, Sequence[BulletinRecord]] = {}

    def cached(when: dt.datetime) -> Sequence[BulletinRecord]:
        if when not in cache:
            cache[when] = eligible(when)
        return cache[when]

    return {r.id: next_airing(r, schedule, now, eligible=cached, settle=settle) for r in records}
