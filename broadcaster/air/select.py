"""Which bulletins a slot airs: the national model for commune radio, as a pure function.

*emergency* and *priority* bulletins go first in the next slot that airs bulletins, whatever
its tags; *normal* ones air in the slots whose selection matches them (tags, priority). A
bulletin addressed to named slots airs only there. Count and duration limits apply last.
The store already keeps out what is unapproved, outside its air window or aired enough.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from broadcaster.air.schedule import BulletinsItem, Selection

URGENT = ("emergency", "priority")
SPEECH_CHARS_PER_S = 14.0  # Vietnamese read at a broadcast pace, to estimate unrendered bulletins


class Candidate(Protocol):
    """What selection reads of a bulletin (the store's frozen BulletinRecord has it)."""

    @property
    def id(self) -> str: ...

    @property
    def priority(self) -> str: ...

    @property
    def tags(self) -> tuple[str, ...]: ...

    @property
    def slots(self) -> tuple[str, ...]: ...

    @property
    def script_text(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def airable_since(self) -> dt.datetime | None: ...

    @property
    def title(self) -> str: ...


def estimate_ms(bulletin: Candidate) -> int:
    return int(len(bulletin.script_text) / SPEECH_CHARS_PER_S * 1000)


def select_bulletins(eligible: Sequence[Candidate], selection: Selection, slot_id: str, *,
                     taken: Iterable[str] = (),
                     duration_ms: Callable[[Candidate], int | None] | None = None
                     ) -> list[Candidate]:
    """Bulletins for one ``bulletins:`` item of slot ``slot_id``, in air order.

    ``eligible`` comes from the store (urgent first, then by arrival); ``taken`` are ids
    already placed in this slot by an earlier item.
    """
    seen = set(taken)
    urgent: list[Candidate] = []
    normal: list[Candidate] = []
    for b in eligible:
        if b.id in seen or (b.slots and slot_id not in b.slots):
            continue
        if b.priority in URGENT:
            urgent.append(b)
            continue
        if selection.tags and not set(selection.tags) & set(b.tags):
            continue
        if selection.priority and b.priority not in selection.priority:
            continue
        normal.append(b)
    chosen: list[Candidate] = []
    budget_ms = selection.max_minutes * 60_000 if selection.max_minutes else None
    used = 0
    for b in urgent + normal:
        if selection.max_count is not None and len(chosen) >= selection.max_count:
            break
        length = (duration_ms(b) if duration_ms else None) or estimate_ms(b)
        if budget_ms is not None and used + length > budget_ms and b.priority not in URGENT:
            continue  # a shorter normal bulletin further down may still fit
        chosen.append(b)
        used += length
    return chosen


def settled(eligible: Sequence[Candidate], start: dt.datetime, settle: dt.timedelta
            ) -> list[Candidate]:
    """What a slot starting at ``start`` may carry: a slot's bulletins are settled ``settle``
    before air, so one that became airable later moves to the next slot."""
    cut = start - settle
    return [c for c in eligible if c.airable_since is None or c.airable_since <= cut]


def slot_selection(program: Sequence[object], slot_id: str, eligible: Sequence[Candidate], *,
                   duration_ms: Callable[[Candidate], int | None] | None = None
                   ) -> list[list[Candidate]]:
    """The bulletins each ``bulletins:`` item of a slot's ``program`` airs, in order.

    The one selection: preparation builds the program from it, the air-time check compares
    against it, and ``bulletins``/``status`` compute their promises with it."""
    taken: list[str] = []
    out: list[list[Candidate]] = []
    for item in program:
        if isinstance(item, BulletinsItem):
            chosen = select_bulletins(eligible, item.bulletins, slot_id, taken=taken,
                                      duration_ms=duration_ms)
            taken += [c.id for c in chosen]
            out.append(chosen)
    return out


def selected_versions(program: Sequence[object], slot_id: str, eligible: Sequence[Candidate], *,
                      duration_ms: Callable[[Candidate], int | None] | None = None
                      ) -> tuple[tuple[str, int], ...]:
    """(id, version) of every bulletin the slot would air, in air order."""
    return tuple((c.id, c.version) for chosen in slot_selection(
        program, slot_id, eligible, duration_ms=duration_ms) for c in chosen)
