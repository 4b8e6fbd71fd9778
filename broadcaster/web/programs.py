"""A slot's program edited from the desk: form rows <-> the ``program:`` list of the file that
holds the slot (the week's or a dated one), on the operator's own text with the round-trip YAML
library, judged like ``validate`` and installed like ``load`` (through ``Desk``)."""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass
from enum import StrEnum

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from broadcaster import yamlpos
from broadcaster.air.schedule import WEEK_FILE, Slot
from broadcaster.air.schedules import ScheduleBook
from broadcaster.errors import ScheduleError
from broadcaster.web.planner import Draft, _load, _yaml, day_name

PROGRAM_KINDS = ("jingle", "say", "bulletins", "bulletin", "music", "audio", "silence_ms")
# Items the form shows but does not edit (their keys live in the schedule file): kept as they
# are when the program is saved, never dropped or flattened to a string.
FIXED_KINDS = ("relay",)
BLANK_ROWS = 2  # empty rows under a program to add items without a script


class Scope(StrEnum):
    WEEK = "week"  # the week template's slot: every week (schedules/week.yaml)
    DAY = "day"    # this date only (schedules/YYYY-MM-DD.yaml; a week slot is copied there)


@dataclass(frozen=True)
class ProgramRow:
    """One program item as the form shows and sends it. ``value``: the jingle name, the text
    to say, the tags of a selection (comma-separated), a file, or milliseconds of silence;
    ``limit``: a selection's most bulletins or music's most seconds; ``orig``: the item's
    index in the file (its other keys and comments are kept when the kind stays)."""

    kind: str
    value: str = ""
    limit: str = ""
    orig: int | None = None


def rows_of(slot: Slot) -> list[ProgramRow]:
    """The form rows of ``slot``'s program, then blank rows to add to it."""
    from broadcaster.air.schedule import _item_kind

    rows: list[ProgramRow] = []
    for i, item in enumerate(slot.program):
        kind = _item_kind(item) or ""
        raw = item.model_dump(exclude_defaults=True)
        value, limit = raw.get(kind, ""), ""
        if kind == "bulletins":
            sel = raw.get("bulletins") or {}
            value = ", ".join(sel.get("tags", ()))
            limit = str(sel.get("max_count") or "")
        elif kind == "music":
            limit = f"{raw['max_seconds']:g}" if raw.get("max_seconds") else ""
        elif kind == "relay":
            value, limit = raw["relay"]["url"], f"{raw['relay']['minutes']:g}"
        rows.append(ProgramRow(kind, str(value), limit, i))
    return rows + [ProgramRow("")] * BLANK_ROWS


def rows_from_form(form: dict[str, str]) -> list[ProgramRow]:
    """The rows a posted program form carries (``kind_N``, ``value_N``, ``limit_N``, ``orig_N``)."""
    count = int(form["rows"]) if form.get("rows", "").isdigit() else 0
    out = []
    for i in range(min(count, 200)):
        orig = form.get(f"orig_{i}", "")
        out.append(ProgramRow(form.get(f"kind_{i}", "").strip(), form.get(f"value_{i}", ""),
                              form.get(f"limit_{i}", "").strip(),
                              int(orig) if orig.isdigit() else None))
    return out


def _number(raw: str) -> int | float | str:
    try:
        return int(raw) if raw.lstrip("-").isdigit() else float(raw)
    except ValueError:
        return raw  # the validation says what is wrong, at the item


def _item_map(row: ProgramRow, old: object) -> CommentedMap:
    """The YAML item for ``row``: the old one (its gain, fades, comments) when the kind
    stays, else a new one."""
    keep = isinstance(old, CommentedMap) and row.kind in old
    m: CommentedMap = old if keep else CommentedMap()  # type: ignore[assignment]
    if row.kind in FIXED_KINDS:
        return m  # as the file has it (a new one cannot come from the form: refused there)
    value = row.value.strip()
    if row.kind == "bulletins":
        sel = m.get("bulletins") if keep and isinstance(m.get("bulletins"), CommentedMap) \
            else CommentedMap()
        tags = [x.strip() for x in value.split(",") if x.strip()]
        sel.pop("tags", None)
        if tags:
            seq = CommentedSeq(tags)
            seq.fa.set_flow_style()
            sel["tags"] = seq
        sel.pop("max_count", None)
        if row.limit:
            sel["max_count"] = _number(row.limit)
        sel.fa.set_flow_style()
        m["bulletins"] = sel
    elif row.kind == "silence_ms":
        m["silence_ms"] = _number(value)
    else:
        m[row.kind] = DoubleQuotedScalarString(value) if row.kind == "say" else value
    if row.kind == "music":
        m.pop("max_seconds", None)
        if row.limit:
            m["max_seconds"] = _number(row.limit)
    return m


