"""Segmentation for TTS: sentences, then clauses when a sentence is longer than an engine's limit.

Never cuts inside a word or inside one reading (words glued with NBSP by the rules).
"""

from __future__ import annotations

import re

NB = "\u00a0"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
# cut points inside a long sentence, best first: after ; or :, then after a comma, then a space
# then before a word that opens a phrase ("của", "về", "ngày" ...), then any space
_PHRASE = ("của|về|và|ngày|tại|trong|với|cho|để|theo|từ|đến|các|những|là|được|nhằm|nhưng|hoặc|khi|do|"
           "bằng|trên|dưới|nếu|thì|mà|như|sau|trước|đối|bao|gồm|nên|vì|qua")
_CUTS = (re.compile(r"(?<=[;:])\s"), re.compile(r"(?<=,)\s"), re.compile(rf" (?=(?:{_PHRASE})(?![^\W\d_]))"),
         re.compile(r" "))


# "... tháng mười hai | năm hai nghìn": "năm" (year) follows a month reading, not "tháng" itself
_YEAR_AFTER_MONTH = re.compile(r"tháng\u00a0(?:\S+\u00a0)?\S+$")


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
    floor = max_chars * 0.35  # prefer cuts that leave a reasonably long first piece
    nb = [i for i, c in enumerate(window) if c == NB and 0 < i <= max_chars]
    # a date is glued whole: break it between its parts (ngày | tháng | năm) before inside a number
    parts = [i for i in nb if re.match(r"(?:ngày|tháng|đến|và)\u00a0", text[i + 1 : i + 7])
             or (text[i + 1 : i + 5] == "năm" + NB and _YEAR_AFTER_MONTH.search(text[max(0, i - 20) : i]))]
    for level in _CUTS:
        points = [m.start() for m in level.finditer(window) if 0 < m.start() <= max_chars]
        good = [p for p in points if p >= floor]
        if good:
            return good[-1], 1
        if points and level is _CUTS[-1] and any(p >= floor for p in parts):
            break  # only a short piece by spaces ("ngày | ..."): a date part cut is better
        if points and level is _CUTS[-1]:
            return points[-1], 1
    if parts:
        return parts[-1], 1
    if nb:
        return nb[-1], 1
    # a single word longer than the limit (a URL): cut it, there is no better place
    return max_chars, 0
