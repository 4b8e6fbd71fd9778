"""doctor (a verdict per check), the monthly report (CSV and HTML), housekeeping of var/, and
the approver's commands (approve, reject, bulletins)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from broadcaster.air.asrun import AsRunLog
from broadcaster.cli import main
from broadcaster.clock import FakeClock, SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.ops import doctor
from broadcaster.ops.housekeeping import housekeep


@pytest.fixture
def st(station_dir: Path) -> Station:
    (station_dir / "station.yaml").write_text(
        "approval: required\nspeech:\n  engines: [espeak]\n", encoding="utf-8")
    (station_dir / "schedules" / "week.yaml").write_text(
        "slots:\n  - id: sang\n    at: '06:00'\n    program: [{jingle: open}, {bulletins: {tags: [chung]}}]\n",
        encoding="utf-8")
    return load_station(station_dir)


def test_doctor_prints_a_verdict_per_check(st: Station, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    code = main(["-s", str(st.root), "doctor", "--no-device"])
    out = capsys.readouterr().out
    for name in ("engine espeak", "disk", "clock", "time sync", "schedule today",
                 "schedule tomorrow", "inbox", "station"):
        assert name in out, out
    assert "[   OK    ] engine espeak" in out and "06:00 sang" in out
    assert "not running" in out and "Verdict:" in out
    assert code == (1 if "[  FAIL   ]" in out else 0)


def test_doctor_fails_a_missing_device_and_a_broken_schedule(st: Station) -> None:
    devices = [{"index": 0, "name": "USB Audio", "default": True}]
    assert doctor.check_device(st, lambda: (devices, "")).verdict == "ok"
    wrong = Station(st.root, st.settings.model_copy(update={"audio": st.settings.audio.model_copy(
        update={"output_device": "Loa ngoài trời"})}))
    check = doctor.check_device(wrong, lambda: (devices, ""))
    assert check.verdict == "fail" and "USB Audio" in check.detail
    (st.schedules_dir / "week.yaml").write_text("slots:\n  - id: a\n    at: '25:00'\n")
    check = doctor.check_schedule(st, SystemClock(st.tz))[0]  # then today's and tomorrow's slots
    assert check.verdict == "fail" and "25:00" in check.detail and "week.yaml" in check.name


def _runner(returncode: int, stdout: str, seen: list[list[str]] | None = None) -> doctor.Runner:
    def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
        if seen is not None:
            seen.append(argv)
        return subprocess.CompletedProcess(argv, returncode, stdout, "")

    return run


W32TM_SYNCED = """Leap Indicator: 0(no warning)
Stratum: 3 (secondary reference - syncd by (S)NTP)
Precision: -23 (119.209ns per tick)
Last Successful Sync Time: 11/29/2026 9:12:03 AM
Source: time.windows.com,0x9
Poll Interval: 10 (1024s)
"""
W32TM_CMOS = """Leap Indicator: 3(not synchronized)
Stratum: 0 (unspecified)
Last Successful Sync Time: unspecified
Source: Local CMOS Clock
"""
W32TM_STOPPED = "The following error occurred: The service has not been started. (0x80070426)\n"
NO_SYSTEMD = ""  # timedatectl prints its complaint on stderr and exits 1


@pytest.mark.parametrize(("returncode", "stdout", "verdict"), [
    (0, "yes\n", True), (0, "no\n", False), (0, "", None), (1, NO_SYSTEMD, None),
    (0, "maybe\n", None)])
def test_ntp_from_timedatectl(returncode: int, stdout: str, verdict: bool | None) -> None:
    seen: list[list[str]] = []
    got = doctor.ntp_synchronized(_runner(returncode, stdout, seen),
                                  which=lambda name: f"/usr/bin/{name}", os_name="posix")
    assert got is verdict
    assert seen == [["timedatectl", "show", "-p", "NTPSynchronized", "--value"]]


@pytest.mark.parametrize(("returncode", "stdout", "verdict"), [
    (0, W32TM_SYNCED, True), (0, W32TM_CMOS, False),
    (0, W32TM_SYNCED.replace("Last Successful Sync Time: 11/29/2026 9:12:03 AM",
                             "Last Successful Sync Time: unspecified"), False),
    (0, W32TM_SYNCED.replace("Leap Indicator: 0(no warning)", "Leap Indicator: 3(not synchronized)"),
     False),
    (1, W32TM_STOPPED, False), (1, "Access is denied.\n", None), (0, "Thời gian: ?\n", None)])
def test_ntp_from_w32tm(returncode: int, stdout: str, verdict: bool | None) -> None:
    seen: list[list[str]] = []
    which = {"w32tm": "C:/Windows/System32/w32tm.exe"}.get
    got = doctor.ntp_synchronized(_runner(returncode, stdout, seen), which=which, os_name="nt")
    assert got is verdict
    assert seen == [["w32tm", "/query", "/status"]]


def test_ntp_cannot_tell_without_a_tool_or_when_the_tool_fails() -> None:
    def boom(argv: list[str]) -> subprocess.CompletedProcess[str]:
        raise subprocess.TimeoutExpired(argv, 5)

    assert doctor.ntp_synchronized(_runner(0, "yes\n"), which=lambda name: None,
                                   os_name="posix") is None
    assert doctor.ntp_synchronized(boom, which=lambda name: name, os_name="posix") is None


@pytest.mark.parametrize(("synced", "verdict"), [(True, "ok"), (False, "fail"), (None, "warn")])
def test_clock_check_verdict_per_ntp_answer(st: Station, synced: bool | None, verdict: str) -> None:
    checks = doctor.check_clock(st, SystemClock(st.tz), ntp=lambda: synced)
    (sync,) = [c for c in checks if c.name == "time sync"]
    assert sync.verdict == verdict


def test_monthly_report_csv_and_html(st: Station, capsys: pytest.CaptureFixture[str]) -> None:
    tz = st.tz
    asrun = AsRunLog(st.var("db") / "asrun.sqlite3")
    store = BulletinStore(store_path(st), approval="none", now=dt.datetime(2026, 11, 1, tzinfo=tz))
    (st.inbox_dir / "tin.txt").write_text("---\ntitle: Tin <chung>\ntags: [chung]\n---\nTin.\n")
    Ingester(st, store, FakeClock(dt.datetime(2026, 11, 1, tzinfo=tz))).drain()
    for day, outcome, reason in ((1, "aired", ""), (2, "late", "started 90 s late"),
                                 (3, "missed", "station was not running"), (4, "aired", "")):
        when = dt.datetime(2026, 11, day, 6, 0, tzinfo=tz)
        started = when + dt.timedelta(seconds=90 if outcome == "late" else 0)
        row = asrun.begin(slot_key=f"2026-11-0{day}/sang", slot_id="sang", slot_name="Buổi sáng",
                          scheduled=when, now=when)
        asrun.finish(row, outcome=outcome, scheduled=when, reason=reason,
                     started=None if outcome == "missed" else started,
                     ended=None if outcome == "missed" else started + dt.timedelta(minutes=10))
        if outcome != "missed":
            store.record_airing("tin", 1, f"2026-11-0{day}/sang", started)
    em = dt.datetime(2026, 11, 5, 9, 0, tzinfo=tz)
    asrun.record(slot_key="2026-11-05/emergency-1", slot_id="emergency", slot_name="KHẨN CẤP",
                 scheduled=em, outcome="emergency", now=em, started=em,
                 ended=em + dt.timedelta(minutes=2))
    other = dt.datetime(2026, 12, 1, 6, 0, tzinfo=tz)  # another month: left out
    asrun.record(slot_key="2026-12-01/sang", slot_id="sang", slot_name="Buổi sáng",
                 scheduled=other, outcome="aired", now=other, started=other,
                 ended=other + dt.timedelta(minutes=10))
    asrun.close()
    store.close()
    assert main(["-s", str(st.root), "report", "--month", "2026-11"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    summary = next(r for r in rows if r and r[0] == "summary")
    assert summary[3] == "0:32:00"  # 3 x 10 min + 2 min emergency
    sang = next(r for r in rows if r[:2] == ["slot", "sang"])
    assert sang[3:9] == ["4", "3", "1", "1", "0", "0"]  # planned aired late missed failed interrupted
    tin = next(r for r in rows if r[:2] == ["bulletin", "tin"])
    assert tin[2] == "Tin <chung>" and tin[3] == "3"
    assert sum(1 for r in rows if r and r[0] == "emergency") == 1
    assert {r[3] for r in rows if r and r[0] == "problem"} == {"late", "missed"}
    out = st.root / "bao-cao.html"
    assert main(["-s", str(st.root), "report", "--month", "2026-11", "--format", "html",
                 "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Tin &lt;chung&gt;" in page and "0:32:00" in page
    assert main(["-s", str(st.root), "report", "--month", "2026-13"]) == 1


def test_approver_commands(st: Station, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")
    store = BulletinStore(store_path(st), approval="required", now=SystemClock(st.tz).now())
    (st.inbox_dir / "tiem.txt").write_text("---\ntags: [chung]\n---\nTiêm chủng.\n")
    Ingester(st, store, SystemClock(st.tz)).drain()
    store.close()
    capsys.readouterr()
    assert main(["-s", str(st.root), "bulletins", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["state"] == "awaiting_approval" and row["source"] == "tiem.txt"
    assert row["next_airing"].endswith("sang") and row["times_aired"] == 0
    assert main(["-s", str(st.root), "approve", "tiem", "--by", "Chủ tịch",
                 "--hash", row["content_hash"][:12]]) == 0
    assert "Approved bulletin 'tiem' version 1" in capsys.readouterr().out
    assert main(["-s", str(st.root), "approve", "tiem-chung"]) == 1
    assert main(["-s", str(st.root), "reject", "tiem", "--reason", "sai ngày tiêm"]) == 0
    capsys.readouterr()
    assert main(["-s", str(st.root), "bulletins"]) == 0
    table = capsys.readouterr().out
    assert "tiem" in table and "rejected" in table and "sai ngày tiêm" in table
    assert main(["-s", str(st.root), "reject", "tiem"]) == 2  # --reason is required


def test_housekeeping_removes_only_what_is_past_retention(st: Station) -> None:
    now = time.time()
    old = now - 400 * 86400

    def make(path: Path, age: float) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.utime(path, (age, age))
        return path

    old_prog = make(st.var("programs") / "a.wav", old)
    new_prog = make(st.var("programs") / "b.wav", now)
    old_day = make(st.var("archive") / "2024-01-01" / "060000-sang.flac", old)
    new_day = make(st.var("archive") / dt.date.today().isoformat() / "060000-sang.flac", now)
    old_rej = make(st.inbox_dir / "rejected" / "x.txt", old)
    new_rej = make(st.inbox_dir / "rejected" / "y.txt", now)
    old_speech = make(st.var("speech") / "z.wav", old)
    log9 = make(st.var("logs") / "broadcaster.log.9", now)
    done = housekeep(st, None, dt.datetime.now(st.tz))
    assert not old_prog.exists() and new_prog.exists()
    assert not old_day.parent.exists() and new_day.exists()
    assert not old_rej.exists() and new_rej.exists()
    assert not old_speech.exists() and not log9.exists()
    assert done["programs"] == 1 and done["archive_days"] == 1 and done["rejected"] == 1


def test_housekeeping_prunes_the_store_but_keeps_the_record(st: Station) -> None:
    tz = st.tz
    long_ago = dt.datetime(2025, 1, 1, 8, 0, tzinfo=tz)
    store = BulletinStore(store_path(st), approval="none", now=long_ago)
    (st.inbox_dir / "cu.txt").write_text("Tin cũ.", encoding="utf-8")
    Ingester(st, store, FakeClock(long_ago)).drain()
    store.record_airing("cu", 1, "2025-01-02/sang", long_ago + dt.timedelta(days=1))
    assert store.get("cu").state == "expired"
    store._db.execute("UPDATE bulletins SET updated_at=?", (long_ago.isoformat(),))
    done = housekeep(st, store, dt.datetime(2026, 12, 1, tzinfo=tz))
    assert done["originals"] == 1 and done["intake_rows"] == 1 and done["bulletin_texts"] == 1
    rec = store.get("cu")
    assert rec.state == "expired" and rec.body == "" and not rec.original.exists()
    assert [h.event for h in store.history("cu")][-2:] == ["aired", "expired"]
    assert len(store.airings("cu")) == 1  # the record of what aired stays

