"""The bulletin store (SQLite, WAL, under ``var/db/``): bulletins, versions, history, airings
and the intake journal that proves every dropped file became a bulletin or a rejection.

A bulletin is keyed by its source file (path relative to ``inbox/``) and has a stable id made
from it. Dropping a file with the same name adds a version; approvals are pinned to the content
hash of the version approved. States: received -> awaiting_approval -> approved -> (aired N
times) -> expired | withdrawn; ``rejected`` when the approver refuses it.

Playout API (what the air stage consumes)::

    store = BulletinStore(path)
    store.eligible(now) -> list[BulletinRecord]     # may air now, priority first
    store.record_airing(bulletin_id, version, slot_key, when)   # idempotent per slot
    store.get(id), store.approve(id, by=...), store.reject(id, reason), store.withdraw(id, reason)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcaster.db import Database
from broadcaster.errors import InboxError
from broadcaster.messages import t
from broadcaster.models import Bulletin, BulletinMeta, Priority

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bulletins (
    id             TEXT PRIMARY KEY,
    source         TEXT NOT NULL UNIQUE,     -- path relative to inbox/, '/' separated
    version        INTEGER NOT NULL,
    state          TEXT NOT NULL,            -- received awaiting_approval approved rejected expired withdrawn
    title          TEXT NOT NULL,
    priority       TEXT NOT NULL,
    tags           TEXT NOT NULL DEFAULT '[]',
    air_from       TEXT,
    air_until      TEXT,
    slots          TEXT NOT NULL DEFAULT '[]',
    repeat         INTEGER NOT NULL DEFAULT 1,
    voice          TEXT,
    engine         TEXT,
    content_hash   TEXT NOT NULL,
    body           TEXT NOT NULL,
    script_text    TEXT NOT NULL,
    original       TEXT NOT NULL,            -- the kept original under var/originals/
    speech_path    TEXT,
    times_aired    INTEGER NOT NULL DEFAULT 0,
    approved_hash  TEXT,
    approved_by    TEXT NOT NULL DEFAULT '',
    approved_at    TEXT,
    reason         TEXT NOT NULL DEFAULT '',  -- why rejected / withdrawn / expired
    file_size      INTEGER,                   -- stat of the file as it sits in inbox/
    file_mtime_ns  INTEGER,
    received_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    bulletin_id   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    content_hash  TEXT NOT NULL,
    title         TEXT NOT NULL,
    meta          TEXT NOT NULL,
    body          TEXT NOT NULL,
    script_text   TEXT NOT NULL,
    original      TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, version)
);
CREATE TABLE IF NOT EXISTS history (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    bulletin_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    event        TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_bulletin ON history(bulletin_id);
CREATE TABLE IF NOT EXISTS airings (
    bulletin_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    slot_key     TEXT NOT NULL,
    aired_at     TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, slot_key)
);
CREATE TABLE IF NOT EXISTS approvals (
    bulletin_id   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    approved_at   TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, content_hash)
);
CREATE TABLE IF NOT EXISTS intake (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    claim        TEXT NOT NULL,           -- where the claimed file sits while it is processed
    state        TEXT NOT NULL,           -- claimed committed ingested unchanged rejecting rejected lost
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

STATES = ("received", "awaiting_approval", "approved", "rejected", "expired", "withdrawn")
ACTIVE = ("received", "awaiting_approval", "approved")
INTAKE_FINAL = ("ingested", "unchanged", "rejected", "lost")
_PRIORITY_ORDER = {"emergency": 0, "priority": 1, "normal": 2}

_COLUMNS = ("id", "source", "version", "state", "title", "priority", "tags", "air_from",
            "air_until", "slots", "repeat", "voice", "engine", "content_hash", "body",
            "script_text", "original", "speech_path", "times_aired", "approved_hash",
            "approved_by", "approved_at", "reason", "file_size", "file_mtime_ns", "received_at",
            "updated_at")


def store_path(station: Any) -> Path:
    """Where a station keeps its bulletin store: ``var/db/bulletins.sqlite3``."""
    return Path(station.var("db")) / "bulletins.sqlite3"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def slugify(text: str) -> str:
    """ASCII id from a Vietnamese file path: ``Thông báo/Tiêm chủng.txt`` -> ``thong-bao-tiem-chung``."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:48].strip("-") or "ban-tin"


