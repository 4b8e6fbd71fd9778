"""Lịch phát: the day's timeline and the week, a one-off slot, a cancelled week slot and a
no-broadcast day written to schedules/DAY.yaml with the operator's comments kept, validated in
``validate``'s words at the field, installed like ``load`` (confirmation when slots go)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from broadcaster.air.control import ControlServer
from broadcaster.air.schedules import ScheduleBook
from broadcaster.air.validate import validate_file
from tests.web.conftest import Served, csrf, login

WEEK = """\
# Lịch tuần của phường (comment the desk must keep)
slots:
  - id: sang
    name: "Buổi sáng"
    at: "06:00"
    max_minutes: 15
    program:
      - jingle: open
      - bulletins: {}
  - id: chieu
    name: "Buổi chiều"
    at: "17:00"
    max_minutes: 15
    program:
      - bulletins: {}
"""

DAY_FILE = """\
# Ngày hội phường: ghi chú của người trực (must survive an edit)
note: "Hội thao"   # ghi chú cuối dòng
slots:
  - id: hoi-thao
    name: "Hội thao"
    at: "08:00"        # giờ khai mạc
    program:
      - say: "Khai mạc hội thao"   # câu đọc
"""


def write_week(served: Served) -> None:
    path = served.station.schedules_dir / "week.yaml"
    if not path.is_file():
        path.write_text(WEEK, encoding="utf-8")


def day_in(n: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=n)


def day_path(served: Served, day: dt.date) -> Path:
    return served.station.schedules_dir / f"{day.isoformat()}.yaml"


def add(s, served: Served, day: dt.date, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf": csrf(s, served.url), "id": "hop-dan", "name": "Họp dân", "at": "19:00",
            "max_minutes": "10", "say": "Thông báo họp dân", "tags": "hop-dan", **fields}
    return s.post(f"{served.url}/schedule/{day.isoformat()}/add", data=data, timeout=30)


def test_day_timeline_and_week_are_shown(served: Served) -> None:
    write_week(served)
    s = login(served.url, "viewer")
    page = s.get(f"{served.url}/schedule?date={day_in(1).isoformat()}", timeout=10).text
    assert "Buổi sáng" in page and "Buổi chiều" in page and "<svg" in page
    assert 'class="seg week' in page
    assert "Lịch tuần" in page and "Thứ hai" in page
    assert 'action="/schedule/' not in page  # a viewer gets no action buttons
    assert s.get(f"{served.url}/schedule?date=mai", timeout=10).status_code == 400


def test_operator_adds_a_one_off_slot_and_the_comments_survive(served: Served) -> None:
    write_week(served)
    day = day_in(2)
    day_path(served, day).write_text(DAY_FILE, encoding="utf-8")
    s = login(served.url, "operator")
    r = add(s, served, day)
    assert r.status_code == 200, r.text[:2000]
    text = day_path(served, day).read_text(encoding="utf-8")
    for kept in ("# Ngày hội phường: ghi chú của người trực", "# ghi chú cuối dòng",
                 "# giờ khai mạc", "# câu đọc", 'note: "Hội thao"'):
        assert kept in text, kept
    data = yaml.safe_load(text)
    assert [x["id"] for x in data["slots"]] == ["hoi-thao", "hop-dan"]
    assert data["slots"][1]["at"] == "19:00"
    assert validate_file(day_path(served, day), served.station) == []  # what validate says
    assert "Họp dân" in r.text and 'class="seg day' in r.text
    plan = ScheduleBook.open(served.station).schedule().plan(day)
    assert [p.slot.id for p in plan] == ["sang", "hoi-thao", "chieu", "hop-dan"]
    assert any(a.action == "schedule.add" and a.target == day_path(served, day).name
               for a in served.desk.users.audit_rows())


def test_an_invalid_time_is_shown_at_the_field_in_validates_words(served: Served) -> None:
    write_week(served)
    day = day_in(3)
    s = login(served.url, "operator")
    r = add(s, served, day, at="25:00")
    assert r.status_code == 400
    assert not day_path(served, day).exists()  # nothing written
    # the same words as `broadcaster validate` for that file
    probe = served.station.root / "probe" / f"{day.isoformat()}.yaml"
    probe.parent.mkdir()
    probe.write_text('slots:\n  - id: hop-dan\n    at: "25:00"\n    program:\n'
                     '      - bulletins: {}\n', encoding="utf-8")
    words = validate_file(probe, served.station)[0].split(": ", 1)[1]
    assert "25:00" in words
    import html as html_
    page = html_.unescape(r.text)
    field = page.split('id="error-at"', 1)
    assert len(field) == 2, page[:3000]
    shown = field[1].split("</span>", 1)[0]
    assert words in shown and day.isoformat() + ".yaml" in shown
    assert 'value="25:00"' in r.text  # what was typed is kept for fixing


def test_cancelling_a_week_slot_needs_confirmation(served: Served) -> None:
    write_week(served)
    day = day_in(4)
    s = login(served.url, "operator")
    form = {"csrf": csrf(s, served.url), "slot": "chieu"}
    r = s.post(f"{served.url}/schedule/{day.isoformat()}/cancel", data=form, timeout=30)
    assert r.status_code == 200 and 'id="confirm"' in r.text and "chieu" in r.text
    assert not day_path(served, day).exists()
    r = s.post(f"{served.url}/schedule/{day.isoformat()}/cancel", data={**form, "confirmed": "yes"},
               timeout=30)
    assert r.status_code == 200 and 'id="confirm"' not in r.text
    assert yaml.safe_load(day_path(served, day).read_text())["cancel"] == ["chieu"]
    plan = ScheduleBook.open(served.station).schedule().plan(day)
    assert [p.slot.id for p in plan] == ["sang"]
    assert "cancelled" in r.text


def test_no_broadcast_day(served: Served) -> None:
    write_week(served)
    day = day_in(5)
    s = login(served.url, "admin")
    r = s.post(f"{served.url}/schedule/{day.isoformat()}/no-broadcast",
               data={"csrf": csrf(s, served.url), "confirmed": "yes"}, timeout=30)
    assert r.status_code == 200
    assert yaml.safe_load(day_path(served, day).read_text())["no_broadcast"] is True
    assert ScheduleBook.open(served.station).schedule().plan(day) == []


def test_with_a_running_station_the_change_goes_through_load(served: Served) -> None:
    """The station's control channel installs it (``load`` with its ``yes``), as the CLI does."""
    write_week(served)
    calls: list[dict[str, object]] = []
    book = ScheduleBook(served.station)
    book.reload()

    def handle(req: dict[str, object]) -> dict[str, object]:
        if req["cmd"] != "load":
            return {"ok": False, "error": "only load here"}
        calls.append(req)
        result = book.install(Path(str(req["path"])), confirmed=req.get("yes") is True)
        return {"ok": result.installed, "message": result.message()}

    server = ControlServer(served.station.var_dir, handle)
    server.start()
    try:
        day = day_in(6)
        s = login(served.url, "operator")
        assert add(s, served, day).status_code == 200
    finally:
        server.stop()
    assert [c["cmd"] for c in calls] == ["load"]
    assert calls[0]["yes"] is False and str(calls[0]["path"]).endswith(f"{day.isoformat()}.yaml")
    assert "hop-dan" in day_path(served, day).read_text(encoding="utf-8")
