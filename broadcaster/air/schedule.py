"""The operator's schedule: a weekly template plus dated files that override it for a day.

``schedules/week.yaml`` lists named slots per weekday; ``schedules/YYYY-MM-DD.yaml`` adds one-off
slots, cancels template slots, or declares a no-broadcast day. Pure: ``plan(day)`` takes the
date; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)

from broadcaster import yamlpos
from broadcaster.errors import ScheduleError
from broadcaster.messages import describe_error, t

WEEK_FILE = "week.yaml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Vietnamese day names operators write: thứ hai (t2) .. chủ nhật (cn)
DAY_ALIASES = {"t2": "mon", "t3": "tue", "t4": "wed", "t5": "thu", "t6": "fri", "t7": "sat",
               "cn": "sun"}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JingleItem(_Strict):
    jingle: str  # open | close | between | a file path
    gain_db: float = 0.0


class AudioItem(_Strict):
    audio: str
    gain_db: float = 0.0
    fade_in_ms: int = Field(0, ge=0)
    fade_out_ms: int = Field(0, ge=0)


class MusicItem(_Strict):
    music: str
    gain_db: float = 0.0
    fade_in_ms: int = Field(1000, ge=0)
    fade_out_ms: int = Field(2000, ge=0)
    max_seconds: float | None = Field(None, gt=0)


class SayItem(_Strict):
    say: str = Field(min_length=1)


class BulletinItem(_Strict):
    bulletin: str  # a file, relative to the station folder


class SilenceItem(_Strict):
    silence_ms: int = Field(ge=0, le=600000)


class Selection(_Strict):
    tags: tuple[str, ...] = ()
    priority: tuple[Literal["normal", "priority", "emergency"], ...] = ()
    max_count: int | None = Field(None, ge=1)
    max_minutes: float | None = Field(None, gt=0)


ZONES_HELP = ("Zones (station.yaml zones:, or output names) this item reaches, within the "
              "slot's; the other outputs are silent meanwhile; empty: the slot's")


class BulletinsItem(_Strict):
    bulletins: Selection
    zones: tuple[str, ...] = Field((), description=ZONES_HELP)


class RelaySpec(_Strict):
    url: str = Field(description="The upstream stream (HTTP/Icecast MP3, AAC or Ogg)")
    minutes: float = Field(gt=0, le=24 * 60, description="How long the relay airs")
    fallback: str = Field(min_length=1, description="Local file aired while the stream is out")

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v.strip()):
            raise ValueError(t("v.relay_url"))
        return v.strip()


class RelayItem(_Strict):
    relay: RelaySpec
    zones: tuple[str, ...] = Field((), description=ZONES_HELP)


ITEM_KEYS = ("jingle", "audio", "music", "say", "bulletin", "silence_ms", "bulletins", "relay")


def _item_kind(value: Any) -> str | None:
    """A program item's kind is the one item key it has (``jingle: open`` is a jingle)."""
    if isinstance(value, BaseModel):
        return next(k for k in ITEM_KEYS if k in type(value).model_fields)
    if isinstance(value, dict):
        return next((k for k in ITEM_KEYS if k in value), None)
    return None


Item = Annotated[
    Annotated[JingleItem, Tag("jingle")] | Annotated[AudioItem, Tag("audio")]
    | Annotated[MusicItem, Tag("music")] | Annotated[SayItem, Tag("say")]
    | Annotated[BulletinItem, Tag("bulletin")] | Annotated[SilenceItem, Tag("silence_ms")]
    | Annotated[BulletinsItem, Tag("bulletins")] | Annotated[RelayItem, Tag("relay")],
    Discriminator(_item_kind),
]


def parse_time(value: str) -> dt.time:
    m = _TIME.match(value.strip())
    if not m:
        raise ValueError(t("v.bad_time", value=value))
    return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


