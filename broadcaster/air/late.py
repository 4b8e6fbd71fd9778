"""Bulletins that arrive after pre-roll still air: a slot's selection is settled as late as its
audio can still be ready.

Until ``playout.settle_seconds`` before air, a prepared slot whose selection changed (a bulletin
approved, dropped, withdrawn, changed or aired enough) is built again in the background, once the
speech of every bulletin it now carries is ready. At air time (``judge``) a bulletin that is no
longer eligible always forces a rebuild; one that arrived too late stays out and moves to the next
eligible slot, which the selection gives it by itself, and the operator is told.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from broadcaster.air.playout import Playout
from broadcaster.air.prepare import PreparedProgram, Preparer
from broadcaster.air.schedule import PlannedSlot
from broadcaster.air.scheduler import SlotScheduler

log = logging.getLogger(__name__)

REBUILD_LEAD_S = 2.0  # at air time, a rebuild with ready speech still fits this close to start


@dataclass(frozen=True)
class Verdict:
    keep: bool  # air the prepared program as it is
    late: tuple[str, ...] = ()  # bulletin ids left for the next slot


def _speech_ready(preparer: Preparer, wanted: tuple[tuple[str, int], ...]) -> bool:
    store = preparer.store
    if store is None:
        return True
    for bulletin_id, _version in wanted:
        record = store.get(bulletin_id)
        if record is None or preparer.pipeline.ready(record.bulletin()) is None:
            return False
    return True


def judge(prepared: PreparedProgram, planned: PlannedSlot, preparer: Preparer,
          now: dt.datetime) -> Verdict:
    """Air ``prepared`` as it is, or build it again first? Also names the bulletins that
    would have aired here had they come before the slot settled (they move on)."""
    wanted = preparer.selection(planned)
    too_late = tuple(b for b, _ in preparer.selection(planned, settle=False)
                     if b not in {w for w, _ in wanted})
    if wanted == prepared.selected:
        return Verdict(True, too_late)
    gone = set(prepared.selected) - set(wanted)
    if gone:
        log.warning("%s: bulletin(s) %s withdrawn, changed or aired enough since the program was"
                    " built: building it again", planned.key, sorted(b for b, _ in gone))
        return Verdict(False, too_late)
    added = tuple(b for b, v in wanted if (b, v) not in set(prepared.selected))
    time_left = (planned.start - now).total_seconds()
    if time_left >= REBUILD_LEAD_S and _speech_ready(preparer, wanted):
        log.info("%s: bulletin(s) %s arrived since the program was built: building it again",
                 planned.key, list(added))
        return Verdict(False, too_late)
    return Verdict(True, added + too_late)


class Resettler:
    """Rebuilds, in the scheduler's workers, the slots inside their pre-roll whose selection
    changed, while there is time (until ``playout.settle_seconds`` before air)."""

    def __init__(self, scheduler: SlotScheduler, playout: Playout, preparer: Preparer) -> None:
        self.scheduler = scheduler
        self.playout = playout
        self.preparer = preparer
        self.settle = dt.timedelta(seconds=preparer.station.settings.playout.settle_seconds)
        self._tried: dict[str, tuple[tuple[str, int], ...]] = {}  # unbuilt slots: last attempt

    def refresh(self, now: dt.datetime) -> list[str]:
        """Send every changed slot for rebuilding; returns their keys."""
        sent: list[str] = []
        for planned in list(self.scheduler.planned.values()):
            if not (planned.start - self.scheduler.preroll <= now < planned.start - self.settle):
                continue
            wanted = self.preparer.selection(planned)
            prepared = self.playout.ready(planned.key)
            if prepared is not None:
                if wanted == prepared.selected:
                    continue
            elif not wanted or self._tried.get(planned.key) == wanted:
                continue  # not built (nothing to air yet), or already tried with this selection
            if not _speech_ready(self.preparer, wanted):
                continue  # render-ahead is still making the new speech: next turn
            log.info("%s: its bulletins changed (now %s): building it again", planned.key, wanted)
            self._tried[planned.key] = wanted
            self.playout.invalidate(planned.key)
            self.scheduler.refresh(planned)
            sent.append(planned.key)
        for key in set(self._tried) - set(self.scheduler.planned):
            del self._tried[key]
        return sent
