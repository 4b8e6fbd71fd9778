"""Web desk figures (issue 14 point 7). A station made here with 1,000 bulletins (taken by the
station's own intake; all waiting for approval, a tenth of them edited into a second version so
the approval page draws diffs) and 20,000 as-run rows. The desk runs as its own process
(``python -m broadcaster.web``) on loopback beside the station itself (``broadcaster run``, no
sound card: the file player) airing a short slot every ``--every`` seconds. Prints:

1. the p95 server time of the dashboard and every list page (target < 100 ms);
2. how long a change of state (an approval) takes to reach an open dashboard (target < 1 s),
   idle and under load;
3. ``--clients`` concurrent clients for ``--seconds`` (errors, p95, the desk's resident memory:
   target no errors and < 120 MB);
4. slot start offsets (as-run ``offset_ms``) of the slots aired before the load and of those
   aired during it (target: as accurate under load).

    python benchmarks/bench_web.py [--bulletins 1000] [--awaiting 1000] [--rows 20000]
        [--samples 100] [--clients 50] [--seconds 60] [--every 20] [--no-station]

Every request goes to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import requests

if TYPE_CHECKING:
    from broadcaster.clock import Clock
    from broadcaster.config import Station

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
PASSWORD = "bench-password-1"
TAGS = ("y-te", "an-ninh", "hop-dan", "moi-truong", "giao-thong")
LEAD_S = 45.0  # the station's start-up and its first program's preparation


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bulletin_text(i: int, version: int) -> str:
    when = "19h30" if version == 1 else "20h"
    return (f"---\ntitle: Bản tin số {i}\ntags: [{TAGS[i % len(TAGS)]}]\nrepeat: 3\n---\n"
            f"Thông báo số {i}: ngày 5/12 phường tổ chức họp dân lúc {when} tại nhà văn hóa.\n")


def make_station(root: Path, bulletins: int, rows: int, awaiting: int) -> tuple[Path, dt.date]:
    """A station folder with ``bulletins`` bulletins through the intake (all but ``awaiting``
    approved, as the CLI approves; every tenth edited into a version 2) and ``rows`` as-run
    rows, 100 a day back from today."""
    from stationfile import amend

    from broadcaster.cli import main
    from broadcaster.clock import SystemClock
    from broadcaster.config import load_station
    from broadcaster.inbox.ingest import Ingester
    from broadcaster.inbox.store import BulletinStore, store_path
    from broadcaster.web.desk import Desk
    from broadcaster.web.users import Role

    station_dir = root / "station"
    assert main(["init", str(station_dir)]) == 0
    amend(station_dir / "station.yaml", "\napproval: required\nspeech:\n  engines: [espeak]\n"
          "web:\n  enabled: false\npolicy:\n  quiet_hours: []\n")
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    t0 = time.monotonic()
    for i in range(bulletins):
        (station.inbox_dir / f"ban-tin-{i:04d}.txt").write_text(_bulletin_text(i, 1), "utf-8")
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    try:
        Ingester(station, store, clock, stable_seconds=0).drain()
        for i in range(0, bulletins, 10):
            (station.inbox_dir / f"ban-tin-{i:04d}.txt").write_text(_bulletin_text(i, 2), "utf-8")
        Ingester(station, store, clock, stable_seconds=0).drain()
        recs = store.all()
        for rec in recs[awaiting:]:
            store.approve(rec.id, by="bench", now=clock.now(), content_hash=rec.content_hash)
    finally:
        store.close()
    print(f"  {len(recs)} bulletins taken by the intake ({len(range(0, bulletins, 10))} edited"
          f" into version 2), {max(len(recs) - awaiting, 0)} approved, in"
          f" {time.monotonic() - t0:.1f} s")
    _asrun_rows(station, clock, rows)
    desk = Desk(station, clock)
    desk.users.add("admin", Role.ADMIN, PASSWORD)
    desk.close()
    return station_dir, clock.now().date()


def _asrun_rows(station: Station, clock: Clock, rows: int) -> None:
    from broadcaster.air.asrun import AsRunLog
    from broadcaster.models import Outcome

    t0 = time.monotonic()
    log = AsRunLog(station.var("db") / "asrun.sqlite3")
    log._db.execute("PRAGMA synchronous=OFF")  # set-up speed only: the desk reads the file
    today = clock.now().date() - dt.timedelta(days=1)  # today's own rows: the station's slots
    outcomes = [Outcome.AIRED] * 8 + [Outcome.LATE, Outcome.MISSED]
    per_day = 100
    for k in range(rows):
        day = today - dt.timedelta(days=k // per_day)
        at = dt.datetime.combine(day, dt.time(5, 0), station.tz) + dt.timedelta(
            minutes=10 * (k % per_day))
        outcome = outcomes[k % len(outcomes)]
        aired = outcome != Outcome.MISSED
        log.record(slot_key=f"{day}/s{k % per_day:03d}", slot_id=f"s{k % per_day:03d}",
                   slot_name=f"Buổi {k % per_day}", scheduled=at, outcome=outcome, now=at,
                   started=at if aired else None,
                   ended=at + dt.timedelta(minutes=5) if aired else None)
    log.close()
    print(f"  {rows} as-run rows in {time.monotonic() - t0:.1f} s")


def login(url: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{url}/login", timeout=30)
    pre = re.search(r'name="pre" value="([^"]+)"', page.text)
    assert pre, "no login form"
    r = s.post(f"{url}/login", data={"name": "admin", "password": PASSWORD, "pre": pre.group(1)},
               timeout=60, allow_redirects=False)
    assert r.status_code == 303, r.status_code
    return s


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pages(today: dt.date) -> list[tuple[str, str]]:
    return [("dashboard", "/"), ("bulletins", "/bulletins"),
            ("bulletins?page=20", "/bulletins?page=20"),
            ("bulletins?state", "/bulletins?state=awaiting_approval"),
            ("approvals", "/approvals"), ("approvals?page=50", "/approvals?page=50"),
            ("asrun", f"/asrun?date={today - dt.timedelta(days=1)}"),
            ("audit", "/audit"), ("schedule", "/schedule"),
            ("report", f"/report?month={today:%Y-%m}"), ("status", "/status"),
            ("bulletin", "/bulletins/ban-tin-0000"), ("edit", "/bulletins/ban-tin-0000/edit")]


# not list pages: the doctor's checks; one bulletin's spoken script (the text stage runs)
NO_TARGET = ("status", "bulletin", "edit")


def time_pages(url: str, session: requests.Session, today: dt.date, samples: int) -> bool:
    ok = True
    print(f"\n{'page':<18} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>6}")
    for name, path in pages(today):
        times: list[float] = []
        size = 0
        session.get(url + path, timeout=60)  # warm (templates compiled, caches filled)
        for _ in range(samples):
            t0 = time.perf_counter()
            r = session.get(url + path, timeout=60)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (path, r.status_code)
            size = len(r.content)
        high = p95(times)
        note = "   (no target: not a list page)" if name in NO_TARGET else (
            "" if high < 100 else "   over 100 ms")
        ok = ok and (high < 100 or name in NO_TARGET)
        print(f"{name:<18} {statistics.median(times):>8.1f} {high:>8.1f} {size / 1024:>6.0f}{note}")
    return ok


async def change_reaches_dashboard(url: str, cookies: dict[str, str], csrf: str,
                                   bulletin_id: str, content_hash: str) -> tuple[float, float]:
    """Seconds from approving ``bulletin_id`` (through the desk) to the ``change`` event on an
    open dashboard's stream, and of those, how long the approval itself took to answer."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with (aiohttp.ClientSession(cookies=cookies, timeout=timeout) as http,
                http.get(url + "/events") as stream):
        await asyncio.sleep(0.8)  # the stream has taken its first look
        t0 = time.monotonic()
        async with http.post(f"{url}/approvals/{bulletin_id}/approve",
                             data={"csrf": csrf, "hash": content_hash},
                             allow_redirects=False) as r:
            assert r.status in (303, 200), r.status
        answered = time.monotonic() - t0
        async for line in stream.content:
            if line.strip() == b"event: change":
                return time.monotonic() - t0, answered
    raise AssertionError("no change event")


