"""Lịch phát, a slot's program: edited from the desk in the file that holds the slot (the week
template, or one date only), comments and other keys kept, validated in ``validate``'s words at
the item, installed like ``load``; its prepared program listened to with its rundown."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import time
from pathlib import Path

import av
import numpy as np
import soundfile as sf
import yaml

from broadcaster.air.control import ControlServer
from broadcaster.air.schedules import ScheduleBook
from broadcaster.air.validate import validate_file
from tests.web.conftest import Served, csrf, login
from tests.web.test_schedule import day_in, day_path

WEEK = """\
# Lịch tuần của phường (comment the desk must keep)
slots:
  - id: sang
    name: "Buổi sáng"
    at: "06:00"
    max_minutes: 15
    program:
      - jingle: open   # nhạc mở đầu
        gain_db: -2
      - bulletins: {}
  - id: chieu
    name: "Buổi chiều"
    at: "17:00"
    program:
      - bulletins: {}
"""


def _week(served: Served) -> Path:
    path = served.station.schedules_dir / "week.yaml"
    path.write_text(WEEK, encoding="utf-8")
    return path


def _rows(*rows: tuple[str, str, str, str]) -> dict[str, str]:
    form = {"rows": str(len(rows))}
    for i, (kind, value, limit, orig) in enumerate(rows):
        form |= {f"kind_{i}": kind, f"value_{i}": value, f"limit_{i}": limit}
        if orig:
            form[f"orig_{i}"] = orig
    return form


def _post(s, served: Served, day: dt.date, slot: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    return s.post(f"{served.url}/schedule/{day.isoformat()}/slot/{slot}/program",
                  data={"csrf": csrf(s, served.url), **form}, timeout=30)


def test_the_slot_page_shows_the_program_as_form_rows(served: Served) -> None:
    _week(served)
    s = login(served.url, "operator")
    day = day_in(1)
    schedule = s.get(f"{served.url}/schedule?date={day.isoformat()}", timeout=10).text
    assert f'href="/schedule/{day.isoformat()}/slot/sang"' in schedule
    page = s.get(f"{served.url}/schedule/{day.isoformat()}/slot/sang", timeout=10).text
    assert 'name="kind_0"' in page and '<option value="jingle" selected>' in page
    assert 'name="value_0" value="open"' in page and 'name="orig_0" value="0"' in page
    assert '<option value="bulletins" selected>' in page and 'name="rows" value="4"' in page
    assert 'name="scope" value="week" checked' in page
    assert 'id="not-prepared"' not in page  # no station running: it says so instead
    assert "không chạy" in page or "not running" in page or "chưa chạy" in page
    viewer = login(served.url, "viewer")
    page = viewer.get(f"{served.url}/schedule/{day.isoformat()}/slot/sang", timeout=10).text
    assert 'name="kind_0"' not in page and "Nhạc hiệu" in page
    r = _post(viewer, served, day, "sang", _rows(("say", "x", "", "")))
    assert r.status_code == 403
    assert s.get(f"{served.url}/schedule/{day.isoformat()}/slot/khong-co",
                 timeout=10).status_code == 404


def test_operator_edits_a_week_slots_program_and_the_file_keeps_its_comments(
        served: Served) -> None:
    path = _week(served)
    s = login(served.url, "operator")
    day = day_in(2)
    r = _post(s, served, day, "sang", _rows(
        ("jingle", "open", "", "0"), ("say", "Kính thưa bà con", "", ""),
        ("bulletins", "y-te, hop-dan", "2", "1"), ("silence_ms", "500", "", ""),
        ("", "", "", ""), ("jingle", "close", "", "")) | {"scope": "week"})
    assert r.status_code == 200 and 'id="program-saved"' in r.text, r.text[:3000]
    text = path.read_text(encoding="utf-8")
    for kept in ("# Lịch tuần của phường", "# nhạc mở đầu", "gain_db: -2"):
        assert kept in text, kept
    assert validate_file(path, served.station) == []
    program = yaml.safe_load(text)["slots"][0]["program"]
    assert program == [{"jingle": "open", "gain_db": -2}, {"say": "Kính thưa bà con"},
                       {"bulletins": {"tags": ["y-te", "hop-dan"], "max_count": 2}},
                       {"silence_ms": 500}, {"jingle": "close"}]
    (sang, _) = ScheduleBook.open(served.station).schedule().plan(day)
    assert len(sang.slot.program) == 5
    assert any(a.action == "schedule.program" and a.target == "week.yaml"
               for a in served.desk.users.audit_rows())


def test_only_this_day_copies_the_week_slot_into_the_dated_file(served: Served) -> None:
    path = _week(served)
    s = login(served.url, "operator")
    day = day_in(3)
    r = _post(s, served, day, "chieu", _rows(("say", "Hôm nay nghỉ bản tin", "", ""))
              | {"scope": "day"})
    assert r.status_code == 200, r.text[:3000]
    assert path.read_text(encoding="utf-8") == WEEK  # the week is untouched
    data = yaml.safe_load(day_path(served, day).read_text(encoding="utf-8"))
    assert data["slots"] == [{"id": "chieu", "name": "Buổi chiều", "at": "17:00",
                              "program": [{"say": "Hôm nay nghỉ bản tin"}]}]
    assert validate_file(day_path(served, day), served.station) == []
    schedule = ScheduleBook.open(served.station).schedule()
    chieu = [p for p in schedule.plan(day) if p.slot.id == "chieu"]
    assert len(chieu) == 1 and chieu[0].slot.program[0].model_dump() == {"say": "Hôm nay nghỉ bản tin"}
    other = [p for p in schedule.plan(day + dt.timedelta(days=7)) if p.slot.id == "chieu"]
    assert other[0].slot.program[0].model_dump(exclude_defaults=True) == {"bulletins": {}}
    # the slot now lives in the dated file: its page edits it there
    page = s.get(f"{served.url}/schedule/{day.isoformat()}/slot/chieu", timeout=10).text
    assert 'name="scope" value="day"' in page and 'value="week"' not in page


def test_a_bad_item_is_shown_at_its_row_in_validates_words_and_nothing_is_written(
        served: Served) -> None:
    path = _week(served)
    s = login(served.url, "operator")
    day = day_in(4)
    r = _post(s, served, day, "sang", _rows(("jingle", "open", "", "0"),
                                           ("silence_ms", "nửa giây", "", "")) | {"scope": "week"})
    assert r.status_code == 400
    assert path.read_text(encoding="utf-8") == WEEK
    probe = served.station.root / "probe" / "week.yaml"
    probe.parent.mkdir()
    probe.write_text('slots:\n  - id: sang\n    at: "06:00"\n    program:\n'
                     '      - jingle: open\n      - silence_ms: "nửa giây"\n', encoding="utf-8")
    words = validate_file(probe, served.station)[0].split(": ", 1)[1]
    page = html.unescape(r.text)
    row = page.split('id="row-1"', 1)[1].split("</li>", 1)[0]
    assert words in row and "week.yaml" in row, row
    assert 'value="nửa giây"' in page  # what was typed is kept for fixing
    assert words not in page.split('id="row-1"', 1)[0]


def _program(served: Served, digest: str) -> Path:
    folder = served.station.var("programs")
    rate = 48000
    t = np.arange(rate * 2) / rate
    sf.write(str(folder / f"{digest}.wav"), 0.3 * np.sin(2 * np.pi * 440 * t), rate,
             subtype="PCM_16")
    rundown = [{"kind": "jingle", "label": "open", "offset_ms": 0, "duration_ms": 700},
               {"kind": "bulletin", "label": "Tiêm chủng", "offset_ms": 1200,
                "duration_ms": 65_300, "flags": ["trimmed"]}]
    (folder / f"{digest}.json").write_text(json.dumps({"rundown": rundown}), encoding="utf-8")
    return folder / f"{digest}.wav"


def test_listen_to_the_prepared_program_with_its_rundown(served: Served, tmp_path: Path) -> None:
    _week(served)
    day = day_in(1)
    wav = _program(served, "a1b2c3")
    outside = tmp_path / "secret.wav"
    outside.write_bytes(wav.read_bytes())
    asked: list[str] = []

    def handle(req: dict[str, object]) -> dict[str, object]:
        asked.append(str(req.get("key")))
        path = {f"{day.isoformat()}/sang": wav, f"{day.isoformat()}/chieu": outside}.get(
            str(req.get("key")))
        prepared = None if path is None else {"key": req["key"], "wav": str(path),
                                               "digest": path.stem, "duration_ms": 2000,
                                               "items": [], "warnings": []}
        return {"ok": True, "prepared": prepared}

    server = ControlServer(served.station.var_dir, handle)
    server.start()
    try:
        s = login(served.url, "viewer")
        base = f"{served.url}/schedule/{day.isoformat()}/slot"
        page = s.get(f"{base}/sang", timeout=10).text
        assert f'<audio controls preload="none" src="/schedule/{day.isoformat()}/slot/sang/audio">' in page
        rundown = page.split('id="rundown"', 1)[1].split("</table>", 1)[0]
        assert "0:00.0" in rundown and "Nhạc hiệu: open" in rundown
        assert "0:01.2" in rundown and "1:05.3" in rundown and "Tiêm chủng" in rundown
        assert "trimmed" in rundown
        first = s.get(f"{base}/sang/audio", timeout=60)  # the WAV at once, the MP3 being made
        assert first.status_code == 200 and first.headers["Content-Type"] == "audio/wav"
        assert first.content == wav.read_bytes()
        mp3 = served.station.var("desk-listen") / "a1b2c3.mp3"
        end = time.monotonic() + 60
        while not mp3.is_file() and time.monotonic() < end:
            time.sleep(0.1)
        audio = s.get(f"{base}/sang/audio", timeout=60)
        assert audio.status_code == 200 and audio.headers["Content-Type"] == "audio/mpeg"
        with av.open(io.BytesIO(audio.content)) as container:  # a real MP3 of the 2 s program
            assert container.format.name == "mp3"
            samples = sum(f.samples for f in container.decode(audio=0))
        assert abs(samples / 48000 - 2.0) < 0.1
        again = s.get(f"{base}/sang/audio", headers={"Range": "bytes=0-99"}, timeout=10)
        assert again.status_code == 206 and len(again.content) == 100  # seeking works
        # a path outside the render cache is never served; an airing not built yet says so
        assert s.get(f"{base}/chieu/audio", timeout=10).status_code == 404
        assert 'id="not-prepared"' in s.get(f"{base}/chieu", timeout=10).text
    finally:
        server.stop()
    assert f"{day.isoformat()}/sang" in asked


RELAY_WEEK = """\
slots:
  - id: sang
    name: "Buổi sáng"
    at: "06:00"
    program:
      - jingle: open
      - relay: {url: "http://127.0.0.1:8000/tinh.mp3", minutes: 15, fallback: audio/chime-close.flac}
        zones: [wired]   # tiếp sóng chỉ trên loa dây
      - bulletins: {tags: [khu-1]}
        zones: [wired]
