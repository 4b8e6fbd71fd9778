"""Bulletins that arrive after pre-roll still air, and what ``status`` promises is what airs.

A station on a fake clock (fake job scheduler, fake player, real pipeline and renderer): a
bulletin awaiting approval is approved 5 minutes, 1 minute or 20 s before the 09:00 slot (it airs
at 09:00), or 3 s before (too late: it is promised for, and airs in, the 15:00 slot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from broadcaster.air.player import FakePlayer
from broadcaster.air.simulate import FakeJobScheduler
from broadcaster.clock import FakeClock
from broadcaster.config import load_station
from broadcaster.station import StationService

WEEK = """slots:
  - id: sang
    name: Buổi sáng
    at: "09:00"
    program:
      - jingle: open
      - bulletins: {}
  - id: chieu
    name: Buổi chiều
    at: "15:00"
    program:
      - bulletins: {}
"""
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def service(station_dir: Path) -> StationService:
    cfg = station_dir / "station.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("approval: none", "approval: required"),
                   encoding="utf-8")
    (station_dir / "schedules" / "week.yaml").write_text(WEEK, encoding="utf-8")
    station = load_station(station_dir)
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(8, 0), station.tz))
    messages: list[str] = []
    svc = StationService(station, clock, player=FakePlayer(clock), jobs=FakeJobScheduler(clock),
                         file_logging=False, signals=False, notify=messages.append)
    svc.messages = messages  # type: ignore[attr-defined]
    svc.start()
    svc.store_watch.stop()  # the test turns the store watch itself, on the fake clock
    assert svc.inbox is not None
    svc.inbox.stop()  # and takes the inbox in itself
    (station.inbox_dir / "tin.txt").write_text(
        "---\ntitle: Lịch tiêm chủng\n---\nTiêm chủng cho trẻ em tại trạm y tế phường.\n",
        encoding="utf-8")
    assert svc.ingester is not None
    svc.ingester.drain()
    (record,) = svc.store.all()
    assert record.state == "awaiting_approval"
    while svc.pipeline.ready(record.bulletin()) is None:
        svc.pipeline.run_pending()  # rendered ahead, as the render-ahead thread does
    return svc


def _run(svc: StationService, until: dt.datetime,
         actions: dict[dt.datetime, Callable[[], None]]) -> None:
    clock = svc.clock
    jobs = svc._jobs
    assert isinstance(clock, FakeClock) and jobs is not None
    while clock.now() < until:
        for when in [w for w in actions if w <= clock.now()]:
            actions.pop(when)()
        jobs.run_until(clock.now() + dt.timedelta(seconds=1))
        svc._watch_store()  # what the store-watch thread does every second


def _approve_and_run(svc: StationService, before_s: float, run_for: dt.timedelta
                     ) -> tuple[str, list[str | None]]:
    """Approve the bulletin ``before_s`` before 09:00 and run to 09:00 + ``run_for``; its id
    and what ``status`` promised right after the approval."""
    start = dt.datetime.combine(DAY, dt.time(9, 0), svc.station.tz)
    promised: list[str | None] = []
    (record,) = svc.store.all()

    def approve() -> None:
        svc.store.approve(record.id, by="Chủ tịch", now=svc.clock.now())
        promised.append(_promise(svc))

    _run(svc, start + run_for, {start - dt.timedelta(seconds=before_s): approve})
    return record.id, promised


def _promise(svc: StationService) -> str | None:
    (entry,) = svc.status()["bulletins"]  # type: ignore[misc]
    return entry["next_airing"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("before_s", [300, 60, 20])
def test_a_bulletin_approved_close_to_air_still_airs_in_that_slot(
        service: StationService, before_s: int) -> None:
    try:
        bulletin_id, promised = _approve_and_run(service, before_s, dt.timedelta(minutes=2))
        assert promised == ["2026-12-01 09:00 sang"]
        aired = service.store.airings(bulletin_id)
        assert [a[2] for a in aired] == ["2026-12-01/sang"]
        (row,) = [r for r in service.asrun.rows(day=DAY) if r.slot_id == "sang"]
        assert row.outcome == "aired" and any("Lịch tiêm chủng" in i for i in row.items)
    finally:
        service.stop()


def test_a_bulletin_approved_after_the_slot_settled_moves_to_the_next_slot_and_says_so(
        service: StationService) -> None:
    try:
        # approved 6 s before 09:00: settled at 8 s, so it is promised for 15:00
        bulletin_id, promised = _approve_and_run(service, 6, dt.timedelta(minutes=1))
        assert promised == ["2026-12-01 15:00 chieu"]
        assert service.store.airings(bulletin_id) == []
        assert _promise(service) == "2026-12-01 15:00 chieu"
        told = [m for m in service.messages if "quá sát giờ" in m]  # type: ignore[attr-defined]
        assert told == [f"Bản tin {bulletin_id} đến quá sát giờ phát của buổi Buổi sáng:"
                        " sẽ phát ở buổi kế tiếp"]  # the operator is told it moves on
        _run(service, dt.datetime.combine(DAY, dt.time(15, 2), service.station.tz), {})
        assert [a[2] for a in service.store.airings(bulletin_id)] == ["2026-12-01/chieu"]
    finally:
        service.stop()


def test_a_bulletin_withdrawn_after_pre_roll_never_airs(service: StationService) -> None:
    start = dt.datetime.combine(DAY, dt.time(9, 0), service.station.tz)
    (record,) = service.store.all()
    service.store.approve(record.id, by="Chủ tịch", now=service.clock.now())
    try:
        _run(service, start - dt.timedelta(minutes=5), {})
        prepared = service.playout.ready("2026-12-01/sang")
        assert prepared is not None and prepared.bulletins == ((record.id, 1),)
        service.store.withdraw(record.id, "hủy", now=service.clock.now())
        _run(service, start + dt.timedelta(minutes=1), {})
        assert service.store.airings(record.id) == []
        assert service.status()["bulletins"] == []  # withdrawn: nothing promised
    finally:
        service.stop()
