"""SQLite the station's way, shared by the as-run log and the bulletin store.

WAL (readers never block the writer, another process may read while the station runs), full
sync (a power cut loses no committed row), one lock per connection, and every write one
``BEGIN IMMEDIATE`` transaction.

A versioned database keeps its schema version in ``PRAGMA user_version`` and brings itself up
to date on open: ``migrations[n - 1]`` takes the file from version ``n - 1`` to ``n``, and all
missing steps run in one transaction (a crash leaves the old version whole). A file written by
a newer release (a higher version than this one knows) is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

# One step: an SQL script (statements separated by ';') or a function of the open transaction.
Migration = str | Callable[[sqlite3.Connection], None]


def in_clause(values: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """``("(?,?,?)", values)`` for ``col IN ...`` with bound parameters (states stay enums,
    never strings spelled out in SQL)."""
    args = tuple(str(v) for v in values)
    if not args:
        raise ValueError("in_clause needs at least one value")
    return "(" + ",".join("?" * len(args)) + ")", args


def statements(script: str) -> list[str]:
    """The complete SQL statements of ``script`` (``executescript`` would commit midway)."""
    out: list[str] = []
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\r\n;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \t\r\n;"):
        out.append(buf.strip())
    return out


class SchemaTooNew(BroadcasterError):
    """The database was written by a newer release than this one."""


class SchemaTooOld(BroadcasterError):
    """A reader (the web desk) found a database the station has not upgraded yet."""


class NotCreatedYet(SchemaTooOld):
    """A reader opened a file the station is creating this very moment (``sqlite3.connect``
    made it, the first migration has not committed): to a reader it holds nothing yet."""


D = TypeVar("D", bound="Database")


def open_reader(factory: Callable[..., D], path: Path) -> D | None:
    """``factory(path, readonly=True)``, or None while the station has not created the file
    (absent, or being created right now): every reader in another process shows "nothing yet"
    there instead of an error (CI stop 18: the desk read a bulletin store between its creation
    and its first migration and failed the page)."""
    if not path.is_file():
        return None
    try:
        return factory(path, readonly=True)
    except NotCreatedYet:
        return None


class Database:
    """A thread-safe connection to one SQLite file.

    Either ``schema`` (applied as is, unversioned) or ``migrations`` (versioned, see the module
    docstring); ``version`` is then ``len(migrations)``. ``readonly``: a reader in another
    process (the web desk) that never writes, never creates, never migrates.
    """

    def __init__(self, path: Path, schema: str = "", *,
                 migrations: Sequence[Migration] = (), readonly: bool = False) -> None:
        self.path = path
        self._lock = threading.RLock()
        if readonly:  # a reader in another process (the web desk): never writes, never creates
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False,
                                       isolation_level=None, timeout=30)
            self._db.execute("PRAGMA busy_timeout=30000")
            if migrations:
                self._check_version(len(migrations))
                return
            try:
                empty = self._is_empty()  # an unversioned schema (the as-run log) not applied
            except BaseException:
                self._db.close()
                raise
            if empty:
                self._db.close()
                raise NotCreatedYet(t("db.not_created", path=path), hint=t("db.not_created.hint"))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            with self._lock:
                if schema:  # one transaction: a reader never sees half the tables
                    self._apply(schema)
                if migrations:
                    self._migrate(migrations)
        except BaseException:
            self._db.close()  # the caller gets no object to close
            raise

    def _apply(self, schema: str) -> None:
        """``schema`` in one deferred transaction (no write lock while every table exists)."""
        self._db.execute("BEGIN")
        try:
            for sql in statements(schema):
                self._db.execute(sql)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _is_empty(self) -> bool:
        """No table at all: a file ``sqlite3.connect`` has just created."""
        return not self._query("SELECT 1 FROM sqlite_master LIMIT 1")

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version`` of the file (0 = never versioned)."""
        return int(self._query("PRAGMA user_version")[0][0])

    def _check_version(self, latest: int) -> None:
        """A reader never migrates: it says what to do instead of failing on a missing column."""
        try:
            current = self.schema_version
        except BaseException:
            self._db.close()
            raise
        if current == latest:
            return
        fresh = current == 0 and self._is_empty()
        self._db.close()
        if fresh:
            raise NotCreatedYet(t("db.not_created", path=self.path), hint=t("db.not_created.hint"))
        if current > latest:
            raise SchemaTooNew(t("db.schema_newer", path=self.path, found=current, known=latest),
                               hint=t("db.schema_newer.hint"))
        raise SchemaTooOld(t("db.schema_older", path=self.path, found=current, known=latest),
                           hint=t("db.schema_older.hint"))

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        latest = len(migrations)
        if self.schema_version == latest:
            return  # the common case: no write lock taken (a reader beside the station)
        with self._tx() as db:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            if current > latest:
                raise SchemaTooNew(t("db.schema_newer", path=self.path, found=current,
                                     known=latest), hint=t("db.schema_newer.hint"))
            for step in migrations[current:]:
                if isinstance(step, str):
                    for sql in statements(step):
                        db.execute(sql)
                else:
                    step(db)
            db.execute(f"PRAGMA user_version={latest:d}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()
