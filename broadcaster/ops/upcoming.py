"""When a bulletin is next planned to air: the first slot ahead whose selection (the playout's
own, ``air.select.slot_selection``, over every bulletin eligible then) picks it, inside its air
window. ``bulletins`` and ``status`` promise with this; the playout airs with the same code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from broadcaster.air.schedule import PlannedSlot, Schedule
from broadcaster.air.select import Candidate, slot_selection
from broadcaster.inbox.store import BulletinRecord
from broadcaster.models import BulletinState

Eligible = Callable[[dt.datetime], Sequence[BulletinRecord]]
SETTLE = dt.timedelta(seconds=8)


def _ready_since(rec: BulletinRecord) -> dt.datetime | None:
    """When the bulletin became airable (approval, or arrival where none is needed)."""
    return rec.approved_at if rec.approved_at is not None else rec.received_at


def selects(planned: PlannedSlot, rec: BulletinRecord,
            eligible: Sequence[Candidate] | None = None) -> bool:
    """Whether ``planned`` would pick ``rec`` among ``eligible`` (alone when not given)."""
    pool: list[Candidate] = list(eligible) if eligible is not None else []
    if all(c.id != rec.id for c in pool):
        pool.append(rec)  # awaiting approval: where it would air once approved
    return any(c.id == rec.id for chosen in slot_selection(planned.slot.program, planned.slot.id,
                                                           pool) for c in chosen)


def next_airing(rec: BulletinRecord, schedule: Schedule, now: dt.datetime, *,
                eligible: Eligible | None = None, settle: dt.timedelta = SETTLE,
                days: int = 14) -> PlannedSlot | None:
    """The first slot after ``now`` that will air ``rec``. A slot already settled (less than
    ``settle`` before its start) airs only bulletins that were airable before it settled."""
    if rec.state not in (BulletinState.APPROVED, BulletinState.AWAITING_APPROVAL,
                         BulletinState.RECEIVED):
        return None
    cache: dict[dt.datetime, Sequence[BulletinRecord]] = {}
    since = _ready_since(rec)
    for offset in range(days + 1):
        for planned in schedule.plan(now.date() + dt.timedelta(days=offset)):
            if planned.start <= now or not rec.in_window(planned.start):
                continue
            settled_at = planned.start - settle
            if now >= settled_at and (since is None or since > settled_at):
                continue  # came too late for this slot: it moves to the next one
            pool = None
            if eligible is not None:
                if planned.start not in cache:
                    cache[planned.start] = eligible(planned.start)
                pool = cache[planned.start]
            if selects(planned, rec, pool):
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
