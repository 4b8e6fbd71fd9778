"""The engine protocol every TTS adapter implements, its health report, and request planning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from broadcaster.models import Clip, Pause, Script, Voice


@dataclass(frozen=True)
class EngineHealth:
    """What ``broadcaster engines`` / status show for one engine."""

    name: str
    available: bool  # installed / configured at all
    reachable: bool | None  # None: not probed (offline engines are always local)
    breaker: str  # closed | open | half-open | n/a
    last_error: str
    voices: tuple[str, ...]


@runtime_checkable
class Engine(Protocol):
    """Turns one piece of script text plus voice settings into PCM (a Clip)."""

    name: str
    max_chars: int  # longest text one ``synthesize`` call takes
    concurrency: int  # calls render_script may run at once
    native_rate: bool  # True: the engine applies ``voice.rate`` itself (no time-stretch)
    voices: tuple[str, ...]

    def default_voice(self, rate: float = 1.0) -> Voice:
        """The station's voice for this engine at speaking ``rate``."""
        ...

    def settings_key(self, voice: Voice) -> str:
        """Everything besides the text that changes the audio (part of the cache key)."""
        ...

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speech for ``text``; raises ``SpeechError`` on failure."""
        ...

    def health(self, probe: bool = False) -> EngineHealth:
        """Current health; ``probe`` also checks the endpoint is reachable."""
        ...


@dataclass(frozen=True)
class Unit:
    """One engine request: text and the pause that follows it."""

    text: str
    pause: Pause


_CLAUSE = re.compile(r"(?<=[,;:])\s+")


def _split_long(text: str, max_chars: int) -> list[str]:
    """Split at clause punctuation, then at spaces, never inside a word (unless one word is longer)."""
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    for clause in _CLAUSE.split(text):
        if len(clause) <= max_chars:
            parts.append(clause)
            continue
        parts.extend(_split_words(clause, max_chars))
    return _pack(parts, max_chars)


def _split_words(clause: str, max_chars: int) -> list[str]:
    """Cut a clause with no punctuation into as few, roughly equal parts as fit (not 100 + 7)."""
    n = -(-len(clause) // max_chars)
    for limit in range(-(-len(clause) // n) + 8, max_chars + 1):
        parts = _greedy_words(clause, limit)
        if len(parts) <= n:
            return parts
    return _greedy_words(clause, max_chars)


def _greedy_words(clause: str, max_chars: int) -> list[str]:
    parts: list[str] = []
    words, cur = clause.split(), ""
    for word in words:
        while len(word) > max_chars:  # pathological: a "word" longer than a request
            if cur:
                parts.append(cur)
                cur = ""
            parts.append(word[:max_chars])
            word = word[max_chars:]
        if cur and len(cur) + 1 + len(word) > max_chars:
            parts.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        parts.append(cur)
    return parts


def _pack(parts: list[str], max_chars: int) -> list[str]:
    """Greedily join consecutive pieces with a space while they fit in ``max_chars``."""
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and len(out[-1]) + 1 + len(part) <= max_chars:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def plan_units(script: Script, max_chars: int) -> list[Unit]:
    """Engine requests for ``script``: pieces of one sentence packed up to ``max_chars``.

    A request never spans a sentence, paragraph or heading boundary, so those pauses stay ours;
    inside a sentence, clauses are merged up to the limit and split only at commas or spaces.
    """
    units: list[Unit] = []
    group: list[str] = []
    for seg in script.segments:
        group.extend(_split_long(seg.text.strip(), max_chars))
        if seg.pause is Pause.SEGMENT:
            continue
        pieces = _pack(group, max_chars)
        units.extend(Unit(p, Pause.SEGMENT) for p in pieces[:-1])
        if pieces:
            units.append(Unit(pieces[-1], seg.pause))
        group = []
    pieces = _pack(group, max_chars)
    units.extend(Unit(p, Pause.SEGMENT) for p in pieces[:-1])
    if pieces:
        units.append(Unit(pieces[-1], Pause.SENTENCE))
    out: list[Unit] = []
    for u in units:
        if any(ch.isalnum() for ch in u.text):
            out.append(u)
        elif out and _WEIGHT[u.pause] > _WEIGHT[out[-1].pause]:
            out[-1] = Unit(out[-1].text, u.pause)  # nothing to say, but keep the longer pause
    return out


_WEIGHT = {Pause.SEGMENT: 0, Pause.SENTENCE: 1, Pause.PARAGRAPH: 2, Pause.HEADING: 3}
