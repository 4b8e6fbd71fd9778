"""The schedule book: every file in ``schedules/`` stands alone, so one bad file never stops air.

The book judges each file on its own (a dated file also against the week it would change),
airs every valid file, keeps the last good version of an invalid one (copies under
``var/schedules-good/`` survive a restart; a file never valid is ignored) and says which file is
wrong and where. ``install`` is ``broadcaster load``: it judges one file only, says what changes
(slots added, removed, moved), asks for confirmation before removing slots, and keeps every
replaced file under ``var/schedules-history/``. Readers (doctor, monitor, bulletins, program)
open a read-only book so a bad file never blinds them either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from broadcaster import durable
from broadcaster.air.schedule import (
    DAYS,
    WEEK_FILE,
    DayFile,
    Schedule,
    Slot,
    WeekFile,
    date_of,
    locate,
    parse_located,
)
from broadcaster.air.validate import check_bytes
from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Station
from broadcaster.errors import ScheduleError
from broadcaster.messages import t

log = logging.getLogger(__name__)

GOOD_DIR = "schedules-good"
HISTORY_DIR = "schedules-history"
Model = WeekFile | DayFile


class Source(StrEnum):
    """What the book airs for one file."""

    FILE = "file"  # the file as it is now
    LAST_GOOD = "last_good"  # the file is invalid: its last good version
    IGNORED = "ignored"  # invalid and never valid: nothing


@dataclass(frozen=True)
class FileState:
    """One schedule file: its problems (none when valid) and what airs for it."""

    name: str
    problems: tuple[str, ...]
    source: Source
    model: Model | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    CHANGED = "changed"  # same time, other program or name


@dataclass(frozen=True)
class SlotChange:
    kind: ChangeKind
    slot: str
    before: str  # "06:00" (a day) or "06:00 mon, tue" (the week); "" when added
    after: str  # "" when removed

    def line(self) -> str:
        return t(f"load.{self.kind.value}", slot=self.slot, before=self.before, after=self.after)


@dataclass(frozen=True)
class Change:
    """What replacing one file changes in what airs."""

    name: str
    slots: tuple[SlotChange, ...]

    @property
    def removed(self) -> tuple[SlotChange, ...]:
        return tuple(c for c in self.slots if c.kind == ChangeKind.REMOVED)

    def lines(self) -> list[str]:
        return [c.line() for c in self.slots] or [t("load.unchanged")]


@dataclass(frozen=True)
class LoadResult:
    """The answer to ``load FILE``: refused (problems), waiting for confirmation, or installed."""

    path: Path
    problems: tuple[str, ...]
    change: Change
    installed: bool

    @property
    def needs_confirmation(self) -> bool:
        return not self.problems and not self.installed and bool(self.change.removed)

    def message(self) -> str:
        if self.problems:
            return t("control.load_refused", path=self.path, problems="\n".join(self.problems))
        if self.needs_confirmation:
            return t("load.confirm", path=self.path, n=len(self.change.removed),
                     changes="\n".join(self.change.lines()))
        return t("load.done", path=self.path, changes="\n".join(self.change.lines()))


@dataclass(frozen=True)
class Reload:
    """What a reload of the folder found: the files that changed, and every invalid file."""

    changes: tuple[Change, ...]
    invalid: tuple[FileState, ...]
    new_problems: tuple[FileState, ...] = ()  # invalid files not reported before


class ScheduleBook:
    """The station's schedule files, each standing alone; ``schedule()`` is what airs."""

    def __init__(self, station: Station, clock: Clock | None = None, *,
                 persist: bool = False) -> None:
        self.station = station
        self.folder = station.schedules_dir
        self.good_dir = station.var_dir / GOOD_DIR
        self.history_dir = station.var_dir / HISTORY_DIR
        self.clock = clock or SystemClock(station.tz)
        self.persist = persist  # only the running station writes good copies and history
        self.extra: dict[dt.date, list[Slot]] = {}  # one-off slots (demo), kept across reloads
        self._states: dict[str, FileState] = {}
        self._digest = ""
        self._lock = threading.RLock()
        self._schedule = self._build()

    @classmethod
    def open(cls, station: Station) -> ScheduleBook:
        """A read-only book of the folder as it is now (for doctor, monitor, commands)."""
        book = cls(station)
        book.reload()
        return book

    # --- what airs --------------------------------------------------------------------------
    def schedule(self) -> Schedule:
        return self._schedule

    def states(self) -> list[FileState]:
        with self._lock:
            return list(self._states.values())

    def invalid(self) -> list[FileState]:
        """Every file with a problem (airing its last good version, or nothing)."""
        return [s for s in self.states() if not s.ok]

    def require_week(self) -> None:
        """Refuse to start on an invalid week template with no good copy to air instead."""
        week = self._states.get(WEEK_FILE)
        if week is not None and week.source == Source.IGNORED:
            raise ScheduleError([t("book.week_refused"), *week.problems])

    def add_one_off(self, day: dt.date, slot: Slot) -> None:
        with self._lock:
            self.extra.setdefault(day, []).append(slot)

    def _build(self) -> Schedule:
        week = self._states.get(WEEK_FILE)
        days: dict[dt.date, DayFile] = {}
        for name, state in self._states.items():
            day = date_of(Path(name))
            if day is not None and isinstance(state.model, DayFile):
                days[day] = state.model
        week_model = week.model if week is not None and isinstance(week.model, WeekFile) else None
        return Schedule(self.folder, self.station.tz, week_model or WeekFile(), days, self.extra)

    # --- judging ----------------------------------------------------------------------------
    def _week(self) -> WeekFile | None:
        state = self._states.get(WEEK_FILE)
        return state.model if state is not None and isinstance(state.model, WeekFile) else None

    def check(self, path: Path) -> list[str]:
        """Every problem of ``path`` as ``load`` judges it (a dated file against the week that
        airs); the other files never count."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return [f"{path}:1:1: {t('v.unreadable', detail=exc)}"]
        return check_bytes(data, path, self.station, self._week())[0]

    def _judge(self, name: str, data: bytes, source: Path) -> FileState:
        problems, model = check_bytes(data, source, self.station,
                                      None if name == WEEK_FILE else self._week())
        if model is not None:  # airs as written (its problems, if any, do not forbid it)
            if self.persist:
                self._keep_good(name, data)
            return FileState(name, tuple(problems), Source.FILE, model)
        previous = self._states.get(name)
        if previous is not None and previous.model is not None:
            return FileState(name, tuple(problems), Source.LAST_GOOD, previous.model)
        good = self._good_copy(name)
        if good is not None:
            return FileState(name, tuple(problems), Source.LAST_GOOD, good)
        return FileState(name, tuple(problems), Source.IGNORED, None)

    def _good_copy(self, name: str) -> Model | None:
        path = self.good_dir / name
        try:
            loc = locate(path.read_bytes(), str(path))
            parsed: Model = parse_located(loc, WeekFile if name == WEEK_FILE else DayFile)
            return parsed
        except (OSError, ScheduleError):
            return None

    # --- the folder -------------------------------------------------------------------------
    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        files = [p for p in self.folder.glob("*.yaml") if p.is_file() and not p.name.startswith(".")]
        return sorted(files, key=lambda p: (p.name != WEEK_FILE, p.name))  # the week first

    def reload(self, *, force: bool = True) -> Reload:
        """Judge every file in the folder again; ``force=False`` skips an unchanged folder."""
        with self._lock:
            files = self._files()
            contents = {p.name: _read(p) for p in files}
            digest = _digest(contents)
            if not force and digest == self._digest:
                return Reload((), tuple(self.invalid()))
            self._digest = digest
            before = dict(self._states)
            states: dict[str, FileState] = {}
            for path in files:
                data = contents[path.name]
                if data is None:  # vanished between listing and reading
                    continue
                states[path.name] = self._judge(path.name, data, path)
                self._states[path.name] = states[path.name]  # the week first: days judge by it
            for name in set(before) - set(states):
                self._forget(name)
            self._states = states
            self._schedule = self._build()
            changes = [c for c in (self._diff(n, before.get(n), states.get(n))
                                   for n in sorted(set(before) | set(states))) if c.slots]
            invalid = tuple(s for s in states.values() if not s.ok)
            return Reload(tuple(changes), invalid,
                          tuple(s for s in invalid if before.get(s.name) != s))

    def _forget(self, name: str) -> None:
        """A file deleted from the folder: its good copy goes to the history."""
        good = self.good_dir / name
        if self.persist and good.is_file():
            self._retire(name, good.read_bytes())
            good.unlink()

    # --- load -------------------------------------------------------------------------------
    def preview(self, path: Path, data: bytes | None = None) -> LoadResult:
        """What ``install`` would do with ``path``, changing nothing (the web desk shows this
        before asking for confirmation)."""
        with self._lock:
            problems, model, _ = self._candidate(path, data)
            change = self._diff(path.name, self._states.get(path.name),
                                FileState(path.name, (), Source.FILE, model) if model else None)
            return LoadResult(path, tuple(problems), change, installed=False)

    def install(self, path: Path, *, confirmed: bool = False,
                data: bytes | None = None) -> LoadResult:
        """``broadcaster load``: judge ``path`` alone; install it as schedules/NAME unless it
        has problems, or removes slots and is not ``confirmed``. The file it replaces is kept
        in the history. ``data``: the content when it is not read from ``path`` (an upload
        named ``path``)."""
        with self._lock:
            problems, model, data = self._candidate(path, data)
            current = self._states.get(path.name)
            new = FileState(path.name, (), Source.FILE, model) if model else None
            change = self._diff(path.name, current, new)
            if problems or model is None or (change.removed and not confirmed):
                return LoadResult(path, tuple(problems), change, installed=False)
            target = self.folder / path.name
            old = _read(target)
            if old is not None and old != data:
                self._retire(path.name, old)
            if old != data:
                self.folder.mkdir(parents=True, exist_ok=True)
                durable.write_bytes(target, data)
            if self.persist:
                self._keep_good(path.name, data)
            self._states[path.name] = FileState(path.name, (), Source.FILE, model)
            contents = {p.name: _read(p) for p in self._files()}
            self._digest = _digest(contents)  # the watcher need not reload what we installed
            self._schedule = self._build()
            return LoadResult(path, (), change, installed=True)

    def _candidate(self, path: Path, data: bytes | None) -> tuple[list[str], Model | None, bytes]:
        if data is None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                return [f"{path}:1:1: {t('v.unreadable', detail=exc)}"], None, b""
        week = None if path.name == WEEK_FILE else self._week()
        problems, model = check_bytes(data, path, self.station, week)
        return problems, model, data

    # --- good copies and history -----------------------------------------------------------
    def _keep_good(self, name: str, data: bytes) -> None:
        good = self.good_dir / name
        old = _read(good)
        if old == data:
            return
        if old is not None:
            self._retire(name, old)
        self.good_dir.mkdir(parents=True, exist_ok=True)
        durable.write_bytes(good, data)

    def _retire(self, name: str, data: bytes) -> Path | None:
        """Keep ``data`` (a replaced version of ``name``) in the history, timestamped."""
        stem, suffix = Path(name).stem, Path(name).suffix
        self.history_dir.mkdir(parents=True, exist_ok=True)
        if any(_read(p) == data for p in self.history(name)):
            return None  # already kept
        stamp = f"{self.clock.now():%Y%m%d-%H%M%S}"
        target = self.history_dir / f"{stem}.{stamp}{suffix}"
        n = 1
        while target.exists():
            n += 1
            target = self.history_dir / f"{stem}.{stamp}-{n}{suffix}"
        durable.write_bytes(target, data)
        log.info("schedule %s: previous version kept as %s", name, target)
        return target

    def history(self, name: str) -> list[Path]:
        """The kept versions of ``name``, oldest first."""
        path = Path(name)
        kept = self.history_dir.glob(f"{path.stem}.*{path.suffix}") if self.history_dir.is_dir() else []
        return sorted(kept, key=lambda p: (p.stat().st_mtime_ns, p.name))

    # --- what changes -----------------------------------------------------------------------
    def _diff(self, name: str, before: FileState | None, after: FileState | None) -> Change:
        old = before.model if before is not None else None
        new = after.model if after is not None else None
        if name == WEEK_FILE:
            return Change(name, _diff_slots(_week_slots(old), _week_slots(new), week=True))
        day = date_of(Path(name))
        if day is None:
            return Change(name, ())
        return Change(name, _diff_slots(self._day_slots(day, old), self._day_slots(day, new),
                                        week=False))

    def _day_slots(self, day: dt.date, model: Model | None) -> dict[str, Slot]:
        """The slots airing on ``day`` with ``model`` as its file (None: no file)."""
        days = {day: model} if isinstance(model, DayFile) else {}
        schedule = Schedule(self.folder, self.station.tz, self._week() or WeekFile(), days, {})
        return {p.slot.id: p.slot for p in schedule.plan(day)}


def _week_slots(model: Model | None) -> dict[str, Slot]:
    return {s.id: s for s in model.slots} if isinstance(model, WeekFile) else {}


def _when(slot: Slot, week: bool) -> str:
    if not week:
        return slot.at
    days = t("load.every_day") if set(slot.days) == set(DAYS) else ", ".join(slot.days)
    return f"{slot.at} ({days})"


def _diff_slots(old: dict[str, Slot], new: dict[str, Slot], *, week: bool) -> tuple[SlotChange, ...]:
    out: list[SlotChange] = []
    for ident in sorted(set(old) | set(new), key=lambda i: ((new.get(i) or old[i]).time, i)):
        a, b = old.get(ident), new.get(ident)
        if a is None and b is not None:
            out.append(SlotChange(ChangeKind.ADDED, ident, "", _when(b, week)))
        elif b is None and a is not None:
            out.append(SlotChange(ChangeKind.REMOVED, ident, _when(a, week), ""))
        elif a is not None and b is not None and a != b:
            moved = a.time != b.time or (week and set(a.days) != set(b.days))
            out.append(SlotChange(ChangeKind.MOVED if moved else ChangeKind.CHANGED, ident,
                                  _when(a, week), _when(b, week)))
    return tuple(out)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _digest(contents: dict[str, bytes | None]) -> str:
    h = hashlib.sha256()
    for name in sorted(contents):
        h.update(name.encode() + b"\0" + (contents[name] or b"") + b"\0")
    return h.hexdigest()