def awaiting_ids(station_dir: Path, n: int) -> list[tuple[str, str]]:
    from broadcaster.config import load_station
    from broadcaster.inbox.store import BulletinStore, store_path

    store = BulletinStore(store_path(load_station(station_dir)), readonly=True)
    try:
        return [(r.id, r.content_hash) for r in store.all()
                if r.state == "awaiting_approval"][-n:]
    finally:
        store.close()


async def load(url: str, cookies: dict[str, str], today: dt.date, clients: int,
               seconds: float) -> tuple[int, int, list[float]]:
    """``clients`` clients, each asking page after page until ``seconds`` have passed."""
    paths = [p for name, p in pages(today) if name not in NO_TARGET]
    deadline = time.monotonic() + seconds
    times: list[float] = []
    errors = 0
    done = 0

    async def client(n: int) -> None:
        nonlocal errors, done
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(cookies=cookies, timeout=timeout) as http:
            k = n
            while time.monotonic() < deadline:
                path = paths[k % len(paths)]
                k += 1
                t0 = time.perf_counter()
                try:
                    async with http.get(url + path) as r:
                        await r.read()
                        if r.status != 200:
                            errors += 1
                except (TimeoutError, aiohttp.ClientError):
                    errors += 1
                times.append((time.perf_counter() - t0) * 1000)
                done += 1

    await asyncio.wait_for(asyncio.gather(*(client(n) for n in range(clients))),
                           timeout=seconds + 60)
    return done, errors, times


