"""Feed items into the bulletin store, through its intake API (``BulletinStore.add_external``:
the journal entry and the version in one transaction), never around it.

An item becomes a bulletin whose source is ``feed/<feed>/<item>``; its original (kept under
``var/originals/``) is a text file with front matter, as if an editor had dropped it. The same
item again with the same content changes nothing; with new content it is a new version, which
needs approval again when the station requires it; a cancellation withdraws it. An emergency
from a feed marked ``trusted_emergency`` is approved in the feed's name at once, so the station
airs it as an emergency within a second (the store watcher), like ``broadcaster emergency``."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yaml

from broadcaster import durable
from broadcaster.clock import Clock
from broadcaster.config import FeedSource, Station
from broadcaster.errors import BroadcasterError
from broadcaster.inbox.feeds.model import FeedItem, ItemAction
from broadcaster.inbox.ingest import SpeechSink
from broadcaster.inbox.records import BulletinRecord, slugify
from broadcaster.inbox.store import ACTIVE, BulletinStore
from broadcaster.messages import label, t
from broadcaster.models import Bulletin, BulletinMeta, BulletinState, Priority, Script

log = logging.getLogger(__name__)

Scripter = Callable[[Bulletin], Script]


def feed_source(feed: str, item_id: str) -> str:
    """The store's source of an item: ``feed/<feed>/<item slug>-<hash>`` (no dot: the id is
    made from it)."""
    digest = hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:8]
    return f"feed/{slugify(feed)}/{slugify(item_id)[:32]}-{digest}"


def original_text(feed: FeedSource, item: FeedItem) -> str:
    """The item as a bulletin file with front matter (what ``var/originals/`` keeps)."""
    meta: dict[str, object] = {"title": item.title, "priority": str(item.priority)}
    if item.air_from is not None:
        meta["from"] = item.air_from.isoformat()
    if item.air_until is not None:
        meta["until"] = item.air_until.isoformat()
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    origin = f"# {t('feeds.original_from', feed=feed.name, station=item.station or '-')}\n" \
             f"# id: {item.external_id}\n"
    return f"---\n{origin}{head}---\n{item.text.strip()}\n"


@dataclass
class TakeReport:
    """What one batch of items did."""

    taken: list[str] = field(default_factory=list)  # bulletin ids, new or a new version
    unchanged: int = 0
    cancelled: list[str] = field(default_factory=list)
    trusted: list[str] = field(default_factory=list)  # emergencies approved in the feed's name
    notes: list[str] = field(default_factory=list)


class FeedIntake:
    """Takes a feed's items into the store."""

    def __init__(self, station: Station, store: BulletinStore, clock: Clock, *,
                 scripter: Scripter | None = None, speech: SpeechSink | None = None) -> None:
        self.station = station
        self.store = store
        self.clock = clock
        self._scripter = scripter
        self.speech = speech
        self.originals = station.var("originals")
        self._failed: set[tuple[str, str, str]] = set()  # noted once per content

    def _script(self, bulletin: Bulletin) -> Script:
        if self._scripter is None:
            from broadcaster.pipeline import Pipeline

            self._scripter = Pipeline(self.station, self.clock).script
        return self._scripter(bulletin)

    def take(self, feed: FeedSource, items: Iterable[FeedItem]) -> TakeReport:
        """Every item in order (oldest first: an update after its alert)."""
        report = TakeReport()
        for item in items:
            if item.action is ItemAction.CANCEL:
                self._cancel(feed, item, report)
            else:
                self._take(feed, item, report)
        return report

    def withdraw_missing(self, feed: FeedSource, present: set[str]) -> list[str]:
        """A station feed no longer lists an item: its station withdrew or rejected it."""
        gone = []
        for rec in self.store.from_origin(feed.name):
            if rec.state in ACTIVE and rec.external_id not in present:
                self.store.withdraw(rec.id, t("feeds.gone_from_feed", feed=feed.name,
                                              id=rec.external_id), now=self.clock.now())
                log.warning("%s", t("feeds.withdrawn", id=rec.id, feed=feed.name))
                gone.append(rec.id)
        return gone

    # --- one item ----------------------------------------------------------------------------
    def _target(self, feed: FeedSource, item: FeedItem) -> BulletinRecord | None:
        """The bulletin this item is a version of: its own id, or one it references (CAP)."""
        rec = self.store.by_external(feed.name, item.external_id)
        if rec is not None:
            return rec
        for ref in item.cancels:
            bid = self.store.feed_item(feed.name, ref)
            if bid:
                return self.store.get(bid)
        return None

    def _take(self, feed: FeedSource, item: FeedItem, report: TakeReport) -> None:
        now = self.clock.now()
        if feed.kind == "cap" and self.store.feed_item(feed.name, item.external_id) is not None:
            return  # a CAP message is immutable: an update comes with its own identifier
        if item.air_until is not None and item.air_until <= now:
            self.store.note_feed_item(feed.name, item.external_id, "", now=now)
            report.notes.append(t("feeds.item_expired", feed=feed.name, id=item.external_id,
                                  until=f"{item.air_until:%Y-%m-%d %H:%M}"))
            return
        target = self._target(feed, item)
        text = original_text(feed, item)
        data = text.encode("utf-8")
        content_hash = hashlib.sha256(data).hexdigest()
        if target is not None and target.content_hash == content_hash:
            report.unchanged += 1
            return
        if (feed.name, item.external_id, content_hash) in self._failed:
            return
        source = target.source if target is not None else feed_source(feed.name, item.external_id)
        bid, version = self.store.plan_version(source)
        original = self.originals / bid / f"v{version}-{slugify(item.external_id)[:40]}.txt"
        bulletin = Bulletin(id=bid, source=original, body=item.text.strip(), version=version,
                            meta=BulletinMeta(title=item.title, priority=item.priority,
                                              air_from=item.air_from, air_until=item.air_until),
                            content_hash=content_hash)
        script = self._script_text(feed, item, bulletin, report)
        if script is None:
            return
        durable.write_bytes(original, data)
        ext_id = target.external_id if target is not None and target.external_id else \
            item.external_id
        rec, changed = self.store.add_external(bulletin, origin=feed.name, external_id=ext_id,
                                               source=source, script_text=script,
                                               original=original, now=now,
                                               item_id=item.external_id)
        if not changed:
            report.unchanged += 1
            return
        report.taken.append(rec.id)
        log.info("%s", t("feeds.taken", id=rec.id, version=rec.version, feed=feed.name,
                         title=rec.title, state=label("state", rec.state)))
        rec = self._trust(feed, rec, report)
        self._submit(rec)

    def _script_text(self, feed: FeedSource, item: FeedItem, bulletin: Bulletin,
                     report: TakeReport) -> str | None:
        """The spoken script of an item (the text stage's rules), or None with a note once."""
        try:
            script = "\n".join(self._script(bulletin).lines()).strip()
            if script:
                return script
            raise BroadcasterError(t("feeds.item_no_text", url=feed.name, id=item.external_id))
        except BroadcasterError as exc:
            self._failed.add((feed.name, item.external_id, bulletin.content_hash))
            report.notes.append(t("feeds.item_unreadable", feed=feed.name, id=item.external_id,
                                  error=exc.message))
            return None

    def _trust(self, feed: FeedSource, rec: BulletinRecord, report: TakeReport
               ) -> BulletinRecord:
        if not (feed.trusted_emergency and rec.priority is Priority.EMERGENCY):
            return rec
        if rec.state is BulletinState.APPROVED and (self.store.approval != "required"
                                                    or rec.approved):
            return rec  # no approval needed, or this content was approved already
        rec = self.store.approve(rec.id, by=t("feeds.approver", feed=feed.name),
                                 now=self.clock.now())
        report.trusted.append(rec.id)
        log.warning("%s", t("feeds.trusted_emergency", id=rec.id, feed=feed.name))
        return rec

    def _submit(self, rec: BulletinRecord) -> None:
        if self.speech is None:
            return
        try:
            self.speech.submit(rec.bulletin())
        except Exception:  # noqa: BLE001 - speech is retried by the inbox's sync loop
            log.exception("speech submit for %s failed", rec.id)

    def _cancel(self, feed: FeedSource, item: FeedItem, report: TakeReport) -> None:
        now = self.clock.now()
        if self.store.feed_item(feed.name, item.external_id) is not None:
            return
        hit = ""
        for ref in item.cancels:
            bid = self.store.feed_item(feed.name, ref)
            rec = self.store.get(bid) if bid else None
            if rec is not None and rec.state in ACTIVE:
                self.store.withdraw(rec.id, t("feeds.cancelled", feed=feed.name, id=ref),
                                    now=now)
                report.cancelled.append(rec.id)
                log.warning("%s", t("feeds.withdrawn", id=rec.id, feed=feed.name))
            hit = hit or (rec.id if rec is not None else "")
        self.store.note_feed_item(feed.name, item.external_id, hit, now=now)


def present_ids(items: Iterable[FeedItem]) -> set[str]:
    return {i.external_id for i in items}


__all__ = ["FeedIntake", "TakeReport", "feed_source", "original_text", "present_ids"]
