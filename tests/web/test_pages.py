"""The pages do what they say: preview highlights, approval pinned to the hash, emergency asks
for confirmation, the as-run log filters and exports, the dashboard follows the station live."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import time

import requests

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.control import ControlServer
from tests.web.conftest import Served, csrf, login

BODY = "Ngày 5/12/2026, UBND phường tổ chức tiêm chủng lúc 7h30 tại số 12 đường Lê Lợi."


def test_preview_highlights_what_the_text_stage_changed(served: Served) -> None:
    s = login(served.url, "editor")
    html = s.post(served.url + "/bulletins/preview", timeout=30,
                  data={"csrf": csrf(s, served.url), "body": BODY}).text
    assert "<mark" in html
    assert "Ủy ban nhân dân" in html or "ủy ban nhân dân" in html.lower()
    assert "tháng mười hai" in html


def test_pasted_bulletin_goes_through_intake_and_approval(served: Served) -> None:
    editor = login(served.url, "editor")
    r = editor.post(served.url + "/bulletins/new", timeout=30, data={
        "csrf": csrf(editor, served.url), "title": "Tiêm chủng", "body": BODY,
        "priority": "priority", "repeat": "2"})
    assert r.status_code == 200
    served.ingest()
    store = served.store()
    (rec,) = store.all()
    store.close()
    assert rec.title == "Tiêm chủng" and rec.priority == "priority" and rec.repeat == 2
    assert rec.state == "awaiting_approval"
    approver = login(served.url, "approver")
    page = approver.get(served.url + "/approvals", timeout=10).text
    assert "Tiêm chủng" in page and rec.content_hash in page
    # a stale hash (the content changed since the page was shown) is refused
    r = approver.post(f"{served.url}/approvals/{rec.id}/approve", timeout=30,
                      data={"csrf": csrf(approver, served.url), "hash": "0" * 64})
    assert r.status_code == 409
    r = approver.post(f"{served.url}/approvals/{rec.id}/approve", timeout=30,
                      data={"csrf": csrf(approver, served.url), "hash": rec.content_hash})
    assert r.status_code == 200
    store = served.store()
    after = store.require(rec.id)
    store.close()
    assert after.state == "approved" and after.approved_by == "approver"
    assert after.approved_hash == rec.content_hash
    listing = editor.get(served.url + "/bulletins?state=approved", timeout=10).text
    assert "Tiêm chủng" in listing


def test_emergency_asks_for_confirmation_then_goes_through_the_control_channel(
        served: Served) -> None:
    calls: list[dict[str, object]] = []
    server = ControlServer(served.station.var_dir, lambda req: (
        req["cmd"] == "emergency" and calls.append(req), {"ok": True, "key": "k"})[1])
    server.start()
    try:
        s = login(served.url, "operator")
        r = s.post(served.url + "/emergency", timeout=30,
                   data={"csrf": csrf(s, served.url), "text": "Bão số 9 vào bờ", "repeat": "3"})
        assert r.status_code == 200 and 'value="yes"' in r.text and not calls
        r = s.post(served.url + "/emergency", timeout=30, data={
            "csrf": csrf(s, served.url), "text": "Bão số 9 vào bờ", "repeat": "3",
            "confirmed": "yes"})
        assert r.status_code == 200 and 'id="emergency-done"' in r.text
        assert calls == [{"cmd": "emergency", "text": "Bão số 9 vào bờ", "repeat": 3}]
    finally:
        server.stop()


def test_emergency_without_a_running_station_says_so(served: Served) -> None:
    s = login(served.url, "admin")
    r = s.post(served.url + "/emergency", timeout=30, data={
        "csrf": csrf(s, served.url), "text": "Cháy chợ", "repeat": "1", "confirmed": "yes"})
    assert r.status_code == 409 and 'role="alert"' in r.text


def _asrun(served: Served) -> AsRunLog:
    return AsRunLog(served.station.var("db") / "asrun.sqlite3")


def test_asrun_page_filters_by_date_and_exports_csv(served: Served) -> None:
    tz = served.station.tz
    log = _asrun(served)
    for day, outcome in ((dt.date(2026, 12, 1), "aired"), (dt.date(2026, 12, 2), "missed")):
        at = dt.datetime.combine(day, dt.time(6, 30), tz)
        log.record(slot_key=f"{day}/sang", slot_id="sang", slot_name="Bản tin sáng",
                   scheduled=at, outcome=outcome, now=at, started=at if outcome == "aired" else None,
                   ended=at + dt.timedelta(minutes=5) if outcome == "aired" else None)
    log.close()
    s = login(served.url, "viewer")
    page = s.get(served.url + "/asrun?date=2026-12-01", timeout=10).text
    assert "Bản tin sáng" in page and "đã phát" in page and "bỏ lỡ" not in page
    r = s.get(served.url + "/asrun.csv?date=2026-12-02", timeout=10)
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["outcome"] for row in rows] == ["missed"]
    assert s.get(served.url + "/asrun?date=hôm-qua", timeout=10).status_code == 400


def test_english_switch(served: Served) -> None:
    s = login(served.url, "viewer")
    assert "Bảng điều khiển" in s.get(served.url + "/", timeout=10).text
    s.post(served.url + "/lang", data={"csrf": csrf(s, served.url), "lang": "en"}, timeout=10)
    assert "Dashboard" in s.get(served.url + "/", timeout=10).text


def test_a_change_of_state_reaches_an_open_dashboard_within_a_second(served: Served) -> None:
    s = login(served.url, "viewer")
    got: list[float] = []
    opened = threading.Event()

    def listen() -> None:
        with s.get(served.url + "/events", stream=True, timeout=15) as r:
            opened.set()
            for line in r.iter_lines():
                if line == b"event: change":
                    got.append(time.monotonic())
                    return

    th = threading.Thread(target=listen, daemon=True)
    th.start()
    assert opened.wait(10)
    time.sleep(0.6)  # the stream has taken its first look
    tz = served.station.tz
    log = _asrun(served)
    now = dt.datetime.now(tz)
    changed_at = time.monotonic()
    log.begin(slot_key=f"{now:%Y-%m-%d}/trua", slot_id="trua", slot_name="Trưa", scheduled=now,
              now=now)
    log.close()
    th.join(5)
    assert got and got[0] - changed_at < 1.0
    panel = s.get(served.url + "/panel", timeout=10).text
    assert "Trưa" in panel


def test_pages_answer_for_a_viewer(served: Served) -> None:
    s = login(served.url, "viewer")
    for path in ("/", "/bulletins", "/approvals", "/asrun", "/schedule", "/report", "/status",
                 "/static/htmx.min.js"):
        assert s.get(served.url + path, timeout=10).status_code == 200, path
    for path in ("/bulletins/new", "/emergency", "/audit"):
        assert s.get(served.url + path, timeout=10).status_code == 403, path


def test_unknown_bulletin_is_404(served: Served) -> None:
    s = login(served.url, "viewer")
    assert s.get(served.url + "/bulletins/khong-co", timeout=10).status_code == 404
    assert requests.get(served.url + "/healthz", timeout=10).text == "ok"


def test_dashboard_shows_what_the_running_station_reports(served: Served) -> None:
    status = {"ok": True, "on_air": "Bản tin sáng", "on_air_since": "2026-12-01T06:30:00+07:00",
              "next": [{"start": "2026-12-01T17:00:00+07:00", "slot": "Bản tin chiều"}],
              "output": "PulseAudio null sink", "output_error": None,
              "engines": [{"name": "espeak", "reachable": None, "breaker": "n/a", "last_error": ""},
                          {"name": "gtts", "reachable": True, "breaker": "open",
                           "last_error": "HTTP 429 <i>"}],
              "alerts": [{"at": "2026-12-01T06:10:00+07:00", "kind": "disk",
                          "message": "Ổ đĩa sắp đầy <b>"}]}
    server = ControlServer(served.station.var_dir, lambda req: status)
    server.start()
    try:
        s = login(served.url, "viewer")
        panel = s.get(served.url + "/panel", timeout=10).text
    finally:
        server.stop()
    for text in ("Bản tin sáng", "06:30:00", "Bản tin chiều", "PulseAudio null sink", "espeak",
                 "Ổ đĩa sắp đầy &lt;b&gt;"):
        assert text in panel, text
    # espeak is local (never probed): it works; gtts's breaker is open: its error is shown
    assert re.search(r"espeak: <span class=\"ok\">", panel)
    assert re.search(r"gtts: <span class=\"error\">HTTP 429 &lt;i&gt;", panel)


def test_going_live_from_the_desk_names_the_operator(served: Served) -> None:
    calls: list[dict[str, object]] = []
    replies = {"live_start": {"ok": True, "message": "Đang phát trực tiếp"},
               "live_stop": {"ok": True, "message": "Đã kết thúc phát trực tiếp"}}
    server = ControlServer(served.station.var_dir, lambda req: (
        calls.append(req), replies.get(str(req["cmd"]), {"ok": True}))[1])
    server.start()
    try:
        s = login(served.url, "operator")
        r = s.post(served.url + "/live/start", timeout=30, data={"csrf": csrf(s, served.url)})
        assert r.status_code == 200 and "Đang phát trực tiếp" in r.text
        r = s.post(served.url + "/live/stop", timeout=30, data={"csrf": csrf(s, served.url)})
        assert r.status_code == 200 and "Đã kết thúc" in r.text
        editor = login(served.url, "editor")
        r = editor.post(served.url + "/live/start", timeout=30,
                        data={"csrf": csrf(editor, served.url)})
        assert r.status_code == 403
        r = s.post(served.url + "/live/start", timeout=30, data={})  # no CSRF token
        assert r.status_code in (400, 403)
    finally:
        server.stop()
    live = [c for c in calls if c["cmd"] != "status"]  # pages also ask the station's status
    assert [c["cmd"] for c in live] == ["live_start", "live_stop"]
    assert live[0]["by"] == "operator"
