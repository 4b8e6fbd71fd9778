"""The bulletin store's schema as numbered migrations (``PRAGMA user_version``): step ``n``
takes a file from version ``n - 1`` to ``n``. Never edit a step that has shipped; append one.
"""

from __future__ import annotations

from broadcaster.db import Migration
from broadcaster.inbox.journal import INTAKE_SCHEMA_V1

# Version 1: the schema of every release before the store was versioned (those files have
# user_version 0 and already hold these tables, hence IF NOT EXISTS).
BULLETIN_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bulletins (
    id             TEXT PRIMARY KEY,
    source         TEXT NOT NULL UNIQUE,     -- path relative to inbox/, '/' separated
    version        INTEGER NOT NULL,
    state          TEXT NOT NULL,            -- BulletinState
    title          TEXT NOT NULL,
    priority       TEXT NOT NULL,            -- Priority
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
"""

# Version 4: a bulletin taken from an upstream feed names its feed (``origin``) and the item's id
# there (``external_id``, the de-duplication key); ``feed_state`` keeps each feed's conditional
# request validators, backoff and last problem (for ``doctor``) across restarts.
FEEDS_V4 = """
ALTER TABLE bulletins ADD COLUMN origin TEXT;
ALTER TABLE bulletins ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS bulletins_external ON bulletins(origin, external_id)
    WHERE origin IS NOT NULL;
CREATE TABLE IF NOT EXISTS feed_items (       -- every item id seen (CAP updates, cancels too)
    origin       TEXT NOT NULL,
    item_id      TEXT NOT NULL,
    bulletin_id  TEXT NOT NULL DEFAULT '',  -- '' when the item made no bulletin (test, ack)
    at           TEXT NOT NULL,
    PRIMARY KEY (origin, item_id)
);
CREATE TABLE IF NOT EXISTS feed_state (
    name           TEXT PRIMARY KEY,
    url            TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_ok        TEXT,
    last_error     TEXT NOT NULL DEFAULT '',
    last_error_at  TEXT,
    taken          INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL
);
"""

MIGRATIONS: tuple[Migration, ...] = (
    BULLETIN_SCHEMA_V1 + INTAKE_SCHEMA_V1,  # 1: the unversioned schema
    "CREATE INDEX IF NOT EXISTS bulletins_state ON bulletins(state);",  # 2: eligible/active scans
    # 3: recorded bulletins (audio in inbox/): the kept recording, NULL for a text bulletin
    "ALTER TABLE bulletins ADD COLUMN audio TEXT; ALTER TABLE versions ADD COLUMN audio TEXT;",
    FEEDS_V4,  # 4: bulletins taken from upstream feeds (feeds branch, issue 16 point 3)
)
SCHEMA_VERSION = len(MIGRATIONS)


__all__ = ["BULLETIN_SCHEMA_V1", "FEEDS_V4", "MIGRATIONS", "SCHEMA_VERSION"]
