"""A trusted feed's emergency goes on air at once, as an emergency (like ``broadcaster
emergency``); the same alert from a feed not marked trusted waits for a person's approval.
A running station (real clock, file player, real pipeline), CAP alerts from a local server."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from stationfile import amend

from broadcaster.air.asrun import AsRunLog
from broadcaster.config import load_station
from broadcaster.models import BulletinState, Priority
from broadcaster.station import StationService, asrun_path
from tests.inbox.feedserver import FeedServer
from tests.inbox.test_cap import alert


def _wait(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def running(station_dir: Path, no_sound: None) -> Iterator[tuple[StationService, FeedServer]]:
    server = FeedServer()
    tz = load_station(station_dir).tz
    expires = (dt.datetime.now(tz) + dt.timedelta(days=1)).isoformat(timespec="seconds")
    bao = alert("BAO-9", urgency="Immediate", severity="Extreme", headline="Bão số 9",
                description="Bão số chín đổ bộ trong đêm nay. Bà con không ra khơi.",
                expires=expires)
    server.put("/tin-cay.xml", bao, content_type="application/cap+xml")
    server.put("/khac.xml", bao, content_type="application/cap+xml")
    settings = {"approval": "required", "policy": {"quiet_hours": []},
                "feeds": {"sources": [
                    {"name": "tin-cay", "url": server.url("/tin-cay.xml"), "kind": "cap",
                     "trusted_emergency": True},
                    {"name": "khac", "url": server.url("/khac.xml"), "kind": "cap"}]}}
    amend(station_dir / "station.yaml", "\n" + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False))
    service = StationService(load_station(station_dir), notify=lambda m: None)
    service.start()
    try:
        yield service, server
    finally:
        service.stop()
        server.close()


def _emergency_rows(service: StationService) -> list[object]:
    log = AsRunLog(asrun_path(service.station))
    try:
        day = dt.datetime.now(service.station.tz).date()
        return [r for r in log.rows(day=day) if r.slot_id == "emergency" and r.outcome != "on_air"]
    finally:
        log.close()


@pytest.mark.slow
def test_a_trusted_feed_s_emergency_airs_at_once_an_untrusted_one_waits(
        running: tuple[StationService, FeedServer]) -> None:
    service, _server = running
    assert "feeds" in service.started_parts
    _wait(lambda: len(service.store.all()) == 2)
    trusted = service.store.by_external("tin-cay", "BAO-9")
    other = service.store.by_external("khac", "BAO-9")
    assert trusted is not None and other is not None
    assert trusted.priority is other.priority is Priority.EMERGENCY
    _wait(lambda: len(_emergency_rows(service)) == 1)
    _wait(lambda: service.store.require(trusted.id).times_aired == 1, timeout=15)
    assert service.store.require(other.id).state is BulletinState.AWAITING_APPROVAL
    assert service.store.require(other.id).times_aired == 0
    time.sleep(2.5)  # the store watcher must not air it again, nor the untrusted one
    assert len(_emergency_rows(service)) == 1
