"""``broadcaster validate``: every problem in a schedule file as ``file:line:column: message (hint)``.

Beyond the file's shape (schedule.py): an empty file, times inside quiet hours, days the station
does not broadcast, slots longer than the policy allows, overlapping slots, duplicate slot ids,
unknown jingles, missing audio and bulletin files, cancelled slots that do not exist. Every
problem of a file is reported in one run, shape errors next to the others.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from broadcaster import yamlpos
from broadcaster.air.schedule import (
    DAYS,
    WEEK_FILE,
    DayFile,
    Slot,
    WeekFile,
    date_of,
    duplicate_ids,
    explain,
    locate,
)
from broadcaster.config import Station
from broadcaster.errors import ScheduleError
from broadcaster.messages import t

Problem = tuple[int, int, str]
JINGLE_NAMES = ("open", "close", "between")
FILE_KINDS = ("jingle", "audio", "music", "bulletin")


def _where(loc: yamlpos.Located, path: tuple[Any, ...], message: str) -> Problem:
    where = loc.where(path, key=False)
    line, col = (int(x) for x in where.rsplit(":", 2)[1:])
    return line, col, f"{where}: {message}"


def _item_problem(kind: str, value: str, station: Station) -> str | None:
    """What is wrong with one program item's file (or jingle name), if anything."""
    if kind == "jingle":
        jingles = station.settings.program.jingles
        configured = {"open": jingles.open, "close": jingles.close, "between": jingles.between}
        if value in configured:
            name = configured[value]
            if name is None:
                return t("v.jingle_off", name=value)
            value = name
        elif "/" not in value and "." not in value:
            guess = yamlpos.did_you_mean(value, JINGLE_NAMES)
            hint = t("v.did_you_mean", guess=guess) if guess else t("v.jingle_kinds")
            return t("v.jingle_unknown", name=value, hint=hint)
    path = station.resolve(value)
    return None if path.is_file() else t("v.file_missing", kind=kind, path=path)


def _file_checks(raw_slots: list[Any], loc: yamlpos.Located, station: Station) -> list[Problem]:
    """Missing files and unknown jingles, read from the raw YAML (also in malformed slots)."""
    problems: list[Problem] = []
    for i, raw in enumerate(raw_slots):
        program = raw.get("program") if isinstance(raw, dict) else None
        for j, item in enumerate(program if isinstance(program, list) else []):
            if not isinstance(item, dict):
                continue
            relay = item.get("relay")
            fallback = relay.get("fallback") if isinstance(relay, dict) else None
            if isinstance(fallback, str) and not station.resolve(fallback).is_file():
                problems.append(_where(loc, ("slots", i, "program", j, "relay", "fallback"),
                                       t("v.file_missing", kind="fallback",
                                         path=station.resolve(fallback))))
            for kind in FILE_KINDS:
                value = item.get(kind)
                problem = _item_problem(kind, value, station) if isinstance(value, str) else None
                if problem:
                    problems.append(_where(loc, ("slots", i, "program", j, kind), problem))
    return problems


def _length(slot: Slot, station: Station) -> dt.timedelta:
    relays = dt.timedelta(minutes=slot.relay_minutes)
    if len(slot.relays) == len(slot.program):  # only relays: their minutes are its length
        return relays
    return relays + dt.timedelta(
        minutes=slot.max_minutes or station.settings.policy.max_session_minutes)


def _valid_slots(raw_slots: list[Any]) -> list[tuple[int, Slot]]:
    """The slots that are well-formed on their own (the others are reported by their shape)."""
    out = []
    for i, raw in enumerate(raw_slots):
        try:
            out.append((i, Slot.model_validate(raw)))
        except ValidationError:
            continue
    return out


def _zone_checks(slot: Slot, i: int, loc: yamlpos.Located, station: Station) -> list[Problem]:
    """A slot's zones name zones or outputs of station.yaml (issue 15.1)."""
    s = station.settings
    known = {"all", s.outputs.soundcard, *s.zones, *(o.name for o in s.outputs.icecast)}
    out = [_where(loc, ("slots", i, "zones"),
                  t("route.unknown_zone", slot=slot.id, zone=z, known=", ".join(sorted(known))))
           for z in slot.zones if z not in known]
    for j, item in enumerate(slot.program):
        for z in getattr(item, "zones", ()):
            if z not in known:
                out.append(_where(loc, ("slots", i, "program", j, "zones"),
                                  t("route.unknown_zone", slot=slot.id, zone=z,
                                    known=", ".join(sorted(known)))))
    return out


