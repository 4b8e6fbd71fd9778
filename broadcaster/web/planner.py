"""The desk's schedule changes: one edit of a dated file ``schedules/YYYY-MM-DD.yaml``, made on
the operator's own text with a round-trip YAML library (comments, order and layout survive),
judged like ``broadcaster validate`` and installed like ``broadcaster load``."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from broadcaster import yamlpos
from broadcaster.air.schedule import DAYS, DayFile, PlannedSlot, Slot, WeekFile, decode, locate
from broadcaster.air.schedules import Change, ScheduleBook
from broadcaster.errors import ScheduleError

SLOT_FIELDS = ("id", "name", "at", "max_minutes", "program")


class EditKind(StrEnum):
    ADD = "add"                  # a one-off slot on the day
    CANCEL = "cancel"            # a week slot does not air on the day
    NO_BROADCAST = "no_broadcast"  # nothing airs on the day


@dataclass(frozen=True)
class NewSlot:
    """A one-off slot as the form sends it (raw strings: the validation judges them)."""

    id: str
    name: str
    at: str
    max_minutes: str = ""
    say: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayEdit:
    kind: EditKind
    slot: NewSlot | None = None     # ADD
    cancel: str = ""                # CANCEL: the week slot's id


@dataclass(frozen=True)
class Draft:
    """An edited day file: its new text, every problem as ``validate`` says it, the problems
    that belong to a form field, and what installing it changes."""

    path: Path
    data: bytes
    problems: tuple[str, ...]
    at_field: dict[str, list[str]] = field(default_factory=dict)
    change: Change | None = None

    @property
    def general(self) -> list[str]:
        """The problems no form field owns."""
        owned = {p for ps in self.at_field.values() for p in ps}
        return [p for p in self.problems if p not in owned]


@dataclass(frozen=True)
class DayView:
    """One date as the station will air it, with what its dated file changes."""

    day: dt.date
    planned: list[PlannedSlot]
    week_slots: list[Slot]        # the week's slots of that weekday (cancelled ones included)
    cancelled: tuple[str, ...]
    no_broadcast: bool
    has_file: bool
    note: str


def day_name(day: dt.date) -> str:
    return f"{day.isoformat()}.yaml"


def _yaml() -> YAML:
    y = YAML()  # round trip
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 100
    return y


def _load(data: bytes | None, source: str) -> CommentedMap:
    if not data:
        return CommentedMap()
    # the station's own reading first: a syntax error or a key written twice is refused with
    # the operator's words and line (ScheduleError), never as the round-trip library's trace
    locate(data, source)
    doc = _yaml().load(decode(data, source))
    if doc is None:
        return CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise ScheduleError(f"{source}:1:1: not a mapping")
    return doc


def _slot_map(slot: NewSlot) -> CommentedMap:
    m = CommentedMap()
    m["id"] = slot.id.strip()
    if slot.name.strip():
        m["name"] = DoubleQuotedScalarString(slot.name.strip())
    m["at"] = DoubleQuotedScalarString(slot.at.strip())
    raw = slot.max_minutes.strip()
    if raw:
        try:
            m["max_minutes"] = int(raw) if raw.isdigit() else float(raw)
        except ValueError:
            m["max_minutes"] = raw  # the validation says what is wrong, at the field
    program = CommentedSeq()
    program.append(CommentedMap(jingle="open"))
    if slot.say.strip():
        program.append(CommentedMap(say=DoubleQuotedScalarString(slot.say.strip())))
    selection = CommentedMap()
    if slot.tags:
        tags = CommentedSeq(slot.tags)
        tags.fa.set_flow_style()
        selection["tags"] = tags
    selection.fa.set_flow_style()
    program.append(CommentedMap(bulletins=selection))
    program.append(CommentedMap(jingle="close"))
    m["program"] = program
    return m


def apply_edit(data: bytes | None, edit: DayEdit, source: str) -> tuple[bytes, int | None]:
    """The day file's new text after ``edit`` (the operator's comments and layout kept), and
    the index of an added slot in ``slots``."""
    doc = _load(data, source)
    index: int | None = None
    if edit.kind == EditKind.NO_BROADCAST:
        doc["no_broadcast"] = True
    elif edit.kind == EditKind.CANCEL:
        cancel = doc.get("cancel")
        if not isinstance(cancel, list):
            cancel = CommentedSeq()
            cancel.fa.set_flow_style()
            doc["cancel"] = cancel
        if edit.cancel not in cancel:
            cancel.append(edit.cancel)
    elif edit.slot is not None:
        slots = doc.get("slots")
        if not isinstance(slots, list):
            slots = CommentedSeq()
            doc["slots"] = slots
        slots.append(_slot_map(edit.slot))
        index = len(slots) - 1
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue().encode("utf-8"), index


def field_problems(data: bytes, source: str, index: int | None,
                   problems: list[str]) -> dict[str, list[str]]:
    """Which problems sit on a line of the added slot's form field (by the YAML position)."""
    if index is None or not problems:
        return {}
    try:
        loc = yamlpos.load(data.decode("utf-8"), source)
    except yamlpos.YamlSyntaxError:
        return {}
    lines: dict[int, str] = {}
    for name in SLOT_FIELDS:
        where = loc.where(("slots", index, name), key=False)
        if where == loc.where(("slots", index), key=False) and name != "id":
            continue  # no such key in the slot
        lines.setdefault(int(where.rsplit(":", 2)[1]), name)
    out: dict[str, list[str]] = {}
    for problem in problems:
        head = problem[len(source) + 1:] if problem.startswith(source + ":") else ""
        line = head.split(":", 1)[0]
        if line.isdigit() and int(line) in lines:
            out.setdefault(lines[int(line)], []).append(problem)
    return out


