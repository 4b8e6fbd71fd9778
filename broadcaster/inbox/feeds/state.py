"""Each upstream feed's polling state in the bulletin store (``feed_state``): the validators of
its last answer (ETag / Last-Modified, for conditional requests), its consecutive failures and
last problem (backoff, ``doctor``), and how many items it brought. Kept across restarts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.inbox.journal import IntakeJournal, iso


@dataclass(frozen=True)
class FeedState:
    """What the station remembers of one feed."""

    name: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_ok: str | None = None
    last_error: str = ""
    last_error_at: str | None = None
    taken: int = 0


_FIELDS = ("name", "url", "etag", "last_modified", "failures", "last_ok", "last_error",
           "last_error_at", "taken")


class FeedStateRows(IntakeJournal):
    """The ``feed_state`` table's reads and writes (a part of ``BulletinStore``)."""

    def feed_state(self, name: str, url: str) -> FeedState:
        """The stored state of feed ``name``; validators are forgotten when its URL changed."""
        rows = self._query(f"SELECT {', '.join(_FIELDS)} FROM feed_state WHERE name=?", (name,))
        if not rows:
            return FeedState(name, url)
        got = FeedState(*rows[0])
        if got.url != url:
            return FeedState(name, url, failures=got.failures, last_ok=got.last_ok,
                             last_error=got.last_error, last_error_at=got.last_error_at,
                             taken=got.taken)
        return got

    def feed_item(self, origin: str, item_id: str) -> str | None:
        """The bulletin id item ``item_id`` of feed ``origin`` went to ('' for none); None when
        the item was never seen."""
        rows = self._query("SELECT bulletin_id FROM feed_items WHERE origin=? AND item_id=?",
                           (origin, item_id))
        return str(rows[0][0]) if rows else None

    def note_feed_item(self, origin: str, item_id: str, bulletin_id: str, *,
                       now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO feed_items(origin, item_id, bulletin_id, at) VALUES(?,?,?,?)"
                       " ON CONFLICT(origin, item_id) DO UPDATE SET bulletin_id=excluded.bulletin_id",
                       (origin, item_id, bulletin_id, iso(now)))

    def feed_states(self) -> dict[str, FeedState]:
        rows = self._query(f"SELECT {', '.join(_FIELDS)} FROM feed_state ORDER BY name")
        return {r[0]: FeedState(*r) for r in rows}

    def save_feed_state(self, state: FeedState, *, now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(f"INSERT INTO feed_state({', '.join(_FIELDS)}, updated_at) VALUES"
                       f" ({', '.join('?' * (len(_FIELDS) + 1))}) ON CONFLICT(name) DO UPDATE SET "
                       + ", ".join(f"{c}=excluded.{c}" for c in (*_FIELDS[1:], "updated_at")),
                       (state.name, state.url, state.etag, state.last_modified, state.failures,
                        state.last_ok, state.last_error, state.last_error_at, state.taken,
                        iso(now)))


__all__ = ["FeedState", "FeedStateRows"]