@dataclass(frozen=True)
class BulletinRecord:
    """One bulletin's current version as the store holds it."""

    id: str
    version: int
    title: str
    priority: str  # 'normal' | 'priority' | 'emergency'
    tags: tuple[str, ...]
    air_from: dt.datetime | None
    air_until: dt.datetime | None
    slots: tuple[str, ...]
    repeat: int
    times_aired: int
    content_hash: str
    script_text: str
    speech_path: Path | None  # finished WAV of the speech, if rendered
    source: str  # path relative to inbox/
    state: str = "approved"
    original: Path | None = None
    body: str = ""
    voice: str | None = None
    engine: str | None = None
    approved_hash: str | None = None
    approved_by: str = ""
    approved_at: dt.datetime | None = None
    reason: str = ""
    received_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def airable_since(self) -> dt.datetime | None:
        """When it became airable: its approval, or its arrival where none is needed."""
        return self.approved_at if self.approved_at is not None else self.received_at

    @property
    def approved(self) -> bool:
        """Approved by a person, for exactly this content."""
        return self.approved_hash is not None and self.approved_hash == self.content_hash

    def meta(self) -> BulletinMeta:
        return BulletinMeta(title=self.title, tags=self.tags, priority=Priority(self.priority),
                            air_from=self.air_from, air_until=self.air_until, slots=self.slots,
                            repeat=self.repeat, voice=self.voice, engine=self.engine)

    def bulletin(self) -> Bulletin:
        """The domain object (for the speech stage)."""
        return Bulletin(id=self.id, source=self.original or Path(self.source), body=self.body,
                        meta=self.meta(), content_hash=self.content_hash, version=self.version)

    def in_window(self, now: dt.datetime) -> bool:
        return ((self.air_from is None or self.air_from <= now)
                and (self.air_until is None or now < self.air_until))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            if k in ("body", "extra"):
                continue
            if isinstance(v, dt.datetime):
                v = v.isoformat()
            elif isinstance(v, Path):
                v = str(v)
            elif isinstance(v, tuple):
                v = list(v)
            out[k] = v
        return out


@dataclass(frozen=True)
class IntakeRow:
    id: int
    token: str
    source: str
    claim: Path
    state: str
    size: int | None
    bulletin_id: str | None
    version: int | None
    rejected: Path | None
    detail: str
    received_at: str


@dataclass(frozen=True)
class HistoryRow:
    bulletin_id: str
    version: int
    at: str
    event: str
    detail: str


