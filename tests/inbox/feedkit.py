"""What the feed tests share: a station subscribed to feeds served by a local ``FeedServer``,
its store, a fake clock and the poller (driven by hand: no thread), plus feed builders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from stationfile import amend

from broadcaster.clock import FakeClock
from broadcaster.config import FeedSource, Station, load_station
from broadcaster.inbox.feeds.poll import FeedPoller, PollResult
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.pipeline import Pipeline

DAY = dt.date(2026, 12, 1)


def subscribe(station_dir: Path, sources: list[dict[str, object]], *, approval: str = "required",
              timeout: float = 3.0, max_feed_kb: int = 256) -> None:
    settings = {"approval": approval,
                "feeds": {"timeout_seconds": timeout, "max_feed_kb": max_feed_kb,
                          "max_enclosure_mb": 5, "backoff_max_seconds": 600,
                          "sources": sources}}
    amend(station_dir / "station.yaml", "\n" + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False))


def json_feed(items: list[dict[str, object]], station: str = "Đài phường A") -> str:
    """A JSON Feed 1.1 as ``broadcaster.publish`` writes it."""
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": station,
                       "home_page_url": "http://a.example/index.html",
                       "authors": [{"name": station}], "items": items}, ensure_ascii=False)


def item(bid: str, version: int = 1, *, title: str = "Lịch tiêm chủng",
         text: str = "Trạm y tế phường tiêm vắc-xin sởi cho trẻ em vào sáng thứ Bảy.",
         priority: str = "normal", **extra: object) -> dict[str, object]:
    return {"id": f"{bid}@v{version}", "url": f"http://a.example/ban-tin/{bid}.html",
            "title": title, "content_text": text, "date_published": "2026-12-01T08:00:00+07:00",
            "tags": [priority], **extra}


@dataclass
class Kit:
    station: Station
    store: BulletinStore
    clock: FakeClock
    poller: FeedPoller
    notes: list[str]

    def feed(self, name: str) -> FeedSource:
        return next(s for s in self.station.settings.feeds.sources if s.name == name)

    def poll(self, name: str) -> PollResult:
        return self.poller.poll(self.feed(name))


def make_kit(station_dir: Path) -> Iterator[Kit]:
    station = load_station(station_dir)
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(9, 0), station.tz))
    store = BulletinStore(store_path(station), approval=station.settings.approval,
                          now=clock.now())
    notes: list[str] = []
    poller = FeedPoller(station, store, clock, scripter=Pipeline(station, clock).script,
                        notify=notes.append)
    try:
        yield Kit(station, store, clock, poller, notes)
    finally:
        store.close()
