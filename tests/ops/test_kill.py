"""SIGKILL the running station (``broadcaster run`` in a subprocess) during intake and during
air, restart it: consistent state, nothing lost, nothing aired twice; the lock is free again."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import soundfile as sf

from broadcaster.air.asrun import AsRunLog
from broadcaster.config import load_station
from broadcaster.inbox.store import BulletinStore, store_path

REPO = Path(__file__).resolve().parents[2]


def _start(root: Path, log: Path, notify: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/socket", "BROADCASTER_LANG": "en",
           "PYTHONPATH": str(REPO)}
    if notify is not None:  # as under systemd (Type=notify, WatchdogSec=30)
        env.update(NOTIFY_SOCKET=str(notify), WATCHDOG_USEC="30000000")
    return subprocess.Popen([sys.executable, "-m", "broadcaster", "-s", str(root), "run"],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def _wait(predicate, timeout: float, proc: subprocess.Popen[bytes] | None = None,  # type: ignore[no-untyped-def]
          log: Path | None = None) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"station exited {proc.returncode}: {log.read_text() if log else ''}")
        time.sleep(0.05)
    raise AssertionError("condition not reached: " + (log.read_text()[-3000:] if log else ""))


def _query(db: Path, sql: str) -> list[tuple[str, str]]:
    """Rows from a station database, read-only; none while it does not exist yet."""
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.Error:
        return []
    finally:
        con.close()


def _asrun(root: Path) -> list[tuple[str, str]]:
    return _query(root / "var" / "db" / "asrun.sqlite3",
                  "SELECT slot_key, outcome FROM airings ORDER BY id")


def _desks(root: Path) -> list[int]:
    """Web desk processes serving this station (``python -m broadcaster.web --station ROOT``)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"broadcaster.web" in argv and str(root).encode() in argv:
            found.append(int(entry.name))
    return found


def _intake(root: Path) -> list[tuple[str, str]]:
    return _query(root / "var" / "db" / "bulletins.sqlite3",
                  "SELECT source, state FROM intake ORDER BY id")


