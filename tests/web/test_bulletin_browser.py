"""Edit, diff and listen in a real browser (Debian's chromium driven by Playwright): an editor on
a phone listens to a draft, submits it, later edits it into a new version; the approver sees the
version's changes, listens to the rendered speech and approves. Screenshots at phone and desktop
sizes go to ``DESK_SCREENSHOTS`` (docs/screenshots) for the guide."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import Served
from tests.web.test_browser import (  # noqa: F401 - pytest fixtures
    DESKTOP,
    PHONE,
    _login,
    browser,
    pytestmark,
    shots,
)

FIRST = ("Thông báo: ngày 5/12/2026 phường tổ chức họp dân lúc 19h30 tại nhà văn hóa khu phố 3 "
         "để bàn việc làm đường.")
SECOND = ("Thông báo: ngày 6/12/2026 phường tổ chức họp dân lúc 20h tại nhà văn hóa khu phố 3 "
          "để bàn việc làm đường và lắp đèn.")


def _audio_ready(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """The player's audio has loaded and has a length (the browser decoded the WAV)."""
    page.wait_for_selector(selector, timeout=120_000)
    page.wait_for_function(
        f"() => {{ const a = document.querySelector({selector!r});"
        " return a && a.readyState >= 1 && a.duration > 0.5; }", timeout=30_000)


def test_edit_diff_and_listen_on_phone_and_desktop(browser, served: Served,  # type: ignore[no-untyped-def] # noqa: F811
                                                   shots: Path) -> None:  # noqa: F811
    ectx, page = _login(browser, served, "editor", PHONE)
    page.goto(served.url + "/bulletins/new")
    page.fill("input[name=title]", "Họp dân khu phố 3")
    page.fill("textarea[name=body]", FIRST)
    page.wait_for_selector("#preview mark", timeout=10_000)
    page.click("button.listen")  # the draft as typed, read by the station's engines
    page.wait_for_selector(".player[data-state=queued], .player[data-state=rendering], "
                           ".player[data-state=ready]", timeout=10_000)
    _audio_ready(page, ".player[data-state=ready] audio.speech")
    page.screenshot(path=str(shots / "bulletin-new-listen-phone.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("#submitted")
    served.ingest()  # the station's intake takes inbox/ (the same Ingester the station runs)
    store = served.store()
    (rec,) = store.all()
    store.close()

    # the editor changes the date, the time and adds a sentence: a new version
    page.goto(f"{served.url}/bulletins/{rec.id}")
    page.click("#edit")
    page.wait_for_selector("#edit-bulletin")
    assert "phiên bản 2" in page.inner_text("#edit-note")
    page.fill("textarea[name=body]", SECOND)
    page.wait_for_function("() => document.querySelector('#preview').innerText"
                           ".includes('lắp đèn')", timeout=10_000)  # the edited text's reading
    page.screenshot(path=str(shots / "bulletin-edit-phone.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("#submitted")
    assert "phiên bản 2" in page.inner_text("#submitted")
    served.ingest()

    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        actx, appr = _login(browser, served, "approver", size)
        appr.click("text=Phê duyệt")
        card = appr.locator(f"#approve-{rec.id}")
        card.wait_for()
        assert "Thay đổi so với phiên bản 1" in card.inner_text()
        deleted = card.locator("del").all_inner_texts()
        inserted = card.locator("ins").all_inner_texts()
        assert any("19h30" in d for d in deleted) and any("20h" in i for i in inserted)
        assert any("lắp đèn" in i for i in inserted)
        card.locator("button.listen").click()
        _audio_ready(appr, f"#approve-{rec.id} .player[data-state=ready] audio.speech")
        assert appr.evaluate("document.documentElement.scrollWidth") <= size["width"]
        appr.screenshot(path=str(shots / f"approvals-diff-{size_name}.png"), full_page=True)
        if size_name == "desktop":
            appr.goto(f"{served.url}/bulletins/{rec.id}")  # rendered once: ready at once
            _audio_ready(appr, "#listen .player[data-state=ready] audio.speech")
            appr.screenshot(path=str(shots / "bulletin-listen-desktop.png"), full_page=True)
            appr.goto(served.url + "/approvals")
            appr.locator(f"#approve-{rec.id} button:has-text('Duyệt')").click()
            appr.wait_for_selector("text=Không có bản tin chờ duyệt")
        assert not appr.problems, appr.problems  # no CSP violation, no script error
        actx.close()

    store = served.store()
    try:
        rec = store.require(rec.id)
    finally:
        store.close()
    assert (rec.version, rec.state, rec.approved) == (2, "approved", True)
    assert not page.problems, page.problems
    ectx.close()
