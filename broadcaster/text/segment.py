"""Segmentation for TTS: sentences, then clauses when a sentence is longer than an engine's limit.

Never cuts inside a word or inside one reading (words glued with NBSP by the rules).
"""

from __future__ import annotations

import re

NB = "\u00a0"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
# cut points inside a long sentence, best first: after ; or :, then after a comma, then a space
_CUTS = (re.compile(r"(?<=[;:])\s"), re.compile(r"(?<=,)\s"), re.compile(r" "))


def sentences(text: str) -> list[str]:
    """Split spoken text into sentences at . ! ? followed by a space."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def cut(sentence: str, max_chars: int) -> list[str]:
    """Pieces of ``sentence`` none longer than ``max_chars`` (measured with plain spaces)."""
    pieces: list[str] = []
    rest = sentence.strip()
    while len(rest) > max_chars:
        at, skip = _cut_point(rest, max_chars)
        head = rest[:at].strip(NB + " ")
        if head:
            pieces.append(head)
        rest = rest[at + skip :].strip(NB + " ")
    if rest:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, max_chars: int) -> tuple[int, int]:
    """Where to cut ``text``: (index, characters to skip there)."""
    window = text[: max_chars + 1]
    for level in _CUTS:
        points = [m.start() for m in level.finditer(window) if 0 < m.start() <= max_chars]
        # prefer a cut that leaves a reasonably long first piece
        good = [p for p in points if p >= max_chars * 0.35] or points
        if good:
            return good[-1], 1
    # one reading longer than the limit: break it at its own word boundaries
    nb = [i for i, c in enumerate(window) if c == NB and 0 < i <= max_chars]
    if nb:
        return nb[-1], 1
    # a single word longer than the limit (a URL): cut it, there is no better place
    return max_chars, 0
