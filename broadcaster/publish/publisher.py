"""The publishing worker (a station part): after an airing, an approval or a withdrawal it brings
``var/public/`` in line with the store, then copies it to the targets. It runs on its own thread:
air never waits for it, and a failure is logged, alerted and retried with backoff."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.inbox.records import BulletinRecord
from broadcaster.inbox.store import BulletinStore
from broadcaster.messages import label, t
from broadcaster.ops.alerts import Alerter
from broadcaster.publish.archive import GONE, Manifest, PublicItem, Wanted, wanted
from broadcaster.publish.mp3 import encode_mp3
from broadcaster.publish.site import SiteInfo, write_site
from broadcaster.publish.targets import Target, make_targets
from broadcaster.worker import Worker

log = logging.getLogger(__name__)

Speech = Callable[[BulletinRecord], Path | None]
Notify = Callable[[str], None]


def public_dir(station: Station) -> Path:
    """Where the public archive is written: ``var/public/``."""
    return station.var("public")


def site_info(station: Station) -> SiteInfo:
    s = station.settings
    base = s.publish.base_url or f"http://{s.web.listen}/cong-khai/"
    return SiteInfo(station=s.name, base_url=base, language=s.language, tz=station.tz,
                    description=s.publish.description
                    or t("publish.feed.description", station=s.name))


@dataclass
class _Retry:
    """Backoff of one failing thing: when it may be tried again and how long the next wait is."""

    first: float
    limit: float
    due: float = 0.0
    delay: float = 0.0
    failing: bool = False

    def failed(self, now: float) -> float:
        self.delay = min(self.limit, self.delay * 2 if self.delay else self.first)
        self.due, self.failing = now + self.delay, True
        return self.delay

    def succeeded(self) -> None:
        self.due, self.delay, self.failing = 0.0, 0.0, False


class Publisher:
    """Keeps the public archive and its copies in step with what aired."""

    def __init__(self, station: Station, clock: Clock, store: BulletinStore | None, *,
                 speech: Speech, alerter: Alerter | None = None,
                 notify: Notify | None = None) -> None:
        self.station = station
        self.settings = station.settings.publish
        self.clock = clock
        self.store = store
        self.speech = speech
        self.alerter = alerter
        self.notify: Notify = notify or (lambda msg: log.info("%s", msg))
        self.root = public_dir(station)
        self.manifest = Manifest(station.var("publish") / "items.json")
        self.info = site_info(station)
        self.targets: list[Target] = make_targets(self.settings.targets, station.root)
        self._dirty: dict[str, _Retry] = {}
        self._retry = _Retry(self.settings.retry_seconds, self.settings.retry_max_seconds)
        self._worker = Worker("publish")
        self._built = False
        self.heartbeat: float | None = None

    # --- the station part ------------------------------------------------------------------
    def start(self) -> None:
        self._worker.start(self._run)
        self.notify(t("publish.started", path=self.root, url=self.info.base_url + "index.html"))

    def stop(self, timeout: float = 30.0) -> None:
        self._worker.stop(timeout)

    def wake(self) -> None:
        """Something aired, or an emergency goes on air: look now (never blocks)."""
        self._worker.wake()

    def _run(self) -> None:
        while not self._worker.stopping:
            self.turn()
            self._worker.pause(self._wait())

    def _wait(self) -> float:
        now = self.clock.monotonic()
        dues = [r.due for r in (self._retry, *self._dirty.values()) if r.failing]
        return max(0.05, min([self.settings.check_seconds, *(d - now for d in dues)]))

    def turn(self) -> None:
        """One pass: the archive (unless waiting after a failure), then due copies."""
        self.heartbeat = self.clock.monotonic()
        if not self._retry.failing or self._retry.due <= self.heartbeat:
            try:
                self.publish_once()
                self._retry.succeeded()
            except Exception as exc:  # noqa: BLE001 - publishing never stops; it retries
                wait = self._retry.failed(self.clock.monotonic())
                log.exception("publishing failed")
                self.notify(t("publish.failed", error=f"{type(exc).__name__}: {exc}",
                              seconds=f"{wait:.0f}"))
        self.sync_targets()

    # --- the archive -----------------------------------------------------------------------
    def publish_once(self) -> bool:
        """Bring ``var/public/`` in line with the store; True when something changed."""
        if self.store is None:
            return False
        records = self.store.all()
        want = wanted(records, self.store.airings(), self.settings.when)
        state = {r.id: r.state for r in records}
        changed = False
        for bid in list(self.manifest.items):
            if state.get(bid) in GONE or bid not in state:
                self._remove(self.manifest.items.pop(bid), state.get(bid))
                changed = True
        for bid, w in want.items():
            current = self.manifest.items.get(bid)
            if current is None or self._stale(current, w):
                self.manifest.items[bid] = self._make(w, current)
                changed = True
        if changed or not self._built:
            self.manifest.save()
            write_site(self.root, self.manifest.newest_first(), self.info, self.clock.now())
            self._prune()
            self._built = True
            for target in self.targets:
                self._dirty.setdefault(target.name, _Retry(self.settings.retry_seconds,
                                                           self.settings.retry_max_seconds))
        return changed

    @staticmethod
    def _stale(item: PublicItem, w: Wanted) -> bool:
        rec = w.record
        return (item.version != rec.version or item.content_hash != rec.content_hash
                or not item.mp3)

    def _make(self, w: Wanted, current: PublicItem | None) -> PublicItem:
        rec = w.record
        same = current is not None and current.version == rec.version
        published = current.published if same and current else w.published.isoformat()
        item = PublicItem(id=rec.id, version=rec.version, content_hash=rec.content_hash,
                          title=rec.title, priority=str(rec.priority), published=published,
                          body=rec.body)
        try:
            wav = self.speech(rec)
        except Exception:  # noqa: BLE001 - the text goes up now; the audio on a later pass
            log.exception("speech of %s for the public archive", rec.id)
            wav = None
        if wav is not None:
            name = f"{rec.id}-v{rec.version}.mp3"
            mp3 = encode_mp3(wav, self.root / "audio" / name, title=rec.title,
                             date=item.when.date().isoformat(), station=self.info.station,
                             bitrate_kbps=self.settings.bitrate_kbps)
            item = replace(item, mp3=name, mp3_size=mp3.size, duration_ms=mp3.duration_ms)
        if current is not None and current.mp3 and current.mp3 != item.mp3:
            with contextlib.suppress(FileNotFoundError):
                (self.root / "audio" / current.mp3).unlink()
        if current is None or current.version != item.version:
            self.notify(t("publish.published", id=rec.id, title=rec.title))
        return item

    def _remove(self, item: PublicItem, state: str | None) -> None:
        for rel in (item.page, f"audio/{item.mp3}" if item.mp3 else ""):
            if rel:
                with contextlib.suppress(FileNotFoundError):
                    (self.root / rel).unlink()
        self.notify(t("publish.removed", id=item.id,
                      state=label("state", state) if state else "-"))

    def _prune(self) -> None:
        """Pages and MP3s no published item names (a crash between two writes) go."""
        keep = {i.page for i in self.manifest.items.values()}
        keep |= {f"audio/{i.mp3}" for i in self.manifest.items.values() if i.mp3}
        for folder in ("ban-tin", "audio"):
            for path in (self.root / folder).glob("*"):
                rel = f"{folder}/{path.name}"
                if path.is_file() and rel not in keep and not path.name.startswith("."):
                    path.unlink()

    # --- the copies ------------------------------------------------------------------------
    def sync_targets(self) -> None:
        """Copy to every target that is behind and due; a failure is alerted and retried."""
        for target in self.targets:
            retry = self._dirty.get(target.name)
            now = self.clock.monotonic()
            if retry is None or (retry.failing and retry.due > now):
                continue
            try:
                n = target.sync(self.root)
            except OSError as exc:
                wait = retry.failed(now)
                log.warning("publish: copy to %s failed: %s", target.name, exc)
                if self.alerter is not None:
                    self.alerter.alert("publish", target.name, t(
                        "publish.target_failed", station=self.info.station, target=target.name,
                        error=f"{type(exc).__name__}: {exc}", seconds=f"{wait:.0f}"))
                continue
            if retry.failing or n:
                self.notify(t("publish.target_ok", target=target.name, n=n))
            del self._dirty[target.name]
