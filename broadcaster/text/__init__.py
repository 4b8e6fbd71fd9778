"""Text stage: Bulletin body -> speakable Script (pure functions, no I/O).

Thin first version: rejoin hard-wrapped lines, split paragraphs and sentences.
"""

from __future__ import annotations

import re
import unicodedata

from broadcaster.models import Pause, Script, Segment

_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=\S)")


def to_script(text: str, *, dialect: str = "north", headings: str = "read") -> Script:
    """The speakable script for ``text``."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    segments: list[Segment] = []
    for para in re.split(r"\n\s*\n", text):
        joined = " ".join(line.strip() for line in para.splitlines() if line.strip())
        sentences = [s.strip() for s in _SENTENCE_END.split(joined) if s.strip()]
        for i, sentence in enumerate(sentences):
            last = i == len(sentences) - 1
            segments.append(Segment(sentence, Pause.PARAGRAPH if last else Pause.SENTENCE))
    return Script(tuple(segments))
