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
    if len(sentence) <= max_chars:
        return [sentence]
    window = sentence[: max_chars + 1]
    for level in _CUTS:
        points = [m.start() for m in level.finditer(window) if 0 < m.start() <= max_chars]
        # prefer a cut that leaves a reasonably long first piece
        good = [p for p in points if p >= max_chars * 0.35] or points
        if good:
            at = good[-1]
            return [sentence[:at].strip(), *cut(sentence[at:].strip(), max_chars)]
    # one reading longer than the limit: break it at its own word boundaries
    nb = [i for i, c in enumerate(window) if c == NB and 0 < i <= max_chars]
    if nb:
        at = nb[-1]
        return [sentence[:at].strip(NB + " "), *cut(sentence[at + 1 :].strip(NB + " "), max_chars)]
    # a single word longer than the limit (a URL): cut it, there is no better place
    return [sentence[:max_chars], *cut(sentence[max_chars:], max_chars)]
