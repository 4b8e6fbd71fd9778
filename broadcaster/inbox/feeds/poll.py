"""The feed poller (a station part): every feed in ``feeds.sources`` is fetched when due, with a
conditional request, parsed, and its items taken into the store. A failure (unreachable, 404,
timeout, malformed or unsafe XML, too big) is logged and kept for ``doctor`` in Vietnamese
naming the feed and what to do; the feed is tried again with exponential backoff, and nothing
already taken is touched. The validators (ETag, Last-Modified) are saved only after the items
were taken, so a crash in between fetches the same answer again."""

from __future__ import annotations

import logging
import sqlite3
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from broadcaster.clock import Clock
from broadcaster.config import FeedSource, Station
from broadcaster.inbox.feeds.cap import CapResult, parse_cap
from broadcaster.inbox.feeds.fetch import Fetcher, HttpFetcher, Response
from broadcaster.inbox.feeds.intake import FeedIntake, Scripter, TakeReport, present_ids
from broadcaster.inbox.feeds.model import FeedItem, FeedProblem
from broadcaster.inbox.feeds.state import FeedState
from broadcaster.inbox.feeds.stationfeed import parse_station_feed
from broadcaster.inbox.ingest import SpeechSink
from broadcaster.inbox.journal import iso
from broadcaster.inbox.store import BulletinStore
from broadcaster.messages import t
from broadcaster.worker import Worker

log = logging.getLogger(__name__)

Notify = Callable[[str], None]
MAX_CAP_LINKS = 20  # alert documents fetched per poll of an Atom feed (the rest: next poll)


@dataclass
class PollResult:
    """One poll of one feed."""

    feed: str
    status: str  # taken | not_modified | failed
    report: TakeReport = field(default_factory=TakeReport)
    withdrawn: list[str] = field(default_factory=list)
    problem: str = ""


