"""The running station posts what it aired to its social pages: a station on a fake clock (fake
job scheduler, fake player; real pipeline, store, publisher and social threads) airs a bulletin,
and the local Graph API and Zalo fakes receive it. A restart with posts still queued loses none,
and air never waits for a page that hangs."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from broadcaster.air.player import FakePlayer
from broadcaster.air.simulate import FakeJobScheduler
from broadcaster.clock import FakeClock
from broadcaster.config import load_station
from broadcaster.models import PostState
from broadcaster.publish.social.outbox import Outbox, outbox_path
from broadcaster.station import StationService
from tests.publish.conftest import NOTICE, publish_settings
from tests.publish.social_fakes import FakeGraph, FakeZalo
from tests.publish.social_rig import social_yaml
from tests.publish.test_station import DAY, WEEK, _run_to


def _service(station_dir: Path, start: dt.time) -> StationService:
    station = load_station(station_dir)
    clock = FakeClock(dt.datetime.combine(DAY, start, station.tz))
    svc = StationService(station, clock, player=FakePlayer(clock), jobs=FakeJobScheduler(clock),
                         file_logging=False, signals=False, notify=lambda _m: None, web=False)
    svc.start()
    svc.store_watch.stop()
    return svc


def _wait(cond: Callable[[], bool], limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def _states(station_dir: Path, bid: str) -> set[str]:
    ob = Outbox(outbox_path(station_dir / "var" / "db"), readonly=True)
    try:
        return {str(r.state) for p in ("facebook", "zalo") if (r := ob.get(bid, p)) is not None}
    finally:
        ob.close()


def test_the_station_posts_what_aired_and_a_restart_loses_no_queued_post(
        station_dir: Path, servers: tuple[FakeGraph, FakeZalo]) -> None:
    graph, zalo = servers
    publish_settings(station_dir, "  check_seconds: 0.2\n" + social_yaml(graph, zalo).replace(
        "    timeout_seconds: 10\n", "    timeout_seconds: 10\n    check_seconds: 0.2\n"))
    (station_dir / "schedules" / "week.yaml").write_text(WEEK, encoding="utf-8")
    graph.down = zalo.down = True  # both pages away while it airs
    svc = _service(station_dir, dt.time(8, 55))
    try:
        assert "social" in svc.started_parts and svc.social is not None
        assert svc.inbox is not None and svc.ingester is not None
        svc.inbox.stop()
        (svc.station.inbox_dir / "rac.txt").write_text(NOTICE, encoding="utf-8")
        svc.ingester.drain()
        (rec,) = svc.store.all()
        started = time.monotonic()
        _run_to(svc, dt.datetime.combine(DAY, dt.time(9, 2), svc.station.tz))
        assert time.monotonic() - started < 30  # air never waits for the pages
        _wait(lambda: bool(graph.requests()) and bool(zalo.requests()))
        assert _states(station_dir, rec.id) == {PostState.QUEUED}
    finally:
        svc.stop()
    assert "social" in svc.stopped_parts

    graph.down = zalo.down = False  # the network is back; the station starts again
    svc = _service(station_dir, dt.time(9, 30))
    try:
        _wait(lambda: _states(station_dir, rec.id) == {PostState.SENT})
        assert len(graph.posts) == 1 and len(zalo.articles) == 1
        (fb,) = graph.posts.values()
        assert fb.form["link"].endswith(f"ban-tin/{rec.id}.html")
    finally:
        svc.stop()
