"""The change log behind ``--explain``: rules report (rule, original, spoken) while one is open."""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Change:
    """One rewrite made by a rule: ``original`` became ``spoken`` ("" when dropped).

    ``start``/``end`` locate ``original`` in the text given to ``explain`` (for highlighting);
    None when the rule rewrote text another rule had already made.
    """

    rule: str
    original: str
    spoken: str
    start: int | None = None
    end: int | None = None


_changes: ContextVar[list[Change] | None] = ContextVar("text_changes", default=None)


def record(rule: str, original: str, spoken: str) -> None:
    """Note a change if an explain run is listening; free otherwise."""
    log = _changes.get()
    if log is None:
        return
    spoken = spoken.replace("\u00a0", " ")
    # every change of words or marks is shown (a dash made a pause, a quote dropped); only case
    # ("THÔNG" -> "thông") and spaces are not
    if original.lower().split() == spoken.lower().split():
        return
    log.append(Change(rule, original, spoken.strip()))


# changes made by the clean-up on whole lines (or their start)
LINE_RULES = frozenset({"drop_header", "drop_footer", "drop_page_numbers", "drop_running_headers", "drop_bullet"})
_BLOCK = "\x00block"  # a marker in the log: the rules start on a block beginning with ``original``


def mark_block(prefix: str) -> None:
    """Note that the rules now work on the block starting with ``prefix`` (to locate their changes)."""
    log = _changes.get()
    if log is not None:
        log.append(Change(_BLOCK, prefix, ""))


def _block_spans(changes: list[Change], text: str) -> list[tuple[int, int]]:
    """Where each marked block starts in ``text`` and where the next one starts."""
    starts, cursor = [], 0
    for c in changes:
        if c.rule == _BLOCK:
            at = text.find(c.original, cursor) if c.original else -1
            starts.append(at if at >= 0 else cursor)
            cursor = max(cursor, at + 1)
    if not starts:
        return []  # nothing to read (an empty text): no block to place changes in
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def locate(changes: list[Change], text: str,
           patterns: Mapping[str, re.Pattern[str] | None] | None = None) -> list[Change]:
    """``changes`` (markers dropped) with the offsets of their originals in ``text``: within the
    block a rule worked on, the next occurrence that the rule's pattern matches there and that
    overlaps no change located before."""
    patterns = patterns or {}
    spans = iter(_block_spans(changes, text))
    lo, hi = 0, len(text)
    cursor: dict[tuple[str, str], int] = {}
    claimed: list[tuple[int, int]] = []
    out = []

    def taken(at: int, size: int, rule: str) -> bool:
        if at + size > hi:
            return True
        if rule in LINE_RULES and text[:at].rstrip(" \t")[-1:] not in ("", "\n"):
            return True  # what the clean-up drops starts a line
        pattern = patterns.get(rule)
        if pattern is not None and not pattern.match(text, at):
            return True
        return any(a < at + size and at < b for a, b in claimed)

    for c in changes:
        if c.rule == _BLOCK:
            lo, hi = next(spans)
            continue
        key, size = (c.rule, c.original), len(c.original)
        at = text.find(c.original, max(lo, cursor.get(key, 0))) if c.original else -1
        while at >= 0 and taken(at, size, c.rule):
            at = -1 if at + size > hi else text.find(c.original, at + 1)
        if at < 0:
            out.append(c)
            continue
        cursor[key] = at + size
        claimed.append((at, at + size))
        out.append(replace(c, start=at, end=at + size))
    return out


def listening() -> bool:
    return _changes.get() is not None


def start() -> object:
    return _changes.set([])


def stop(token: object) -> list[Change]:
    log = _changes.get() or []
    _changes.reset(token)  # type: ignore[arg-type]
    return log
