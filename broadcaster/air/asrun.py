"""As-run log: SQLite (WAL) proof of what went on air, when, and what became of each slot.

A row is begun before the player starts, gets its real start the moment the first sample is
out (``mark_started``, so a SIGKILL cannot lose it), and is finished with its outcome, how it
ended and its archive. Rows a crash left ``on_air`` are settled at the next start
(``settle_crashed``): start kept, end = the last moment known on air, archive cut to that.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from broadcaster.db import Database
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS airings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slot_key      TEXT NOT NULL,          -- date/slot id: one key per planned airing
    slot_id       TEXT NOT NULL,
    slot_name     TEXT NOT NULL DEFAULT '',
    scheduled     TEXT NOT NULL,          -- ISO 8601 with offset, station time zone
    started       TEXT,                   -- actual first-sample time, ISO with ms
    ended         TEXT,                   -- end of what went out (a crash: last moment known on air)
    offset_ms     REAL,                   -- started - scheduled
    outcome       TEXT NOT NULL,          -- models.Outcome
    reason        TEXT NOT NULL DEFAULT '',
    program_hash  TEXT NOT NULL DEFAULT '',
    items         TEXT NOT NULL DEFAULT '[]',   -- JSON list of item labels and bulletin versions
    archive       TEXT NOT NULL DEFAULT '',
    sink          TEXT NOT NULL DEFAULT '',
    logged_at     TEXT NOT NULL,
    ending        TEXT NOT NULL DEFAULT '',     -- models.Ending: how it ended
    program       TEXT NOT NULL DEFAULT ''      -- the prepared program file that was aired
);
CREATE INDEX IF NOT EXISTS airings_scheduled ON airings(scheduled);
CREATE INDEX IF NOT EXISTS airings_slot_key ON airings(slot_key);
-- marks: what was noticed on the air between or during airings (watchdog: dead air, sound
-- while idle, a mount down ... and when it was back)
CREATE TABLE IF NOT EXISTS marks (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,              -- ISO 8601 with ms, station time zone
    kind     TEXT NOT NULL,              -- e.g. watchdog.dead_air
    subject  TEXT NOT NULL DEFAULT '',   -- what it is about (an output, a mount URL)
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS marks_at ON marks(at);
"""

# Columns added after the first release: (name, declaration), added to older logs at open.
_ADDED = (("ending", "TEXT NOT NULL DEFAULT ''"), ("program", "TEXT NOT NULL DEFAULT ''"))

FINAL = (Outcome.AIRED, Outcome.LATE, Outcome.MISSED, Outcome.INTERRUPTED, Outcome.FAILED,
         Outcome.EMERGENCY)
_NEVER_TWICE = (Outcome.ON_AIR, Outcome.AIRED, Outcome.LATE, Outcome.MISSED,
                Outcome.INTERRUPTED, Outcome.FAILED)
_COLUMNS = ("id, slot_key, slot_id, slot_name, scheduled, started, ended, offset_ms, outcome,"
            " reason, program_hash, items, archive, sink, ending, program")


@dataclass(frozen=True)
class AsRunRow:
    id: int
    slot_key: str
    slot_id: str
    slot_name: str
    scheduled: str
    started: str | None
    ended: str | None
    offset_ms: float | None
    outcome: str
    reason: str
    program_hash: str
    items: list[str]
    archive: str
    sink: str
    ending: str = ""
    program: str = ""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AsRunMark:
    at: str
    kind: str
    subject: str
    detail: str


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


def _marks(values: Sequence[str]) -> str:
    return ",".join("?" * len(values))


