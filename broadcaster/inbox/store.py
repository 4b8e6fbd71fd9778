"""The bulletin store (SQLite, WAL, under ``var/db/``): bulletins, versions, history, airings
and approvals, on top of the intake journal (``journal.py``) that proves every dropped file
became a bulletin or a rejection.

A bulletin is keyed by its source file (path relative to ``inbox/``) and has a stable id made
from it. Dropping a file with the same name adds a version; approvals are pinned to the content
hash of the version approved. States (``BulletinState``): received -> awaiting_approval ->
approved -> (aired N times) -> expired | withdrawn; ``rejected`` when the approver refuses it.
Times come from the caller (the station's clock), never from the machine inside the store.

The file is versioned (``PRAGMA user_version``, steps in ``schema.py``); opening it upgrades it.

Playout API (what the air stage consumes)::

    store = BulletinStore(path)
    store.eligible(now) -> list[BulletinRecord]     # may air now, priority first
    store.record_airing(bulletin_id, version, slot_key, when)   # idempotent per slot
    store.get(id), store.approve(id, by=..., now=...), store.reject(id, reason, now=...),
    store.withdraw(id, reason, now=...)
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any, overload

from broadcaster.db import in_clause
from broadcaster.errors import InboxError
from broadcaster.inbox.feeds.state import FeedStateRows
from broadcaster.inbox.journal import (
    IntakeRow,
    commit_intake,
    iso,
    prune_intake,
)
from broadcaster.inbox.records import BulletinRecord, HistoryRow, slugify
from broadcaster.inbox.schema import MIGRATIONS, SCHEMA_VERSION
from broadcaster.messages import label, t
from broadcaster.models import Bulletin, BulletinState, IntakeState, Priority

STATES = tuple(BulletinState)
ACTIVE = (BulletinState.RECEIVED, BulletinState.AWAITING_APPROVAL, BulletinState.APPROVED)
FINISHED = (BulletinState.EXPIRED, BulletinState.WITHDRAWN, BulletinState.REJECTED)
_PRIORITY_ORDER = {Priority.EMERGENCY: 0, Priority.PRIORITY: 1, Priority.NORMAL: 2}

_COLUMNS = ("id", "source", "version", "state", "title", "priority", "tags", "air_from",
            "air_until", "slots", "repeat", "voice", "engine", "content_hash", "body",
            "script_text", "original", "speech_path", "times_aired", "approved_hash",
            "approved_by", "approved_at", "reason", "file_size", "file_mtime_ns", "received_at",
            "updated_at", "audio", "origin", "external_id")


def store_path(station: Any) -> Path:
    """Where a station keeps its bulletin store: ``var/db/bulletins.sqlite3``."""
    return Path(station.var("db")) / "bulletins.sqlite3"


def _dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _record(row: tuple[Any, ...]) -> BulletinRecord:
    r = dict(zip(_COLUMNS, row, strict=True))
    speech = Path(r["speech_path"]) if r["speech_path"] else None
    if speech is not None and not speech.is_file():
        speech = None
    return BulletinRecord(
        id=r["id"], version=r["version"], title=r["title"], priority=Priority(r["priority"]),
        tags=tuple(json.loads(r["tags"])), air_from=_dt(r["air_from"]),
        air_until=_dt(r["air_until"]), slots=tuple(json.loads(r["slots"])),
        repeat=r["repeat"], times_aired=r["times_aired"], content_hash=r["content_hash"],
        script_text=r["script_text"], speech_path=speech, source=r["source"],
        state=BulletinState(r["state"]), original=Path(r["original"]) if r["original"] else None,
        body=r["body"], voice=r["voice"], engine=r["engine"],
        approved_hash=r["approved_hash"], approved_by=r["approved_by"],
        approved_at=_dt(r["approved_at"]), reason=r["reason"],
        received_at=_dt(r["received_at"]), updated_at=_dt(r["updated_at"]),
        audio=Path(r["audio"]) if r["audio"] else None,
        origin=r["origin"], external_id=r["external_id"],
        extra={"file_size": r["file_size"], "file_mtime_ns": r["file_mtime_ns"]},
    )


def _event(db: sqlite3.Connection, bulletin_id: str, version: int, now: str | None, event: str,
           detail: str = "") -> None:
    db.execute("INSERT INTO history(bulletin_id, version, at, event, detail) VALUES(?,?,?,?,?)",
               (bulletin_id, version, str(now), str(event), detail))


def _new_id(db: sqlite3.Connection, source: str) -> str:
    base = slugify(source.rsplit(".", 1)[0] if "." in source.rsplit("/", 1)[-1] else source)
    candidate, n = base, 1
    while db.execute("SELECT 1 FROM bulletins WHERE id=?", (candidate,)).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class BulletinStore(FeedStateRows):
    """Thread-safe; every write is one committed transaction. Several processes may share it.

    ``approval`` (with the ``now`` it takes effect at) persists the station's approval mode.
    """

    @overload
    def __init__(self, path: Path, *, readonly: bool = False) -> None: ...

    @overload
    def __init__(self, path: Path, *, approval: str, now: dt.datetime) -> None: ...

    def __init__(self, path: Path, *, approval: str | None = None,
                 now: dt.datetime | None = None, readonly: bool = False) -> None:
        # readonly: the web desk reads beside the station (no migration, no write)
        super().__init__(path, migrations=MIGRATIONS, readonly=readonly)
        if approval is not None:
            if now is None:
                raise TypeError("BulletinStore(approval=...) needs now=")
            self.set_approval(approval, now=now)

    # --- approval mode ---------------------------------------------------------------------
    @property
    def approval(self) -> str:
        row = self._query("SELECT value FROM meta WHERE key='approval'")
        return row[0][0] if row else "none"

    def set_approval(self, mode: str, *, now: dt.datetime) -> None:
        """Persist the station's approval mode and bring the states in line with it."""
        if mode not in ("none", "required"):
            raise ValueError(f"approval must be none or required, not {mode!r}")
        when = iso(now)
        with self._tx() as db:
            db.execute("INSERT INTO meta(key, value) VALUES('approval', ?) ON CONFLICT(key)"
                       " DO UPDATE SET value=excluded.value", (mode,))
            if mode == "required":  # auto-approved content now needs a person's approval
                db.execute("UPDATE bulletins SET state=?, updated_at=? WHERE state=? AND"
                           " (approved_hash IS NULL OR approved_hash != content_hash)",
                           (BulletinState.AWAITING_APPROVAL, when, BulletinState.APPROVED))
            else:
                waiting, args = in_clause((BulletinState.RECEIVED,
                                           BulletinState.AWAITING_APPROVAL))
                db.execute(f"UPDATE bulletins SET state=?, updated_at=? WHERE state IN {waiting}",
                           (BulletinState.APPROVED, when, *args))

    # --- reading ---------------------------------------------------------------------------
    def _select(self, where: str = "", args: tuple[Any, ...] = ()) -> list[BulletinRecord]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM bulletins {where}"
        return [_record(r) for r in self._query(sql, args)]

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
        active, args = in_clause(ACTIVE)
        return self._select(f"WHERE state IN {active} ORDER BY received_at, id", args)

    def files(self) -> dict[str, tuple[str, str, int | None, int | None]]:
        """source -> (id, state, size, mtime_ns) of the file as put back in inbox/ (light)."""
        rows = self._query("SELECT source, id, state, file_size, file_mtime_ns FROM bulletins")
        return {r[0]: (r[1], BulletinState(r[2]), r[3], r[4]) for r in rows}

    def eligible(self, now: dt.datetime) -> list[BulletinRecord]:
        """Bulletins that may air at ``now``: emergencies first, then priority, then normal."""
        required = self.approval == "required"
        out = []
        for rec in self._select("WHERE state=?", (BulletinState.APPROVED,)):
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
        return [(r[0], r[1], r[2], r[3]) for r in self._query(sql + " ORDER BY aired_at",
                                                              tuple(args))]

    # --- the approver and the playout ------------------------------------------------------
    def approve(self, bulletin_id: str, *, by: str, now: dt.datetime,
                content_hash: str | None = None, version: int | None = None) -> BulletinRecord:
        """Approve the current version (pinned to its content hash) in any state it can still
        air from (received, awaiting approval, approved, rejected); say why otherwise."""
        rec = self.require(bulletin_id)
        if version is not None and version != rec.version:
            raise InboxError(t("store.old_version", id=bulletin_id, asked=version,
                               current=rec.version), hint=t("store.list_hint"))
        if content_hash is not None and content_hash != rec.content_hash:
            raise InboxError(t("store.changed_since", id=bulletin_id), hint=t("store.list_hint"))
        if rec.state in (BulletinState.WITHDRAWN, BulletinState.EXPIRED):
            hint = t("store.not_approvable.withdrawn" if rec.state == BulletinState.WITHDRAWN
                     else "store.not_approvable.expired", source=rec.source)
            raise InboxError(t("store.not_approvable", id=bulletin_id, state=label("state", rec.state),
                               reason=rec.reason or "-"), hint=hint)
        when = iso(now)
        with self._tx() as db:
            cur = db.execute("UPDATE bulletins SET state=?, approved_hash=?, approved_by=?,"
                             " approved_at=?, reason='', updated_at=? WHERE id=? AND version=?",
                             (BulletinState.APPROVED, rec.content_hash, by, when, when,
                              bulletin_id, rec.version))
            if cur.rowcount != 1:
                raise InboxError(t("store.changed_since", id=bulletin_id))
            db.execute("INSERT OR REPLACE INTO approvals(bulletin_id, content_hash, approved_by,"
                       " approved_at) VALUES(?,?,?,?)", (bulletin_id, rec.content_hash, by, when))
            _event(db, bulletin_id, rec.version, when, BulletinState.APPROVED,
                   f"by {by}; sha256 {rec.content_hash[:12]}")
        return self.require(bulletin_id)

    def reject(self, bulletin_id: str, reason: str, *, by: str = "", now: dt.datetime
               ) -> BulletinRecord:
        """The approver refuses the current version; it never airs (a new version may)."""
        if not reason.strip():
            raise InboxError(t("store.reason_needed"))
        rec = self.require(bulletin_id)
        when = iso(now)
        with self._tx() as db:
            db.execute("UPDATE bulletins SET state=?, reason=?, approved_hash=NULL,"
                       " updated_at=? WHERE id=?",
                       (BulletinState.REJECTED, reason, when, bulletin_id))
            db.execute("DELETE FROM approvals WHERE bulletin_id=? AND content_hash=?",
                       (bulletin_id, rec.content_hash))
            _event(db, bulletin_id, rec.version, when, BulletinState.REJECTED,
                   f"{reason}" + (f" (by {by})" if by else ""))
        return self.require(bulletin_id)

    def withdraw(self, bulletin_id: str, reason: str, *, now: dt.datetime) -> BulletinRecord:
        """Take the bulletin off air before its next airing."""
        rec = self.require(bulletin_id)
        when = iso(now)
        with self._tx() as db:
            db.execute("UPDATE bulletins SET state=?, reason=?, updated_at=? WHERE id=?",
                       (BulletinState.WITHDRAWN, reason, when, bulletin_id))
            _event(db, bulletin_id, rec.version, when, BulletinState.WITHDRAWN, reason)
        return self.require(bulletin_id)

    def record_airing(self, bulletin_id: str, version: int, slot_key: str, when: dt.datetime
                      ) -> bool:
        """Count one airing of ``bulletin_id`` in ``slot_key``; a repeat call is a no-op.

        Returns True when counted. When the count reaches ``repeat`` the bulletin expires.
        """
        at = iso(when)
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO airings(bulletin_id, version, slot_key,"
                             " aired_at) VALUES(?,?,?,?)", (bulletin_id, version, slot_key, at))
            if cur.rowcount != 1:
                return False
            row = db.execute("SELECT version, times_aired, repeat, state FROM bulletins"
                             " WHERE id=?", (bulletin_id,)).fetchone()
            _event(db, bulletin_id, version, at, "aired", slot_key)
            if row is None or row[0] != version:
                return True  # an older version aired; the current one starts from zero
            times, repeat, state = row[1] + 1, row[2], BulletinState(row[3])
            done = repeat > 0 and times >= repeat and state in ACTIVE
            new_state = BulletinState.EXPIRED if done else state
            reason = t("store.aired_enough", n=times) if done else ""
            db.execute("UPDATE bulletins SET times_aired=?, state=?, reason=CASE WHEN ?='' THEN"
                       " reason ELSE ? END, updated_at=? WHERE id=?",
                       (times, new_state, reason, reason, at, bulletin_id))
            if done:
                _event(db, bulletin_id, version, at, BulletinState.EXPIRED, reason)
        return True

    def expire(self, now: dt.datetime) -> list[str]:
        """Mark bulletins whose air window has ended as expired; returns their ids."""
        active, args = in_clause(ACTIVE)
        rows = self._query("SELECT id, version, air_until FROM bulletins WHERE air_until IS NOT"
                           f" NULL AND state IN {active}", args)
        gone = [(bid, v, u) for bid, v, until in rows
                if (u := _dt(until)) is not None and u <= now]
        if not gone:
            return []
        when = iso(now)
        with self._tx() as db:
            for bid, version, until in gone:
                reason = t("store.window_over", until=f"{until:%Y-%m-%d %H:%M}")
                db.execute(f"UPDATE bulletins SET state=?, reason=?, updated_at=? WHERE id=? AND"
                           f" state IN {active}",
                           (BulletinState.EXPIRED, reason, when, bid, *args))
                _event(db, bid, version, when, BulletinState.EXPIRED, reason)
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
        cut = iso(before)
        finished, args = in_clause(FINISHED)
        with self._tx() as db:
            intake = prune_intake(db, cut)
            done = [r[0] for r in db.execute(
                f"SELECT id FROM bulletins WHERE state IN {finished} AND updated_at < ? AND"
                " body != ''", (*args, cut)).fetchall()]
            for bid in done:
                db.execute("UPDATE versions SET body='', script_text='' WHERE bulletin_id=?", (bid,))
                db.execute("UPDATE bulletins SET body='', script_text='' WHERE id=?", (bid,))
        return {"intake": intake, "texts": len(done)}

    # --- new versions (the ingester) -------------------------------------------------------
    def plan_version(self, source: str) -> tuple[str, int]:
        """The id and next version number a file from ``source`` would get."""
        row = self._query("SELECT id, version FROM bulletins WHERE source=?", (source,))
        if row:
            return row[0][0], row[0][1] + 1
        with self._lock:
            return _new_id(self._db, source), 1

    def add_version(self, intake_id: int, bulletin: Bulletin, *, source: str, script_text: str,
                    original: Path, now: dt.datetime, file_size: int | None = None,
                    file_mtime_ns: int | None = None) -> tuple[BulletinRecord, bool]:
        """Store ``bulletin`` as the new version of ``source`` and close the intake entry, in one
        transaction. Returns (record, changed); unchanged content only refreshes the file stat."""
        when = iso(now)
        approval = self.approval
        with self._tx() as db:
            bid, changed = self._add_version_tx(db, intake_id, bulletin, source, script_text,
                                                original, when, approval,
                                                (file_size, file_mtime_ns), None)
        rec = self.get(bid)
        if rec is None:  # cannot happen: written in the transaction above
            raise InboxError(t("store.unknown_id", id=bid))
        return rec, changed

    def _add_version_tx(self, db: sqlite3.Connection, intake_id: int, bulletin: Bulletin,
                        source: str, script_text: str, original: Path, when: str | None,
                        approval: str, stat: tuple[int | None, int | None],
                        origin: tuple[str, str] | None) -> tuple[str, bool]:
        cur = db.execute("SELECT id, version, content_hash, state FROM bulletins WHERE"
                         " source=?", (source,)).fetchone()
        if (cur is not None and cur[2] == bulletin.content_hash
                and BulletinState(cur[3]) in (*ACTIVE, BulletinState.REJECTED)):
            bid, version = cur[0], cur[1]
            db.execute("UPDATE bulletins SET file_size=?, file_mtime_ns=?, updated_at=?"
                       " WHERE id=?", (*stat, when, bid))
            commit_intake(db, intake_id, bid, version, when, detail="unchanged")
            _event(db, bid, version, when, "received_again", "unchanged content")
            return bid, False
        bid, version = self._insert_version(db, cur, bulletin, source, script_text,
                                            original, when, approval, stat, origin)
        commit_intake(db, intake_id, bid, version, when)
        return bid, True

    # --- bulletins from upstream feeds (feeds branch) --------------------------------------
    def by_external(self, origin: str, external_id: str) -> BulletinRecord | None:
        """The bulletin taken from item ``external_id`` of feed ``origin``, if any."""
        found = self._select("WHERE origin=? AND external_id=?", (origin, external_id))
        return found[0] if found else None

    def from_origin(self, origin: str) -> list[BulletinRecord]:
        """Every bulletin taken from feed ``origin``."""
        return self._select("WHERE origin=? ORDER BY received_at, id", (origin,))

    def add_external(self, bulletin: Bulletin, *, origin: str, external_id: str, source: str,
                     script_text: str, original: Path, now: dt.datetime, item_id: str = ""
                     ) -> tuple[BulletinRecord, bool]:
        """Store ``bulletin`` (item ``item_id`` of feed ``origin``, a version of its
        ``external_id``) as a new version of ``source``: the intake journal entry, the version,
        the journal's final state and the item seen, in ONE transaction, so a crash leaves
        either nothing (the item is taken at the next poll) or all of it."""
        when = iso(now)
        approval = self.approval
        token = f"feed-{uuid.uuid4().hex[:16]}"
        with self._tx() as db:
            cur = db.execute("INSERT INTO intake(token, source, claim, state, size, received_at,"
                             " updated_at) VALUES(?,?,?,?,?,?,?)",
                             (token, source, str(original), IntakeState.CLAIMED, None, when,
                              when))
            intake_id = int(cur.lastrowid or 0)
            bid, changed = self._add_version_tx(db, intake_id, bulletin, source, script_text,
                                                original, when, approval, (None, None),
                                                (origin, external_id))
            final = IntakeState.INGESTED if changed else IntakeState.UNCHANGED
            db.execute("UPDATE intake SET state=?, updated_at=? WHERE id=?",
                       (final, when, intake_id))
            db.execute("INSERT INTO feed_items(origin, item_id, bulletin_id, at) VALUES(?,?,?,?)"
                       " ON CONFLICT(origin, item_id) DO UPDATE SET bulletin_id=excluded.bulletin_id",
                       (origin, item_id or external_id, bid, when))
        rec = self.get(bid)
        if rec is None:  # cannot happen: written in the transaction above
            raise InboxError(t("store.unknown_id", id=bid))
        return rec, changed

    def _insert_version(self, db: sqlite3.Connection, cur: tuple[Any, ...] | None,
                        bulletin: Bulletin, source: str, script_text: str, original: Path,
                        when: str | None, approval: str, stat: tuple[int | None, int | None],
                        origin: tuple[str, str] | None = None) -> tuple[str, int]:
        meta = bulletin.meta
        bid = cur[0] if cur is not None else _new_id(db, source)
        version = cur[1] + 1 if cur is not None else 1
        title = meta.title or bulletin.source.stem
        # an approval is pinned to content: it carries over only to identical content
        approved_row = db.execute(
            "SELECT content_hash, approved_by, approved_at FROM approvals WHERE"
            " bulletin_id=? AND content_hash=?", (bid, bulletin.content_hash)).fetchone()
        approved_hash, approved_by, approved_at = approved_row or (None, None, None)
        if approval == "none" or approved_hash is not None:
            state = BulletinState.APPROVED
        else:
            state = BulletinState.AWAITING_APPROVAL
        audio = str(original) if bulletin.audio is not None else None  # the kept recording
        meta_json = json.dumps({
            "title": meta.title, "tags": list(meta.tags), "priority": str(meta.priority),
            "air_from": iso(meta.air_from), "air_until": iso(meta.air_until),
            "slots": list(meta.slots), "repeat": meta.repeat, "voice": meta.voice,
            "engine": meta.engine}, ensure_ascii=False)
        db.execute("INSERT INTO versions(bulletin_id, version, content_hash, title, meta,"
                   " body, script_text, original, received_at, audio) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   (bid, version, bulletin.content_hash, title, meta_json, bulletin.body,
                    script_text, str(original), when, audio))
        values = (bid, source, version, state, title, Priority(meta.priority),
                  json.dumps(list(meta.tags), ensure_ascii=False), iso(meta.air_from),
                  iso(meta.air_until), json.dumps(list(meta.slots), ensure_ascii=False),
                  meta.repeat, meta.voice, meta.engine, bulletin.content_hash,
                  bulletin.body, script_text, str(original), None, 0, approved_hash,
                  approved_by or "", approved_at, "", *stat, when, when, audio,
                  *(origin or (None, None)))
        db.execute(f"INSERT INTO bulletins({', '.join(_COLUMNS)}) VALUES"
                   f" ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
                   + ", ".join(f"{c}=excluded.{c}" for c in _COLUMNS
                               if c not in ("id", "received_at")), values)
        _event(db, bid, version, when, "received",
               f"{source}; sha256 {bulletin.content_hash[:12]}"
               + (f"; replaces version {version - 1} ({cur[3]})" if cur is not None else ""))
        _event(db, bid, version, when, state)
        return bid, version


__all__ = ["ACTIVE", "FINISHED", "MIGRATIONS", "SCHEMA_VERSION", "STATES", "BulletinRecord",
           "BulletinStore", "HistoryRow", "IntakeRow", "slugify", "store_path"]
