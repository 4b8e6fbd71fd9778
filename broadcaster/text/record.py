"""The change log behind ``--explain``: rules report (rule, original, spoken) while one is open."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One rewrite made by a rule: ``original`` became ``spoken`` ("" when dropped)."""

    rule: str
    original: str
    spoken: str


_changes: ContextVar[list[Change] | None] = ContextVar("text_changes", default=None)


def record(rule: str, original: str, spoken: str) -> None:
    """Note a change if an explain run is listening; free otherwise."""
    log = _changes.get()
    if log is None or original == spoken:
        return
    # an editor reviews words, not case or punctuation tidying ("THÔNG" -> "thông", " , " -> ",")
    if original.lower() == spoken.lower() or not any(c.isalnum() for c in original + spoken):
        return
    log.append(Change(rule, original, spoken.replace("\u00a0", " ").strip()))


def listening() -> bool:
    return _changes.get() is not None


def start() -> object:
    return _changes.set([])


def stop(token: object) -> list[Change]:
    log = _changes.get() or []
    _changes.reset(token)  # type: ignore[arg-type]
    return log