def _slot_checks(slots: list[tuple[int, Slot]], loc: yamlpos.Located, station: Station,
                 day: dt.date | None) -> list[Problem]:
    policy = station.settings.policy
    problems: list[Problem] = []
    for i, slot in slots:
        at = ("slots", i, "at")
        if policy.is_quiet(slot.time):
            problems.append(_where(loc, at, t("v.quiet", slot=slot.id, at=slot.at,
                                                  hours=", ".join(policy.quiet_hours))))
        days = [DAYS[day.weekday()]] if day else list(slot.days)
        banned = [d for d in days if d not in policy.broadcast_days]
        if banned:
            problems.append(_where(loc, ("slots", i, "days") if not day else at,
                                   t("v.day_banned", slot=slot.id, days=", ".join(banned))))
        problems += _zone_checks(slot, i, loc, station)
        if slot.max_minutes and slot.max_minutes > policy.max_session_minutes:
            problems.append(_where(loc, ("slots", i, "max_minutes"),
                                   t("v.too_long", slot=slot.id, minutes=f"{slot.max_minutes:g}",
                                     limit=f"{policy.max_session_minutes:g}")))
    return problems


def _overlaps(slots: list[tuple[Slot, tuple[Any, ...] | None]], loc: yamlpos.Located,
              station: Station, days: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for weekday in days:
        todays = sorted((s for s in slots if weekday in s[0].days), key=lambda s: s[0].time)
        for (a, _), (b, b_path) in zip(todays, todays[1:], strict=False):
            start_a = dt.datetime.combine(dt.date(2000, 1, 3), a.time)
            start_b = dt.datetime.combine(dt.date(2000, 1, 3), b.time)
            if start_a + _length(a, station) > start_b and b_path is not None and (a.id, b.id) not in seen:
                seen.add((a.id, b.id))
                minutes = _length(a, station).total_seconds() / 60
                problems.append(_where(loc, b_path, t("v.overlap", slot=b.id, at=b.at, other=a.id,
                                                      other_at=a.at, minutes=f"{minutes:g}")))
    return problems


def _empty(data: dict[str, Any], loc: yamlpos.Located, day: dt.date | None) -> list[Problem]:
    """A file that airs nothing and cancels nothing is a mistake (an emptied or cut file)."""
    if data.get("slots") or (day and (data.get("cancel") or data.get("no_broadcast") is True)):
        return []
    at = ("slots",) if "slots" in data else ()
    return [_where(loc, at, t("v.empty_day" if day else "v.empty_week"))]


def _against_week(data: dict[str, Any], slots: list[tuple[int, Slot]], loc: yamlpos.Located,
                  station: Station, day: dt.date, week: WeekFile | None) -> list[Problem]:
    """A dated file's cancels and its overlaps with the week's slots of that weekday."""
    problems: list[Problem] = []
    weekday = DAYS[day.weekday()]
    keep: list[tuple[Slot, tuple[Any, ...] | None]] = []
    cancel = data.get("cancel")
    cancel = [c for c in cancel if isinstance(c, str)] if isinstance(cancel, list) else []
    if week is not None and not (data.get("no_broadcast") is True or data.get("replace_week") is True):
        week_ids = {s.id for s in week.slots}
        for k, cancelled in enumerate(cancel):
            if cancelled not in week_ids:
                guess = yamlpos.did_you_mean(cancelled, week_ids)
                hint = t("v.did_you_mean", guess=guess) if guess else t("v.see_week")
                problems.append(_where(loc, ("cancel", k),
                                       t("v.cancel_unknown", slot=cancelled, hint=hint)))
        own_ids = {s.id for _, s in slots}
        keep = [(s, None) for s in week.slots if weekday in s.days
                and s.id not in cancel and s.id not in own_ids]
    dated: list[tuple[Slot, tuple[Any, ...] | None]] = [
        (s.model_copy(update={"days": (weekday,)}), ("slots", i, "at")) for i, s in slots]
    return problems + _overlaps(keep + dated, loc, station, (weekday,))


def check_located(loc: yamlpos.Located, name: str, station: Station, week: WeekFile | None
                  ) -> tuple[list[str], WeekFile | DayFile | None]:
    """Every problem of one parsed schedule file named ``name`` (week.yaml or YYYY-MM-DD.yaml),
    a dated file judged against ``week``; and the file's model unless a problem forbids airing
    it (see ``_advice`` for the problems that do not)."""
    day = date_of(Path(name))
    if name != WEEK_FILE and day is None:
        return [f"{loc.source}:1:1: {t('v.file_name')}"], None
    data = loc.data if loc.data is not None else {}
    if not isinstance(data, dict):
        return [f"{loc.source}:1:1: {t('v.not_mapping')}"], None
    model: type[BaseModel] = DayFile if day else WeekFile
    blocking: list[Problem] = _empty(data, loc, day)
    parsed: WeekFile | DayFile | None = None
    try:
        parsed = model.model_validate(data)  # type: ignore[assignment]
    except ValidationError as exc:
        blocking += [_position(p) for p in explain(exc, loc, model)]
    raw = data.get("slots")
    raw_slots: list[Any] = raw if isinstance(raw, list) else []
    slots = _valid_slots(raw_slots)
    blocking += _slot_checks(slots, loc, station, day) + duplicate_ids(loc)
    texts = [text for _, _, text in sorted(blocking + _advice(data, slots, loc, station, day,
                                                              week))]
    return texts, (parsed if not blocking else None)


def _advice(data: dict[str, Any], slots: list[tuple[int, Slot]], loc: yamlpos.Located,
            station: Station, day: dt.date | None, week: WeekFile | None) -> list[Problem]:
    """Problems that still let the file air as written (``validate`` and ``load`` refuse
    them; a running station reports them): overlaps, missing files and unknown jingles (the
    item is skipped), cancels of unknown slots."""
    raw = data.get("slots")
    problems = _file_checks(raw if isinstance(raw, list) else [], loc, station)
    first = {s.id: i for i, s in reversed(slots)}
    unique = [(i, s) for i, s in slots if first[s.id] == i]
    if day is None:
        return problems + _overlaps([(s, ("slots", i, "at")) for i, s in unique], loc, station, DAYS)
    return problems + _against_week(data, unique, loc, station, day, week)


def _position(text: str) -> Problem:
    """(line, column, text) of an already formatted ``file:line:col: message``."""
    head = text.split(": ", 1)[0]
    try:
        _, line, col = head.rsplit(":", 2)
        return int(line), int(col), text
    except ValueError:
        return 1, 1, text


def check_bytes(data: bytes, path: Path, station: Station, week: WeekFile | None
                ) -> tuple[list[str], WeekFile | DayFile | None]:
    """``check_located`` for a file's raw bytes (decoded as inbox files are)."""
    try:
        loc = locate(data, str(path))
    except ScheduleError as exc:
        return exc.problems, None
    return check_located(loc, path.name, station, week)


def validate_file(path: Path, station: Station, *, week_dir: Path | None = None,
                  week: WeekFile | None = None) -> list[str]:
    """Every problem in schedule file ``path``; an empty list means it is valid.

    A dated file is checked against ``week`` if given, else the week template in ``week_dir``
    (default: its own folder)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"{path}:1:1: {t('v.unreadable', detail=exc)}"]
    if week is None and date_of(path) is not None:
        week = read_week(week_dir or path.parent)
    return check_bytes(data, path, station, week)[0]


def read_week(folder: Path) -> WeekFile | None:
    """The week template in ``folder`` if it is well-formed, else None."""
    path = folder / WEEK_FILE
    if not path.is_file():
        return None
    try:
        loc = locate(path.read_bytes(), str(path))
        return WeekFile.model_validate(loc.data or {})
    except (ValidationError, ScheduleError, OSError):
        return None