class AsRunLog(Database):
    """The as-run log; every write is its own committed transaction."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        super().__init__(path, SCHEMA, readonly=readonly)
        if readonly:
            return  # a reader (the web desk) never changes the file
        with self._tx() as db:
            have = {row[1] for row in db.execute("PRAGMA table_info(airings)")}
            for name, decl in _ADDED:
                if name not in have:
                    db.execute(f"ALTER TABLE airings ADD COLUMN {name} {decl}")

    def begin(self, *, slot_key: str, slot_id: str, slot_name: str, scheduled: dt.datetime,
              now: dt.datetime, program_hash: str = "", items: Sequence[str] = (),
              archive: str = "", sink: str = "", program: str = "") -> int:
        """Record that an airing is starting (outcome ``on_air``); returns the row id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO airings (slot_key, slot_id, slot_name, scheduled, outcome,"
                " program_hash, items, archive, sink, logged_at, program)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (slot_key, slot_id, slot_name, _iso(scheduled), Outcome.ON_AIR, program_hash,
                 json.dumps(list(items), ensure_ascii=False), archive, sink, _iso(now),
                 program),
            )
            return int(cur.lastrowid or 0)

    def mark_started(self, row_id: int, started: dt.datetime, scheduled: dt.datetime) -> None:
        """The first sample is out: written at once, so a crash cannot lose the start."""
        offset = (started - scheduled).total_seconds() * 1000
        with self._tx() as db:
            db.execute("UPDATE airings SET started=?, offset_ms=? WHERE id=?",
                       (_iso(started), offset, row_id))

    def finish(self, row_id: int, *, outcome: Outcome, started: dt.datetime | None,
               ended: dt.datetime | None, scheduled: dt.datetime, reason: str = "",
               archive: str | None = None, ending: Ending | None = None) -> None:
        offset = (started - scheduled).total_seconds() * 1000 if started else None
        with self._tx() as db:
            db.execute(
                "UPDATE airings SET outcome=?, started=?, ended=?, offset_ms=?, reason=?,"
                " archive=COALESCE(?, archive), ending=COALESCE(?, ending) WHERE id=?",
                (Outcome(outcome), _iso(started), _iso(ended), offset, reason, archive,
                 ending, row_id),
            )

    def discard(self, row_id: int) -> None:
        """Remove a row whose airing never reached its first sample (preempted)."""
        with self._tx() as db:
            db.execute("DELETE FROM airings WHERE id=? AND started IS NULL", (row_id,))

    def record(self, *, slot_key: str, slot_id: str, slot_name: str, scheduled: dt.datetime,
               outcome: Outcome, now: dt.datetime, reason: str = "",
               started: dt.datetime | None = None, ended: dt.datetime | None = None,
               items: Sequence[str] = (), program_hash: str = "", archive: str = "",
               sink: str = "", ending: Ending = Ending.NOT_STARTED) -> int:
        """Record a finished or never-started airing in one step (missed, failed ...)."""
        row = self.begin(slot_key=slot_key, slot_id=slot_id, slot_name=slot_name,
                         scheduled=scheduled, now=now, program_hash=program_hash, items=items,
                         archive=archive, sink=sink)
        self.finish(row, outcome=outcome, started=started, ended=ended, scheduled=scheduled,
                    reason=reason, ending=ending)
        return row

    def unfinished(self) -> list[AsRunRow]:
        """Rows still ``on_air``: a crash left them (the station is not airing yet)."""
        return self._rows(f"SELECT {_COLUMNS} FROM airings WHERE outcome=? ORDER BY id",
                          (Outcome.ON_AIR,))

    def settle_unfinished(self, now: dt.datetime, reason: str) -> int:
        """Mark rows left ``on_air`` by a crash as interrupted with ``reason`` (no heartbeat
        or archive known: see ``settle_crashed``); returns how many."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE airings SET outcome=?, reason=?, ended=COALESCE(ended, ?), ending=?"
                " WHERE outcome=?",
                (Outcome.INTERRUPTED, reason, _iso(now), Ending.KILLED, Outcome.ON_AIR))
            return cur.rowcount

    def settle_crashed(self, last_on_air: dt.datetime | None,
                       archive: Callable[[AsRunRow, float], tuple[str, float]] | None = None
                       ) -> list[AsRunRow]:
        """Settle rows a crash left ``on_air``: one that never reached its first sample is
        dropped (it can air at the restart, within the grace); one that did keeps its start,
        ends at ``last_on_air`` (the last heartbeat; never before the start, never after its
        program's end) and gets ``archive(row, seconds_on_air)`` -> (path or "", the seconds
        the program really lasted up to then). Returns the settled rows as they are now."""
        settled = []
        for row in self.unfinished():
            if row.started is None:
                log.warning("%s: the station died before its first sample; it can air again",
                            row.slot_key)
                self.discard(row.id)
                continue
            started = dt.datetime.fromisoformat(row.started)
            ended = max(started, last_on_air) if last_on_air is not None else started
            reason = (t("air.reason.killed", when=f"{ended:%H:%M:%S}") if last_on_air
                      else t("air.reason.killed_unknown"))
            path = ""
            if archive is not None:
                path, seconds = archive(row, (ended - started).total_seconds())
                ended = started + dt.timedelta(seconds=seconds)
            with self._tx() as db:
                db.execute("UPDATE airings SET outcome=?, ended=?, reason=?, ending=?,"
                           " archive=? WHERE id=? AND outcome=?",
                           (Outcome.INTERRUPTED, _iso(ended), reason, Ending.KILLED, path,
                            row.id, Outcome.ON_AIR))
            settled.append(self.row(row.id))
        return [r for r in settled if r is not None]

    def has_final(self, slot_key: str) -> bool:
        """Whether this planned airing already has an outcome (so it never airs twice)."""
        return bool(self._query(
            f"SELECT 1 FROM airings WHERE slot_key=? AND outcome IN ({_marks(_NEVER_TWICE)})"
            " LIMIT 1", (slot_key, *_NEVER_TWICE)))

    def last_scheduled(self) -> dt.datetime | None:
        """Scheduled time of the latest logged airing (to resume after a stop)."""
        rows = self._query("SELECT MAX(scheduled) FROM airings")
        return dt.datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def row(self, row_id: int) -> AsRunRow | None:
        found = self._rows(f"SELECT {_COLUMNS} FROM airings WHERE id=?", (row_id,))
        return found[0] if found else None

    def rows(self, *, day: dt.date | None = None, month: str | None = None) -> list[AsRunRow]:
        sql = f"SELECT {_COLUMNS} FROM airings"
        args: tuple[str, ...] = ()
        if day is not None:
            sql += " WHERE substr(scheduled, 1, 10) = ?"
            args = (day.isoformat(),)
        elif month is not None:
            sql += " WHERE substr(scheduled, 1, 7) = ?"
            args = (month,)
        sql += " ORDER BY scheduled, id"
        return self._rows(sql, args)

    def _rows(self, sql: str, args: tuple[str | int, ...]) -> list[AsRunRow]:
        return [AsRunRow(id=r[0], slot_key=r[1], slot_id=r[2], slot_name=r[3], scheduled=r[4],
                         started=r[5], ended=r[6], offset_ms=r[7], outcome=r[8], reason=r[9],
                         program_hash=r[10], items=json.loads(r[11]), archive=r[12],
                         sink=r[13], ending=r[14], program=r[15])
                for r in self._query(sql, args)]

    # --- marks (watchdog) ---------------------------------------------------------------------
    def mark(self, at: dt.datetime, kind: str, subject: str, detail: str) -> None:
        """Note something heard on the air (``kind`` e.g. ``watchdog.dead_air``)."""
        with self._tx() as db:
            db.execute("INSERT INTO marks (at, kind, subject, detail) VALUES (?,?,?,?)",
                       (_iso(at), kind, subject, detail))

    def marks(self, *, day: dt.date | None = None) -> list[AsRunMark]:
        """The marks (of one day), oldest first; none in a log older than marks."""
        sql, args = "SELECT at, kind, subject, detail FROM marks", tuple[str, ...]()
        if day is not None:
            sql, args = sql + " WHERE substr(at, 1, 10) = ?", (day.isoformat(),)
        try:
            found = self._query(sql + " ORDER BY at, id", args)
        except sqlite3.OperationalError:  # a read-only look at a log from before marks
            return []
        return [AsRunMark(at=r[0], kind=r[1], subject=r[2], detail=r[3]) for r in found]
