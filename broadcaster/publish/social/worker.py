"""The social worker (a station part, its own thread): what the public archive published is
queued for each configured page and sent, one request at a time, within each platform's rate
limit; a failure is retried with doubling waits; a refused token stops that platform and alerts;
a withdrawn bulletin's posts are deleted. Air never waits for any of it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.inbox.store import BulletinStore
from broadcaster.messages import t
from broadcaster.models import PostState
from broadcaster.ops.alerts import Alerter
from broadcaster.publish.archive import GONE, Manifest, PublicItem
from broadcaster.publish.site import plain_text
from broadcaster.publish.social.outbox import Action, Outbox, OutboxRow, Outcome, outbox_path
from broadcaster.publish.social.platforms import (
    Platform,
    PostError,
    SocialPost,
    TokenError,
    make_platforms,
)
from broadcaster.worker import Worker

log = logging.getLogger(__name__)

Notify = Callable[[str], None]


def platform_label(name: str) -> str:
    return t(f"social.platform.{name}")


class SocialWorker:
    """Posts what the archive publishes to the station's social pages."""

    def __init__(self, station: Station, clock: Clock, store: BulletinStore | None, *,
                 base_url: str, alerter: Alerter | None = None, notify: Notify | None = None,
                 platforms: list[Platform] | None = None) -> None:
        self.station = station
        self.settings = station.settings.publish.social
        self.clock = clock
        self.store = store
        self.base_url = base_url
        self.alerter = alerter
        self.notify: Notify = notify or (lambda msg: log.info("%s", msg))
        work = station.var("publish", "social")
        self.platforms = (platforms if platforms is not None
                          else make_platforms(self.settings, station.settings.name, work,
                                              station.var("db")))
        self.manifest_path = station.var("publish") / "items.json"
        self.public = station.var("public")
        self.outbox = Outbox(outbox_path(station.var("db")))
        self.stopped: dict[str, str] = {}  # platform -> the token error that stopped it
        self._worker = Worker("social")
        self.heartbeat: float | None = None

    # --- the station part ------------------------------------------------------------------
    def start(self) -> None:
        """Posts a refused token stopped go again (the token may have been renewed)."""
        self.outbox.requeue_token()
        self._worker.start(self._run)
        self.notify(t("social.started",
                      platforms=", ".join(platform_label(p.name) for p in self.platforms)))

    def stop(self, timeout: float = 30.0) -> None:
        self._worker.stop(timeout)
        self.outbox.close()

    def wake(self) -> None:
        """Something was published or withdrawn: look now (never blocks)."""
        self._worker.wake()

    def _run(self) -> None:
        while not self._worker.stopping:
            try:
                self.turn()
            except Exception:  # noqa: BLE001 - a long-running loop restarts itself
                log.exception("social posting failed; retrying")
            self._worker.pause(self.wait_seconds())

    def wait_seconds(self) -> float:
        """Until a platform's next request is both due and allowed, at most ``check_seconds``."""
        now = self.clock.now().timestamp()
        waits = [self.settings.check_seconds]
        for p in self.platforms:
            due = self.outbox.earliest_due(p.name)
            if due is not None and p.name not in self.stopped:
                waits.append(max(due - now, self.rate_wait(p.name, now)))
        return max(0.05, min(waits))

    def turn(self) -> None:
        """One pass: queue what is new, handle withdrawals, send what is due and allowed."""
        self.heartbeat = self.clock.monotonic()
        self.sync()
        for platform in self.platforms:
            while not self._worker.stopping and self.send_one(platform):
                pass

    # --- what should be posted -------------------------------------------------------------
    def sync(self) -> None:
        """Queue the archive's recent items for every platform; withdraw what left it."""
        now = self.clock.now()
        items = Manifest(self.manifest_path).items
        known = self.outbox.known()
        oldest = now - dt.timedelta(hours=self.settings.max_age_hours)
        for item in sorted(items.values(), key=lambda i: (i.when, i.id)):  # oldest first
            if item.when < oldest:
                continue
            for p in self.platforms:
                if (item.id, p.name) not in known:
                    self.outbox.enqueue(item.id, p.name, item.version, item.title,
                                        self.base_url + item.page, now)
        for bid in self.outbox.active_ids() - set(items):
            self._maybe_withdraw(bid, now)

    def _maybe_withdraw(self, bulletin_id: str, now: dt.datetime) -> None:
        """Gone from the archive: withdrawn or rejected (its posts go), or only pruned from the
        store as old (its posts stay)."""
        rec = self.store.get(bulletin_id) if self.store is not None else None
        if rec is None or rec.state not in GONE:
            return
        for row in self.outbox.withdraw(bulletin_id, now):
            if row.state != PostState.SENT:
                self.outbox.log(row, Action.CANCEL, Outcome.OK, now)

    # --- sending ---------------------------------------------------------------------------
    def rate_wait(self, platform: str, now_s: float) -> float:
        """Seconds until ``platform`` may take another request (0: now)."""
        s = self.settings
        waits = [0.0]
        last = self.outbox.last_request(platform)
        if last is not None:
            waits.append(last + s.min_interval_seconds - now_s)
        count, first, _ = self.outbox.requests_since(platform, now_s - 3600)
        if count >= s.max_per_hour and first is not None:
            waits.append(first + 3600 - now_s)
        return max(waits)

    def send_one(self, platform: Platform) -> bool:
        """Send the request due next on ``platform`` if its limit allows; True if one was made."""
        if platform.name in self.stopped:
            return False
        now = self.clock.now()
        if self.rate_wait(platform.name, now.timestamp()) > 0:
            return False
        row = self.outbox.next_due(platform.name, now.timestamp())
        if row is None:
            return False
        if row.state == PostState.DELETING:
            self._delete(platform, row)
        else:
            self._post(platform, row)
        return True

    def _post(self, platform: Platform, row: OutboxRow) -> None:
        post = self._social_post(row)
        if post is None:  # gone from the archive since it was queued: nothing to post
            self.outbox.settle(row, PostState.CANCELLED, self.clock.now())
            self.outbox.log(row, Action.CANCEL, Outcome.OK, self.clock.now())
            return
        try:
            posted = platform.post(post)
        except PostError as exc:
            audio = platform.audio and post.mp3 is not None
            self._failed(platform, row, Action.VIDEO if audio else Action.POST, exc)
            return
        now = self.clock.now()
        action = Action.VIDEO if posted.with_audio else Action.POST
        self.outbox.settle(row, PostState.SENT, now, post_id=posted.post_id)
        self.outbox.log(row, action, Outcome.OK, now, post_id=posted.post_id)
        self.notify(t("social.posted", id=row.bulletin_id, platform=platform_label(platform.name),
                      post_id=posted.post_id))

    def _delete(self, platform: Platform, row: OutboxRow) -> None:
        assert row.post_id is not None  # only sent posts are deleted
        try:
            deleted = platform.delete(row.post_id)
        except PostError as exc:
            self._failed(platform, row, Action.DELETE, exc)
            return
        now = self.clock.now()
        state, outcome = ((PostState.DELETED, Outcome.OK) if deleted
                          else (PostState.KEPT, Outcome.KEPT))
        self.outbox.settle(row, state, now)
        self.outbox.log(row, Action.DELETE, outcome, now, post_id=row.post_id)
        key = "social.deleted" if deleted else "social.kept"
        self.notify(t(key, id=row.bulletin_id, platform=platform_label(platform.name),
                      post_id=row.post_id))

    def _failed(self, platform: Platform, row: OutboxRow, action: Action, exc: PostError) -> None:
        now = self.clock.now()
        error = str(exc)
        label = platform_label(platform.name)
        station = self.station.settings.name
        if isinstance(exc, TokenError):
            self.stopped[platform.name] = error  # no more requests there until a restart
            if row.state == PostState.QUEUED:
                self.outbox.settle(row, PostState.TOKEN, now, error=error)
            else:  # a deletion waits, due, for the next run
                self.outbox.postpone(row, row.attempts, now.timestamp(), error)
            self.outbox.log(row, action, Outcome.TOKEN, now, detail=error)
            self._alert(platform.name, t(f"social.token.{platform.name}", station=station,
                                         error=error))
            return
        attempts = row.attempts + 1
        if not exc.retry or attempts >= self.settings.max_attempts:
            posting = row.state == PostState.QUEUED
            self.outbox.settle(row, PostState.FAILED if posting else PostState.KEPT, now,
                               error=error)
            self.outbox.log(row, action, Outcome.FAILED, now, detail=error)
            self._alert(platform.name, t("social.gave_up" if posting else "social.delete_failed",
                                         station=station, id=row.bulletin_id, platform=label,
                                         n=attempts, error=error, post_id=row.post_id))
            return
        wait = min(self.settings.retry_max_seconds,
                   self.settings.retry_seconds * 2 ** (attempts - 1))
        self.outbox.postpone(row, attempts, now.timestamp() + wait, error)
        self.outbox.log(row, action, Outcome.RETRY, now, detail=error)
        self.notify(t("social.retry", id=row.bulletin_id, platform=label, n=attempts,
                      error=error, seconds=f"{wait:.0f}"))

    def _alert(self, platform: str, message: str) -> None:
        log.warning("%s", message)
        if self.alerter is not None:
            self.alerter.alert("social", platform, message)

    def _social_post(self, row: OutboxRow) -> SocialPost | None:
        """The post as the archive shows the bulletin now (its cleaned text, its MP3)."""
        item: PublicItem | None = Manifest(self.manifest_path).items.get(row.bulletin_id)
        if item is None:
            return None
        mp3: Path | None = self.public / "audio" / item.mp3 if item.mp3 else None
        return SocialPost(bulletin_id=item.id, title=item.title, text=plain_text(item.body),
                          link=row.link, mp3=mp3 if mp3 is not None and mp3.exists() else None)
