"""What the web desk knows and does, for every handler: reads the station's stores read-only,
acts through the control channel (or, with no station running, through the same store calls
as the CLI), and writes new bulletins into ``inbox/`` like a dropped file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from broadcaster.air.asrun import AsRunLog, AsRunRow
from broadcaster.air.control import CONTROL_FILE, ControlError, call
from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.db import open_reader
from broadcaster.durable import write_bytes, write_text
from broadcaster.errors import BroadcasterError, InboxError
from broadcaster.inbox.store import BulletinRecord, BulletinStore, store_path
from broadcaster.messages import t
from broadcaster.models import BulletinState, Priority
from broadcaster.web.meters import Disk, Level, disk_of
from broadcaster.web.users import UserStore, users_path

if TYPE_CHECKING:
    from broadcaster.air.schedule import WeekFile
    from broadcaster.air.schedules import ScheduleBook
    from broadcaster.ops.doctor import Check
    from broadcaster.web.charts import MonthFigures
    from broadcaster.web.listen import Prepared
    from broadcaster.web.planner import DayEdit, DayView, Draft
    from broadcaster.web.programs import ProgramRow, Scope

log = logging.getLogger(__name__)

TEXT_EXT = (".txt", ".docx")
PROBLEMS = ("late", "missed", "failed", "interrupted")
MEMO_SIZE = 32
RECORDING_EXT = re.compile(r"\.(mp3|m4a|aac|ogg|oga|opus|wav|amr|flac|3gp|webm|wma)")
KEPT_RECORDING = re.compile(r"[0-9a-f]{16}(\.(mp3|m4a|aac|ogg|oga|opus|wav|amr|flac|3gp|webm|wma))?")
DISK_EVERY_S = 30.0  # the archive's size is summed again at most this often
T = TypeVar("T")


class DeskError(BroadcasterError):
    """A desk action refused: the message is shown to the user as is."""


@dataclass(frozen=True)
class StationStatus:
    """What the running station reports through its control channel (``status``)."""

    on_air: str | None
    on_air_since: str | None
    next: list[tuple[str, str]]     # (start ISO, slot label)
    output: str
    output_error: str
    engines: list[tuple[str, bool, str]]  # (name, reachable, last error)
    alerts: list[tuple[str, str]]  # (when ISO, message), the station's last alerts
    output_level: Level | None = None  # what goes out, as the station measured it last

    @classmethod
    def parse(cls, reply: dict[str, Any]) -> StationStatus:
        def text(key: str) -> str:
            value = reply.get(key)
            return str(value) if value else ""

        nxt = [(str(p.get("start", "")), str(p.get("slot", ""))) for p in reply.get("next") or []
               if isinstance(p, dict)]
        # an engine works unless a probe failed or its breaker is open (espeak is never probed)
        engines = [(str(e.get("name", "")),
                    e.get("reachable") is not False and e.get("breaker") != "open",
                    str(e.get("last_error") or ""))
                   for e in reply.get("engines") or [] if isinstance(e, dict)]
        alerts = [(str(a.get("at", "")), str(a.get("message", "")))
                  for a in reply.get("alerts") or [] if isinstance(a, dict)]
        return cls(on_air=text("on_air") or None, on_air_since=text("on_air_since") or None,
                   next=nxt, output=text("output"), output_error=text("output_error"),
                   engines=engines, alerts=alerts,
                   output_level=Level.parse(reply.get("output_level")))


@dataclass(frozen=True)
class Piece:
    """A stretch of the spoken script; ``change`` says which rule made it, if any."""

    text: str
    rule: str = ""
    original: str = ""


@dataclass(frozen=True)
class Preview:
    lines: list[list[Piece]]
    changes: int


def safe_name(name: str, ext: str) -> str:
    """An ASCII file name for ``inbox/`` from whatever the browser sent (no folders, no dots)."""
    stem = Path(name.replace("\\", "/")).name
    stem = stem[: -len(ext)] if stem.lower().endswith(ext) else stem
    s = unicodedata.normalize("NFD", stem.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:60] or "ban-tin"
    return s + ext


def sniff_upload(name: str, data: bytes, limit: int) -> str:
    """The extension a file really is (``.txt`` or ``.docx``), judged by its content."""
    from broadcaster.inbox.reader import decode_bytes, docx_text

    ext = Path(name).suffix.lower()
    if len(data) > limit:
        raise DeskError(t("web.too_large", name=name, limit=limit // 2**20))
    if ext not in TEXT_EXT:
        raise DeskError(t("web.bad_type", name=name))
    try:
        if ext == ".docx":
            if not data.startswith(b"PK\x03\x04"):
                raise DeskError(t("web.not_what_it_says", name=name, kind="docx"))
            text = docx_text(data, name)
        else:
            text = decode_bytes(data, name)
    except InboxError as exc:
        raise DeskError(t("web.not_what_it_says", name=name, kind=ext[1:]) + f" ({exc})") from None
    if not text.strip():
        raise DeskError(t("web.empty_file", name=name))
    return ext


def front_matter(title: str, priority: Priority, repeat: int) -> str:
    """The YAML head of a pasted bulletin (JSON strings are YAML: no injection by quoting)."""
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\npriority: {priority.value}\n"
            f"repeat: {repeat}\n---\n")


class Desk:
    """The station as the desk sees it; one per web process."""

    def __init__(self, station: Station, clock: Clock) -> None:
        self.station = station
        self.clock = clock
        self.users = UserStore(users_path(station.var("db")), clock)
        self._pipeline: Any = None
        self._memo: dict[tuple[str, ...], tuple[tuple[int, ...], Any]] = {}
        self._disk: tuple[float, Disk] | None = None
        self._status_cv = threading.Condition()
        self._status_busy = False
        self._status_gen = 0
        self._status_last: StationStatus | None = None
        self._memo_lock = threading.Lock()
        self._making: dict[tuple[str, ...], threading.Lock] = {}

    def close(self) -> None:
        self.users.close()

    # --- reading ---------------------------------------------------------------------------
    def _cached(self, key: tuple[str, ...], dbs: tuple[Path, ...], make: Callable[[], T]) -> T:
        """``make()`` again only when one of the SQLite files ``dbs`` (or its WAL) changed
        since: fifty open pages read the store once, not fifty times (the desk never writes
        these files)."""
        stamp: list[int] = []
        for p in (f for db in dbs for f in (db, db.with_name(db.name + "-wal"))):
            try:
                st = p.stat()
                stamp += [st.st_mtime_ns, st.st_size, st.st_ino]
            except OSError:
                stamp += [0, 0, 0]
        found = self._memo.get(key)
        if found is not None and found[0] == tuple(stamp):
            return cast(T, found[1])
        with self._memo_lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:  # single flight (desk1): fifty report pages in threads build it once
            found = self._memo.get(key)
            if found is not None and found[0] == tuple(stamp):
                return cast(T, found[1])
            value = make()
            with self._memo_lock:
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[key] = (tuple(stamp), value)
                if len(self._making) > 4 * MEMO_SIZE:
                    self._making.clear()  # a held lock stays held by its owner: still safe
        return value

    def _store(self) -> BulletinStore | None:
        path = store_path(self.station)
        return open_reader(BulletinStore, path)

    def bulletins(self, states: tuple[str, ...] = ()) -> list[BulletinRecord]:
        """Newest first; the store is read once per change whatever the filters asked (desk1:
        reading a thousand bulletins takes a while; three filters read it three times)."""
        db = (store_path(self.station),)
        every = self._cached(("bulletins",), db, lambda: self._bulletins(()))
        if not states:
            return every
        return self._cached(("bulletins", *states), db,
                            lambda: [r for r in every if r.state in states])

    def _bulletins(self, states: tuple[str, ...]) -> list[BulletinRecord]:
        store = self._store()
        if store is None:
            return []
        try:
            recs = store.all()
        finally:
            store.close()
        recs = [r for r in recs if not states or r.state in states]
        return sorted(recs, key=lambda r: r.updated_at or r.received_at or dt.datetime.min.replace(
            tzinfo=dt.UTC), reverse=True)

    def bulletin(self, bulletin_id: str) -> BulletinRecord:
        store = self._store()
        rec = store.get(bulletin_id) if store is not None else None
        if store is not None:
            store.close()
        if rec is None:
            raise DeskError(t("web.no_bulletin", id=bulletin_id))
        return rec

    def awaiting(self) -> list[BulletinRecord]:
        return self.bulletins((BulletinState.AWAITING_APPROVAL, BulletinState.RECEIVED))

    def asrun(self, day: dt.date | None = None) -> list[AsRunRow]:
        path = self.station.var("db") / "asrun.sqlite3"  # station.asrun_path; no audio imports
        day = day or self.clock.now().date()
        return self._cached(("asrun", day.isoformat()), (path,), lambda: self._asrun(path, day))

    def _asrun(self, path: Path, day: dt.date) -> list[AsRunRow]:
        log_ = open_reader(AsRunLog, path)
        if log_ is None:
            return []
        try:
            return log_.rows(day=day)
        finally:
            log_.close()

    def recent_problems(self) -> list[AsRunRow]:
        today = self.clock.now().date()
        rows = self.asrun(today - dt.timedelta(days=1)) + self.asrun(today)
        return [r for r in rows if r.outcome in PROBLEMS][-5:]

    def running(self) -> bool:
        return (self.station.var_dir / CONTROL_FILE).is_file()

    def status(self) -> StationStatus | None:
        """The running station's own status, or None when it is not running. A page asking
        while another's call is under way shares that call's answer (desk1: fifty open
        dashboards must not make the station answer fifty calls at once)."""
        with self._status_cv:
            if self._status_busy:
                asked = self._status_gen
                self._status_cv.wait_for(lambda: self._status_gen != asked, timeout=5.0)
                return self._status_last
            self._status_busy = True
        found: StationStatus | None = None
        try:
            found = self._status_now()
        finally:
            with self._status_cv:
                self._status_busy = False
                self._status_last = found
                self._status_gen += 1
                self._status_cv.notify_all()
        return found

    def _status_now(self) -> StationStatus | None:
        if not self.running():
            return None
        try:
            return StationStatus.parse(call(self.station.var_dir, "status", timeout=3.0,
                                            brief=True))
        except ControlError:
            return None

    def disk(self) -> Disk:
        """Free space under ``var/`` in MB and in days of archive (summed every 30 s)."""
        now = self.clock.monotonic()
        if self._disk is not None and now - self._disk[0] < DISK_EVERY_S:
            return self._disk[1]
        s = self.station.settings
        found = disk_of(self.station.var_dir, self.station.var_dir / "archive",
                        self.clock.now().date(), low_mb=s.alerts.disk_low_mb,
                        warn_days=s.web.disk_warn_days)
        self._disk = (now, found)
        return found

    # --- the preview -----------------------------------------------------------------------
    def preview(self, body: str) -> Preview:
        """The spoken script with the text stage's changes marked (what ``text --explain`` says)."""
        from broadcaster.pipeline import Pipeline
        from broadcaster.text import explain

        if self._pipeline is None:
            self._pipeline = Pipeline(self.station, self.clock)
        pipeline: Pipeline = self._pipeline
        lexicon, _ = pipeline.lexicon()
        s = self.station.settings
        changes = [c for c in explain(body, dialect=s.dialect, headings=s.text.headings,
                                      lexicon=lexicon) if c.spoken and c.spoken != c.original]
        lines = [_mark(line, changes) for line in pipeline.script_of_text(body).lines()]
        return Preview(lines, sum(1 for line in lines for p in line if p.rule))

    # --- acting ----------------------------------------------------------------------------
    def submit_text(self, title: str, body: str, priority: Priority, repeat: int) -> str:
        """Write a pasted bulletin into ``inbox/``; the station takes it like a dropped file."""
        if not body.strip():
            raise DeskError(t("web.empty_body"))
        name = self._free_name(safe_name(title or "ban-tin", ".txt"))
        write_text(self.station.inbox_dir / name, front_matter(title, priority, repeat) + body)
        return name

    def submit_file(self, name: str, data: bytes, limit: int) -> str:
        ext = sniff_upload(name, data, limit)
        target = self._free_name(safe_name(name, ext))
        write_bytes(self.station.inbox_dir / target, data)
        return target

    def _free_name(self, name: str) -> str:
        inbox = self.station.inbox_dir
        inbox.mkdir(parents=True, exist_ok=True)
        stem, ext = name.rsplit(".", 1)
        stamp = f"{self.clock.now():%Y%m%d-%H%M%S}"
        candidate = f"{stem}-{stamp}.{ext}"
        n = 1
        while (inbox / candidate).exists():
            n += 1
            candidate = f"{stem}-{stamp}-{n}.{ext}"
        return candidate

    def _act(self, cmd: str, **args: Any) -> None:
        """A store action through the running station, or the CLI's own call when none runs."""
        if self.running():
            try:
                call(self.station.var_dir, cmd, **args)
            except ControlError as exc:
                raise DeskError(str(exc)) from None
            return
        store = BulletinStore(store_path(self.station))
        now = self.clock.now()
        try:
            if cmd == "approve":
                store.approve(args["id"], by=args["by"], now=now, content_hash=args["hash"])
            elif cmd == "reject":
                store.reject(args["id"], args["reason"], by=args["by"], now=now)
            elif cmd == "withdraw":
                store.withdraw(args["id"], args["reason"], now=now)
        except InboxError as exc:
            raise DeskError(str(exc)) from None
        finally:
            store.close()

    def approve(self, bulletin_id: str, content_hash: str, by: str) -> None:
        self._act("approve", id=bulletin_id, hash=content_hash, by=by)

    def reject(self, bulletin_id: str, reason: str, by: str) -> None:
        if not reason.strip():
            raise DeskError(t("store.reason_needed"))
        self._act("reject", id=bulletin_id, reason=reason.strip(), by=by)

    def withdraw(self, bulletin_id: str, reason: str, by: str) -> None:
        if not reason.strip():
            raise DeskError(t("store.reason_needed"))
        self._act("withdraw", id=bulletin_id, reason=f"{reason.strip()} ({by})")

    # --- versions (desk1) ----------------------------------------------------------------------
    def previous_texts(self, ids: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, str]]:
        """(title, body) of the version before each (id, version), read once per store change."""
        def read() -> dict[tuple[str, int], tuple[str, str]]:
            store = self._store()
            if store is None:
                return {}
            try:
                return store.previous_texts(ids)
            finally:
                store.close()

        key = ("previous", *(f"{bid}@{v}" for bid, v in ids))
        return self._cached(key, (store_path(self.station),), read)

    # --- the schedule (desk web2) --------------------------------------------------------------
    def book(self) -> ScheduleBook:
        """A read-only schedule book of the folder as it is now (the station's own rules)."""
        from broadcaster.air.schedules import ScheduleBook

        return ScheduleBook.open(self.station)

    def _read_book(self) -> ScheduleBook:
        """The book for reading, judged again only when a schedule file changed."""
        folder = self.station.schedules_dir
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        stamp = tuple(str(x) for p in files for x in (p.name, *_stat(p)))
        return self._cached(("book", *stamp), (), self.book)

    def day(self, day: dt.date) -> DayView:
        from broadcaster.web.planner import day_view

        return day_view(self._read_book(), day)

    def week(self) -> WeekFile:
        return self._read_book().schedule().week

    def change_day(self, day: dt.date, edit: DayEdit, *, confirmed: bool) -> tuple[Draft, bool]:
        """Edit ``schedules/DAY.yaml``: judged like ``validate``, installed like ``load`` (a
        change that removes slots only when ``confirmed``); True when installed."""
        from broadcaster.web.planner import draft

        book = self.book()
        found = draft(book, day, edit)
        return found, self._install(book, found, confirmed=confirmed)

    def change_program(self, day: dt.date, slot_id: str, rows: list[ProgramRow], scope: Scope,
                       *, confirmed: bool) -> tuple[Draft, bool]:
        """Give ``slot_id`` the program ``rows`` in the week file or ``day``'s file (``scope``),
        judged and installed as ``change_day``; True when installed."""
        from broadcaster.web.programs import program_draft

        book = self.book()
        found = program_draft(book, day, slot_id, rows, scope)
        return found, self._install(book, found, confirmed=confirmed)

    def prepared(self, key: str) -> Prepared | None:
        """The program the running station has built for airing ``key`` (None: not yet)."""
        from broadcaster.web.listen import fetch

        try:
            return fetch(self.station, key)
        except ControlError as exc:
            raise DeskError(str(exc)) from None

    def _install(self, book: ScheduleBook, found: Draft, *, confirmed: bool) -> bool:
        """Install a judged draft like ``load`` (through the running station if any)."""
        if found.problems or found.change is None or (found.change.removed and not confirmed):
            return False
        if self.running():  # the station installs it (``broadcaster load``) and replans
            path = self.station.var("desk-drafts") / found.path.name
            write_bytes(path, found.data)
            try:
                call(self.station.var_dir, "load", path=str(path), yes=confirmed)
            except ControlError as exc:
                raise DeskError(str(exc)) from None
            return True
        result = book.install(found.path, confirmed=confirmed, data=found.data)
        if not result.installed:
            raise DeskError(result.message())
        return True

    # --- report and status (desk web2) -----------------------------------------------------
    def month(self, month: str) -> MonthFigures:
        """The month's report (``broadcaster report``) and the figures its charts draw."""
        asrun = self.station.var("db") / "asrun.sqlite3"
        return self._cached(("month", month), (asrun, store_path(self.station)),
                            lambda: self._month(month))

    def _month(self, month: str) -> MonthFigures:
        from broadcaster.ops.report import build_report
        from broadcaster.web.charts import figures

        rows: list[AsRunRow] = []
        path = self.station.var("db") / "asrun.sqlite3"
        log_ = open_reader(AsRunLog, path)
        if log_ is not None:
            try:
                rows = log_.rows(month=month)
            finally:
                log_.close()
        store = self._store()
        airings: list[tuple[str, int, str, str]] = []
        recs: dict[str, BulletinRecord] = {}
        if store is not None:
            try:
                airings = store.airings(month=month)
                recs = {r.id: r for r in store.all()}
            finally:
                store.close()
        rep = build_report(month, self.station.settings.name, rows, airings, recs)
        return figures(rep, rows, recs)

    def checks(self, *, probe: bool) -> list[Check]:
        """The doctor's checks; the slow device and engine probes only when ``probe``."""
        from broadcaster.ops.doctor import run_checks

        return run_checks(self.station, self.clock, device=probe, engines=probe)

    def emergency(self, text: str, repeat: int, recording: str = "") -> dict[str, Any]:
        """On air now through the station: ``text``, or ``recording`` (a name ``keep_recording``
        gave)."""
        if recording:
            path = self.recording_path(recording)
            if path is None:
                raise DeskError(t("emergency.audio_missing", path=recording))
            request: dict[str, Any] = {"audio": str(path)}
        elif text.strip():
            request = {"text": text.strip()}
        else:
            raise DeskError(t("emergency.need_text"))
        try:
            return call(self.station.var_dir, "emergency", repeat=repeat, **request)
        except ControlError as exc:
            raise DeskError(str(exc)) from None

    def live(self, start: bool, by: str) -> str:
        """Go live (the program on air fades, the station's input goes on air) or end it,
        through the station's control channel; the station's answer."""
        try:
            reply = (call(self.station.var_dir, "live_start", by=by) if start
                     else call(self.station.var_dir, "live_stop"))
        except ControlError as exc:
            raise DeskError(str(exc)) from None
        return str(reply.get("message", ""))

    def keep_recording(self, name: str, data: bytes) -> str:
        """An emergency recording uploaded from a phone, kept under ``var/emergency/`` by its
        content once its bytes say it is audio and it decodes; its name for ``emergency``."""
        from broadcaster.inbox.reader import is_audio
        from broadcaster.pipeline import Pipeline

        if not is_audio(data[:4096]):
            raise DeskError(t("web.emergency_audio_bad", name=name))
        ext = Path(name).suffix.lower()
        kept = f"{hashlib.sha256(data).hexdigest()[:16]}{ext if RECORDING_EXT.fullmatch(ext) else ''}"
        path = self.station.var("emergency") / kept
        if not path.is_file():
            scratch = path.with_name(f".{os.getpid()}-{kept}")  # the decoders look at the suffix
            write_bytes(scratch, data)
            try:
                Pipeline(self.station, self.clock).recording(scratch)
            except BroadcasterError:
                scratch.unlink(missing_ok=True)
                raise DeskError(t("web.emergency_audio_bad", name=name)) from None
            scratch.replace(path)
        return kept

    def recording_path(self, name: str) -> Path | None:
        """A kept emergency recording by the name ``keep_recording`` gave; None for any other
        name (never a path outside ``var/emergency/``)."""
        if not KEPT_RECORDING.fullmatch(name):
            return None
        path = self.station.var_dir / "emergency" / name
        return path if path.is_file() else None


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _mark(line: str, changes: list[Any]) -> list[Piece]:
    """Split ``line`` into plain and changed stretches (the first change found at each place)."""
    pieces: list[Piece] = []
    rest = line
    while rest:
        best: tuple[int, Any] | None = None
        for c in changes:
            at = rest.find(c.spoken)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, c)
        if best is None:
            pieces.append(Piece(rest))
            break
        at, c = best
        if at:
            pieces.append(Piece(rest[:at]))
        pieces.append(Piece(c.spoken, c.rule, c.original))
        rest = rest[at + len(c.spoken):]
    return pieces
