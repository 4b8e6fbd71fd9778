"""End to end in a real browser (Debian's chromium driven by Playwright): an editor on a phone
pastes a bulletin, sees the highlighted script and submits it; the station's intake takes it;
the approver approves; an open dashboard follows live. Every page is photographed at phone and
desktop sizes (``DESK_SCREENSHOTS=docs/screenshots`` keeps them for the guide)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, Served

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
BODY = ("Thông báo: UBND phường tổ chức tiêm chủng vắc-xin sởi cho trẻ em từ 1 đến 5 tuổi "
        "vào ngày 5/12/2026, từ 7h30 đến 11h tại trạm y tế phường, số 12 đường Lê Lợi.")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHROMIUM.exists(),
                                                   reason="chromium not installed (setup.sh test)")]


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DESK_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _login(browser, served: Served, name: str, size: dict[str, int], lang_en: bool = False):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport=size, locale="vi-VN")
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(served.url + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    try:
        page.wait_for_url(served.url + "/", timeout=15000)
    except Exception:
        print("URL", page.url, page.content()[:3000], problems)
        raise
    page.problems = problems  # type: ignore[attr-defined]
    return ctx, page


def test_editor_submits_on_a_phone_approver_approves_dashboard_follows(
        browser, served: Served, shots: Path) -> None:  # type: ignore[no-untyped-def]
    # an operator keeps the dashboard open on a desktop
    octx, dash = _login(browser, served, "operator", DESKTOP)

    ectx, page = _login(browser, served, "editor", PHONE)
    page.click("text=Bản tin")
    page.click("text=Bản tin mới")
    page.fill("input[name=title]", "Tiêm chủng vắc-xin sởi")
    page.fill("textarea[name=body]", BODY)
    page.wait_for_selector("#preview mark", timeout=10000)
    marks = page.locator("#preview mark")
    assert marks.count() >= 2
    assert "tháng mười hai" in page.inner_text("#preview")
    assert "Ủy ban nhân dân" in page.inner_text("#preview")
    page.screenshot(path=str(shots / "editor-preview-phone.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("#submitted")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    served.ingest()  # the station's intake takes inbox/ (the same Ingester the station runs)
    dash.wait_for_selector("text=Tiêm chủng vắc-xin sởi", timeout=5000)

    actx, appr = _login(browser, served, "approver", PHONE)
    appr.click("text=Phê duyệt")
    appr.wait_for_selector("text=Tiêm chủng vắc-xin sởi")
    appr.screenshot(path=str(shots / "approvals-phone.png"))
    appr.click("button:has-text('Duyệt')")
    appr.wait_for_selector("text=Không có bản tin chờ duyệt")

    # the open dashboard drops it from "waiting for approval" by itself (server-sent events)
    dash.wait_for_selector("#panel >> text=Tiêm chủng vắc-xin sởi", state="detached", timeout=3000)
    page.goto(served.url + "/bulletins")
    assert "đã duyệt" in page.inner_text("main")
    for p in (dash, page, appr):
        assert not p.problems, p.problems  # no CSP violation, no script error
    for c in (octx, ectx, actx):
        c.close()


def _week_and_month(served: Served) -> None:
    """A week template and this month's as-run rows, so the schedule and the report show some."""
    import datetime as dt

    from broadcaster.air.asrun import AsRunLog
    from broadcaster.models import Outcome
    from tests.web.test_schedule import write_week

    write_week(served)
    tz = served.station.tz
    today = dt.datetime.now(tz).date()
    log = AsRunLog(served.station.var("db") / "asrun.sqlite3")
    for day in range(1, today.day + 1):
        for hour, minutes in ((6, 12 + day % 4), (17, 9 + day % 6)):
            at = dt.datetime(today.year, today.month, day, hour, 0, tzinfo=tz)
            missed = (day, hour) == (2, 17)
            log.record(slot_key=f"{at:%Y-%m-%d}/s{hour}", slot_id="sang" if hour == 6 else "chieu",
                       slot_name="Buổi sáng" if hour == 6 else "Buổi chiều", scheduled=at,
                       outcome=Outcome.MISSED if missed else Outcome.AIRED, now=at,
                       started=None if missed else at,
                       ended=None if missed else at + dt.timedelta(minutes=minutes))
    log.close()
    store = served.store()
    try:
        for rec in store.all():
            for day in range(1, today.day + 1, 3):
                at = dt.datetime(today.year, today.month, day, 6, 5, tzinfo=tz)
                store.record_airing(rec.id, rec.version, f"{at:%Y-%m-%d}/s6", at)
    finally:
        store.close()


PAGES = [("login", "/login"), ("dashboard", "/"), ("bulletins", "/bulletins"),
         ("bulletin-new", "/bulletins/new"), ("bulletin", None), ("approvals", "/approvals"),
         ("emergency", "/emergency"), ("asrun", "/asrun"), ("audit", "/audit"),
         ("schedule", "/schedule"), ("report", "/report"), ("status", "/status")]


def test_screenshots_of_every_page_at_phone_and_desktop_sizes(
        browser, served: Served, shots: Path) -> None:  # type: ignore[no-untyped-def]
    (served.station.inbox_dir / "cat-dien.txt").write_text(
        "---\ntitle: Lịch cắt điện\n---\nNgày 6/12 cắt điện khu phố 3 từ 8h đến 16h30.\n",
        encoding="utf-8")
    served.ingest()
    store = served.store()
    (rec,) = store.all()
    store.close()
    _week_and_month(served)
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx, page = _login(browser, served, "admin", size)
        for name, path in PAGES:
            if name == "login":
                anon = browser.new_context(viewport=size)
                lp = anon.new_page()
                lp.goto(served.url + "/login")
                lp.screenshot(path=str(shots / f"login-{size_name}.png"))
                anon.close()
                continue
            page.goto(served.url + (path or f"/bulletins/{rec.id}"))
            if name == "bulletin-new":
                page.fill("textarea[name=body]", BODY)
                page.wait_for_selector("#preview mark")
            if name == "emergency":
                page.fill("textarea[name=text]", "Bão số 9 đổ bộ: người dân không ra biển.")
                page.click("button.danger")
                page.wait_for_selector("button[value=yes]")
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name
            page.screenshot(path=str(shots / f"{name}-{size_name}.png"),
                            full_page=name in ("bulletin-new", "bulletin", "schedule", "report"))
        assert not page.problems, page.problems  # type: ignore[attr-defined]
        ctx.close()
    assert len(list(shots.glob("*.png"))) >= 2 * len(PAGES)
