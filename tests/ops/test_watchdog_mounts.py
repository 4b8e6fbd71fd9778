"""The watchdog's mount ears against a real icecast2 on loopback: a mount fed a tone is heard
(decoded, its level judged); a mount whose source stops, a server killed, a mount that never
existed -> "mount down" alert and as-run mark; back when it returns; doctor's mount lines."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from icecast import IcecastServer, Source, mp3_tone
from stationfile import amend

from broadcaster.air.asrun import AsRunLog
from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.models import WatchCheck
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.ears.watchdog import OnAirNow, Watchdog, make_watchdog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tone() -> bytes:
    return mp3_tone(20.0)


class Watching:
    def __init__(self, station: Station, tmp_path: Path, urls: list[str]) -> None:
        self.clock = SystemClock(station.tz)
        self.alerter = Alerter(None, self.clock, min_interval_s=0)
        self.asrun = AsRunLog(tmp_path / "asrun.sqlite3")
        self.on_air = OnAirNow("Tiếp sóng", self.clock.now())
        settings = station.settings.watchdog.model_copy(update={
            "monitor": "off", "mount_timeout_seconds": 4.0, "mount_lag_seconds": 3.0})
        self.dog: Watchdog = make_watchdog(settings, self.clock, alerter=self.alerter,
                                           station="Đài", mark=self.asrun.mark,
                                           expected=lambda: self.on_air, state_file=None,
                                           sound_card=False, mounts=urls)
        self.dog.start()

    def until(self, what: Callable[[], bool], seconds: float) -> float | None:
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            if what():
                return time.monotonic() - began
            time.sleep(0.05)
        return None

    def failing(self, url: str, check: WatchCheck = WatchCheck.LISTENING) -> bool:
        return any(s.ear == url and s.check == check for s in self.dog.failing())

    def close(self) -> None:
        self.dog.stop()
        self.asrun.close()


@pytest.fixture
def watching(station: Station, tmp_path: Path) -> Iterator[Callable[[list[str]], Watching]]:
    made: list[Watching] = []

    def make(urls: list[str]) -> Watching:
        made.append(Watching(station, tmp_path, urls))
        return made[-1]

    yield make
    for w in made:
        w.close()


def test_a_fed_mount_is_heard_then_its_source_stops_and_it_is_down(
        icecast: IcecastServer, tone: bytes, watching: Callable[[list[str]], Watching]) -> None:
    source = Source(icecast, "khu-1.mp3", tone).start()
    url = icecast.url("khu-1.mp3")
    time.sleep(1.0)  # the source is up before the listener comes
    w = watching([url])
    judge = w.dog.judges[url]
    assert w.until(lambda: judge.levels and judge.short_term_dbfs > -30, 15) is not None, \
        w.dog.status()
    time.sleep(4)
    assert w.dog.failing() == [], w.dog.status()
    source.stop()  # the encoder died: icecast drops the mount
    took = w.until(lambda: w.failing(url), 20)
    assert took is not None and took < 12, w.dog.status()
    alerts = [m for _, kind, m in w.alerter.recent if kind == "watchdog"]
    assert len(alerts) == 1 and url in alerts[0]
    assert [m.kind for m in w.asrun.marks()] == ["watchdog.listening"]
    Source(icecast, "khu-1.mp3", tone).start()  # back
    assert w.until(lambda: not w.failing(url), 20) is not None, w.dog.status()
    assert [m.kind for m in w.asrun.marks()] == ["watchdog.listening"] * 2


def test_the_server_killed_is_a_mount_down(icecast: IcecastServer, tone: bytes,
                                           watching: Callable[[list[str]], Watching]) -> None:
    source = Source(icecast, "khu-2.mp3", tone).start()
    time.sleep(1.0)
    url = icecast.url("khu-2.mp3")
    w = watching([url])
    assert w.until(lambda: w.dog.judges[url].levels, 15) is not None, w.dog.status()
    icecast.stop()
    assert w.until(lambda: w.failing(url), 15) is not None, w.dog.status()
    source.stop()
    detail = next(s.detail for s in w.dog.failing() if s.ear == url)
    assert detail and url in [e.name for e in w.dog.ears]


def test_a_mount_that_does_not_exist_is_down_and_doctor_says_so(
        icecast: IcecastServer, tone: bytes, station_dir: Path,
        watching: Callable[[list[str]], Watching]) -> None:
    missing = icecast.url("khong-co.mp3")
    w = watching([missing])
    assert w.until(lambda: w.failing(missing), 12) is not None, w.dog.status()
    assert "404" in next(e for e in w.dog.ears if e.name == missing).last_error

    from broadcaster.ops.ears.doctor import check_watchdog

    source = Source(icecast, "khu-3.mp3", tone).start()
    try:
        time.sleep(1.0)
        good = icecast.url("khu-3.mp3")
        amend(station_dir / "station.yaml", f"watchdog:\n  monitor: \"off\"\n  mounts: [\"{good}\", \"{missing}\"]\n")
        station = load_station(station_dir)
        checks = {c.name: c for c in check_watchdog(station, SystemClock(station.tz))}
    finally:
        source.stop()
    assert checks[f"watchdog {good}"].verdict == "ok"
    assert checks[f"watchdog {missing}"].verdict == "fail"
    assert "404" in checks[f"watchdog {missing}"].detail
    assert checks["watchdog monitor"].verdict == "warn"

