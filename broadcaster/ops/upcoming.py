"""When a bulletin is next planned to air: the first slot ahead whose bulletin selection
(tags, priority, the bulletin's own ``slots``) and the bulletin's air window match."""

from __future__ import annotations

import datetime as dt

from broadcaster.air.schedule import BulletinsItem, PlannedSlot, Schedule
from broadcaster.inbox.store import BulletinRecord


def selects(planned: PlannedSlot, rec: BulletinRecord) -> bool:
    """Whether ``planned`` would pick ``rec`` (ignoring count and duration limits)."""
    if rec.slots and planned.slot.id not in rec.slots:
        return False
    for item in planned.slot.program:
        if not isinstance(item, BulletinsItem):
            continue
        sel = item.bulletins
        if sel.tags and not set(sel.tags) & set(rec.tags) and planned.slot.id not in rec.slots:
            continue
        if sel.priority and rec.priority not in sel.priority:
            continue
        return True
    return False


def next_airing(rec: BulletinRecord, schedule: Schedule, now: dt.datetime, *,
                days: int = 14) -> PlannedSlot | None:
    for offset in range(days + 1):
        day = now.date() + dt.timedelta(days=offset)
        for planned in schedule.plan(day):
            if planned.start <= now or not rec.in_window(planned.start):
                continue
            if selects(planned, rec):
                return planned
    return None
