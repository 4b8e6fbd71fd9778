"""What keeps the desk light on the station under many open pages: one status call shared by
every page asking at once, a brief status (no promised airings of every bulletin), and stored
reads made once however many threads ask together."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from broadcaster.air.control import ControlServer
from broadcaster.clock import SystemClock
from broadcaster.config import load_station
from broadcaster.web.desk import Desk
from tests.air.running_station import Running


def test_many_pages_share_one_brief_status_call(station_dir: Path) -> None:
    station = load_station(station_dir)
    asked: list[dict[str, object]] = []

    def handler(request: dict[str, object]) -> dict[str, object]:
        asked.append(request)
        time.sleep(0.1)  # a busy station
        return {"ok": True, "on_air": "Bản tin sáng", "next": [], "engines": [], "alerts": []}

    server = ControlServer(station.var_dir, handler)
    server.start()
    desk = Desk(station, SystemClock(station.tz))
    try:
        with ThreadPoolExecutor(20) as pool:
            found = list(pool.map(lambda _: desk.status(), range(40)))
        assert all(s is not None and s.on_air == "Bản tin sáng" for s in found)
        assert 1 <= len(asked) <= 6, len(asked)  # not forty
        assert all(r.get("brief") is True for r in asked)
        before = len(asked)
        desk.status()
        assert len(asked) == before + 1  # a later page asks again: the dashboard stays live
    finally:
        desk.close()
        server.stop()


def test_brief_status_leaves_out_the_bulletins(station_dir: Path) -> None:
    station = load_station(station_dir)
    with Running(station) as service:
        full = service.handle({"cmd": "status"})
        brief = service.handle({"cmd": "status", "brief": True})
    assert "bulletins" in full and "bulletins" not in brief
    assert brief["ok"] is True and set(full) - set(brief) == {"bulletins"}


def test_a_stale_read_is_made_once_for_threads_asking_together(station_dir: Path) -> None:
    station = load_station(station_dir)
    desk = Desk(station, SystemClock(station.tz))
    made: list[int] = []
    gate = threading.Event()

    def make() -> int:
        made.append(1)
        gate.wait(5)
        return 42

    try:
        with ThreadPoolExecutor(10) as pool:
            futures = [pool.submit(desk._cached, ("k",), (), make) for _ in range(10)]
            time.sleep(0.3)
            gate.set()
            assert [f.result(10) for f in futures] == [42] * 10
        assert len(made) == 1
    finally:
        desk.close()
