"""The intake journal: every file dropped in ``inbox/`` gets a row before it is claimed, so a
crash at any point leaves a trace the next start finishes (ingested, unchanged, rejected or
lost). The bulletin store is built on it (``BulletinStore`` is an ``IntakeJournal``).

States (``IntakeState``): claimed -> committed -> ingested | unchanged; claimed -> rejecting ->
rejected; claimed -> lost when the claimed file vanished.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from broadcaster.db import Database, in_clause
from broadcaster.models import IntakeState

# Version 1 of the journal's table (part of the store's schema version 1; never edit: add a
# migration step in ``store.py`` instead).
INTAKE_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS intake (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    claim        TEXT NOT NULL,           -- where the claimed file sits while it is processed
    state        TEXT NOT NULL,           -- IntakeState
    size         INTEGER,
    bulletin_id  TEXT,
    version      INTEGER,
    rejected     TEXT,                    -- path under inbox/rejected/
    detail       TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intake_state ON intake(state);
"""

INTAKE_FINAL = (IntakeState.INGESTED, IntakeState.UNCHANGED, IntakeState.REJECTED,
                IntakeState.LOST)


def iso(value: dt.datetime | None) -> str | None:
    """How the store writes a time (ISO 8601 with its offset)."""
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class IntakeRow:
    """One journal entry."""

    id: int
    token: str
    source: str
    claim: Path
    state: IntakeState
    size: int | None
    bulletin_id: str | None
    version: int | None
    rejected: Path | None
    detail: str
    received_at: str


def commit_intake(db: sqlite3.Connection, intake_id: int, bulletin_id: str, version: int,
                  when: str | None, *, detail: str | None = None) -> None:
    """Inside the store's transaction: the file is now ``version`` of ``bulletin_id``."""
    db.execute("UPDATE intake SET state=?, bulletin_id=?, version=?, detail=COALESCE(?, detail),"
               " updated_at=? WHERE id=?",
               (IntakeState.COMMITTED, bulletin_id, version, detail, when, intake_id))


def prune_intake(db: sqlite3.Connection, before: str | None) -> int:
    """Inside the store's transaction: forget finished entries last changed before ``before``."""
    final, args = in_clause(INTAKE_FINAL)
    return int(db.execute(f"DELETE FROM intake WHERE state IN {final} AND updated_at < ?",
                          (*args, before)).rowcount)


class IntakeJournal(Database):
    """The journal's reads and writes; each write is one committed transaction."""

    def claim(self, token: str, source: str, claim: Path, size: int | None,
              now: dt.datetime) -> int:
        """Journal a file about to be claimed (before the rename, so a crash leaves a trace)."""
        with self._tx() as db:
            cur = db.execute("INSERT INTO intake(token, source, claim, state, size, received_at,"
                             " updated_at) VALUES(?,?,?,?,?,?,?)",
                             (token, source, str(claim), IntakeState.CLAIMED, size, iso(now),
                              iso(now)))
            return int(cur.lastrowid or 0)

    def unclaim(self, intake_id: int) -> None:
        """The rename did not happen (file gone or busy): forget the journal entry."""
        with self._tx() as db:
            db.execute("DELETE FROM intake WHERE id=? AND state=?",
                       (intake_id, IntakeState.CLAIMED))

    def intake_state(self, intake_id: int, state: IntakeState | str, *, now: dt.datetime,
                     detail: str = "", rejected: Path | None = None) -> None:
        """Move an entry to ``state`` (``detail`` and ``rejected`` kept unless given).

        A plain string must be an ``IntakeState`` value: a misspelt state raises ValueError
        here, not in the recovery after the next crash."""
        with self._tx() as db:
            db.execute("UPDATE intake SET state=?, detail=CASE WHEN ?='' THEN detail ELSE ? END,"
                       " rejected=COALESCE(?, rejected), updated_at=? WHERE id=?",
                       (IntakeState(state), detail, detail, str(rejected) if rejected else None, iso(now),
                        intake_id))

    def intake(self, *, pending: bool | None = None) -> list[IntakeRow]:
        """Journal entries, oldest first: all, only unfinished (``pending=True``) or finished."""
        sql = ("SELECT id, token, source, claim, state, size, bulletin_id, version, rejected,"
               " detail, received_at FROM intake")
        args: tuple[str, ...] = ()
        if pending is not None:
            final, args = in_clause(INTAKE_FINAL)
            sql += f" WHERE state {'NOT IN' if pending else 'IN'} {final}"
        rows = self._query(sql + " ORDER BY id", args)
        return [IntakeRow(r[0], r[1], r[2], Path(r[3]), IntakeState(r[4]), r[5], r[6], r[7],
                          Path(r[8]) if r[8] else None, r[9], r[10]) for r in rows]

    def intake_tokens(self) -> set[str]:
        """Every token the journal knows (a claim folder without one is an orphan)."""
        return {r[0] for r in self._query("SELECT token FROM intake")}


__all__ = ["INTAKE_FINAL", "INTAKE_SCHEMA_V1", "IntakeJournal", "IntakeRow", "commit_intake",
           "prune_intake"]
