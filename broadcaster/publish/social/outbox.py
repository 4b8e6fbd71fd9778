"""The social outbox and publish log (``var/db/social.sqlite3``): one row per bulletin and
platform saying where its post stands (queued, sent with its post id, deleted ...), and a log of
every request made (what, where, when, the post id or the error), which is also what the rate
limit counts. Durable: a restart finds every queued post where it was."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path

from broadcaster.db import Database, in_clause, open_reader
from broadcaster.models import PostState

MIGRATIONS = ("""
CREATE TABLE posts (
    bulletin_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_s REAL NOT NULL,            -- when it may be tried (Unix seconds)
    queued_at TEXT NOT NULL,
    done_at TEXT,
    post_id TEXT,
    error TEXT,
    PRIMARY KEY (bulletin_id, platform)
);
CREATE INDEX posts_due ON posts (state, due_s);
CREATE TABLE log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                -- ISO 8601 with offset
    at_s REAL NOT NULL,
    platform TEXT NOT NULL,
    bulletin_id TEXT NOT NULL,
    title TEXT NOT NULL,
    action TEXT NOT NULL,            -- post, video, delete, cancel
    outcome TEXT NOT NULL,           -- ok, retry, failed, token, kept
    post_id TEXT,
    detail TEXT
);
CREATE INDEX log_platform ON log (platform, at_s);
""",)



class Action(enum.StrEnum):
    """What a log line did."""

    POST = "post"
    VIDEO = "video"  # a post with the speech (as a video)
    DELETE = "delete"
    CANCEL = "cancel"  # withdrawn before it went out: no request made


class Outcome(enum.StrEnum):
    OK = "ok"
    RETRY = "retry"
    FAILED = "failed"
    TOKEN = "token"
    KEPT = "kept"


ACTIVE = (PostState.QUEUED, PostState.SENT, PostState.FAILED, PostState.TOKEN)
DUE = (PostState.QUEUED, PostState.DELETING)


@dataclass(frozen=True)
class OutboxRow:
    bulletin_id: str
    platform: str
    version: int
    title: str
    link: str
    state: PostState
    attempts: int
    due_s: float
    post_id: str | None
    error: str | None


@dataclass(frozen=True)
class LogRow:
    at: str
    platform: str
    bulletin_id: str
    title: str
    action: str
    outcome: str
    post_id: str | None
    detail: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"at": self.at, "platform": self.platform, "bulletin_id": self.bulletin_id,
                "title": self.title, "action": self.action, "outcome": self.outcome,
                "post_id": self.post_id, "detail": self.detail}


_ROW = "bulletin_id, platform, version, title, link, state, attempts, due_s, post_id, error"


def _row(r: tuple[object, ...]) -> OutboxRow:
    return OutboxRow(str(r[0]), str(r[1]), int(str(r[2])), str(r[3]), str(r[4]),
                     PostState(str(r[5])), int(str(r[6])), float(str(r[7])),
                     None if r[8] is None else str(r[8]), None if r[9] is None else str(r[9]))


def outbox_path(var_db: Path) -> Path:
    return var_db / "social.sqlite3"


class Outbox(Database):
    """The queue and the log, in one SQLite file (WAL: the desk reads while the station writes)."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        super().__init__(path, migrations=MIGRATIONS, readonly=readonly)

    # --- the queue -------------------------------------------------------------------------
    def enqueue(self, bulletin_id: str, platform: str, version: int, title: str, link: str,
                now: dt.datetime) -> bool:
        """Queue a post unless this bulletin already has one on this platform."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO posts (bulletin_id, platform, version, title, link, state,"
                " due_s, queued_at) VALUES (?,?,?,?,?,?,?,?)",
                (bulletin_id, platform, version, title, link, PostState.QUEUED, now.timestamp(),
                 now.isoformat(timespec="seconds")))
            return cur.rowcount > 0

    def get(self, bulletin_id: str, platform: str) -> OutboxRow | None:
        rows = self._query(f"SELECT {_ROW} FROM posts WHERE bulletin_id=? AND platform=?",
                           (bulletin_id, platform))
        return _row(rows[0]) if rows else None

    def known(self) -> set[tuple[str, str]]:
        """Every (bulletin id, platform) that has a row."""
        return {(str(b), str(p)) for b, p in self._query("SELECT bulletin_id, platform FROM posts")}

    def active_ids(self) -> set[str]:
        """Bulletins with a post queued, sent, failed or waiting for a token."""
        clause, args = in_clause(ACTIVE)
        return {str(r[0]) for r in self._query(
            f"SELECT DISTINCT bulletin_id FROM posts WHERE state IN {clause}", args)}

    def next_due(self, platform: str, now_s: float) -> OutboxRow | None:
        """The oldest request due on ``platform`` (deletions first: a withdrawal is urgent)."""
        clause, args = in_clause(DUE)
        rows = self._query(
            f"SELECT {_ROW} FROM posts WHERE platform=? AND state IN {clause} AND due_s<=?"
            " ORDER BY state=? DESC, due_s, rowid LIMIT 1",
            (platform, *args, now_s, PostState.DELETING))
        return _row(rows[0]) if rows else None

    def earliest_due(self, platform: str) -> float | None:
        """When the next request on ``platform`` falls due (it may be past)."""
        clause, args = in_clause(DUE)
        rows = self._query(f"SELECT MIN(due_s) FROM posts WHERE platform=? AND state IN {clause}",
                           (platform, *args))
        return None if not rows or rows[0][0] is None else float(str(rows[0][0]))

    def waiting(self) -> int:
        clause, args = in_clause((*DUE, PostState.TOKEN))
        return int(str(self._query(f"SELECT COUNT(*) FROM posts WHERE state IN {clause}",
                                   args)[0][0]))

    def settle(self, row: OutboxRow, state: PostState, now: dt.datetime, *,
               post_id: str | None = None, error: str | None = None) -> None:
        """A request finished: the row's new state (its post id, or the error)."""
        with self._tx() as db:
            db.execute("UPDATE posts SET state=?, attempts=0, done_at=?, error=?,"
                       " post_id=COALESCE(?, post_id), due_s=? WHERE bulletin_id=? AND platform=?",
                       (state, now.isoformat(timespec="seconds"), error, post_id,
                        now.timestamp(), row.bulletin_id, row.platform))

    def postpone(self, row: OutboxRow, attempts: int, due_s: float, error: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE posts SET attempts=?, due_s=?, error=? WHERE bulletin_id=? AND"
                       " platform=?", (attempts, due_s, error, row.bulletin_id, row.platform))

    def withdraw(self, bulletin_id: str, now: dt.datetime) -> list[OutboxRow]:
        """The bulletin was withdrawn: sent posts are to be deleted, unsent ones cancelled.
        Returns the rows as they were."""
        clause, args = in_clause(ACTIVE)
        with self._tx() as db:
            rows = [_row(r) for r in db.execute(
                f"SELECT {_ROW} FROM posts WHERE bulletin_id=? AND state IN {clause}",
                (bulletin_id, *args)).fetchall()]
            for r in rows:
                sent = r.state == PostState.SENT
                db.execute("UPDATE posts SET state=?, attempts=0, due_s=?, error=NULL"
                           " WHERE bulletin_id=? AND platform=?",
                           (PostState.DELETING if sent else PostState.CANCELLED, now.timestamp(),
                            r.bulletin_id, r.platform))
        return rows

    def requeue_token(self) -> int:
        """Start of a run (perhaps with a renewed token): posts stopped on a token go again."""
        with self._tx() as db:
            return db.execute("UPDATE posts SET state=?, attempts=0 WHERE state=?",
                              (PostState.QUEUED, PostState.TOKEN)).rowcount

    # --- the log and the rate limit --------------------------------------------------------
    def log(self, row: OutboxRow, action: Action, outcome: Outcome, now: dt.datetime, *,
            post_id: str | None = None, detail: str | None = None) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO log (at, at_s, platform, bulletin_id, title, action, outcome,"
                       " post_id, detail) VALUES (?,?,?,?,?,?,?,?,?)",
                       (now.isoformat(timespec="seconds"), now.timestamp(), row.platform,
                        row.bulletin_id, row.title, action, outcome, post_id, detail))

    def requests_since(self, platform: str, since_s: float) -> tuple[int, float | None,
                                                                     float | None]:
        """(how many requests, the first, the last) made to ``platform`` since ``since_s``."""
        r = self._query("SELECT COUNT(*), MIN(at_s), MAX(at_s) FROM log WHERE platform=? AND"
                        " at_s>? AND action!=?", (platform, since_s, Action.CANCEL))[0]
        return (int(str(r[0])), None if r[1] is None else float(str(r[1])),
                None if r[2] is None else float(str(r[2])))

    def last_request(self, platform: str) -> float | None:
        r = self._query("SELECT MAX(at_s) FROM log WHERE platform=? AND action!=?",
                        (platform, Action.CANCEL))[0][0]
        return None if r is None else float(str(r))

    def entries(self, limit: int = 50) -> list[LogRow]:
        """The log, newest first."""
        rows = self._query("SELECT at, platform, bulletin_id, title, action, outcome, post_id,"
                           " detail FROM log ORDER BY id DESC LIMIT ?", (limit,))
        return [LogRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                       None if r[6] is None else str(r[6]), None if r[7] is None else str(r[7]))
                for r in rows]


def read_log(var_db: Path, limit: int) -> tuple[list[LogRow], int]:
    """(the last ``limit`` log lines, how many posts wait) for readers in another process (the
    command, the web desk); nothing when the station has never posted."""
    path = outbox_path(var_db)
    outbox = open_reader(Outbox, path)
    if outbox is None:
        return [], 0
    try:
        return outbox.entries(limit), outbox.waiting()
    finally:
        outbox.close()
