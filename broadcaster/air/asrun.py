"""As-run log: SQLite (WAL) proof of what went on air, when, and what became of each slot."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from broadcaster.db import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS airings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slot_key      TEXT NOT NULL,          -- date/slot id: one key per planned airing
    slot_id       TEXT NOT NULL,
    slot_name     TEXT NOT NULL DEFAULT '',
    scheduled     TEXT NOT NULL,          -- ISO 8601 with offset, station time zone
    started       TEXT,                   -- actual first-sample time, ISO with ms
    ended         TEXT,
    offset_ms     REAL,                   -- started - scheduled
    outcome       TEXT NOT NULL,          -- on_air, aired, late, missed, interrupted, failed, emergency
    reason        TEXT NOT NULL DEFAULT '',
    program_hash  TEXT NOT NULL DEFAULT '',
    items         TEXT NOT NULL DEFAULT '[]',   -- JSON list of item labels and bulletin versions
    archive       TEXT NOT NULL DEFAULT '',
    sink          TEXT NOT NULL DEFAULT '',
    logged_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS airings_scheduled ON airings(scheduled);
CREATE INDEX IF NOT EXISTS airings_slot_key ON airings(slot_key);
"""

FINAL = ("aired", "late", "missed", "interrupted", "failed", "emergency")


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

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


class AsRunLog(Database):
    """The as-run log; every write is its own committed transaction."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        super().__init__(path, SCHEMA, readonly=readonly)

    def begin(self, *, slot_key: str, slot_id: str, slot_name: str, scheduled: dt.datetime,
              now: dt.datetime, program_hash: str = "", items: Sequence[str] = (),
              archive: str = "", sink: str = "") -> int:
        """Record that an airing is starting (outcome ``on_air``); returns the row id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO airings (slot_key, slot_id, slot_name, scheduled, outcome, program_hash,"
                " items, archive, sink, logged_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (slot_key, slot_id, slot_name, _iso(scheduled), "on_air", program_hash,
                 json.dumps(list(items), ensure_ascii=False), archive, sink, _iso(now)),
            )
            return int(cur.lastrowid or 0)

    def finish(self, row_id: int, *, outcome: str, started: dt.datetime | None,
               ended: dt.datetime | None, scheduled: dt.datetime, reason: str = "",
               archive: str | None = None) -> None:
        offset = (started - scheduled).total_seconds() * 1000 if started else None
        with self._tx() as db:
            db.execute(
                "UPDATE airings SET outcome=?, started=?, ended=?, offset_ms=?, reason=?,"
                " archive=COALESCE(?, archive) WHERE id=?",
                (outcome, _iso(started), _iso(ended), offset, reason, archive, row_id),
            )

    def discard(self, row_id: int) -> None:
        """Remove a row whose airing never reached its first sample (preempted)."""
        with self._tx() as db:
            db.execute("DELETE FROM airings WHERE id=? AND started IS NULL", (row_id,))

    def record(self, *, slot_key: str, slot_id: str, slot_name: str, scheduled: dt.datetime,
               outcome: str, now: dt.datetime, reason: str = "",
               started: dt.datetime | None = None, ended: dt.datetime | None = None,
               items: Sequence[str] = (), program_hash: str = "", archive: str = "",
               sink: str = "") -> int:
        """Record a finished or never-started airing in one step (missed, failed ...)."""
        row = self.begin(slot_key=slot_key, slot_id=slot_id, slot_name=slot_name,
                         scheduled=scheduled, now=now, program_hash=program_hash, items=items,
                         archive=archive, sink=sink)
        self.finish(row, outcome=outcome, started=started, ended=ended, scheduled=scheduled,
                    reason=reason)
        return row

    def settle_unfinished(self, now: dt.datetime, reason: str) -> int:
        """Mark rows left ``on_air`` by a crash as interrupted; returns how many."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE airings SET outcome='interrupted', reason=?, ended=COALESCE(ended, ?)"
                " WHERE outcome='on_air'", (reason, _iso(now)))
            return cur.rowcount

    def has_final(self, slot_key: str) -> bool:
        """Whether this planned airing already has an outcome (so it never airs twice)."""
        return bool(self._query(
            "SELECT 1 FROM airings WHERE slot_key=? AND outcome IN ('on_air','aired','late',"
            "'missed','interrupted','failed') LIMIT 1", (slot_key,)))

    def last_scheduled(self) -> dt.datetime | None:
        """Scheduled time of the latest logged airing (to resume after a stop)."""
        rows = self._query("SELECT MAX(scheduled) FROM airings")
        return dt.datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def rows(self, *, day: dt.date | None = None, month: str | None = None) -> list[AsRunRow]:
        sql = "SELECT id, slot_key, slot_id, slot_name, scheduled, started, ended, offset_ms," \
              " outcome, reason, program_hash, items, archive, sink FROM airings"
        args: tuple[str, ...] = ()
        if day is not None:
            sql += " WHERE substr(scheduled, 1, 10) = ?"
            args = (day.isoformat(),)
        elif month is not None:
            sql += " WHERE substr(scheduled, 1, 7) = ?"
            args = (month,)
        sql += " ORDER BY scheduled, id"
        found = self._query(sql, args)
        return [AsRunRow(*r[:11], json.loads(r[11]), *r[12:]) for r in found]