class FeedPoller:
    """Polls the station's feeds on its own thread; ``poll`` does one feed (tests, commands)."""

    def __init__(self, station: Station, store: BulletinStore, clock: Clock, *,
                 fetcher: Fetcher | None = None, scripter: Scripter | None = None,
                 speech: SpeechSink | None = None, notify: Notify | None = None) -> None:
        self.station = station
        self.settings = station.settings.feeds
        self.store = store
        self.clock = clock
        self.fetcher: Fetcher = fetcher or HttpFetcher()
        self.intake = FeedIntake(station, store, clock, scripter=scripter, speech=speech)
        self.notify: Notify = notify or (lambda msg: log.info("%s", msg))
        self._due: dict[str, float] = {}
        self._noted: set[str] = set()
        self._worker = Worker("feeds")
        self.heartbeat: float | None = None

    # --- the station part ------------------------------------------------------------------
    def start(self) -> None:
        if not self.settings.sources:
            return
        self._worker.start(self._run)
        self.notify(t("feeds.started", n=len(self.settings.sources),
                      names=", ".join(s.name for s in self.settings.sources)))

    def stop(self, timeout: float = 30.0) -> None:
        self._worker.stop(timeout)

    def _run(self) -> None:
        while not self._worker.stopping:
            try:
                self.poll_due()
            except Exception:  # noqa: BLE001 - the loop never dies; each feed is retried
                log.exception("polling the feeds failed")
            self._worker.pause(self._wait())  # thread plumbing: due times come from the clock

    def _wait(self) -> float:
        now = self.clock.monotonic()
        dues = [self._due.get(s.name, now) - now for s in self.settings.sources]
        return max(0.5, min([30.0, *dues]))

    def poll_due(self) -> list[PollResult]:
        """Every feed whose time has come."""
        self.heartbeat = now = self.clock.monotonic()
        out = []
        for feed in self.settings.sources:
            if self._worker.stopping:
                break
            if self._due.get(feed.name, 0.0) <= now:
                out.append(self.poll(feed))
        return out

    # --- one feed ----------------------------------------------------------------------------
    def poll(self, feed: FeedSource) -> PollResult:
        """Fetch, parse and take one feed; schedule its next poll (backoff after a failure)."""
        state = self.store.feed_state(feed.name, feed.url)
        try:
            response = self._get(feed.url, state)
            if response.not_modified:
                result = PollResult(feed.name, "not_modified")
            else:
                result = self._take(feed, response)
            state = replace(state, etag=response.etag, last_modified=response.last_modified)
        except FeedProblem as exc:
            return self._failed(feed, state, exc)
        except (OSError, sqlite3.Error) as exc:  # disk full, database busy: try again later
            log.exception("taking feed %s failed", feed.name)
            return self._failed(feed, state, FeedProblem("store_error", feed=feed.name,
                                                         error=f"{type(exc).__name__}: {exc}"))
        self._succeeded(feed, state, len(result.report.taken))
        return result

    def _get(self, url: str, state: FeedState | None) -> Response:
        return self.fetcher.get(url, etag=state.etag if state else None,
                                last_modified=state.last_modified if state else None,
                                max_bytes=self.settings.max_feed_kb * 1024,
                                timeout=self.settings.timeout_seconds)

    def _take(self, feed: FeedSource, response: Response) -> PollResult:
        tz = self.station.tz
        max_enclosure = int(self.settings.max_enclosure_mb * 2**20)
        result = PollResult(feed.name, "taken")
        if feed.kind == "station":
            parsed = parse_station_feed(response.body, feed.url, tz, max_enclosure)
            result.report = self.intake.take(feed, parsed.items)
            result.report.notes[:0] = parsed.notes
            result.withdrawn = self.intake.withdraw_missing(feed, present_ids(parsed.items))
        else:
            cap = parse_cap(response.body, feed.url, tz, feed.priority_map)
            items = cap.items + self._linked_alerts(feed, cap)
            result.report = self.intake.take(feed, items)
            result.report.notes[:0] = cap.notes
            now = self.clock.now()
            for ident in cap.skipped:
                if self.store.feed_item(feed.name, ident) is None:
                    self.store.note_feed_item(feed.name, ident, "", now=now)
        for note in result.report.notes:
            if note not in self._noted:  # a note once, not at every poll
                self._noted.add(note)
                log.warning("%s", note)
        return result

    def _linked_alerts(self, feed: FeedSource, cap: CapResult) -> list[FeedItem]:
        """The alerts an Atom feed links to (not seen before), fetched one by one, bounded."""
        items: list[FeedItem] = []
        fetched = 0
        for entry_id, href in cap.links:
            key = f"atom:{entry_id}"
            if self.store.feed_item(feed.name, key) is not None:
                continue
            if fetched >= MAX_CAP_LINKS:
                break
            fetched += 1
            url = urllib.parse.urljoin(feed.url, href)
            one = CapResult()
            try:
                got = self._get(url, None)
                one = parse_cap(got.body, url, self.station.tz, feed.priority_map)
            except FeedProblem as exc:
                cap.notes.append(f"{exc.message} ({exc.hint})")
                if exc.key in ("timeout", "unreachable") or exc.key.startswith("http"):
                    continue  # the link may work at the next poll
            items += one.items
            cap.notes += one.notes
            cap.skipped += one.skipped
            cap.skipped.append(key)  # nothing more to learn from this entry
        return items

    # --- bookkeeping -------------------------------------------------------------------------
    def _succeeded(self, feed: FeedSource, state: FeedState, taken: int) -> None:
        now = self.clock.now()
        if state.failures:
            self.notify(t("feeds.recovered", feed=feed.name))
        state = replace(state, failures=0, last_ok=iso(now), last_error="",
                        taken=state.taken + taken)
        self.store.save_feed_state(state, now=now)
        self._due[feed.name] = self.clock.monotonic() + feed.every

    def _failed(self, feed: FeedSource, state: FeedState, exc: FeedProblem) -> PollResult:
        now = self.clock.now()
        failures = state.failures + 1
        delay = min(self.settings.backoff_max_seconds, feed.every * 2 ** (failures - 1))
        self._due[feed.name] = self.clock.monotonic() + delay
        problem = t("feeds.problem", feed=feed.name, problem=exc.message, fix=exc.hint,
                    seconds=f"{delay:.0f}")
        log.warning("%s", problem)
        if failures == 1:
            self.notify(problem)
        self.store.save_feed_state(replace(state, failures=failures, last_error=problem,
                                           last_error_at=iso(now)), now=now)
        return PollResult(feed.name, "failed", problem=problem)

    def due_in(self, feed: str) -> float:
        """Seconds until ``feed`` is polled again (0 when due)."""
        return max(0.0, self._due.get(feed, 0.0) - self.clock.monotonic())


__all__ = ["FeedPoller", "PollResult"]
