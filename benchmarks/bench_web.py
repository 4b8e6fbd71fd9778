"""Web desk figures: a station made here with 1,000 bulletins (taken by the station's own
intake) and 20,000 as-run rows; the desk runs as its own process (``python -m broadcaster.web``)
on loopback. Prints the p95 time of every page (dashboard and each list page; target < 100 ms),
the desk process's resident memory, then 50 concurrent clients for a bounded time (errors, p95,
memory again).

    python benchmarks/bench_web.py [--bulletins 1000] [--awaiting 50] [--rows 20000]
                                   [--samples 40] [--clients 50] [--seconds 20]

Every request goes to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
TAGS = ("y-te", "an-ninh", "hop-dan", "moi-truong", "giao-thong")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_station(root: Path, bulletins: int, rows: int, awaiting: int) -> tuple[Path, dt.date]:
    """A station folder with ``bulletins`` bulletins through the intake (all but ``awaiting``
    of them approved, as the CLI approves) and ``rows`` as-run rows, 100 a day back from
    today."""
    from broadcaster.air.asrun import AsRunLog
    from broadcaster.cli import main
    from broadcaster.clock import SystemClock
    from broadcaster.config import load_station
    from broadcaster.inbox.ingest import Ingester
    from broadcaster.inbox.store import BulletinStore, store_path
    from broadcaster.models import Outcome
    from broadcaster.web.desk import Desk
    from broadcaster.web.users import Role

    station_dir = root / "station"
    assert main(["init", str(station_dir)]) == 0
    with (station_dir / "station.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\napproval: required\nspeech:\n  engines: [espeak]\nweb:\n  enabled: false\n")
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    t0 = time.monotonic()
    for i in range(bulletins):
        tag = TAGS[i % len(TAGS)]
        (station.inbox_dir / f"ban-tin-{i:04d}.txt").write_text(
            f"---\ntitle: Bản tin số {i}\ntags: [{tag}]\nrepeat: 3\n---\n"
            f"Thông báo số {i}: ngày 5/12 phường tổ chức họp dân lúc 19h30 tại nhà văn hóa.\n",
            encoding="utf-8")
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    try:
        Ingester(station, store, clock, stable_seconds=0).drain()
        recs = store.all()
        for rec in recs[awaiting:]:
            store.approve(rec.id, by="bench", now=clock.now(), content_hash=rec.content_hash)
    finally:
        store.close()
    print(f"  {len(recs)} bulletins taken by the intake, {max(len(recs) - awaiting, 0)} approved,"
          f" in {time.monotonic() - t0:.1f} s")
    t0 = time.monotonic()
    log = AsRunLog(station.var("db") / "asrun.sqlite3")
    log._db.execute("PRAGMA synchronous=OFF")  # set-up speed only: the desk reads the file
    today = clock.now().date()
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
    desk = Desk(station, clock)
    desk.users.add("admin", Role.ADMIN, PASSWORD)
    desk.close()
    return station_dir, today


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
            ("bulletins?state", "/bulletins?state=awaiting_approval"),
            ("approvals", "/approvals"), ("asrun", f"/asrun?date={today}"),
            ("audit", "/audit"), ("schedule", "/schedule"),
            ("report", f"/report?month={today:%Y-%m}"), ("status", "/status")]


NO_TARGET = ("status",)  # the doctor's own checks (a clock query, disk, schedule): not a list


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
        note = "   (no target: runs the doctor's checks)" if name in NO_TARGET else (
            "" if high < 100 else "   over 100 ms")
        ok = ok and (high < 100 or name in NO_TARGET)
        print(f"{name:<18} {statistics.median(times):>8.1f} {high:>8.1f} {size / 1024:>6.0f}{note}")
    return ok


async def load(url: str, cookies: dict[str, str], today: dt.date, clients: int,
               seconds: float) -> tuple[int, int, list[float]]:
    """``clients`` clients, each asking page after page until ``seconds`` have passed."""
    paths = [p for _, p in pages(today) if not p.startswith("/status")]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bulletins", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--awaiting", type=int, default=50,
                        help="bulletins left awaiting approval (the approval page shows each)")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        print(f"making a station: {args.bulletins} bulletins ({args.awaiting} awaiting approval),"
              f" {args.rows} as-run rows")
        station_dir, today = make_station(Path(tmp), args.bulletins, args.rows, args.awaiting)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "broadcaster.web", "--station",
                                 str(station_dir), "--listen", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    if requests.get(url + "/healthz", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            session = login(url)
            fast = time_pages(url, session, today, args.samples)
            print(f"\ndesk process resident memory: {rss_mb(proc.pid):.0f} MB")
            print(f"\n{args.clients} concurrent clients for {args.seconds:g} s (loopback) ...")
            done, errors, times = asyncio.run(load(url, dict(session.cookies), today,
                                                   args.clients, args.seconds))
            print(f"  requests {done}  ({done / args.seconds:.0f}/s)  errors {errors}  "
                  f"p50 {statistics.median(times):.0f} ms  p95 {p95(times):.0f} ms")
            print(f"  desk process resident memory after the load: {rss_mb(proc.pid):.0f} MB")
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print("\nthe dashboard and every list page: p95 < 100 ms" if fast
          else "\nsome page p95 >= 100 ms")
    return 0 if fast and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
