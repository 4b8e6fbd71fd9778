"""Issue 11 point 6: a file still being written never airs. It is taken only when its size and
time have been stable for ``inbox.stable_seconds`` and no process holds it open for writing."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

from broadcaster.clock import FakeClock, SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.openfiles import held_for_writing
from broadcaster.inbox.store import BulletinStore, store_path

PART1 = "Thông báo: ngày mai mất điện từ 7 giờ"
PART2 = " đến 17 giờ tại tổ dân phố 3, bà con chủ động sắp xếp công việc.\n"

# writes part 1, keeps the file open through a pause longer than the stability time, then part 2
_WRITER = """
import sys, time
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    fh.write(sys.argv[2]); fh.flush()
    open(sys.argv[1] + ".started", "w").close()
    time.sleep(float(sys.argv[4]))
    fh.write(sys.argv[3]); fh.flush()
"""


def test_the_shipped_stability_time_is_five_seconds(station_dir: Path) -> None:
    assert load_station(station_dir).settings.inbox.stable_seconds == 5.0


def test_open_for_writing_is_seen_and_reading_is_not(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    assert not held_for_writing(path)
    with path.open("r", encoding="utf-8"):
        assert not held_for_writing(path)
    with path.open("a", encoding="utf-8"):
        assert held_for_writing(path)
    assert not held_for_writing(path)


def test_a_stable_file_still_held_open_waits_until_closed(quiet_station: Station) -> None:
    clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=quiet_station.tz))
    store = BulletinStore(store_path(quiet_station))
    ing = Ingester(quiet_station, store, clock, stable_seconds=5.0)
    drop = quiet_station.inbox_dir / "mat-dien.txt"
    with drop.open("w", encoding="utf-8") as fh:
        fh.write(PART1)
        fh.flush()
        assert ing.poll_once() == []
        clock.advance(60)  # stable for a minute, but the writer has not closed it
        assert ing.poll_once() == [] and store.get("mat-dien") is None
        clock.advance(60)
        assert ing.poll_once() == []
        fh.write(PART2)
    clock.advance(5)
    assert ing.poll_once() == []  # changed by the second part: stable time starts again
    clock.advance(5)
    (out,) = ing.poll_once()
    assert out.state == "ingested"
    assert store.get("mat-dien").original.read_text(encoding="utf-8") == PART1 + PART2


def test_a_writer_pausing_longer_than_the_stability_time_is_taken_once_whole(
        quiet_station: Station) -> None:
    stable = 0.5
    pause = 2.0  # four stability times without a byte written, the file still open
    store = BulletinStore(store_path(quiet_station))
    ing = Ingester(quiet_station, store, SystemClock(quiet_station.tz), stable_seconds=stable)
    drop = quiet_station.inbox_dir / "mat-dien.txt"
    marker = Path(str(drop) + ".started")
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(drop), PART1, PART2,
                               str(pause)])
    outcomes = []
    try:
        end = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < end:
            time.sleep(0.02)
        marker.unlink()
        while time.monotonic() < end:
            outcomes += ing.poll_once()
            if writer.poll() is not None and any(o.state == "ingested" for o in outcomes):
                break
            if writer.poll() is None:
                assert store.get("mat-dien") is None, "taken while the writer still had it open"
            time.sleep(0.1)
        for _ in range(5):  # later passes take nothing more
            time.sleep(stable)
            outcomes += ing.poll_once()
    finally:
        writer.kill()
        writer.wait()
    assert [o.state for o in outcomes] == ["ingested"]
    rec = store.get("mat-dien")
    assert rec.version == 1
    assert rec.original.read_text(encoding="utf-8") == PART1 + PART2
    assert "mười bảy giờ" in rec.script_text


def test_the_watcher_takes_a_file_soon_after_its_writer_closes_it(quiet_station: Station) -> None:
    """inotify CLOSE_WRITE wakes the watcher: no waiting for the next look at held files."""
    from broadcaster.inbox.watcher import InboxWatcher

    store = BulletinStore(store_path(quiet_station))
    clock = SystemClock(quiet_station.tz)
    ing = Ingester(quiet_station, store, clock, stable_seconds=0.3)
    watcher = InboxWatcher(ing, clock, poll_seconds=30.0)
    drop = quiet_station.inbox_dir / "mat-dien.txt"
    watcher.start()
    try:
        with drop.open("w", encoding="utf-8") as fh:
            fh.write(PART1)
            fh.flush()
            time.sleep(1.5)  # stable, but open: not taken
            assert store.get("mat-dien") is None
            fh.write(PART2)
            fh.flush()
            time.sleep(0.5)
            assert store.get("mat-dien") is None
        closed = time.monotonic()
        while store.get("mat-dien") is None and time.monotonic() - closed < 5:
            time.sleep(0.02)
        took = time.monotonic() - closed
    finally:
        watcher.stop()
    rec = store.get("mat-dien")
    assert rec is not None and rec.original.read_text(encoding="utf-8") == PART1 + PART2
    assert took < 2.0, took
