"""The dashboard's live output level meter (the station's ``output_level`` status key, a
``level`` server-sent event, "no measurement" when null or stale) and the disk card (free space
under var/ in days of archive, with its warning)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path

from broadcaster.air.control import ControlServer
from broadcaster.web.meters import Disk, Level, archive_per_day_mb, disk_of
from tests.web.conftest import Served, login

MB = 1024 * 1024


class Provider:
    """A minimal running station: the status key ``output_level`` as the ``watch`` part adds it."""

    def __init__(self, served: Served) -> None:
        self.tz = served.station.tz
        self.level: dict[str, object] | None = None

    def measure(self, rms: float, peak: float, age_s: float = 0.0) -> None:
        at = dt.datetime.now(self.tz) - dt.timedelta(seconds=age_s)
        self.level = {"rms_dbfs": rms, "peak_dbfs": peak, "at": at.isoformat(timespec="milliseconds")}

    def handle(self, req: dict[str, object]) -> dict[str, object]:
        return {"ok": True, "on_air": "Bản tin trưa", "on_air_since": None, "next": [],
                "output": "PulseAudio null sink", "output_error": None, "engines": [],
                "alerts": [], "output_level": self.level}


def test_level_meter_shows_the_measurement_and_no_measurement_when_null_or_stale(
        served: Served) -> None:
    provider = Provider(served)
    server = ControlServer(served.station.var_dir, provider.handle)
    server.start()
    try:
        s = login(served.url, "viewer")
        page = s.get(served.url + "/", timeout=10).text
        assert 'id="level-none"' in page and 'id="level-none" hidden' not in page
        assert "Chưa đo được mức âm thanh phát ra" in page
        provider.measure(-18.4, -2.1)
        panel = s.get(served.url + "/panel", timeout=10).text
        assert 'id="level-rms"' in panel and 'value="-18.4"' in panel and ">-18.4<" in panel
        assert 'value="-2.1"' in panel and 'id="level-none" hidden' in panel
        provider.measure(-18.4, -2.1, age_s=60)  # the measurement stalled: no measurement
        panel = s.get(served.url + "/panel", timeout=10).text
        assert 'id="level-none" hidden' not in panel and 'value="-18.4"' not in panel
    finally:
        server.stop()


def test_the_level_follows_live_without_reloading_the_panel(served: Served) -> None:
    provider = Provider(served)
    provider.measure(-30.0, -12.0)
    server = ControlServer(served.station.var_dir, provider.handle)
    server.start()
    events: list[tuple[str, str, float]] = []
    done = threading.Event()
    s = login(served.url, "viewer")

    def listen() -> None:
        kind = ""
        with s.get(served.url + "/events", stream=True, timeout=15) as r:
            for line in r.iter_lines():
                text = line.decode()
                if text.startswith("event: "):
                    kind = text[7:]
                elif text.startswith("data: "):
                    events.append((kind, text[6:], time.monotonic()))
                    if text[6:] == "null" and kind == "level" and len(events) > 1:
                        done.set()
                        return

    th = threading.Thread(target=listen, daemon=True)
    th.start()
    try:
        end = time.monotonic() + 10
        while not events and time.monotonic() < end:
            time.sleep(0.05)
        assert events and events[0][0] == "level"
        assert json.loads(events[0][1]) == {"rms": -30.0, "peak": -12.0}
        changed = time.monotonic()
        provider.measure(-17.5, -1.5)
        end = time.monotonic() + 5
        while len(events) < 2 and time.monotonic() < end:
            time.sleep(0.05)
        assert events[1][0] == "level" and json.loads(events[1][1]) == {"rms": -17.5, "peak": -1.5}
        assert events[1][2] - changed < 1.0  # live: within a second
        provider.level = None
        assert done.wait(5)
    finally:
        server.stop()
    assert all(kind == "level" for kind, _, _ in events)  # a level never reloads the panel


def test_level_parses_what_the_station_sends() -> None:
    assert Level.parse(None) is None and Level.parse({"rms_dbfs": "x", "peak_dbfs": 1}) is None
    level = Level.parse({"rms_dbfs": -20, "peak_dbfs": -3.25, "at": "2026-12-01T06:00:00+07:00"})
    assert level == Level(-20.0, -3.25, "2026-12-01T06:00:00+07:00")
    now = dt.datetime.fromisoformat("2026-12-01T06:00:05+07:00")
    assert level.fresh(now) and not level.fresh(now + dt.timedelta(seconds=30))
    assert Level(-120.0, -200.0, "").as_event() == {"rms": -99.0, "peak": -99.0}


def _archive(var: Path, day: dt.date, mb: float) -> None:
    folder = var / "archive" / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "060000-sang-abc.flac").write_bytes(b"\0" * int(mb * MB))


def test_archive_growth_is_the_average_of_recent_whole_days(tmp_path: Path) -> None:
    today = dt.date(2026, 12, 10)
    assert archive_per_day_mb(tmp_path / "archive", today) is None
    _archive(tmp_path, today, 9)  # only today so far: today counts
    assert archive_per_day_mb(tmp_path / "archive", today) == 9
    _archive(tmp_path, today - dt.timedelta(days=1), 2)
    _archive(tmp_path, today - dt.timedelta(days=2), 4)
    _archive(tmp_path, today - dt.timedelta(days=30), 100)  # older than the recent week
    (tmp_path / "archive" / "ghi-chu.txt").write_text("not a day")
    assert archive_per_day_mb(tmp_path / "archive", today, recent=2) == 3
    disk = disk_of(tmp_path, tmp_path / "archive", today, low_mb=1, warn_days=30)
    assert disk.free_mb > 0 and disk.per_day_mb is not None
    assert disk.days_left is not None and abs(disk.days_left - disk.free_mb / disk.per_day_mb) < 1e-6
    assert Disk(10_000, 20_000, 500.0, 20.0, 2048, 30).warn  # 20 days < 30
    assert not Disk(10_000, 20_000, 100.0, 100.0, 2048, 30).warn
    assert Disk(1_000, 20_000, None, None, 2048, 30).warn  # under alerts.disk_low_mb


def test_disk_card_shows_free_space_days_and_the_warning(served: Served) -> None:
    today = dt.datetime.now(served.station.tz).date()
    _archive(served.station.var_dir, today - dt.timedelta(days=1), 3)
    s = login(served.url, "viewer")
    page = s.get(served.url + "/", timeout=10).text
    assert 'id="disk"' in page and "GB" in page
    assert "Đủ lưu trữ khoảng" in page and "3.0 MB" in page
    assert 'id="disk-warn"' not in page
    served.desk._disk = None
    served.desk.station.settings.alerts.__dict__["disk_low_mb"] = 10**9  # a disk "nearly full"
    page = s.get(served.url + "/", timeout=10).text
    assert 'id="disk-warn"' in page and "program.archive_days" in page