def _program(old: object, rows: list[ProgramRow]) -> tuple[CommentedSeq, list[int]]:
    """The new program list and, per item, the form row it came from."""
    items = old if isinstance(old, list) else []
    seq = CommentedSeq()
    origin: list[int] = []
    for i, row in enumerate(rows):
        if not row.kind:
            continue
        before = items[row.orig] if row.orig is not None and row.orig < len(items) else None
        seq.append(_item_map(row, before))
        origin.append(i)
    return seq, origin


def _slot_index(doc: CommentedMap, slot_id: str) -> int | None:
    slots = doc.get("slots")
    for i, raw in enumerate(slots if isinstance(slots, list) else []):
        if isinstance(raw, dict) and raw.get("id") == slot_id:
            return i
    return None


def edit_program(data: bytes | None, source: str, slot_id: str, rows: list[ProgramRow], *,
                 copy_from: bytes | None = None) -> tuple[bytes, int, list[int]]:
    """The file's new text with slot ``slot_id``'s program made of ``rows`` (comments and
    layout kept); ``copy_from`` (the week file) when the slot is copied into a dated file
    first. Returns the text, the slot's index and each item's form row."""
    doc = _load(data, source)
    index = _slot_index(doc, slot_id)
    if index is None:
        week = _load(copy_from, WEEK_FILE) if copy_from is not None else CommentedMap()
        at = _slot_index(week, slot_id)
        if at is None:
            raise ScheduleError(f"{source}:1:1: {slot_id}: no such slot")
        slot = copy.deepcopy(week["slots"][at])
        slot.pop("days", None)
        slots = doc.get("slots")
        if not isinstance(slots, list):
            slots = CommentedSeq()
            doc["slots"] = slots
        slots.append(slot)
        index = len(slots) - 1
    program, origin = _program(doc["slots"][index].get("program"), rows)
    doc["slots"][index]["program"] = program
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue().encode("utf-8"), index, origin


def row_problems(data: bytes, source: str, index: int, origin: list[int],
                 problems: list[str]) -> dict[str, list[str]]:
    """Problems that sit on a program item's lines, keyed ``row-N`` by its form row."""
    try:
        loc = yamlpos.load(data.decode("utf-8"), source)
    except yamlpos.YamlSyntaxError:
        return {}
    lines: dict[int, str] = {}
    for j, row in enumerate(origin):
        line = int(loc.where(("slots", index, "program", j), key=False).rsplit(":", 2)[1])
        lines.setdefault(line, f"row-{row}")
    out: dict[str, list[str]] = {}
    for problem in problems:
        head = problem[len(source) + 1:] if problem.startswith(source + ":") else ""
        at = head.split(":", 1)[0]
        if at.isdigit() and int(at) in lines:
            out.setdefault(lines[int(at)], []).append(problem)
    return out


def slot_source(book: ScheduleBook, day: dt.date, slot_id: str) -> Scope | None:
    """Where ``slot_id`` airing on ``day`` is written: the dated file or the week's."""
    schedule = book.schedule()
    override = schedule.days.get(day)
    if override is not None and any(s.id == slot_id for s in override.slots):
        return Scope.DAY
    if any(s.id == slot_id for s in schedule.week.slots):
        return Scope.WEEK
    return None


def program_draft(book: ScheduleBook, day: dt.date, slot_id: str, rows: list[ProgramRow],
                  scope: Scope) -> Draft:
    """The file that gives ``slot_id`` the program ``rows`` (``scope``: every week or this
    date only), judged by ``book`` as ``load`` would (nothing is written)."""
    name = WEEK_FILE if scope == Scope.WEEK else day_name(day)
    path = book.folder / name
    week_path = book.folder / WEEK_FILE
    current = path.read_bytes() if path.is_file() else None
    week = week_path.read_bytes() if week_path.is_file() else None
    try:
        data, index, origin = edit_program(current, str(path), slot_id, rows,
                                           copy_from=week if scope == Scope.DAY else None)
    except (ScheduleError, ValueError) as exc:
        return Draft(path, current or b"", (str(exc),))
    result = book.preview(path, data=data)
    problems = list(result.problems)
    return Draft(path, data, tuple(problems), row_problems(data, str(path), index, origin,
                                                          problems), result.change)