class Slot(_Strict):
    id: str = Field(description="Stable slot id: lower-case letters, digits, '-', '_' (e.g. sang)",
                    json_schema_extra={"pattern": _ID.pattern})
    name: str = Field("", description="Name the operator sees (e.g. Chương trình buổi sáng)")
    at: str = Field(description="Start time in station time, HH:MM or HH:MM:SS (quote it)",
                    json_schema_extra={"pattern": _TIME.pattern})
    days: tuple[str, ...] = Field(DAYS, description="Weekdays: mon..sun or t2..t7, cn")
    max_minutes: float | None = Field(None, gt=0, description="Longest this slot may run")
    program: tuple[Item, ...] = Field(min_length=1, description="Items aired in order")
    zones: tuple[str, ...] = Field((), description="Zones (station.yaml zones:, or output "
                                   "names) this slot airs on; empty: all")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(t("v.bad_id", value=v))
        return v

    @field_validator("at", mode="before")
    @classmethod
    def _at(cls, v: Any) -> str:
        if isinstance(v, int):  # YAML 1.1 reads 06:00 unquoted as sexagesimal 360
            v = f"{v // 60:02d}:{v % 60:02d}"
        parse_time(str(v))
        return str(v)

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, v: Any) -> tuple[str, ...]:
        items = [v] if isinstance(v, str) else list(v)
        out = []
        for d in items:
            key = DAY_ALIASES.get(str(d).lower().strip(), str(d).lower().strip())
            if key not in DAYS:
                guess = yamlpos.did_you_mean(key, DAYS + tuple(DAY_ALIASES))
                hint = f" ({t('v.did_you_mean', guess=guess)})" if guess else ""
                raise ValueError(t("v.bad_day", value=d, hint=hint))
            out.append(key)
        return tuple(out)

    @property
    def relays(self) -> tuple[RelayItem, ...]:
        """The program's relay items, in order (a relay slot has one item: its relay)."""
        return tuple(i for i in self.program if isinstance(i, RelayItem))

    @property
    def relay_minutes(self) -> float:
        return sum(i.relay.minutes for i in self.relays)

    def item_zones(self) -> tuple[str, ...]:
        """Every zone its items name (validation checks them like the slot's)."""
        return tuple(z for i in self.program if isinstance(i, (BulletinsItem, RelayItem))
                     for z in i.zones)

    @property
    def time(self) -> dt.time:
        return parse_time(self.at)

    @property
    def label(self) -> str:
        return self.name or self.id


class WeekFile(_Strict):
    """schedules/week.yaml: the slots that air every week."""

    slots: tuple[Slot, ...] = ()


class DayFile(_Strict):
    """schedules/YYYY-MM-DD.yaml: changes to the week template for one date."""

    no_broadcast: bool = Field(False, description="Nothing airs on this date")
    replace_week: bool = Field(False, description="Only this file's slots air on this date")
    cancel: tuple[str, ...] = Field((), description="Week slots (by id) that do not air")
    slots: tuple[Slot, ...] = Field((), description="One-off slots for this date")
    note: str = ""


@dataclass(frozen=True)
class PlannedSlot:
    """One slot on one date: the unit the playout prepares, airs and logs."""

    day: dt.date
    slot: Slot
    start: dt.datetime  # aware, station time zone

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.slot.id}"


def _fields_of(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _strip_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the union tag pydantic puts after a program item's index."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if (i >= 2 and loc[i - 2] == "program" and isinstance(loc[i - 1], int)
                and part in ITEM_KEYS):
            continue
        out.append(part)
    return tuple(out)


def explain(exc: ValidationError, loc: yamlpos.Located, model: type[BaseModel]) -> list[str]:
    """pydantic errors as ``file:line:col: message (hint)`` lines, one per problem."""
    problems: list[tuple[int, int, str]] = []
    errors = exc.errors()
    paths = [_strip_tags(tuple(e["loc"])) for e in errors]
    for err, path in zip(errors, paths, strict=True):
        if err["type"] == "too_short" and any(len(p) > len(path) and p[:len(path)] == path
                                              for p in paths):
            continue  # a list "too short" only because one of its items was invalid
        if err["type"] == "extra_forbidden":
            key = path[-1]
            in_item = len(path) >= 3 and path[-3] == "program"
            choices = _item_fields(loc.data, path[:-1]) if in_item else _guess_fields(model, path[:-1])
            guess = yamlpos.did_you_mean(str(key), choices)
            hint = (t("v.did_you_mean", guess=guess) if guess
                    else t("v.valid_keys", keys=", ".join(choices)))
            problems.append(_at(loc, path, True, t("v.unknown_key", key=key, hint=hint)))
        elif err["type"] == "union_tag_not_found" or err["type"] == "union_tag_invalid":
            item = _get(loc.data, path)
            keys = [str(k) for k in item] if isinstance(item, dict) else []
            guess = next((g for g in (yamlpos.did_you_mean(k, ITEM_KEYS) for k in keys) if g), None)
            hint = (t("v.did_you_mean", guess=guess) if guess
                    else t("v.item_kinds", kinds=", ".join(ITEM_KEYS)))
            problems.append(_at(loc, path, True, t("v.item_kind", hint=hint)))
        else:
            field = ".".join(str(p) for p in path) or "file"
            problems.append(_at(loc, path, False, f"{field}: {describe_error(dict(err))}"))
    return [text for _, _, text in sorted(problems, key=lambda p: (p[0], p[1]))]


def _at(loc: yamlpos.Located, path: tuple[Any, ...], key: bool, message: str) -> tuple[int, int, str]:
    where = loc.where(path, key=key)
    line, col = (int(x) for x in where.rsplit(":", 2)[1:])
    return line, col, f"{where}: {message}"


