"""``broadcaster validate``: every problem in a schedule file as ``file:line:column: message (hint)``.

Beyond the file's shape (schedule.py): times inside quiet hours, days the station does not
broadcast, slots longer than the policy allows, overlapping slots, missing audio and bulletin
files, cancelled slots that do not exist.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from broadcaster import yamlpos
from broadcaster.air.schedule import (
    DAYS,
    WEEK_FILE,
    AudioItem,
    BulletinItem,
    DayFile,
    JingleItem,
    MusicItem,
    Slot,
    WeekFile,
    date_of,
    explain,
)
from broadcaster.config import Station
from broadcaster.messages import t

Problem = tuple[int, int, str]


def _where(loc: yamlpos.Located, path: tuple[Any, ...], message: str) -> Problem:
    where = loc.where(path, key=False)
    line, col = (int(x) for x in where.rsplit(":", 2)[1:])
    return line, col, f"{where}: {message}"


def _files_of(slot: Slot, station: Station) -> list[tuple[int, str, Path]]:
    out = []
    jingles = station.settings.program.jingles
    for j, item in enumerate(slot.program):
        if isinstance(item, JingleItem):
            name = getattr(jingles, item.jingle, None) if item.jingle in ("open", "close", "between") else item.jingle
            if name is not None:
                out.append((j, "jingle", station.resolve(name)))
        elif isinstance(item, AudioItem):
            out.append((j, "audio", station.resolve(item.audio)))
        elif isinstance(item, MusicItem):
            out.append((j, "music", station.resolve(item.music)))
        elif isinstance(item, BulletinItem):
            out.append((j, "bulletin", station.resolve(item.bulletin)))
    return out


def _length(slot: Slot, station: Station) -> dt.timedelta:
    return dt.timedelta(minutes=slot.max_minutes or station.settings.policy.max_session_minutes)


def _slot_checks(slots: tuple[Slot, ...], loc: yamlpos.Located, station: Station,
                 day: dt.date | None) -> list[Problem]:
    policy = station.settings.policy
    problems: list[Problem] = []
    for i, slot in enumerate(slots):
        at = ("slots", i, "at")
        if policy.is_quiet(slot.time):
            problems.append(_where(loc, at, t("v.quiet", slot=slot.id, at=slot.at,
                                                  hours=", ".join(policy.quiet_hours))))
        days = [DAYS[day.weekday()]] if day else list(slot.days)
        banned = [d for d in days if d not in policy.broadcast_days]
        if banned:
            problems.append(_where(loc, ("slots", i, "days") if not day else at,
                                   t("v.day_banned", slot=slot.id, days=", ".join(banned))))
        if slot.max_minutes and slot.max_minutes > policy.max_session_minutes:
            problems.append(_where(loc, ("slots", i, "max_minutes"),
                                   t("v.too_long", slot=slot.id, minutes=f"{slot.max_minutes:g}",
                                     limit=f"{policy.max_session_minutes:g}")))
        for j, kind, path in _files_of(slot, station):
            if not path.is_file():
                problems.append(_where(loc, ("slots", i, "program", j, kind),
                                       t("v.file_missing", kind=kind, path=path)))
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


def validate_file(path: Path, station: Station, *, week_dir: Path | None = None) -> list[str]:
    """Every problem in schedule file ``path``; an empty list means it is valid.

    A dated file is checked against the week template in ``week_dir`` (default: its own
    folder; ``broadcaster load`` of a file from elsewhere passes the station's schedules/)."""
    try:
        loc = yamlpos.load_file(path)
    except yamlpos.YamlSyntaxError as exc:
        return [f"{exc.source}:{exc.line}:{exc.column}: {t('v.yaml', detail=exc.detail)}"]
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{path}:1:1: {t('v.unreadable', detail=exc)}"]
    data = loc.data if loc.data is not None else {}
    day = date_of(path)
    model = DayFile if day else WeekFile
    if path.name != WEEK_FILE and day is None:
        return [f"{path}:1:1: {t('v.file_name')}"]
    if not isinstance(data, dict):
        return [f"{path}:1:1: {t('v.not_mapping')}"]
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        return explain(exc, loc, model)
    problems = _slot_checks(parsed.slots, loc, station, day)
    ids = [s.id for s in parsed.slots]
    for i, slot in enumerate(parsed.slots):
        if ids.index(slot.id) != i:
            problems.append(_where(loc, ("slots", i, "id"), t("v.dup_slot", slot=slot.id)))
    own = [(s, ("slots", i, "at")) for i, s in enumerate(parsed.slots)]
    if day is None:
        problems += _overlaps(own, loc, station, DAYS)
    else:
        week = _week(week_dir or path.parent)
        weekday = DAYS[day.weekday()]
        keep: list[tuple[Slot, tuple[Any, ...] | None]] = []
        if week is not None and not (parsed.no_broadcast or parsed.replace_week):
            week_ids = {s.id for s in week.slots}
            for k, cancelled in enumerate(parsed.cancel):
                if cancelled not in week_ids:
                    guess = yamlpos.did_you_mean(cancelled, week_ids)
                    hint = t("v.did_you_mean", guess=guess) if guess else t("v.see_week")
                    problems.append(_where(loc, ("cancel", k),
                                           t("v.cancel_unknown", slot=cancelled, hint=hint)))
            own_ids = {s.id for s in parsed.slots}
            keep = [(s, None) for s in week.slots if weekday in s.days
                    and s.id not in parsed.cancel and s.id not in own_ids]
        dated = [(s.model_copy(update={"days": (weekday,)}), p) for s, p in own]
        problems += _overlaps(keep + dated, loc, station, (weekday,))
    return [text for _, _, text in sorted(problems)]


def _week(folder: Path) -> WeekFile | None:
    path = folder / WEEK_FILE
    if not path.is_file():
        return None
    try:
        return WeekFile.model_validate(yamlpos.load_file(path).data or {})
    except (ValidationError, yamlpos.YamlSyntaxError, OSError):
        return None