def draft(book: ScheduleBook, day: dt.date, edit: DayEdit) -> Draft:
    """The day file ``edit`` makes, judged by ``book`` as ``load`` would (nothing is written)."""
    path = book.folder / day_name(day)
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    try:
        data, index = apply_edit(current, edit, str(path))
    except (ScheduleError, ValueError) as exc:
        return Draft(path, current or b"", (str(exc),))
    result = book.preview(path, data=data)
    problems = list(result.problems)
    return Draft(path, data, tuple(problems), field_problems(data, str(path), index, problems),
                 result.change)


def day_view(book: ScheduleBook, day: dt.date) -> DayView:
    """``day`` as it airs now, and what its dated file says."""
    schedule = book.schedule()
    override: DayFile | None = schedule.days.get(day)
    weekday = DAYS[day.weekday()]
    week: WeekFile = schedule.week
    return DayView(day, schedule.plan(day), [s for s in week.slots if weekday in s.days],
                   override.cancel if override else (),
                   bool(override and override.no_broadcast),
                   (book.folder / day_name(day)).is_file(), override.note if override else "")


@dataclass(frozen=True)
class Segment:
    """One slot on the day's 24-hour timeline (SVG units: the day is 1440 wide)."""

    slot_id: str
    label: str
    at: str
    x: float
    w: float
    minutes: float
    origin: str       # "week" | "day"
    cancelled: bool


def timeline(view: DayView, default_minutes: float) -> list[Segment]:
    """The day's slots (and the week's cancelled ones) placed on a 1440-minute line."""
    own = {p.slot.id for p in view.planned} - {s.id for s in view.week_slots}
    out: list[Segment] = []
    for p in view.planned:
        out.append(_segment(p.slot, default_minutes, "day" if p.slot.id in own else "week",
                            cancelled=False))
    aired = {p.slot.id for p in view.planned}
    for s in view.week_slots:
        if s.id not in aired:
            out.append(_segment(s, default_minutes, "week", cancelled=True))
    return sorted(out, key=lambda g: (g.x, g.slot_id))


def _segment(slot: Slot, default_minutes: float, origin: str, *, cancelled: bool) -> Segment:
    minutes = slot.max_minutes or default_minutes
    start = slot.time.hour * 60 + slot.time.minute + slot.time.second / 60
    return Segment(slot.id, slot.label, slot.at, round(start, 2),
                   round(max(min(minutes, 1440 - start), 6.0), 2), minutes, origin, cancelled)
