"""Checked as users would (issue 16 point 5): station A publishes a bulletin into its public
archive, a local HTTP server serves A's ``var/public``, and station B subscribes to A's feed:
the bulletin enters B with A named as its source, is approved at B and airs there (B runs as a
station: fake clock, fake job scheduler, fake player, real pipeline and store). Along the way
A's feeds parse with ``feedparser`` without bozo errors and A's MP3, fetched from its feed's
enclosure URL, decodes to the length of A's speech."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
import soundfile as sf
import yaml
from stationfile import amend

from broadcaster.air.player import FakePlayer
from broadcaster.air.simulate import FakeJobScheduler
from broadcaster.clock import FakeClock
from broadcaster.config import load_station
from broadcaster.models import BulletinState
from broadcaster.station import StationService
from tests.inbox.feedserver import FeedServer
from tests.publish.conftest import DAY, LETTER, Desk, make_desk

WEEK = """slots:
  - id: sang
    name: Buổi sáng
    at: "09:00"
    program:
      - jingle: open
      - bulletins: {}
"""
TYPES = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return bytes(answer.read())


@pytest.fixture
def served(station_dir: Path) -> Iterator[tuple[Desk, FeedServer, str]]:
    """Station A (the district) with publishing on, its archive served over HTTP."""
    public = station_dir / "var" / "public"
    public.mkdir(parents=True, exist_ok=True)
    server = FeedServer(folder=public)
    amend(station_dir / "station.yaml", f"name: Đài truyền thanh phường A\npublish:\n"
          f"  enabled: true\n  base_url: {server.url('/site/')}\n")
    desk = make_desk(station_dir)
    rec = desk.drop("tiem-chung.txt", LETTER)
    desk.air(rec)
    desk.publisher.publish_once()
    try:
        yield desk, server, rec.id
    finally:
        desk.store.close()
        server.close()


@pytest.fixture
def station_b(tmp_path: Path, _station_template: Path, served: tuple[Desk, FeedServer, str]
              ) -> Iterator[StationService]:
    """Station B (the ward) subscribed to A's feed; approval required."""
    _desk, server, _bid = served
    root = tmp_path / "b"
    shutil.copytree(_station_template, root)
    settings = {"name": "Đài truyền thanh phường B", "approval": "required",
                "speech": {"engines": ["espeak"]}, "web": {"enabled": False},
                "feeds": {"timeout_seconds": 5, "max_feed_kb": 2048, "max_enclosure_mb": 50,
                          "backoff_max_seconds": 600,
                          "sources": [{"name": "phuong-a", "kind": "station", "every": 60,
                                       "url": server.url("/site/feed.json")}]}}
    amend(root / "station.yaml", "\n" + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False))
    (root / "schedules" / "week.yaml").write_text(WEEK, encoding="utf-8")
    station = load_station(root)
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(8, 50), station.tz))
    svc = StationService(station, clock, player=FakePlayer(clock), jobs=FakeJobScheduler(clock),
                         file_logging=False, signals=False, notify=lambda _m: None)
    svc.start()
    svc.store_watch.stop()
    try:
        yield svc
    finally:
        svc.stop()


def test_a_s_feeds_parse_without_bozo_and_its_mp3_decodes_to_the_speech_length(
        served: tuple[Desk, FeedServer, str]) -> None:
    import av

    desk, server, bid = served
    for name, kind in TYPES.items():
        feed = feedparser.parse(_get(server.url(f"/site/{name}")),
                                response_headers={"content-type": kind})
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert feed.entries and feed.feed.title == "Đài truyền thanh phường A"
    doc = json.loads(_get(server.url("/site/feed.json")))
    (entry,) = doc["items"]
    (att,) = entry["attachments"]
    assert att["url"].startswith(server.url("/site/audio/"))
    data = _get(att["url"])
    assert len(data) == att["size_in_bytes"]
    with av.open(io.BytesIO(data)) as c:
        rate = c.streams.audio[0].sample_rate
        samples = sum(f.samples for f in c.decode(audio=0))
    wav = desk.pipeline.speech(desk.store.require(bid).bulletin())
    info = sf.info(str(wav))
    assert abs(samples / rate - info.frames / info.samplerate) < 0.1
    assert abs(samples / rate - att["duration_in_seconds"]) < 0.2


def _wait_for_bulletin(svc: StationService, limit: float = 60.0) -> str:
    end = time.monotonic() + limit
    while True:
        found = svc.store.from_origin("phuong-a")
        if found:
            return found[0].id
        assert time.monotonic() < end, "station B never took A's bulletin"
        time.sleep(0.1)


def _run_to(svc: StationService, until: dt.datetime) -> None:
    clock, jobs = svc.clock, svc._jobs
    assert isinstance(clock, FakeClock) and jobs is not None
    while clock.now() < until:
        jobs.run_until(clock.now() + dt.timedelta(seconds=1))
        svc._watch_store()


def test_station_a_publishes_station_b_takes_approves_and_airs_it_naming_a(
        served: tuple[Desk, FeedServer, str], station_b: StationService) -> None:
    desk, server, a_id = served
    svc = station_b
    assert "feeds" in svc.started_parts
    b_id = _wait_for_bulletin(svc)  # the poller's first poll, on its own thread
    rec = svc.store.require(b_id)
    assert rec.origin == "phuong-a" and rec.external_id == a_id
    assert rec.state is BulletinState.AWAITING_APPROVAL  # B's approval rules hold
    assert "số 12 đường Lê Lợi" in rec.body and "Nơi nhận" not in rec.body
    assert rec.original is not None
    assert "Đài truyền thanh phường A" in rec.original.read_text(encoding="utf-8")
    assert server.seen("/site/feed.json")[0].headers["User-Agent"].startswith("broadcaster")
    svc.handle({"cmd": "approve", "id": b_id, "by": "chu-tich-b"})
    _run_to(svc, dt.datetime.combine(DAY, dt.time(9, 2), svc.station.tz))
    assert [a[2] for a in svc.store.airings(b_id)] == ["2026-12-01/sang"]
    (row,) = [r for r in svc.asrun.rows(day=DAY) if r.slot_id == "sang"]
    assert row.outcome == "aired" and f"bulletin:{rec.title}@v1" in row.items
    aired = svc.store.require(b_id)
    assert aired.origin == "phuong-a" and aired.times_aired == 1
