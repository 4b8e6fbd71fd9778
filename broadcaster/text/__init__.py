"""Text stage: Bulletin body -> speakable Script (pure functions; I/O only for its data tables).

The pipeline is one visible list, printable with ``plan()``:
cleanup (line rules, rejoin wrapped lines) -> spoken form (rules.RULES) -> segmentation.
"""

from __future__ import annotations

import re

from broadcaster.models import Pause, Script, Segment
from broadcaster.text import cleanup, numbers, segment
from broadcaster.text.lexicon import Lexicon, load_lexicon
from broadcaster.text.record import Change, locate, mark_block, record
from broadcaster.text.record import start as _start
from broadcaster.text.record import stop as _stop
from broadcaster.text.rules import NB, RULES, Context, tables

__all__ = ["RULES_VERSION", "Change", "Lexicon", "explain", "load_lexicon", "plan", "spoken_text",
           "to_script"]

# Bump whenever a rule or a data table changes what is read: it is part of every speech key,
# so speech rendered under older rules is made again before it airs.
RULES_VERSION = "text-rules-4"

def _label(block: cleanup.Block, dialect: str) -> str:
    """How a heading number is said: "I" -> "Phần một", "1.1" -> "Một chấm một", "b" -> "Bê"."""
    if block.label_kind == "roman":
        return "Phần " + numbers.read_int(numbers.roman_value(block.label) or 0, dialect)
    if block.label_kind == "number":
        return " chấm ".join(numbers.read_int(int(p), dialect) for p in block.label.split("."))
    letters = tables().letters
    return letters.get(block.label.upper(), block.label)


def _capitalize(s: str) -> str:
    for i, c in enumerate(s):
        if c.isalpha():
            # a one-letter first word stays as it is: "X" would read as a spelled letter
            # and so does a word that would become all capitals ("xUBND"): it would then be spelled
            word = re.match(r"[^\W\d_]+", s[i:])
            rest = word.group(0)[1:] if word else ""
            if rest and any(ch.islower() for ch in rest):
                return s[:i] + c.upper() + s[i + 1 :]
            return s
    return s


def _speakable(s: str) -> bool:
    return any(c.isalpha() for c in s)


def to_script(
    text: str,
    *,
    dialect: str = "north",
    headings: str = "read",
    lexicon: Lexicon | None = None,
    max_chars: int | None = None,
) -> Script:
    """The speakable script for ``text``: no digits, NFC, segments with pause hints."""
    lex = lexicon if lexicon is not None else load_lexicon()
    ctx = Context(dialect if dialect in ("north", "south") else "north", lex, tables())
    limit = max_chars if max_chars and max_chars > 0 else None
    segments: list[Segment] = []
    for block in cleanup.to_blocks(text):
        body = block.text
        mark_block(body[:16])
        for rule in RULES:
            body = rule(body, ctx)
        body = body.strip(" ,;:")
        if not block.label and _speakable(body):
            if not re.search(r"[.!?]$", body):
                body += "."
            # the rules can uncover a heading number ("I.(" -> "I."): treat it as the heading
            # it would be if the script were read again
            again = cleanup.make_block(body)
            if again.label:
                block, body = again, again.text
        if block.label and headings == "read":
            label = _label(block, dialect)
            record("heading", block.label, label)
            body = f"{label}: {_capitalize(body)}" if _speakable(body) else label
        elif block.label:
            record("heading", block.label, "")
        if not _speakable(body):
            continue
        if not re.search(r"[.!?]$", body):
            body += "."
        parts = segment.sentences(body)
        last_pause = Pause.HEADING if block.heading else Pause.PARAGRAPH
        for i, sentence in enumerate(parts):
            sentence = _capitalize(sentence)
            pieces = segment.cut(sentence, limit) if limit else [sentence]
            pieces = [p for p in pieces if _speakable(p)]
            for j, piece in enumerate(pieces):
                if j < len(pieces) - 1:
                    pause = Pause.SEGMENT
                else:
                    pause = last_pause if i == len(parts) - 1 else Pause.SENTENCE
                segments.append(Segment(piece.replace(NB, " "), pause))
    return Script(tuple(segments))


def spoken_text(text: str, **kwargs: object) -> str:
    """The script as text, one sentence per line (what ``broadcaster text`` prints)."""
    return "\n".join(to_script(text, **kwargs).lines())  # type: ignore[arg-type]


def explain(
    text: str,
    *,
    dialect: str = "north",
    headings: str = "read",
    lexicon: Lexicon | None = None,
    max_chars: int | None = None,
) -> list[Change]:
    """Every change the pipeline makes to ``text``: rule name, original, spoken form, offsets.

    Includes what the clean-up skips (letterhead, distribution list, page furniture, bullets),
    marks made pauses or dropped, and slashes and dashes made words. A tidy-up of marks the
    rules themselves left ("spacing" on text not in the original) is not a change to review.
    """
    token = _start()
    try:
        to_script(text, dialect=dialect, headings=headings, lexicon=lexicon, max_chars=max_chars)
    finally:
        changes = _stop(token)
    ctx = Context(dialect, lexicon if lexicon is not None else load_lexicon(), tables())
    located = locate(changes, text, {r.name: r.compiled(ctx) for r in RULES})
    return [c for c in located if c.rule != "spacing" or c.start is not None]


def plan(dialect: str = "north", lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """The pipeline's steps in order, (name, what it does), without running it."""
    steps = [("clean_characters", (cleanup.clean_characters.__doc__ or "").strip())]
    steps += [(f.__name__, (f.__doc__ or "").strip()) for f in cleanup.LINE_RULES]
    steps.append(("join_lines", (cleanup.join_lines.__doc__ or "").strip()))
    steps.append(("make_block", (cleanup.make_block.__doc__ or "").strip()))
    steps += [(r.name, r.doc) for r in RULES]
    steps.append(("heading", (_label.__doc__ or "").strip()))
    steps.append(("sentences", (segment.sentences.__doc__ or "").strip()))
    steps.append(("cut", (segment.cut.__doc__ or "").strip()))
    return steps
