"""The publish log as operators read it: ``broadcaster published`` (Vietnamese by default,
English through the language switch, JSON) and the web desk's "Đã đăng" page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.publish.conftest import LETTER, NOTICE
from tests.publish.social_fakes import FB_TOKEN, ZALO_TOKEN
from tests.publish.social_rig import Rig
from tests.web.conftest import Served, login


def _cli(station_dir: Path, *args: str, lang: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    if lang:
        env["BROADCASTER_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "broadcaster", "--station", str(station_dir),
                           "published", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def _post_two(rig: Rig) -> tuple[str, str]:
    """One bulletin posted to both pages; a second refused by Facebook (Zalo takes it)."""
    first = rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    rig.graph.script = [(500, {"error": {"code": 2, "message": "Tạm thời không phục vụ"}})]
    rig.desk.clock.advance(120)
    second = rig.publish("tiem.txt", LETTER)
    rig.worker.turn()
    return first, second


def test_published_prints_the_log_in_vietnamese_english_and_json(rig: Rig) -> None:
    first, second = _post_two(rig)
    root = rig.desk.station.root
    vi = _cli(root)
    assert vi.returncode == 0, vi.stderr
    lines = vi.stdout.splitlines()
    assert lines[0] == "Nhật ký đăng mạng xã hội (mới nhất trước)"
    assert lines[1].startswith("Thời gian | Nơi đăng")
    (retry,) = [ln for ln in lines if "lỗi, sẽ thử lại" in ln]
    assert "HTTP 500" in retry and second in retry and "Trang Facebook" in retry
    assert "kèm âm thanh" not in retry  # this page posts text and link (audio: false)
    fb_id = rig.row(first)[1]
    assert fb_id and any(fb_id in ln and "Trang Facebook" in ln and "thành công" in ln
                         for ln in lines)
    assert any("art1" in ln and "Zalo OA" in ln for ln in lines)
    assert lines[-1] == "Đang chờ đăng: 1"
    en = _cli(root, "--limit", "2", lang="en")
    assert en.returncode == 0, en.stderr
    assert en.stdout.splitlines()[0] == "Social posting log (newest first)"
    assert len(en.stdout.splitlines()) == 2 + 2 + 1  # head, columns, two lines, waiting
    assert "error, will retry" in en.stdout
    raw = _cli(root, "--json")
    data = json.loads(raw.stdout)
    assert data["waiting"] == 1 and len(data["log"]) == 4
    assert {e["post_id"] for e in data["log"]} >= {fb_id, "art1"}
    for out in (vi.stdout, en.stdout, raw.stdout):
        assert FB_TOKEN not in out and ZALO_TOKEN not in out
    assert _cli(root, "--limit", "0").returncode != 0


def test_published_on_a_station_that_never_posted(station_dir: Path) -> None:
    r = _cli(station_dir, lang="en")
    assert r.returncode == 0, r.stderr
    assert "No social page is set up" in r.stdout and "Nothing has been posted" in r.stdout


def test_the_desk_shows_the_publish_log(rig: Rig, served: Served) -> None:
    first, _second = _post_two(rig)
    s = login(served.url, "viewer")
    home = s.get(f"{served.url}/", timeout=30).text
    assert 'href="/published"' in home
    page = s.get(f"{served.url}/published", timeout=30)
    assert page.status_code == 200
    html = page.text
    assert 'id="social-log"' in html and "Đang chờ đăng: 1" in html
    assert str(rig.row(first)[1]) in html and "art1" in html and "HTTP 500" in html
    assert FB_TOKEN not in html and ZALO_TOKEN not in html
    assert s.get(f"{served.url}/published?lang=en", timeout=30).status_code == 200
    anon = s.__class__().get(f"{served.url}/published", timeout=30, allow_redirects=False)
    assert anon.status_code == 303 and anon.headers["Location"] == "/login"


def test_the_publish_log_page_in_chromium_at_phone_and_desktop_sizes(
        rig: Rig, served: Served, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_browser import DESKTOP, PHONE, _login

    _post_two(rig)
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx, page = _login(browser, served, "viewer", size)
        page.click("nav a[href='/published']")
        page.wait_for_selector("#social-log")
        assert page.locator("#social-log tbody tr").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        page.screenshot(path=str(shots / f"published-{size_name}.png"), full_page=True)
        assert not page.problems, page.problems
        ctx.close()