async def load_with_change(url: str, cookies: dict[str, str], today: dt.date, args: argparse.Namespace,
                           csrf: str, target: tuple[str, str]
                           ) -> tuple[int, int, list[float], tuple[float, float]]:
    """The load, and half-way through it an approval timed to an open dashboard."""
    async def change() -> tuple[float, float]:
        await asyncio.sleep(args.seconds / 2)
        return await change_reaches_dashboard(url, cookies, csrf, *target)

    (done, errors, times), latency = await asyncio.gather(
        load(url, cookies, today, args.clients, args.seconds), change())
    return done, errors, times, latency


def write_slots(station_dir: Path, starts: list[dt.datetime]) -> None:
    day = starts[0].date()
    lines = ["slots:"]
    for n, at in enumerate(starts):
        lines += [f"  - id: bench-{n:02d}", f'    name: "Bench {n}"', f'    at: "{at:%H:%M:%S}"',
                  "    max_minutes: 1", "    program:", f'      - say: "Bản tin thử số {n}."']
    (station_dir / "schedules" / f"{day.isoformat()}.yaml").write_text("\n".join(lines) + "\n",
                                                                        encoding="utf-8")


def start_station(station_dir: Path, slots: int, every: float) -> tuple[subprocess.Popen[bytes],
                                                                        list[dt.datetime]]:
    """``broadcaster run`` with ``slots`` one-off slots ``every`` seconds from ``LEAD_S`` on."""
    from broadcaster.config import load_station

    tz = load_station(station_dir).tz
    first = dt.datetime.now(tz).replace(microsecond=0) + dt.timedelta(seconds=LEAD_S)
    starts = [first + dt.timedelta(seconds=every * k) for k in range(slots)]
    write_slots(station_dir, starts)
    env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}  # no sound card: files
    proc = subprocess.Popen([sys.executable, "-m", "broadcaster", "--station", str(station_dir),
                             "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env)
    return proc, starts


def offsets(station_dir: Path, starts: list[dt.datetime]) -> dict[str, float | None]:
    """slot id -> as-run start offset (ms; None when it did not air)."""
    from broadcaster.air.asrun import AsRunLog
    from broadcaster.config import load_station

    log = AsRunLog(load_station(station_dir).var("db") / "asrun.sqlite3", readonly=True)
    try:
        rows = {r.slot_id: r for r in log.rows(day=starts[0].date())}
    finally:
        log.close()
    return {f"bench-{n:02d}": (rows[f"bench-{n:02d}"].offset_ms if f"bench-{n:02d}" in rows
                               else None) for n in range(len(starts))}


def _wait_until(when: dt.datetime) -> None:
    delay = (when - dt.datetime.now(when.tzinfo)).total_seconds()
    if delay > 0:
        time.sleep(min(delay, 600))


def _summary(name: str, values: list[float | None]) -> str:
    aired = [abs(v) for v in values if v is not None]
    if not aired:
        return f"  {name:<12} no slot aired"
    return (f"  {name:<12} aired {len(aired)}/{len(values)}  median {statistics.median(aired):.0f}"
            f" ms  max {max(aired):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bulletins", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--awaiting", type=int, default=1000,
                        help="bulletins left awaiting approval (the approval page pages them)")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=20.0, help="seconds between slots")
    parser.add_argument("--no-station", action="store_true",
                        help="no station beside the desk (no slot timing)")
    parser.add_argument("--made", type=Path, default=None,
                        help="a copy of this station folder, made before by this benchmark")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        if args.made is not None:
            station_dir = Path(tmp) / "station"
            shutil.copytree(args.made, station_dir)
            today = dt.date.today()
        else:
            print(f"making a station: {args.bulletins} bulletins ({args.awaiting} awaiting"
                  f" approval), {args.rows} as-run rows")
            station_dir, today = make_station(Path(tmp), args.bulletins, args.rows, args.awaiting)
        return run(args, station_dir, today)


def start_desk(station_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    desk = subprocess.Popen([sys.executable, "-m", "broadcaster.web", "--station",
                             str(station_dir), "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    return desk, url


def slot_report(station_dir: Path, starts: list[dt.datetime], per_window: int) -> bool:
    """Start offsets of the slots aired before the load and during it; True when as good."""
    found = offsets(station_dir, starts)
    before = [found[f"bench-{n:02d}"] for n in range(per_window)]
    during = [found[f"bench-{n:02d}"] for n in range(per_window, len(starts))]
    print("\nslot start offsets (as-run offset_ms, absolute):")
    print(_summary("before load", before))
    print(_summary("during load", during))
    calm = [abs(v) for v in before if v is not None]
    late = [abs(v) for v in during if v is not None]
    if not calm or not late or None in during:
        return False
    return max(late) <= max(2 * max(calm), 50.0)  # within the quiet run's spread (or 50 ms)


def run(args: argparse.Namespace, station_dir: Path, today: dt.date) -> int:
    per_window = max(1, int(args.seconds // args.every))
    station: subprocess.Popen[bytes] | None = None
    starts: list[dt.datetime] = []
    if not args.no_station:
        station, starts = start_station(station_dir, 2 * per_window, args.every)
    desk, url = start_desk(station_dir)
    try:
        session = login(url)
        token = re.search(r'name="csrf" value="([^"]+)"', session.get(url + "/").text)
        assert token
        targets = awaiting_ids(station_dir, 4)
        cookies = dict(session.cookies)
        if starts:  # the station has started and aired its first slot: it is settled
            print(f"\nthe station airs {per_window} slots {args.every:g} s apart before the load")
            _wait_until(starts[0] + dt.timedelta(seconds=3))
        seen = [asyncio.run(change_reaches_dashboard(url, cookies, token.group(1), *target))[0]
                for target in targets[:3]]
        idle = max(seen)
        print(f"a change of state reaches an open dashboard in {statistics.median(seen):.2f} s"
              f" (median of {len(seen)}, max {idle:.2f} s; idle desk)")
        if starts:  # the load begins once the slots before it have aired on a quiet desk
            _wait_until(starts[per_window] - dt.timedelta(seconds=args.every / 2))
        print(f"\n{args.clients} concurrent clients for {args.seconds:g} s (loopback) ...")
        done, errors, times, busy = asyncio.run(load_with_change(
            url, cookies, today, args, token.group(1), targets[3]))
        print(f"  requests {done}  ({done / args.seconds:.0f}/s)  errors {errors}  "
              f"p50 {statistics.median(times):.0f} ms  p95 {p95(times):.0f} ms")
        print(f"  a change of state reaches an open dashboard in {busy[0]:.2f} s under this"
              f" load (the approval itself answered in {busy[1]:.2f} s: the requests queue;"
              f" no target, the 1 s target is the idle figure)")
        memory = rss_mb(desk.pid)
        print(f"  desk process resident memory after the load: {memory:.0f} MB")
        steady = True
        if starts:
            _wait_until(starts[-1] + dt.timedelta(seconds=10))
            steady = slot_report(station_dir, starts, per_window)
        fast = time_pages(url, session, today, args.samples)
        memory = max(memory, rss_mb(desk.pid))
        print(f"\ndesk process resident memory at the end: {rss_mb(desk.pid):.0f} MB")
    finally:
        for proc in (desk, station):
            if proc is None:
                continue
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    ok = fast and not errors and idle < 1.0 and memory < 120 and steady
    print("\nall targets met" if ok else "\nsome target missed (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
