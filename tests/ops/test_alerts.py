"""Alerts: delivered through apprise to a local HTTP endpoint (json://), rate-limited, never
blocking the caller; the monitor raises them for missed slots, disk, schedule, approvals."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from broadcaster.air.asrun import AsRunLog
from broadcaster.clock import FakeClock, SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.ops.alerts import Alerter, apprise_sender
from broadcaster.ops.monitor import Monitor


class Hook:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.delay = 0.0


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(state.delay)
            state.received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"json://127.0.0.1:{server.server_address[1]}/alert"
    finally:
        server.shutdown()


def _wait(pred, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end and not pred():
        time.sleep(0.02)
    assert pred()


def test_alert_goes_out_through_apprise_and_is_rate_limited(hook: tuple[Hook, str]) -> None:
    state, url = hook
    clock = FakeClock(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    alerter = Alerter(apprise_sender([url], 5), clock, min_interval_s=3600, title="Đài phường")
    assert alerter.alert("slot", "2026-12-01/sang", "Bỏ lỡ buổi sáng")
    assert not alerter.alert("slot", "2026-12-01/sang", "Bỏ lỡ buổi sáng")  # rate-limited
    assert alerter.alert("slot", "2026-12-01/chieu", "Bỏ lỡ buổi chiều")  # another subject
    _wait(lambda: len(state.received) == 2)
    assert state.received[0]["title"] == "Đài phường"
    assert state.received[0]["message"] == "Bỏ lỡ buổi sáng"
    clock.advance(3601)
    assert alerter.alert("slot", "2026-12-01/sang", "Bỏ lỡ buổi sáng")  # an hour later: again
    _wait(lambda: len(state.received) == 3)
    assert alerter.suppressed == 1


def test_a_slow_notification_service_never_blocks(hook: tuple[Hook, str]) -> None:
    state, url = hook
    state.delay = 2.0
    alerter = Alerter(apprise_sender([url], 5), SystemClock(), min_interval_s=0)
    t0 = time.monotonic()
    for i in range(5):
        alerter.alert("disk", str(i), f"đĩa {i}")
    assert time.monotonic() - t0 < 0.2
    alerter.stop()


def test_unreachable_service_is_logged_not_raised() -> None:
    alerter = Alerter(apprise_sender(["json://127.0.0.1:9/x"], 1), SystemClock(), min_interval_s=0)
    alerter.alert("disk", "var", "đĩa đầy")
    _wait(lambda: alerter.failed)
    assert not alerter.sent


@pytest.fixture
def station(station_dir: Path) -> Station:
    (station_dir / "station.yaml").write_text(
        "approval: required\nalerts:\n  disk_low_mb: 100000000\n  schedule_check_at: '18:00'\n"
        "  approval_warn_minutes: 120\n", encoding="utf-8")
    (station_dir / "schedules" / "week.yaml").write_text(
        "slots:\n  - id: sang\n    at: '06:00'\n    days: [t3]\n"
        "    program: [{bulletins: {tags: [chung]}}]\n", encoding="utf-8")
    return load_station(station_dir)


def test_monitor_raises_each_kind_of_alert(station: Station) -> None:
    tz = station.tz
    clock = FakeClock(dt.datetime(2026, 12, 1, 4, 30, tzinfo=tz))  # Tuesday, before the slot
    sent: list[tuple[str, str]] = []
    alerter = Alerter(lambda title, body: sent.append((title, body)) or True, clock,
                      min_interval_s=3600)
    asrun = AsRunLog(station.var("db") / "asrun.sqlite3")
    store = BulletinStore(store_path(station), approval="required", now=clock.now())
    (station.inbox_dir / "tin.txt").write_text("---\ntags: [chung]\n---\nTin chung.\n", "utf-8")
    Ingester(station, store, clock).drain()

    class Health:
        def __init__(self, name: str) -> None:
            self.name, self.available, self.reachable = name, True, False
            self.breaker, self.last_error = "open", "timeout"

    monitor = Monitor(station, clock, alerter, asrun_path=asrun.path, store=store,
                      engines_health=lambda: [Health("gtts"), Health("edge")])
    asrun.record(slot_key="2026-11-30/sang", slot_id="sang", slot_name="Buổi sáng",
                 scheduled=clock.now(), outcome="missed", now=clock.now(),
                 reason="station was not running")
    asrun.record(slot_key="2026-11-30/trua", slot_id="trua", slot_name="Buổi trưa",
                 scheduled=clock.now(), outcome="failed", now=clock.now(),
                 reason="PortAudio: device unavailable")
    monitor.check()
    _wait(lambda: len(alerter.sent) >= 6)
    kinds = {a.kind for a in alerter.sent}
    assert {"slot", "device", "disk", "engines", "approval"} <= kinds
    assert "no_schedule" not in kinds  # not yet 18:00
    approval = next(a for a in alerter.sent if a.kind == "approval")
    assert "tin" in approval.message and "06:00" in approval.message
    clock.set(dt.datetime(2026, 12, 1, 18, 5, tzinfo=tz))  # Wednesday has no slot
    monitor.check()
    _wait(lambda: any(a.kind == "no_schedule" for a in alerter.sent))
    n = len(alerter.sent)
    monitor.check()  # nothing new; the rest is rate-limited
    time.sleep(0.1)
    assert len(alerter.sent) == n
    asrun.close()
    store.close()
