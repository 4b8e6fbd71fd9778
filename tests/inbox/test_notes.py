"""Issue 11 point 8 (two items): rejection notes fit the file type, and a re-dropped identical
file gets a note saying it was already taken (as bulletin X version N on date)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from broadcaster.clock import FakeClock
from broadcaster.config import Station
from broadcaster.inbox.ingest import NOTE_SUFFIX, Ingester
from broadcaster.inbox.store import BulletinStore, store_path

TEXT = "Ngày mai tổ dân phố 3 họp dân lúc 19 giờ tại nhà văn hóa."


def _setup(station: Station) -> tuple[Ingester, BulletinStore, FakeClock]:
    clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=station.tz))
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    return Ingester(station, store, clock), store, clock


def _note(station: Station, name: str) -> str:
    return (station.inbox_dir / "rejected" / f"{name}.loi.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "data", "says"), [
    ("anh-chup.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\0" * 100, "là ảnh"),
    ("anh-chup.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "là ảnh"),
    ("ghi-am.mp3", b"ID3\x03\x00" + b"\0" * 100, "âm thanh"),
    ("ghi-am.m4a", b"\0\0\0\x20ftypM4A " + b"\0" * 100, "âm thanh"),
    ("bang.xlsx", b"PK\x03\x04" + b"\0" * 100, "không phải văn bản soạn thảo"),
    ("cu.rtf", b"{\\rtf1\\ansi Hello}", "WordPad"),
    # the name says text, the bytes say photo or recording
    ("anh-doi-ten.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4, "là ảnh"),
    ("ghi-am-doi-ten.txt", b"ID3\x03\x00" + bytes(range(256)) * 4, "âm thanh"),
])
def test_a_picture_or_recording_is_not_told_to_save_as_plain_text(
        quiet_station: Station, name: str, data: bytes, says: str) -> None:
    ing, _, _ = _setup(quiet_station)
    (quiet_station.inbox_dir / name).write_bytes(data)
    (out,) = ing.drain()
    assert out.state == "rejected"
    note = _note(quiet_station, name)
    assert says in note, note
    if "ảnh" in says or "âm thanh" in says:
        assert "Plain Text" not in note and "dạng văn bản (.txt" not in note


def test_an_old_doc_is_told_to_save_as_docx(quiet_station: Station) -> None:
    ing, _, _ = _setup(quiet_station)
    (quiet_station.inbox_dir / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    ing.drain()
    assert "Lưu thành .docx" in _note(quiet_station, "cu.doc")


def test_a_redropped_identical_file_gets_a_note_beside_it(quiet_station: Station) -> None:
    ing, store, clock = _setup(quiet_station)
    drop = quiet_station.inbox_dir / "hop-dan.txt"
    drop.write_text(TEXT, encoding="utf-8")
    (first,) = ing.drain()
    assert first.state == "ingested" and first.version == 1
    clock.advance(3600)
    drop.write_text(TEXT, encoding="utf-8")  # copied in again: same bytes, new time
    st = drop.stat()
    os.utime(drop, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    (again,) = ing.drain()
    assert again.state == "unchanged"
    note_path = quiet_station.inbox_dir / ("hop-dan.txt" + NOTE_SUFFIX)
    raw = note_path.read_bytes()
    assert b"\r\n" in raw  # Notepad shows its lines
    note = raw.decode("utf-8")
    assert "ĐÃ NHẬN RỒI" in note and "hop-dan" in note and "phiên bản 1" in note
    assert "01/12/2026 08:00" in note  # when version 1 was taken
    assert store.get("hop-dan").version == 1
    assert ing.drain() == []  # the note itself is no bulletin
    assert drop.read_text(encoding="utf-8") == TEXT  # the live bulletin's file stays
    drop.write_text(TEXT + " Đề nghị bà con đến đúng giờ.", encoding="utf-8")
    (changed,) = ing.drain()
    assert changed.state == "ingested" and changed.version == 2
    assert not note_path.exists()  # a stale note goes when the file really changes


def test_the_same_file_under_another_name_is_not_taken_twice(quiet_station: Station) -> None:
    ing, store, _ = _setup(quiet_station)
    (quiet_station.inbox_dir / "hop-dan.txt").write_text(TEXT, encoding="utf-8")
    ing.drain()
    (quiet_station.inbox_dir / "hop-dan (1).txt").write_text(TEXT, encoding="utf-8")
    (out,) = ing.drain()
    assert out.state == "rejected"
    note = _note(quiet_station, "hop-dan (1).txt")
    assert "hop-dan" in note and "phiên bản 1" in note and "01/12/2026 08:00" in note
    assert "không nhận lần hai" in note
    assert [r.id for r in store.all()] == ["hop-dan"]
