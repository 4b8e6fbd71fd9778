"""A bulletin's versions on the desk: an edit written back as a new version of its source file in
``inbox/`` (the station's intake takes it like a re-dropped file, so it goes through approval
again), and the word-level difference between a version and the one before it."""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from broadcaster.durable import write_text
from broadcaster.inbox.records import BulletinRecord
from broadcaster.messages import label, t
from broadcaster.models import BulletinState, Priority
from broadcaster.web.desk import Desk, DeskError

EDITABLE = (BulletinState.RECEIVED, BulletinState.AWAITING_APPROVAL, BulletinState.APPROVED,
            BulletinState.REJECTED)
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")  # spaces, words, each punctuation mark
MAX_DIFF_TOKENS = 20_000  # a longer text is shown whole, as one replacement (bounded work)


@dataclass(frozen=True)
class Edit:
    """What the editor may change on the desk; the rest of the front matter is kept."""

    title: str
    body: str
    priority: Priority
    repeat: int


@dataclass(frozen=True)
class Span:
    """A stretch of a word diff: ``op`` is ``=`` (kept), ``+`` (inserted) or ``-`` (deleted)."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Span]:
    """``new`` against ``old`` word by word: each change is shown as what was removed, then
    what was put in its place (changes a single space apart read as one)."""
    return list(_word_diff(old, new))


@functools.lru_cache(maxsize=256)  # the approval page asks again for the same versions
def _word_diff(old: str, new: str) -> tuple[Span, ...]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > MAX_DIFF_TOKENS:
        return (Span("-", old), Span("+", new))
    chunks: list[tuple[str, str] | str] = []  # (removed, inserted) or kept text
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append("".join(a[i1:i2]))
            continue
        change = ("".join(a[i1:i2]), "".join(b[j1:j2]))
        before, space = (chunks[-2], chunks[-1]) if len(chunks) >= 2 else ("", "")
        if isinstance(before, tuple) and isinstance(space, str) and not space.strip():
            del chunks[-2:]  # a change, a space, a change: one change
            change = (before[0] + space + change[0], before[1] + space + change[1])
        chunks.append(change)
    spans: list[Span] = []
    for chunk in chunks:
        if isinstance(chunk, str):
            _add(spans, "=", chunk)
        else:
            _add(spans, "-", chunk[0])
            _add(spans, "+", chunk[1])
    return tuple(spans)


def _add(spans: list[Span], op: str, text: str) -> None:
    if not text:
        return
    if spans and spans[-1].op == op:
        spans[-1] = Span(op, spans[-1].text + text)
    else:
        spans.append(Span(op, text))


def editable(rec: BulletinRecord) -> bool:
    """A text bulletin typed or dropped as ``.txt`` that may still air (or was refused)."""
    return rec.audio is None and rec.source.lower().endswith(".txt") and rec.state in EDITABLE


def _yaml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: no injection by quoting


def file_text(rec: BulletinRecord, edit: Edit) -> str:
    """The new version's file: the record's front matter with the edited fields, then the text."""
    head = {"title": edit.title or rec.title, "tags": list(rec.tags),
            "priority": edit.priority.value, "repeat": edit.repeat}
    if rec.air_from is not None:
        head["from"] = rec.air_from.isoformat()
    if rec.air_until is not None:
        head["until"] = rec.air_until.isoformat()
    if rec.slots:
        head["slots"] = list(rec.slots)
    if rec.voice:
        head["voice"] = rec.voice
    if rec.engine:
        head["engine"] = rec.engine
    lines = "".join(f"{k}: {_yaml(v)}\n" for k, v in head.items())
    return f"---\n{lines}---\n{edit.body.strip()}\n"


def write_edit(desk: Desk, bulletin_id: str, edit: Edit) -> BulletinRecord:
    """Write ``edit`` over the bulletin's source file in ``inbox/``: the station's intake makes
    it the next version (awaiting approval again when the station requires approval)."""
    rec = desk.bulletin(bulletin_id)
    if not editable(rec):
        raise DeskError(t("web.edit.not_editable", id=rec.id, source=rec.source,
                          state=label("state", rec.state)))
    if not edit.body.strip():
        raise DeskError(t("web.empty_body"))
    if (edit.body.strip() == rec.body.strip() and (edit.title or rec.title) == rec.title
            and edit.priority == rec.priority and edit.repeat == rec.repeat):
        raise DeskError(t("web.edit.unchanged", id=rec.id))
    inbox = desk.station.inbox_dir.resolve()
    target = (inbox / rec.source).resolve()
    if not target.is_relative_to(inbox) or any(p.startswith(".") for p in Path(rec.source).parts):
        raise DeskError(t("web.edit.not_editable", id=rec.id, source=rec.source,
                          state=label("state", rec.state)))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, file_text(rec, edit))
    return rec


__all__ = ["Edit", "Span", "editable", "file_text", "word_diff", "write_edit"]
