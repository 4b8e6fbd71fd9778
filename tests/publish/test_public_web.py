"""``/cong-khai/``: the web desk serves the public archive to anyone (no login), static files
only, never a path outside ``var/public/``; the index and a bulletin page in Chromium, at phone
and desktop sizes (``DESK_SCREENSHOTS=docs/screenshots`` keeps the pictures for the guide)."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from broadcaster.clock import FakeClock
from broadcaster.inbox.records import BulletinRecord
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.ops.alerts import Alerter
from broadcaster.pipeline import Pipeline
from broadcaster.publish.publisher import Publisher
from tests.publish.conftest import DAY, LETTER, NOTICE, Desk
from tests.web.conftest import Served
from tests.web.test_browser import CHROMIUM, DESKTOP, PHONE

FLOOD = ("---\ntitle: Cảnh báo nước lên\npriority: emergency\n---\nNước sông Kinh Thầy đang lên "
         "nhanh. Bà con khu thấp trũng tổ 3, tổ 4 di chuyển người và tài sản lên chỗ cao ngay.\n")


@pytest.fixture
def archive(served: Served) -> Desk:
    """Three bulletins aired over two days, published into the served station's var/public/."""
    import datetime as dt

    station = served.station
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(9, 0), station.tz))
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    pipeline = Pipeline(station, clock)

    def speech(rec: BulletinRecord) -> Path:
        return rec.speech_path or pipeline.speech(rec.bulletin())

    pub = Publisher(station, clock, store, speech=speech,
                    alerter=Alerter(None, clock, min_interval_s=0, title="x"))
    desk = Desk(station, store, clock, pipeline, pub.alerter or Alerter(None, clock), pub, [])
    for name, text, then in (("tiem-chung.txt", LETTER, 6), ("rac.txt", NOTICE, 19),
                             ("lu.txt", FLOOD, 0)):
        rec = desk.drop(name, text)
        store.approve(rec.id, by="Chủ tịch", now=clock.now())
        desk.air(store.require(rec.id), f"{clock.now():%H%M}")
        clock.advance(then * 3600)  # 09:00 and 15:00 one day, 10:00 the next
    pub.publish_once()
    store.close()
    return desk


def test_cong_khai_serves_the_archive_without_login(served: Served, archive: Desk) -> None:
    r = requests.get(served.url + "/cong-khai/", timeout=10)
    assert r.status_code == 200 and r.url == served.url + "/cong-khai/"  # no login redirect
    assert "Tiêm chủng vắc-xin sởi" in r.text and "Cảnh báo nước lên" in r.text
    assert "media-src 'self'" in r.headers["Content-Security-Policy"]
    r = requests.get(served.url + "/cong-khai", timeout=10)
    assert r.status_code == 200 and r.url == served.url + "/cong-khai/"
    rss = requests.get(served.url + "/cong-khai/rss.xml", timeout=10)
    assert rss.headers["Content-Type"].startswith("application/rss+xml")
    mp3 = next((archive.public / "audio").iterdir())
    audio = requests.get(f"{served.url}/cong-khai/audio/{mp3.name}", timeout=10)
    assert audio.headers["Content-Type"] == "audio/mpeg" and audio.content == mp3.read_bytes()
    # the desk itself still needs a login
    assert requests.get(served.url + "/bulletins", timeout=10).url.endswith("/login")


def _raw(url: str, path: str) -> tuple[int, bytes]:
    """A request sent exactly as written (clients clean up ``..`` before sending)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", [
    "/cong-khai/../station.yaml", "/cong-khai/../../station.yaml",
    "/cong-khai/%2e%2e/station.yaml", "/cong-khai/%2e%2e%2fstation.yaml",
    "/cong-khai/..%2f..%2fstation.yaml", "/cong-khai/ban-tin/%2e%2e/%2e%2e/station.yaml",
    "/cong-khai/%2fetc%2fpasswd", "/cong-khai//etc/passwd", "/cong-khai/loi.yaml",
    "/cong-khai/.broadcaster-public.json"])
def test_cong_khai_never_serves_a_path_outside_the_public_folder(
        served: Served, archive: Desk, path: str) -> None:
    (archive.public / "loi.yaml").symlink_to(served.station.root / "station.yaml")
    (archive.public / ".broadcaster-public.json").write_text("{}", encoding="utf-8")
    status, body = _raw(served.url, path)
    assert status != 200, (path, status)
    assert b"timezone" not in body and b"root:" not in body


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium not installed (setup.sh test)")
def test_index_and_page_in_chromium_at_phone_and_desktop_sizes(  # type: ignore[no-untyped-def]
        browser, served: Served, archive: Desk, shots: Path) -> None:
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx = browser.new_context(viewport=size, locale="vi-VN")
        page = ctx.new_page()
        problems: list[str] = []
        page.on("console", lambda m, out=problems: out.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, out=problems: out.append(str(e)))
        page.goto(served.url + "/cong-khai/")
        assert page.locator("section.day").count() == 2  # grouped by day, newest first
        titles = page.locator("section.day li a").all_inner_texts()
        assert titles[0] == "Cảnh báo nước lên"
        page.screenshot(path=str(shots / f"public-index-{size_name}.png"), full_page=True)
        # typed without accents, as on a phone keyboard without Telex
        page.fill("#q", "thu gom rac")
        assert page.locator("section.day li:visible").all_inner_texts()[0].startswith(
            "Lịch thu gom rác")
        assert page.locator("section.day li:visible").count() == 1
        page.fill("#q", "khong co tin nay")
        assert page.locator("#no-match").is_visible()
        page.fill("#q", "")
        page.click("text=Tiêm chủng vắc-xin sởi")
        page.wait_for_selector("audio")
        assert page.locator("h1").inner_text() == "Tiêm chủng vắc-xin sởi"
        duration = page.evaluate("""() => new Promise(ok => {
            const a = document.querySelector('audio'); a.preload = 'metadata';
            a.addEventListener('loadedmetadata', () => ok(a.duration)); a.load(); })""")
        assert duration > 1
        text = page.inner_text("article")
        assert "số 12 đường Lê Lợi" in text and "Nơi nhận" not in text
        page.screenshot(path=str(shots / f"public-bulletin-{size_name}.png"), full_page=True)
        if size_name == "phone":  # nothing wider than the phone's screen
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        assert problems == []
        ctx.close()