"""


def test_editing_a_program_keeps_a_relay_and_item_zones_the_form_does_not_edit(
        served: Served) -> None:
    """The form shows a relay (its address and minutes, read-only) and saves it as the file
    has it: adding a closing chime from a phone must not drop the slot's relay."""
    path = served.station.schedules_dir / "week.yaml"
    path.write_text(RELAY_WEEK, encoding="utf-8")
    s = login(served.url, "operator")
    day = day_in(5)
    page = s.get(f"{served.url}/schedule/{day.isoformat()}/slot/sang", timeout=10).text
    assert '<option value="relay" selected>' in page
    assert 'name="value_1" value="http://127.0.0.1:8000/tinh.mp3" readonly' in page
    assert 'name="limit_1" value="15" inputmode="decimal" size="5" readonly' in page
    r = _post(s, served, day, "sang", _rows(
        ("jingle", "open", "", "0"), ("relay", "http://127.0.0.1:8000/tinh.mp3", "15", "1"),
        ("bulletins", "khu-1", "", "2"), ("jingle", "close", "", "")) | {"scope": "week"})
    assert r.status_code == 200 and 'id="program-saved"' in r.text, r.text[:3000]
    text = path.read_text(encoding="utf-8")
    assert "# tiếp sóng chỉ trên loa dây" in text
    program = yaml.safe_load(text)["slots"][0]["program"]
    assert program == [
        {"jingle": "open"},
        {"relay": {"url": "http://127.0.0.1:8000/tinh.mp3", "minutes": 15,
                   "fallback": "audio/chime-close.flac"}, "zones": ["wired"]},
        {"bulletins": {"tags": ["khu-1"]}, "zones": ["wired"]},
        {"jingle": "close"}]
    assert validate_file(path, served.station) == []
