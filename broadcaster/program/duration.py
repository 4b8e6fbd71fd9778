"""Timeline layout and the duration policy: where each item starts, and how an over-long program
is brought under the slot's maximum (drop lowest-priority bulletins, or trim music)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from broadcaster.messages import t
from broadcaster.models import Priority
from broadcaster.program.model import BulletinItem, Item, Music, Program, Silence

_RANK = {Priority.NORMAL: 0, Priority.PRIORITY: 1, Priority.EMERGENCY: 2}
MIN_MUSIC_MS = 10_000  # trimming below this drops the track instead
TRIM_FADE_MS = 3000


def layout(items: Sequence[Item], lengths: Sequence[int], gap: int,
           per_ms: float = 1.0) -> tuple[list[int], int]:
    """Start of each item and the total length, in the unit of ``lengths`` and ``gap``
    (``per_ms`` units per millisecond: 1 for ms, the sample rate / 1000 for samples).

    A zero length (missing item) takes no time and adds no gap; no gap is added next to a
    Silence; ``overlap_ms`` starts an item before the previous one ends."""
    starts: list[int] = []
    end = 0  # end of everything placed so far
    prev: tuple[Item, int, int] | None = None  # item, start, length
    for item, n in zip(items, lengths, strict=True):
        if n <= 0:
            starts.append(end)
            continue
        if prev is None:
            start = 0
        elif item.overlap_ms > 0:
            ov = min(int(round(item.overlap_ms * per_ms)), prev[2], n)
            start = prev[1] + prev[2] - ov
        elif isinstance(item, Silence) or isinstance(prev[0], Silence):
            start = end
        else:
            g = gap if item.gap_ms is None else int(round(item.gap_ms * per_ms))
            start = end + g
        starts.append(start)
        end = max(end, start + n)
        prev = (item, start, n)
    return starts, end


@dataclass(frozen=True)
class Fit:
    """The program after the duration policy, and what the policy did."""

    program: Program
    lengths_ms: tuple[int, ...]
    total_ms: int
    dropped: tuple[BulletinItem, ...] = ()
    trimmed: tuple[int, ...] = ()  # indexes (in the new program) of music that was cut
    origin: tuple[int, ...] = ()  # for each new item, its index in the original program
    warnings: tuple[str, ...] = ()


def fit_duration(program: Program, lengths_ms: Sequence[int], max_ms: int | None,
                 policy: str, gap_ms: int) -> Fit:
    """Bring ``program`` (its item lengths in ms) under ``max_ms``.

    ``drop_bulletins``: drop bulletins lowest priority first, the latest in running order first,
    with the items that ``belongs_to`` them; emergencies are never dropped. ``trim_music``: cut
    music from the last track backwards (fading out; under 10 s a track is dropped), then drop
    bulletins if that was not enough. The dropped bulletins go back to playout for the next slot.
    """
    items = list(program.items)
    lengths = [int(n) for n in lengths_ms]
    beds = list(program.beds)
    origin = list(range(len(items)))
    warnings: list[str] = []

    def total() -> int:
        return layout(items, lengths, gap_ms)[1]

    if max_ms is None or total() <= max_ms:
        return Fit(program, tuple(lengths), total(), origin=tuple(origin))
    warnings.append(t("program.overlong", minutes=f"{total() / 60000:.1f}",
                      limit=f"{max_ms / 60000:.1f}"))
    trimmed: list[Item] = []
    if policy == "trim_music":
        trimmed = _trim_music(items, lengths, beds, origin, max_ms, gap_ms, warnings)
    dropped: list[BulletinItem] = []
    order = sorted(
        (i for i, it in enumerate(items) if isinstance(it, BulletinItem)
         and it.priority is not Priority.EMERGENCY),
        key=lambda i: (_RANK[items[i].priority], -i),  # type: ignore[attr-defined]
    )
    victims = [items[i] for i in order]
    for b in victims:
        if total() <= max_ms:
            break
        if not isinstance(b, BulletinItem):
            continue
        idx = [i for i, it in enumerate(items)
               if it is b or (it.belongs_to is not None and it.belongs_to == b.bulletin_id)]
        _remove(items, lengths, beds, origin, idx)
        dropped.append(b)
        warnings.append(t("program.dropped", item=b.name))
    if total() > max_ms:
        warnings.append(t("program.still_overlong", minutes=f"{total() / 60000:.1f}"))
    new = dataclasses.replace(program, items=tuple(items), beds=tuple(beds))
    trimmed_idx = tuple(i for i, it in enumerate(items) if any(it is x for x in trimmed))
    return Fit(new, tuple(lengths), total(), dropped=tuple(dropped), trimmed=trimmed_idx,
               origin=tuple(origin), warnings=tuple(warnings))


def _trim_music(items: list[Item], lengths: list[int], beds: list, origin: list[int],
                max_ms: int, gap_ms: int, warnings: list[str]) -> list[Item]:
    """Cut music from the last track backwards until the program fits; returns the cut ones."""
    trimmed: list[Item] = []
    for i in reversed(range(len(items))):
        over = layout(items, lengths, gap_ms)[1] - max_ms
        if over <= 0:
            break
        it = items[i]
        if not isinstance(it, Music) or lengths[i] <= 0:
            continue
        keep = lengths[i] - over
        if keep >= MIN_MUSIC_MS:
            items[i] = dataclasses.replace(it, max_ms=keep,
                                           fade_out_ms=max(it.fade_out_ms, TRIM_FADE_MS))
            lengths[i] = keep
            trimmed.append(items[i])
            warnings.append(t("program.trimmed", item=it.name, seconds=keep // 1000))
        else:
            _remove(items, lengths, beds, origin, [i])
    return trimmed


def _remove(items: list[Item], lengths: list[int], beds: list, origin: list[int],
            idx: list[int]) -> None:
    """Delete items at ``idx`` and shift bed ranges so they still cover the same items."""
    for i in sorted(idx, reverse=True):
        del items[i]
        del lengths[i]
        del origin[i]
        for k, bed in enumerate(beds):
            first, last = bed.first, bed.last
            if first > i:
                first -= 1
            if last is not None and last >= i:
                last -= 1
            beds[k] = dataclasses.replace(bed, first=first, last=last)
    beds[:] = [b for b in beds if b.last is None or b.last >= b.first]
