"""The web desk served on a free loopback port in a thread, accounts for every role, and a
logged-in HTTP client helper."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from aiohttp import web
from stationfile import amend

from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.web.app import DESK, make_app
from broadcaster.web.desk import Desk
from broadcaster.web.users import Role

PASSWORD = "mat-khau-thu-1"
ROLES = [r.value for r in Role]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    desk: Desk
    station: Station

    def ingest(self) -> None:
        """What the running station's intake does with inbox/ (the same Ingester)."""
        clock = SystemClock(self.station.tz)
        store = BulletinStore(store_path(self.station), approval=self.station.settings.approval,
                              now=clock.now())
        try:
            Ingester(self.station, store, clock, stable_seconds=0).drain()
        finally:
            store.close()

    def store(self) -> BulletinStore:
        return BulletinStore(store_path(self.station))


class _Thread:
    def __init__(self, app: web.Application, port: int) -> None:
        self.app, self.port = app, port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.runner: web.AppRunner | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app, handle_signals=False, shutdown_timeout=0.5)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        self.loop.run_until_complete(site.start())
        self.ready.set()
        self.loop.run_forever()

    def stop(self) -> None:
        async def down() -> None:
            assert self.runner is not None
            await self.runner.cleanup()

        asyncio.run_coroutine_threadsafe(down(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its production cost takes ~0.1 s and 64 MiB per hash on a shared 2-core box;
    the tests check behaviour, so they hash cheaply (the format stays argon2id)."""
    from argon2 import PasswordHasher

    import broadcaster.web.users as users

    monkeypatch.setattr(users, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                 parallelism=1))


@pytest.fixture
def web_station_dir(station_dir: Path) -> Path:
    amend(station_dir / "station.yaml", "approval: required\n")
    return station_dir


@pytest.fixture
def served(web_station_dir: Path) -> Iterator[Served]:
    station = load_station(web_station_dir)
    app = make_app(station)
    desk = app[DESK]
    for role in ROLES:
        desk.users.add(role, Role(role), PASSWORD)
    runner = _Thread(app, free_port())
    runner.thread.start()
    assert runner.ready.wait(20)
    try:
        yield Served(f"http://127.0.0.1:{runner.port}", desk, station)
    finally:
        runner.stop()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def login(url: str, name: str, password: str = PASSWORD) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{url}/login", timeout=10)
    pre = re.search(r'name="pre" value="([^"]+)"', page.text)
    assert pre
    r = s.post(f"{url}/login", data={"name": name, "password": password, "pre": pre.group(1)},
               timeout=30, allow_redirects=False)
    assert r.status_code == 303, r.text
    return s


def csrf(s: requests.Session, url: str) -> str:
    return csrf_of(s.get(f"{url}/", timeout=10).text)
