"""When a bulletin is next planned to air: the first slot ahead that would select it (by the
playout's rule in ``air.select``) inside the bulletin's air window."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from broadcaster.air.schedule import BulletinsItem, PlannedSlot, Schedule
from broadcaster.air.select import select_bulletins
from broadcaster.inbox.store import BulletinRecord


def selects(planned: PlannedSlot, rec: BulletinRecord) -> bool:
    """Whether ``planned`` would pick ``rec`` (the playout's own rule, ``air.select``)."""
    taken: list[str] = []
    for item in planned.slot.program:
        if isinstance(item, BulletinsItem):
            # (frozen record vs the Protocol's plain attributes: structurally the same)
            chosen = select_bulletins([cast(Any, rec)], item.bulletins, planned.slot.id,
                                      taken=taken)
            if chosen:
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