class BulletinStore(Database):
    """Thread-safe; every write is one committed transaction. Several processes may share it."""

    def __init__(self, path: Path, *, approval: str | None = None, readonly: bool = False) -> None:
        super().__init__(path, SCHEMA, readonly=readonly)
        if approval is not None:
            self.set_approval(approval)

    # --- approval mode ---------------------------------------------------------------------
    @property
    def approval(self) -> str:
        row = self._query("SELECT value FROM meta WHERE key='approval'")
        return row[0][0] if row else "none"

    def set_approval(self, mode: str) -> None:
        """Persist the station's approval mode and bring the states in line with it."""
        if mode not in ("none", "required"):
            raise ValueError(f"approval must be none or required, not {mode!r}")
        now = _iso(dt.datetime.now(dt.UTC))
        with self._tx() as db:
            db.execute("INSERT INTO meta(key, value) VALUES('approval', ?) ON CONFLICT(key)"
                       " DO UPDATE SET value=excluded.value", (mode,))
            if mode == "required":  # auto-approved content now needs a person's approval
                db.execute("UPDATE bulletins SET state='awaiting_approval', updated_at=? WHERE"
                           " state='approved' AND (approved_hash IS NULL OR"
                           " approved_hash != content_hash)", (now,))
            else:
                db.execute("UPDATE bulletins SET state='approved', updated_at=? WHERE"
                           " state IN ('received', 'awaiting_approval')", (now,))

    # --- reading ---------------------------------------------------------------------------
    def _record(self, row: tuple[Any, ...]) -> BulletinRecord:
        r = dict(zip(_COLUMNS, row, strict=True))
        speech = Path(r["speech_path"]) if r["speech_path"] else None
        if speech is not None and not speech.is_file():
            speech = None
        return BulletinRecord(
            id=r["id"], version=r["version"], title=r["title"], priority=r["priority"],
            tags=tuple(json.loads(r["tags"])), air_from=_dt(r["air_from"]),
            air_until=_dt(r["air_until"]), slots=tuple(json.loads(r["slots"])),
            repeat=r["repeat"], times_aired=r["times_aired"], content_hash=r["content_hash"],
            script_text=r["script_text"], speech_path=speech, source=r["source"],
            state=r["state"], original=Path(r["original"]) if r["original"] else None,
            body=r["body"], voice=r["voice"], engine=r["engine"],
            approved_hash=r["approved_hash"], approved_by=r["approved_by"],
            approved_at=_dt(r["approved_at"]), reason=r["reason"],
            received_at=_dt(r["received_at"]), updated_at=_dt(r["updated_at"]),
            extra={"file_size": r["file_size"], "file_mtime_ns": r["file_mtime_ns"]},
        )

    def _select(self, where: str = "", args: tuple[Any, ...] = ()) -> list[BulletinRecord]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM bulletins {where}"
        return [self._record(r) for r in self._query(sql, args)]

    def get(self, bulletin_id: str) -> BulletinRecord | None:
        found = self._select("WHERE id=?", (bulletin_id,))
        return found[0] if found else None

    def require(self, bulletin_id: str) -> BulletinRecord:
        """``get`` that raises an InboxError naming the known ids."""
        rec = self.get(bulletin_id)
        if rec is None:
            known = [r[0] for r in self._query("SELECT id FROM bulletins ORDER BY id")]
            from broadcaster import yamlpos

            guess = yamlpos.did_you_mean(bulletin_id, known)
            hint = t("store.did_you_mean", suggestion=guess) if guess else t("store.list_hint")
            raise InboxError(t("store.unknown_id", id=bulletin_id), hint=hint)
        return rec

    def by_source(self, source: str) -> BulletinRecord | None:
        found = self._select("WHERE source=?", (source,))
        return found[0] if found else None

    def all(self) -> list[BulletinRecord]:
        return self._select("ORDER BY received_at, id")

    def active(self) -> list[BulletinRecord]:
        return self._select("WHERE state IN ('received','awaiting_approval','approved')"
                            " ORDER BY received_at, id")

    def files(self) -> dict[str, tuple[str, str, int | None, int | None]]:
        """source -> (id, state, size, mtime_ns) of the file as put back in inbox/ (light)."""
        rows = self._query("SELECT source, id, state, file_size, file_mtime_ns FROM bulletins")
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def eligible(self, now: dt.datetime) -> list[BulletinRecord]:
        """Bulletins that may air at ``now``: emergencies first, then priority, then normal."""
        required = self.approval == "required"
        out = []
        for rec in self._select("WHERE state='approved'"):
            if required and not rec.approved:
                continue
            if not rec.in_window(now):
                continue
            if rec.repeat > 0 and rec.times_aired >= rec.repeat:
                continue
            out.append(rec)
        out.sort(key=lambda r: (_PRIORITY_ORDER.get(r.priority, 3), r.received_at or now, r.id))
        return out

    def versions(self, bulletin_id: str) -> list[dict[str, Any]]:
        rows = self._query("SELECT version, content_hash, title, meta, original, received_at"
                           " FROM versions WHERE bulletin_id=? ORDER BY version", (bulletin_id,))
        return [{"version": v, "content_hash": h, "title": ti, "meta": json.loads(m),
                 "original": o, "received_at": at} for v, h, ti, m, o, at in rows]

    def history(self, bulletin_id: str | None = None) -> list[HistoryRow]:
        if bulletin_id is None:
            rows = self._query("SELECT bulletin_id, version, at, event, detail FROM history"
                               " ORDER BY seq")
        else:
            rows = self._query("SELECT bulletin_id, version, at, event, detail FROM history"
                               " WHERE bulletin_id=? ORDER BY seq", (bulletin_id,))
        return [HistoryRow(*r) for r in rows]

    def airings(self, bulletin_id: str | None = None, *, month: str | None = None
                ) -> list[tuple[str, int, str, str]]:
        """(bulletin_id, version, slot_key, aired_at) rows, oldest first."""
        sql = "SELECT bulletin_id, version, slot_key, aired_at FROM airings"
        cond, args = [], []
        if bulletin_id is not None:
            cond.append("bulletin_id=?")
            args.append(bulletin_id)
        if month is not None:
            cond.append("substr(slot_key, 1, 7)=?")
            args.append(month)
        if cond:
            sql += " WHERE " + " AND ".join(cond)
        return [tuple(r) for r in self._query(sql + " ORDER BY aired_at", tuple(args))]  # type: ignore[misc]

    # --- the approver and the playout ------------------------------------------------------
    def _event(self, db: sqlite3.Connection, bulletin_id: str, version: int, now: str, event: str,
               detail: str = "") -> None:
        db.execute("INSERT INTO history(bulletin_id, version, at, event, detail) VALUES(?,?,?,?,?)",
                   (bulletin_id, version, now, event, detail))

    def approve(self, bulletin_id: str, *, by: str, now: dt.datetime | None = None,
                content_hash: str | None = None) -> BulletinRecord:
        """Approve the current version (pinned to its content hash)."""
        rec = self.require(bulletin_id)
        if content_hash is not None and content_hash != rec.content_hash:
            raise InboxError(t("store.changed_since", id=bulletin_id), hint=t("store.list_hint"))
        if rec.state in ("withdrawn", "expired"):
            raise InboxError(t("store.not_approvable", id=bulletin_id, state=rec.state))
        when = _iso(now or dt.datetime.now(dt.UTC))
        with self._tx() as db:
            cur = db.execute("UPDATE bulletins SET state='approved', approved_hash=?, approved_by=?,"
                             " approved_at=?, reason='', updated_at=? WHERE id=? AND version=?",
                             (rec.content_hash, by, when, when, bulletin_id, rec.version))
            if cur.rowcount != 1:
                raise InboxError(t("store.changed_since", id=bulletin_id))
            db.execute("INSERT OR REPLACE INTO approvals(bulletin_id, content_hash, approved_by,"
                       " approved_at) VALUES(?,?,?,?)", (bulletin_id, rec.content_hash, by, when))
            self._event(db, bulletin_id, rec.version, str(when), "approved",
                        f"by {by}; sha256 {rec.content_hash[:12]}")
        return self.require(bulletin_id)

    def reject(self, bulletin_id: str, reason: str, *, by: str = "",
               now: dt.datetime | None = None) -> BulletinRecord:
        """The approver refuses the current version; it never airs (a new version may)."""
        if not reason.strip():
            raise InboxError(t("store.reason_needed"))
        rec = self.require(bulletin_id)
        when = _iso(now or dt.datetime.now(dt.UTC))
        with self._tx() as db:
            db.execute("UPDATE bulletins SET state='rejected', reason=?, approved_hash=NULL,"
                       " updated_at=? WHERE id=?", (reason, when, bulletin_id))
            db.execute("DELETE FROM approvals WHERE bulletin_id=? AND content_hash=?",
                       (bulletin_id, rec.content_hash))
            self._event(db, bulletin_id, rec.version, str(when), "rejected",
                        f"{reason}" + (f" (by {by})" if by else ""))
        return self.require(bulletin_id)

    def withdraw(self, bulletin_id: str, reason: str, *, now: dt.datetime | None = None
                 ) -> BulletinRecord:
        """Take the bulletin off air before its next airing."""
        rec = self.require(bulletin_id)
        when = _iso(now or dt.datetime.now(dt.UTC))
        with self._tx() as db:
            db.execute("UPDATE bulletins SET state='withdrawn', reason=?, updated_at=? WHERE id=?",
                       (reason, when, bulletin_id))
            self._event(db, bulletin_id, rec.version, str(when), "withdrawn", reason)
        return self.require(bulletin_id)

    def record_airing(self, bulletin_id: str, version: int, slot_key: str, when: dt.datetime
                      ) -> bool:
        """Count one airing of ``bulletin_id`` in ``slot_key``; a repeat call is a no-op.

        Returns True when counted. When the count reaches ``repeat`` the bulletin expires.
        """
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO airings(bulletin_id, version, slot_key,"
                             " aired_at) VALUES(?,?,?,?)",
                             (bulletin_id, version, slot_key, _iso(when)))
            if cur.rowcount != 1:
                return False
            row = db.execute("SELECT version, times_aired, repeat, state FROM bulletins"
                             " WHERE id=?", (bulletin_id,)).fetchone()
            self._event(db, bulletin_id, version, str(_iso(when)), "aired", slot_key)
            if row is None or row[0] != version:
                return True  # an older version aired; the current one starts from zero
            times, repeat, state = row[1] + 1, row[2], row[3]
            new_state = "expired" if repeat > 0 and times >= repeat and state in ACTIVE else state
            reason = t("store.aired_enough", n=times) if new_state == "expired" else ""
            db.execute("UPDATE bulletins SET times_aired=?, state=?, reason=CASE WHEN ?='' THEN"
                       " reason ELSE ? END, updated_at=? WHERE id=?",
                       (times, new_state, reason, reason, _iso(when), bulletin_id))
            if new_state == "expired":
                self._event(db, bulletin_id, version, str(_iso(when)), "expired", reason)
        return True

    def expire(self, now: dt.datetime) -> list[str]:
        """Mark bulletins whose air window has ended as expired; returns their ids."""
        rows = self._query("SELECT id, version, air_until FROM bulletins WHERE air_until IS NOT"
                           " NULL AND state IN ('received','awaiting_approval','approved')")
        gone = [(bid, v, until) for bid, v, until in rows
                if (u := _dt(until)) is not None and u <= now]
        if not gone:
            return []
        when = _iso(now)
        with self._tx() as db:
            for bid, version, until in gone:
                reason = t("store.window_over", until=f"{_dt(until):%Y-%m-%d %H:%M}")
                db.execute("UPDATE bulletins SET state='expired', reason=?, updated_at=?"
                           " WHERE id=? AND state IN ('received','awaiting_approval','approved')",
                           (reason, when, bid))
                self._event(db, bid, version, str(when), "expired", reason)
        return [bid for bid, _, _ in gone]

    def set_speech(self, bulletin_id: str, version: int, path: Path | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE bulletins SET speech_path=? WHERE id=? AND version=?",
                       (str(path) if path else None, bulletin_id, version))

    def set_file_stat(self, bulletin_id: str, size: int | None, mtime_ns: int | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE bulletins SET file_size=?, file_mtime_ns=? WHERE id=?",
                       (size, mtime_ns, bulletin_id))

    def prune(self, before: dt.datetime) -> dict[str, int]:
        """Retention: forget finished intake entries older than ``before`` and drop the texts of
        bulletins finished (expired, withdrawn, rejected) before it. States, history and
        airings stay: they are the record of what was approved and aired."""
        cut = _iso(before)
        with self._tx() as db:
            intake = db.execute(f"DELETE FROM intake WHERE state IN {INTAKE_FINAL!r} AND"
                                " updated_at < ?", (cut,)).rowcount
            done = [r[0] for r in db.execute(
                "SELECT id FROM bulletins WHERE state IN ('expired','withdrawn','rejected') AND"
                " updated_at < ? AND body != ''", (cut,)).fetchall()]
            for bid in done:
                db.execute("UPDATE versions SET body='', script_text='' WHERE bulletin_id=?", (bid,))
                db.execute("UPDATE bulletins SET body='', script_text='' WHERE id=?", (bid,))
        return {"intake": intake, "texts": len(done)}

    # --- intake journal (the ingester) -----------------------------------------------------
    def _new_id(self, db: sqlite3.Connection, source: str) -> str:
        base = slugify(source.rsplit(".", 1)[0] if "." in source.rsplit("/", 1)[-1] else source)
        candidate, n = base, 1
        while db.execute("SELECT 1 FROM bulletins WHERE id=?", (candidate,)).fetchone():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def plan_version(self, source: str) -> tuple[str, int]:
        """The id and next version number a file from ``source`` would get."""
        row = self._query("SELECT id, version FROM bulletins WHERE source=?", (source,))
        if row:
            return row[0][0], row[0][1] + 1
        with self._lock:
            return self._new_id(self._db, source), 1

    def claim(self, token: str, source: str, claim: Path, size: int | None,
              now: dt.datetime) -> int:
        """Journal a file about to be claimed (before the rename, so a crash leaves a trace)."""
        with self._tx() as db:
            cur = db.execute("INSERT INTO intake(token, source, claim, state, size, received_at,"
                             " updated_at) VALUES(?,?,?,?,?,?,?)",
                             (token, source, str(claim), "claimed", size, _iso(now), _iso(now)))
            return int(cur.lastrowid or 0)

    def unclaim(self, intake_id: int) -> None:
        """The rename did not happen (file gone or busy): forget the journal entry."""
        with self._tx() as db:
            db.execute("DELETE FROM intake WHERE id=? AND state='claimed'", (intake_id,))

    def intake_state(self, intake_id: int, state: str, *, now: dt.datetime, detail: str = "",
                     rejected: Path | None = None) -> None:
        with self._tx() as db:
            db.execute("UPDATE intake SET state=?, detail=CASE WHEN ?='' THEN detail ELSE ? END,"
                       " rejected=COALESCE(?, rejected), updated_at=? WHERE id=?",
                       (state, detail, detail, str(rejected) if rejected else None, _iso(now),
                        intake_id))

    def intake(self, *, pending: bool | None = None) -> list[IntakeRow]:
        sql = ("SELECT id, token, source, claim, state, size, bulletin_id, version, rejected,"
               " detail, received_at FROM intake")
        if pending is True:
            sql += f" WHERE state NOT IN {INTAKE_FINAL!r}"
        elif pending is False:
            sql += f" WHERE state IN {INTAKE_FINAL!r}"
        rows = self._query(sql + " ORDER BY id")
        return [IntakeRow(r[0], r[1], r[2], Path(r[3]), r[4], r[5], r[6], r[7],
                          Path(r[8]) if r[8] else None, r[9], r[10]) for r in rows]

    def intake_tokens(self) -> set[str]:
        return {r[0] for r in self._query("SELECT token FROM intake")}

    def add_version(self, intake_id: int, bulletin: Bulletin, *, source: str, script_text: str,
                    original: Path, now: dt.datetime, file_size: int | None = None,
                    file_mtime_ns: int | None = None) -> tuple[BulletinRecord, bool]:
        """Store ``bulletin`` as the new version of ``source`` and close the intake entry, in one
        transaction. Returns (record, changed); unchanged content only refreshes the file stat."""
        meta = bulletin.meta
        when = _iso(now)
        approval = self.approval
        with self._tx() as db:
            cur = db.execute("SELECT id, version, content_hash, state FROM bulletins WHERE"
                             " source=?", (source,)).fetchone()
            if cur is not None and cur[2] == bulletin.content_hash and cur[3] in ACTIVE + ("rejected",):
                bid, version = cur[0], cur[1]
                db.execute("UPDATE bulletins SET file_size=?, file_mtime_ns=?, updated_at=?"
                           " WHERE id=?", (file_size, file_mtime_ns, when, bid))
                db.execute("UPDATE intake SET state='committed', bulletin_id=?, version=?,"
                           " detail='unchanged', updated_at=? WHERE id=?",
                           (bid, version, when, intake_id))
                self._event(db, bid, version, str(when), "received_again", "unchanged content")
                changed = False
            else:
                bid = cur[0] if cur is not None else self._new_id(db, source)
                version = cur[1] + 1 if cur is not None else 1
                prev_state = cur[3] if cur is not None else None
                title = meta.title or bulletin.source.stem
                # an approval is pinned to content: it carries over only to identical content
                approved_row = db.execute(
                    "SELECT content_hash, approved_by, approved_at FROM approvals WHERE"
                    " bulletin_id=? AND content_hash=?", (bid, bulletin.content_hash)).fetchone()
                approved_hash = approved_by = approved_at = None
                if approved_row:
                    approved_hash, approved_by, approved_at = approved_row
                if approval == "none" or approved_hash is not None:
                    state = "approved"
                else:
                    state = "awaiting_approval"
                meta_json = json.dumps({
                    "title": meta.title, "tags": list(meta.tags), "priority": str(meta.priority),
                    "air_from": _iso(meta.air_from), "air_until": _iso(meta.air_until),
                    "slots": list(meta.slots), "repeat": meta.repeat, "voice": meta.voice,
                    "engine": meta.engine}, ensure_ascii=False)
                db.execute("INSERT INTO versions(bulletin_id, version, content_hash, title, meta,"
                           " body, script_text, original, received_at) VALUES(?,?,?,?,?,?,?,?,?)",
                           (bid, version, bulletin.content_hash, title, meta_json, bulletin.body,
                            script_text, str(original), when))
                values = (bid, source, version, state, title, str(meta.priority),
                          json.dumps(list(meta.tags), ensure_ascii=False), _iso(meta.air_from),
                          _iso(meta.air_until), json.dumps(list(meta.slots), ensure_ascii=False),
                          meta.repeat, meta.voice, meta.engine, bulletin.content_hash,
                          bulletin.body, script_text, str(original), None, 0, approved_hash,
                          approved_by or "", approved_at, "", file_size, file_mtime_ns, when, when)
                db.execute(f"INSERT INTO bulletins({', '.join(_COLUMNS)}) VALUES"
                           f" ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
                           + ", ".join(f"{c}=excluded.{c}" for c in _COLUMNS
                                       if c not in ("id", "received_at")), values)
                db.execute("UPDATE intake SET state='committed', bulletin_id=?, version=?,"
                           " updated_at=? WHERE id=?", (bid, version, when, intake_id))
                self._event(db, bid, version, str(when), "received",
                            f"{source}; sha256 {bulletin.content_hash[:12]}"
                            + (f"; replaces version {version - 1} ({prev_state})"
                               if version > 1 else ""))
                self._event(db, bid, version, str(when), state)
                changed = True
        rec = self.get(bid)
        assert rec is not None
        return rec, changed


__all__ = ["ACTIVE", "STATES", "BulletinRecord", "BulletinStore", "HistoryRow", "IntakeRow",
           "slugify", "store_path"]