@pytest.mark.slow
def test_sigkill_during_intake_and_during_air_then_restart(station_dir: Path, tmp_path: Path) -> None:
    root = station_dir
    (root / "station.yaml").write_text(
        "speech:\n  engines: [espeak]\npolicy:\n  quiet_hours: []\n"
        "inbox:\n  stable_seconds: 0.2\n  poll_seconds: 0.5\n"
        "playout:\n  preroll_minutes: 0.05\n  grace_minutes: 10\n"
        "housekeeping:\n  heartbeat_seconds: 1\n", encoding="utf-8")
    station = load_station(root)

    def plan_slots() -> dt.datetime:  # loaded by the running station's schedule watcher
        now = dt.datetime.now(station.tz)
        long_at = (now + dt.timedelta(seconds=12)).replace(microsecond=0)
        next_at = long_at + dt.timedelta(seconds=32)  # after the long slot's 30 s at most
        (root / "schedules" / f"{long_at:%Y-%m-%d}.yaml").write_text(
            "slots:\n"
            f"  - id: dai\n    at: '{long_at:%H:%M:%S}'\n    max_minutes: 0.5\n"
            "    program: [{jingle: open}, {bulletins: {tags: [loa]}}, {silence_ms: 10000}]\n"
            f"  - id: sau\n    at: '{next_at:%H:%M:%S}'\n"
            "    program: [{jingle: open}, {bulletins: {tags: [loa]}}]\n", encoding="utf-8")
        return long_at

    log = tmp_path / "station.log"
    texts = {f"tin-{i:03d}.txt": f"Thông báo số {i} của phường về lịch tiêm chủng."
             for i in range(80)}
    on_air = {f"loa-{i}.txt": f"---\ntags: [loa]\n---\nBản tin loa số {i}.\n" for i in range(2)}
    texts.update({f"hong-{i:02d}.txt": "\x00\x01\x02" * 100 for i in range(20)})

    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.settimeout(60)
    proc = _start(root, log, tmp_path / "notify.sock")
    try:
        _wait(lambda: (root / "var" / "run" / "heartbeat.json").exists(), 60, proc, log)
        said = {notify.recv(64), notify.recv(64)}
        assert said == {b"READY=1", b"WATCHDOG=1"}  # systemd's keep-alive
        beat = json.loads((root / "var" / "run" / "heartbeat.json").read_text())
        assert beat["pid"] == proc.pid and beat["healthy"], beat
        killed = threading.Event()

        def editors() -> None:  # editors drop files while the station runs ...
            for i, (name, text) in enumerate(texts.items()):
                (root / "inbox" / name).write_text(text, encoding="utf-8")
                time.sleep(0.015)
                if i == 40:  # ... the rest arrive after the power went (however busy the machine)
                    killed.wait(60)

        dropping = threading.Thread(target=editors)
        dropping.start()
        _wait(lambda: len(_intake(root)) >= 10, 30, proc, log)
        assert _desks(root)  # the web desk runs beside the station ...
        proc.send_signal(signal.SIGKILL)  # ... and the power goes: killed mid-intake
        proc.wait(10)
        assert dropping.is_alive()  # killed while files were still arriving
        killed.set()
        _wait(lambda: not _desks(root), 10)  # ... and goes with it (no orphan holding its port)
        dropping.join()
        assert len([s for _, s in _intake(root) if s in ("ingested", "rejected")]) < len(texts)

        for name, text in on_air.items():  # bulletins the two slots select (repeat: 1)
            (root / "inbox" / name).write_text(text, encoding="utf-8")
        texts.update(on_air)
        proc = _start(root, log)  # restart: the lock is free, intake resumes
        # The slots are planned once their bulletins are in. Planned before the restart, the
        # long slot's selection could settle (playout.settle_seconds before air) while the
        # restarted station was still ingesting: on a busy machine it aired its chimes only
        # (the flake "['jingle:open', 'silence:silence'] assert 0 == 2").
        _wait(lambda: {s for n, s in _intake(root) if n.startswith("loa-")} == {"ingested"}
              and len([n for n, _ in _intake(root) if n.startswith("loa-")]) == 2, 90, proc, log)
        long_at = plan_slots()
        _wait(lambda: any(k.endswith("/dai") and o == "on_air" for k, o in _asrun(root)), 60,
              proc, log)
        _wait(lambda: dt.datetime.now(station.tz) > long_at + dt.timedelta(seconds=1.5), 30)
        killed_at = dt.datetime.now(station.tz)
        proc.send_signal(signal.SIGKILL)  # killed mid-air
        proc.wait(10)

        proc = _start(root, log)  # restart again: the long slot must not air a second time
        _wait(lambda: any(k.endswith("/sau") and o in ("aired", "late") for k, o in _asrun(root)),
              90, proc, log)
        _wait(lambda: len([s for _, s in _intake(root) if s in ("ingested", "rejected")])
              >= len(texts), 60, proc, log)
        proc.send_signal(signal.SIGTERM)  # a graceful stop this time
        assert proc.wait(60) in (0, 130, 1), log.read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    asrun = AsRunLog(root / "var" / "db" / "asrun.sqlite3")
    rows = asrun.rows()
    asrun.close()
    dai = [r for r in rows if r.slot_id == "dai"]
    assert len(dai) == 1 and dai[0].outcome == "interrupted", [(r.slot_key, r.outcome) for r in rows]
    # proof of the killed airing: its real start, the last moment known on air (the last
    # heartbeat, 1 s apart here) and an archive of exactly that much of its program
    # (before: started None, ended = the restart time, no archive)
    assert dai[0].ending == "killed" and dai[0].started is not None, dai[0]
    started = dt.datetime.fromisoformat(dai[0].started)
    ended = dt.datetime.fromisoformat(dai[0].ended or "")
    assert abs((started - long_at).total_seconds()) < 1.0
    assert started <= ended <= killed_at
    assert (killed_at - ended).total_seconds() < 2.5
    info = sf.info(dai[0].archive)
    assert info.frames / info.samplerate == pytest.approx((ended - started).total_seconds(),
                                                          abs=0.05)
    assert [r.outcome for r in rows if r.slot_id == "sau"] in (["aired"], ["late"])
    store = BulletinStore(store_path(station))
    bulletins = {r.source: r for r in store.all()}
    states = [row.state for row in store.intake()]
    store.close()
    for name, text in texts.items():
        if name.startswith(("tin-", "loa-")):
            rec = bulletins[name]
            assert rec.version == 1 and rec.original.read_text(encoding="utf-8") == text
            assert (root / "inbox" / name).read_text(encoding="utf-8") == text
        else:
            assert (root / "inbox" / "rejected" / name).read_text(encoding="utf-8") == text
            assert (root / "inbox" / "rejected" / f"{name}.loi.txt").is_file()
    assert set(states) <= {"ingested", "rejected"} and len(states) == len(texts)
    # the bulletins of the slot killed mid-air were not counted; they aired once, in the next
    store = BulletinStore(store_path(station))
    aired = sorted((b, k.split("/")[1]) for b, _, k, _ in store.airings())
    assert aired == [(f"loa-{i}", "sau") for i in range(2)], aired
    assert all(store.get(f"loa-{i}").state == "expired" for i in range(2))
    store.close()
    (sau,) = [r for r in rows if r.slot_id == "sau"]
    assert len([i for i in sau.items if "loa" in i]) == 2, sau.items
    assert len([i for i in dai[0].items if "loa" in i]) == 2, dai[0].items  # on air when killed
    assert not list((root / "var" / "inbox" / "claimed").rglob("*.txt"))
    assert "Traceback" not in log.read_text()