def _item_fields(data: Any, item_path: tuple[Any, ...]) -> list[str]:
    kind = _item_kind(_get(data, item_path))
    models: dict[str, type[BaseModel]] = {
        "jingle": JingleItem, "audio": AudioItem, "music": MusicItem, "say": SayItem,
        "bulletin": BulletinItem, "silence_ms": SilenceItem, "bulletins": BulletinsItem}
    return list(models[kind].model_fields) if kind else list(ITEM_KEYS)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        try:
            data = data[p]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _guess_fields(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for p in path:
        if isinstance(p, int):
            continue
        field = current.model_fields.get(p) if hasattr(current, "model_fields") else None
        if field is None:
            break
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))[0] if hasattr(ann, "__args__") else ann
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            current = inner
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            current = ann
    return _fields_of(current) if hasattr(current, "model_fields") else []


def decode(data: bytes, source: str) -> str:
    """A schedule file's bytes as text, decoded as inbox files are (UTF-8 or UTF-16 with or
    without BOM, Windows-1258, legacy Vietnamese font encodings)."""
    from broadcaster.errors import InboxError
    from broadcaster.inbox.reader import decode_bytes  # lazy: it pulls in the text stage

    try:
        return decode_bytes(data, source)
    except InboxError as exc:
        raise ScheduleError(f"{source}:1:1: {t('v.unreadable', detail=exc.message)}") from None


def locate(data: bytes, source: str) -> yamlpos.Located:
    """Decode and parse one schedule file; ScheduleError names the place of a syntax error."""
    try:
        return yamlpos.load(decode(data, source), source)
    except yamlpos.YamlSyntaxError as exc:
        raise ScheduleError(f"{exc.source}:{exc.line}:{exc.column}: {exc.plain}") from None


def read_located(path: Path) -> yamlpos.Located:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScheduleError(f"{path}:1:1: {t('v.unreadable', detail=exc)}") from None
    return locate(data, str(path))


def duplicate_ids(loc: yamlpos.Located) -> list[tuple[int, int, str]]:
    """A slot id used a second time, reported at the duplicate's line."""
    slots = loc.data.get("slots") if isinstance(loc.data, dict) else None
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(slots if isinstance(slots, list) else []):
        ident = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            out.append(_at(loc, ("slots", i, "id"), False, t("v.dup_slot", slot=ident)))
        seen.add(ident)
    return out


def parse_located(loc: yamlpos.Located, model: type[BaseModel]) -> Any:
    """Validate parsed YAML as ``model``; ScheduleError lists every problem with position."""
    data = loc.data if loc.data is not None else {}
    if not isinstance(data, dict):
        raise ScheduleError(f"{loc.source}:1:1: {t('v.not_mapping')}")
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise ScheduleError(explain(exc, loc, model)) from None
    dups = duplicate_ids(loc)
    if dups:
        raise ScheduleError([text for _, _, text in dups])
    return parsed


def parse_file(path: Path, model: type[BaseModel]) -> Any:
    """Parse and validate one schedule file; ScheduleError lists every problem with position."""
    return parse_located(read_located(path), model)


@dataclass
class Schedule:
    """The week template plus dated files found in a station's ``schedules/`` folder."""

    folder: Path
    tz: ZoneInfo
    week: WeekFile
    days: dict[dt.date, DayFile]
    extra: dict[dt.date, list[Slot]]  # one-off slots added at run time (demo, load)

    @classmethod
    def load(cls, folder: Path, tz: ZoneInfo) -> Schedule:
        week_path = folder / WEEK_FILE
        week = parse_file(week_path, WeekFile) if week_path.is_file() else WeekFile()
        days: dict[dt.date, DayFile] = {}
        problems: list[str] = []
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            day = date_of(path)
            if day is None:
                continue
            try:
                days[day] = parse_file(path, DayFile)
            except ScheduleError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ScheduleError(problems)
        return cls(folder, tz, week, days, {})

    def add_one_off(self, day: dt.date, slot: Slot) -> None:
        self.extra.setdefault(day, []).append(slot)

    def plan(self, day: dt.date) -> list[PlannedSlot]:
        """The slots that air on ``day``, in time order."""
        override = self.days.get(day)
        slots: list[Slot] = []
        if override is None or not (override.no_broadcast or override.replace_week):
            weekday = DAYS[day.weekday()]
            cancelled = set(override.cancel) if override else set()
            slots += [s for s in self.week.slots if weekday in s.days and s.id not in cancelled]
        if override is not None and not override.no_broadcast:
            ids = {s.id for s in override.slots}
            slots = [s for s in slots if s.id not in ids] + list(override.slots)
        slots += self.extra.get(day, [])
        planned = [PlannedSlot(day, s, dt.datetime.combine(day, s.time, self.tz)) for s in slots]
        return sorted(planned, key=lambda p: (p.start, p.slot.id))


def date_of(path: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat(path.stem)
    except ValueError:
        return None
