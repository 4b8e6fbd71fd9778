"""The running station publishes what aired: a station on a fake clock (fake job scheduler, fake
player, real pipeline, store and publisher thread) airs a bulletin at 09:00 and the public
archive shows it; air never waits for publishing, and a publishing failure does not stop air."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcaster.air.player import FakePlayer
from broadcaster.air.simulate import FakeJobScheduler
from broadcaster.clock import FakeClock
from broadcaster.config import load_station
from broadcaster.inbox.records import BulletinRecord
from broadcaster.station import StationService
from tests.publish.conftest import NOTICE, publish_settings

WEEK = """slots:
  - id: sang
    name: Buổi sáng
    at: "09:00"
    program:
      - jingle: open
      - bulletins: {}
"""
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def service(station_dir: Path) -> Iterator[StationService]:
    publish_settings(station_dir, "  check_seconds: 0.2\n")
    (station_dir / "schedules" / "week.yaml").write_text(WEEK, encoding="utf-8")
    station = load_station(station_dir)
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(8, 55), station.tz))
    svc = StationService(station, clock, player=FakePlayer(clock), jobs=FakeJobScheduler(clock),
                         file_logging=False, signals=False, notify=lambda _m: None)
    svc.start()
    svc.store_watch.stop()
    assert svc.inbox is not None and svc.ingester is not None
    svc.inbox.stop()
    (station.inbox_dir / "rac.txt").write_text(NOTICE, encoding="utf-8")
    svc.ingester.drain()
    try:
        yield svc
    finally:
        svc.stop()


def _run_to(svc: StationService, until: dt.datetime) -> None:
    clock, jobs = svc.clock, svc._jobs
    assert isinstance(clock, FakeClock) and jobs is not None
    while clock.now() < until:
        jobs.run_until(clock.now() + dt.timedelta(seconds=1))
        svc._watch_store()


def _wait_for(path: Path, present: bool = True, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while path.exists() != present:
        assert time.monotonic() < end, f"{path} {'never appeared' if present else 'stayed'}"
        time.sleep(0.1)


def test_the_station_publishes_a_bulletin_after_it_airs_and_unpublishes_it_when_withdrawn(
        service: StationService) -> None:
    assert "publish" in service.started_parts
    (rec,) = service.store.all()
    page = service.station.var_dir / "public" / "ban-tin" / f"{rec.id}.html"
    time.sleep(0.5)  # the publisher has looked: nothing aired, nothing public
    assert not page.exists()
    _run_to(service, dt.datetime.combine(DAY, dt.time(9, 2), service.station.tz))
    assert [a[2] for a in service.store.airings(rec.id)] == ["2026-12-01/sang"]
    _wait_for(page)
    assert "09:00" in page.read_text(encoding="utf-8")
    service.handle({"cmd": "withdraw", "id": rec.id, "reason": "hết hạn"})
    _wait_for(page, present=False)
    assert service.stopped_parts == []
    service.stop()
    assert "publish" in service.stopped_parts


def test_air_never_waits_for_a_stuck_or_failing_publisher(service: StationService) -> None:
    assert service.publisher is not None
    release = threading.Event()
    calls: list[str] = []

    def stuck(rec: BulletinRecord) -> Path:
        calls.append(rec.id)
        release.wait(30)  # a hung network share or a slow encoder
        raise OSError("share gone")

    service.publisher.speech = stuck
    started = time.monotonic()
    _run_to(service, dt.datetime.combine(DAY, dt.time(9, 2), service.station.tz))
    assert time.monotonic() - started < 20
    (row,) = [r for r in service.asrun.rows(day=DAY) if r.slot_id == "sang"]
    assert row.outcome == "aired"
    end = time.monotonic() + 10
    while not calls and time.monotonic() < end:
        time.sleep(0.05)
    assert calls, "the publisher was woken by the airing"
    release.set()
