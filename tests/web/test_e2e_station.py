"""End to end with a REAL station: ``broadcaster run`` as a process on a fresh station folder,
its desk on a free loopback port, the PulseAudio null sink as output. In Debian's chromium
(Playwright) the operator logs in, adds a one-off slot 30 s ahead on the schedule page, listens
to its prepared program; the station airs it (found on the sink's monitor by cross-correlation,
at its time); the dashboard shows it on air and the as-run page shows it aired; the emergency
page (text, confirmation) puts an alert on air (found on the monitor, as-run row). Screenshots
at phone and desktop sizes (``DESK_SCREENSHOTS=docs/screenshots`` keeps them for the guide)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy import signal
from stationfile import amend

from broadcaster.air.asrun import AsRunLog, AsRunRow
from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.messages import CATALOG
from broadcaster.web.users import Role, UserStore, users_path
from tests.web.conftest import PASSWORD, free_port
from tests.web.test_browser import ARGS, CHROMIUM, DESKTOP, PHONE

REPO = Path(__file__).resolve().parents[2]
RATE = 48000
SLOT_ID = "hop-khan"
SLOT_NAME = "Họp dân khẩn"
SAY = "Kính thưa bà con, tối nay tổ dân phố họp lúc 19 giờ tại nhà văn hóa."
ALERT = "Bão số 9 sắp đổ bộ: bà con không ra biển, chằng chống nhà cửa."

pytestmark = [pytest.mark.slow, pytest.mark.sound,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium not installed")]


@dataclass
class Running:
    url: str
    station: Station
    proc: subprocess.Popen[bytes]
    log: Path

    def rows(self, day: dt.date) -> list[AsRunRow]:
        path = self.station.var("db") / "asrun.sqlite3"
        if not path.is_file():
            return []
        log = AsRunLog(path, readonly=True)
        try:
            return log.rows(day=day)
        finally:
            log.close()


def _until(cond: Callable[[], object], limit: float, what: str, running: Running | None = None
           ) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if cond():
            return
        if running is not None and running.proc.poll() is not None:
            raise AssertionError(f"station exited: {running.log.read_text()[-3000:]}")
        time.sleep(0.2)
    tail = running.log.read_text()[-3000:] if running is not None else ""
    raise AssertionError(f"{what}: not within {limit} s\n{tail}")


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.fixture
def running(station_dir: Path, pulse, tmp_path: Path) -> Iterator[Running]:  # type: ignore[no-untyped-def]
    port = free_port()
    amend(station_dir / "station.yaml", f'web:\n  enabled: true\n  listen: "127.0.0.1:{port}"\n'
          # the operator adds a slot 30 s from now, whatever the hour the test runs at (the
          # shipped quiet hours, 22:00-05:00 station time, would refuse it at night)
          "policy:\n  quiet_hours: []\n")
    station = load_station(station_dir)
    users = UserStore(users_path(station.var("db")), SystemClock(station.tz))
    users.add("truc-ban", Role.OPERATOR, PASSWORD)
    users.close()
    log = tmp_path / "station.log"
    env = {**os.environ, "PULSE_SERVER": pulse.server, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "broadcaster", "-s", str(station_dir), "run"],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    run = Running(f"http://127.0.0.1:{port}", station, proc, log)
    try:
        _until(lambda: _up(run.url + "/healthz"), 60, "the desk answers", run)
        yield run
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _find(needle: np.ndarray, hay: np.ndarray) -> tuple[int, float]:
    """Offset of ``needle`` in ``hay`` and the normalized correlation there."""
    corr = signal.correlate(hay, needle, mode="valid", method="fft")
    power = signal.correlate(hay**2, np.ones(len(needle)), mode="valid", method="fft")
    energy = np.sqrt(np.maximum(power, 0.0))  # the FFT leaves tiny negatives in silence
    norm = corr / (np.linalg.norm(needle) * np.maximum(energy, 1e-3))
    i = int(np.argmax(norm))
    return i, float(norm[i])


def _heard(recording: Path) -> np.ndarray:
    return np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768


def _opening(wav: str, seconds: float = 3.0) -> np.ndarray:
    data, rate = sf.read(wav, dtype="float32", always_2d=False)
    assert rate == RATE
    return np.asarray(data[: int(seconds * rate)], np.float32)


def _login(browser, url: str, size: dict[str, int]):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport=size, locale="vi-VN")
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url + "/")
    page.fill("input[name=name]", "truc-ban")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/", timeout=20000)
    page.problems = problems  # type: ignore[attr-defined]
    return ctx, page


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DESK_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _vi(key: str) -> str:
    return CATALOG[key]["vi"]


def test_operator_plans_a_slot_the_station_airs_it_and_an_emergency_goes_on_air(
        running: Running, pulse, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    shots = _shots(tmp_path)
    tz = running.station.tz
    recording = tmp_path / "monitor.raw"
    recorder = pulse.record(recording)
    try:
        _until(lambda: recording.exists() and recording.stat().st_size > 0, 10, "parec streams")
        heard_from = dt.datetime.now(tz) - dt.timedelta(seconds=len(_heard(recording)) / RATE)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            try:
                when = _plan_and_watch(browser, running, shots)
                _emergency(browser, running, shots)
            finally:
                browser.close()
        time.sleep(1.0)  # the recorder catches the tail
    finally:
        recorder.terminate()
        recorder.wait(5)
    heard = _heard(recording)
    rows = running.rows(when.date())
    (slot,) = [r for r in rows if r.slot_id == SLOT_ID]
    assert slot.outcome == "aired" and "sound card" in slot.sink, slot
    at, score = _find(_opening(slot.program), heard)
    assert score > 0.9, f"the slot's program was not heard on the monitor ({score:.2f})"
    heard_at = heard_from + dt.timedelta(seconds=at / RATE)
    assert abs((heard_at - when).total_seconds()) < 1.5, (heard_at, when)  # at its time
    (alert,) = [r for r in rows if r.slot_id == "emergency"]
    assert alert.outcome == "emergency" and alert.started, alert
    at2, score2 = _find(_opening(alert.program, 2.0), heard)
    assert score2 > 0.9, f"the alert was not heard on the monitor ({score2:.2f})"
    started = dt.datetime.fromisoformat(alert.started)
    assert abs((heard_from + dt.timedelta(seconds=at2 / RATE) - started).total_seconds()) < 1.5


def _plan_and_watch(browser, running: Running, shots: Path) -> dt.datetime:  # type: ignore[no-untyped-def]
    """The operator adds the slot 30 s ahead, listens to it, watches it air; its time."""
    ctx, page = _login(browser, running.url, DESKTOP)
    page.click("nav >> text=" + _vi("web.nav.schedule"))
    page.wait_for_selector("#add-slot")
    when = (dt.datetime.now(running.station.tz) + dt.timedelta(seconds=30)).replace(microsecond=0)
    page.fill("#add-slot input[name=at]", f"{when:%H:%M:%S}")
    page.fill("#add-slot input[name=max_minutes]", "2")
    page.fill("#add-slot input[name=id]", SLOT_ID)
    page.fill("#add-slot input[name=name]", SLOT_NAME)
    page.fill("#add-slot input[name=say]", SAY)
    page.click("#add-slot button")
    page.wait_for_selector(f"#slots >> text={SLOT_NAME}", timeout=20000)
    page.screenshot(path=str(shots / "e2e-schedule-added-desktop.png"), full_page=True)
    # the station prepares it at once (30 s ahead): its page plays it, with the rundown
    page.click(f"#slots >> text={SLOT_NAME}")
    for _ in range(60):
        if page.query_selector("#rundown"):
            break
        time.sleep(0.5)
        page.reload()
    rundown = page.inner_text("#rundown")
    assert _vi("web.program.kind.say") in rundown or "say" in rundown, rundown
    src = page.evaluate("document.querySelector('#listen audio').src")
    assert src.endswith("/audio")
    heard = page.request.get(src)  # what the player gets: the very program, playable
    assert heard.status == 200 and heard.headers["content-type"].startswith("audio/")
    assert len(heard.body()) > 48000
    page.screenshot(path=str(shots / "e2e-slot-desktop.png"), full_page=True)
    pctx, phone = _login(browser, running.url, PHONE)
    phone.goto(page.url)
    phone.wait_for_selector("#rundown")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(shots / "e2e-slot-phone.png"), full_page=True)
    # the dashboard, left open, shows it on air by itself (server-sent events)
    page.goto(running.url + "/")
    phone.goto(running.url + "/")
    seconds = (when - dt.datetime.now(running.station.tz)).total_seconds()
    page.wait_for_selector(f"#on-air >> text={SLOT_NAME}", timeout=int((seconds + 30) * 1000))
    phone.wait_for_selector(f"#on-air >> text={SLOT_NAME}", timeout=10000)
    assert _vi("web.level.none") in page.inner_text("#level") or page.query_selector("#level-rms")
    page.screenshot(path=str(shots / "e2e-dashboard-on-air-desktop.png"), full_page=True)
    phone.screenshot(path=str(shots / "e2e-dashboard-on-air-phone.png"), full_page=True)
    _until(lambda: any(r.slot_id == SLOT_ID and r.outcome == "aired"
                       for r in running.rows(when.date())), 180, "the slot aired", running)
    page.goto(running.url + "/asrun")
    row = page.locator("table.list tr", has_text=SLOT_NAME)
    assert _vi("outcome.aired") in row.inner_text()
    page.screenshot(path=str(shots / "e2e-asrun-desktop.png"), full_page=True)
    phone.goto(running.url + "/asrun")
    phone.screenshot(path=str(shots / "e2e-asrun-phone.png"), full_page=True)
    for pg in (page, phone):
        assert not pg.problems, pg.problems  # type: ignore[attr-defined]
    ctx.close()
    pctx.close()
    return when


def _emergency(browser, running: Running, shots: Path) -> None:  # type: ignore[no-untyped-def]
    """The operator on a phone: text, a confirmation step, on air."""
    ctx, page = _login(browser, running.url, PHONE)
    page.click("nav >> text=" + _vi("web.nav.emergency"))
    page.fill("textarea[name=text]", ALERT)
    page.fill("input[name=repeat]", "1")
    page.click("button.danger")
    page.wait_for_selector("button[value=yes]")
    page.screenshot(path=str(shots / "e2e-emergency-confirm-phone.png"), full_page=True)
    page.click("button[value=yes]")
    page.wait_for_selector("#emergency-done", timeout=20000)
    page.screenshot(path=str(shots / "e2e-emergency-done-phone.png"), full_page=True)
    today = dt.datetime.now(running.station.tz).date()
    _until(lambda: any(r.slot_id == "emergency" and r.outcome != "on_air"
                       for r in running.rows(today)), 90, "the alert aired", running)
    page.goto(running.url + "/asrun")
    assert "KHẨN CẤP" in page.inner_text("table.list")
    assert not page.problems, page.problems  # type: ignore[attr-defined]
    ctx.close()
