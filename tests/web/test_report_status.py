"""Báo cáo tháng: the charts draw the numbers of ``build_report`` (``broadcaster report``) for a
month of as-run rows made here, and the downloads are its HTML and CSV. Tình trạng: the
doctor's checks with their verdicts, the slow probes only when asked."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from broadcaster.air.asrun import AsRunLog
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.models import Outcome
from broadcaster.ops import doctor
from broadcaster.ops.doctor import Check
from broadcaster.ops.report import build_report, to_csv, to_html
from tests.web.conftest import Served, login

MONTH = "2026-11"
# (day, slot, outcome, minutes on air)
ROWS = [(1, "sang", "aired", 5), (1, "chieu", "aired", 5), (1, "toi", "missed", 0),
        (2, "sang", "late", 3), (2, "khan", "emergency", 1), (15, "chieu", "interrupted", 2),
        (30, "sang", "aired", 12)]
# (file, tags, airings)
BULLETINS = [("a.txt", "[y-te]", 3), ("b.txt", "[y-te, hop-dan]", 1), ("c.txt", "", 2)]


def _make_month(served: Served) -> None:
    tz = served.station.tz
    log = AsRunLog(served.station.var("db") / "asrun.sqlite3")
    for day, slot, outcome, minutes in ROWS:
        at = dt.datetime(2026, 11, day, 6, 0, tzinfo=tz) + dt.timedelta(hours=len(slot))
        started = at if minutes else None
        log.record(slot_key=f"2026-11-{day:02d}/{slot}", slot_id=slot, slot_name=slot.title(),
                   scheduled=at, outcome=Outcome(outcome), now=at, started=started,
                   ended=at + dt.timedelta(minutes=minutes) if minutes else None)
    log.close()
    for name, tags, _ in BULLETINS:
        head = f"---\ntitle: Tin {name}\nrepeat: 9\n" + (f"tags: {tags}\n" if tags else "") + "---\n"
        (served.station.inbox_dir / name).write_text(head + f"Nội dung bản tin {name}.",
                                                     encoding="utf-8")
    served.ingest()
    store = served.store()
    try:
        for name, _, n in BULLETINS:
            rec = store.by_source(name)
            assert rec is not None
            for k in range(n):
                when = dt.datetime(2026, 11, 3 + k, 7, 0, tzinfo=tz)
                store.record_airing(rec.id, rec.version, f"2026-11-{3 + k:02d}/sang", when)
    finally:
        store.close()


def _report(served: Served):  # type: ignore[no-untyped-def]
    log = AsRunLog(served.station.var("db") / "asrun.sqlite3")
    store = BulletinStore(store_path(served.station))
    try:
        return build_report(MONTH, served.station.settings.name, log.rows(month=MONTH),
                            store.airings(month=MONTH), {r.id: r for r in store.all()})
    finally:
        log.close()
        store.close()


def _bars(page: str, n: int) -> dict[str, float]:
    svg = page.split(f'id="chart-{n}"', 1)[1].split("</svg>", 1)[0]
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r'data-label="([^"]*)" data-value="([^"]*)"', svg)}


def test_charts_draw_the_reports_numbers(served: Served) -> None:
    _make_month(served)
    rep = _report(served)
    s = login(served.url, "viewer")
    r = s.get(f"{served.url}/report?month={MONTH}", timeout=30)
    assert r.status_code == 200
    page = html.unescape(r.text)
    assert "<script" not in page.replace('<script src="/static/', "")
    per_day, minutes, tags = _bars(page, 1), _bars(page, 2), _bars(page, 3)
    assert len(per_day) == 30 and len(minutes) == 30  # every day of November
    # the report's own totals
    assert sum(per_day.values()) == sum(sl.aired for sl in rep.slots) == 5
    assert sum(minutes.values()) == pytest.approx(rep.total_airtime_s / 60) == 28
    # a bulletin counts under each of its tags (b.txt under both): from the report's lines
    by_title = {b.title: b.airings for b in rep.bulletins}
    assert sum(by_title.values()) == 6
    assert tags["y-te"] == by_title["Tin a.txt"] + by_title["Tin b.txt"]
    assert tags["hop-dan"] == by_title["Tin b.txt"] and tags["-"] == by_title["Tin c.txt"]
    # and day by day, as the rows were made
    assert (per_day["01"], per_day["02"], per_day["15"], per_day["30"]) == (2, 2, 0, 1)
    assert (minutes["01"], minutes["02"], minutes["15"], minutes["30"]) == (10, 4, 2, 12)
    assert tags == {"y-te": 4, "-": 2, "hop-dan": 1}
    assert f'id="total-aired">{sum(sl.aired for sl in rep.slots)}<' in page
    assert f'id="total-problems">{len(rep.problems)}<' in page


def test_downloads_are_the_reports_html_and_csv(served: Served) -> None:
    _make_month(served)
    rep = _report(served)
    s = login(served.url, "viewer")
    csv_ = s.get(f"{served.url}/report.csv?month={MONTH}", timeout=30)
    assert csv_.headers["Content-Type"].startswith("text/csv")
    assert csv_.content.decode("utf-8-sig") == to_csv(rep)
    page = s.get(f"{served.url}/report.html?month={MONTH}", timeout=30)
    assert "attachment" in page.headers["Content-Disposition"]
    assert page.content.decode("utf-8") == to_html(rep)
    assert s.get(f"{served.url}/report?month=2026-13", timeout=10).status_code == 400


def test_status_shows_the_doctors_checks_without_slow_probes(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    s = login(served.url, "viewer")
    page = html.unescape(s.get(f"{served.url}/status", timeout=60).text)
    rows = re.findall(r'<span class="verdict (ok|warn|fail)">[^<]*</span></td><td>([^<]*)</td>',
                      page)
    names = [n for _, n in rows]
    assert {"disk", "clock", "inbox", "station"} <= set(names)
    assert "device" not in names and not any(n.startswith("engine") for n in names)
    # the running check says the station does not run (no heartbeat here)
    assert dict((n, v) for v, n in rows)["station"] in ("warn", "fail")
    monkeypatch.setattr(doctor, "check_device",
                        lambda station: Check("device", "fail", "không có thiết bị <thử>"))
    monkeypatch.setattr(doctor, "check_engines", lambda station: [Check("engine espeak", "ok", "x")])
    probed = s.get(f"{served.url}/status?probe=1", timeout=60).text
    assert "không có thiết bị &lt;thử&gt;" in probed and "engine espeak" in probed


def test_new_pages_have_every_word_in_both_languages(served: Served) -> None:
    from tests.web.conftest import csrf
    from tests.web.test_schedule import write_week

    write_week(served)
    s = login(served.url, "admin")
    for lang in ("vi", "en"):
        s.post(served.url + "/lang", data={"csrf": csrf(s, served.url), "lang": lang}, timeout=10)
        for path in ("/schedule", f"/report?month={MONTH}", "/status"):
            page = s.get(served.url + path, timeout=60).text
            main = page.split("<main>", 1)[1]
            assert not re.search(r">\s*(web|doctor|report)\.[a-z_.]+", main), (lang, path)
    assert "Schedule" in page and "Monthly report" in page
