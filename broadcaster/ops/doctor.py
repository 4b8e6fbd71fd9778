"""``broadcaster doctor``: check the station's output device, speech engines, disk, clock,
today's and tomorrow's schedule, inbox and running state; a verdict per check."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Station

log = logging.getLogger(__name__)

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    verdict: str  # ok | warn | fail
    detail: str


def check_device(station: Station, probe: Callable[[], tuple[list[dict], str]] | None = None
                 ) -> Check:
    if probe is None:
        from broadcaster.air.player import probe_outputs

        probe = probe_outputs
    devices, why = probe()
    if not devices:
        sink = station.settings.audio.file_sink_when_no_device
        return Check("device", WARN if sink else FAIL,
                     f"no sound output ({why})" + ("; airing to WAV files" if sink else ""))
    want = station.settings.audio.output_device
    if want is None:
        default = next((d for d in devices if d.get("default")), devices[0])
        return Check("device", OK, f"default output: {default['name']} ({len(devices)} found)")
    match = [d for d in devices if (isinstance(want, int) and d["index"] == want)
             or (isinstance(want, str) and want.lower() in d["name"].lower())]
    if not match:
        names = ", ".join(d["name"] for d in devices)
        return Check("device", FAIL, f"configured output '{want}' not found (have: {names})")
    return Check("device", OK, f"output: {match[0]['name']}")


def check_engines(station: Station, engines: list | None = None) -> list[Check]:
    if engines is None:
        from broadcaster.speech import build_engines

        try:
            engines = build_engines(station.settings.speech)
        except Exception as exc:  # noqa: BLE001 - report, do not crash the doctor
            return [Check("engines", FAIL, f"cannot set up speech engines: {exc}")]
    out: list[Check] = []
    usable = 0
    for engine in engines:
        try:
            h = engine.health(probe=True)
        except Exception as exc:  # noqa: BLE001
            out.append(Check(f"engine {engine.name}", FAIL, f"{type(exc).__name__}: {exc}"))
            continue
        if not h.available:
            out.append(Check(f"engine {h.name}", FAIL, f"not available: {h.last_error}"))
        elif h.reachable is False:
            out.append(Check(f"engine {h.name}", WARN, f"unreachable: {h.last_error}"))
        else:
            usable += 1
            how = "reachable" if h.reachable else "local"
            out.append(Check(f"engine {h.name}", OK, f"{how}, breaker {h.breaker}"))
    if usable == 0:
        out.append(Check("engines", FAIL, "no speech engine can speak"))
    return out


def check_disk(station: Station) -> Check:
    path = station.var_dir if station.var_dir.exists() else station.root
    usage = shutil.disk_usage(path)
    free_mb = usage.free // (1024 * 1024)
    low = station.settings.alerts.disk_low_mb
    detail = f"{free_mb} MB free of {usage.total // (1024 * 1024)} MB at {path}"
    if free_mb < max(100, low // 4):
        return Check("disk", FAIL, detail)
    return Check("disk", WARN if free_mb < low else OK, detail)


def _system_zone() -> str:
    tz = os.environ.get("TZ")
    if tz:
        return tz.lstrip(":")
    try:
        link = os.readlink("/etc/localtime")
        return link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else link
    except OSError:
        pass
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        return time.tzname[0]


def ntp_synchronized(run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
                     ) -> bool | None:
    """True/False when the OS says (timedatectl, w32tm), None when it cannot tell."""
    if shutil.which("timedatectl"):
        try:
            out = run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                      capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return None
        value = out.stdout.strip().lower()
        if out.returncode == 0 and value in ("yes", "no"):
            return value == "yes"
        return None
    if os.name == "nt" and shutil.which("w32tm"):
        try:
            out = run(["w32tm", "/query", "/status"], capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.returncode == 0 and "Last Successful Sync Time" in out.stdout
    return None


def check_clock(station: Station, clock: Clock) -> list[Check]:
    now = clock.now()
    station_tz = station.settings.timezone
    system = _system_zone()
    sys_offset = dt.datetime.now().astimezone().utcoffset()
    same = now.utcoffset() == sys_offset
    detail = (f"station {station_tz} (UTC{now:%z}), now {now:%Y-%m-%d %H:%M:%S};"
              f" system zone {system}")
    checks = [Check("clock", OK if same else WARN,
                    detail + ("" if same else " — the machine's clock shows another zone;"
                              " the station uses its own setting, but check the PC's time zone"))]
    synced = ntp_synchronized()
    if synced is None:
        checks.append(Check("time sync", WARN, "the OS does not say whether the clock is"
                            " synchronized (NTP); check it by hand"))
    else:
        checks.append(Check("time sync", OK if synced else FAIL,
                            "NTP synchronized" if synced else "clock NOT synchronized (NTP)"))
    return checks


def check_schedule(station: Station, clock: Clock) -> list[Check]:
    from broadcaster.air.schedule import Schedule
    from broadcaster.errors import ScheduleError

    try:
        schedule = Schedule.load(station.schedules_dir, station.tz)
    except ScheduleError as exc:
        shown = "; ".join(exc.problems[:5])
        more = f" (+{len(exc.problems) - 5} more)" if len(exc.problems) > 5 else ""
        return [Check("schedule", FAIL, shown + more)]
    today = clock.now().date()
    out = []
    for label, day in (("today", today), ("tomorrow", today + dt.timedelta(days=1))):
        slots = schedule.plan(day)
        if slots:
            times = ", ".join(f"{p.start:%H:%M} {p.slot.id}" for p in slots[:6])
            out.append(Check(f"schedule {label}", OK,
                             f"{day}: {len(slots)} slot(s): {times}{' …' if len(slots) > 6 else ''}"))
        else:
            out.append(Check(f"schedule {label}", WARN, f"{day}: no slots"))
    return out


def check_inbox(station: Station) -> Check:
    from broadcaster.inbox.store import BulletinStore

    inbox = station.inbox_dir
    if not inbox.is_dir():
        return Check("inbox", FAIL, f"{inbox} does not exist")
    if not os.access(inbox, os.W_OK):
        return Check("inbox", FAIL, f"{inbox} is not writable by this user")
    db = station.var_dir / "db" / "bulletins.sqlite3"
    if not db.is_file():
        return Check("inbox", OK, f"{inbox}: no bulletins yet")
    store = BulletinStore(db)
    try:
        active = store.active()
        waiting = [r for r in active if r.state == "awaiting_approval"]
        pending = store.intake(pending=True)
    finally:
        store.close()
    rejected = len(list((inbox / "rejected").glob("*.loi.txt"))) if (inbox / "rejected").is_dir() else 0
    detail = (f"{len(active)} active bulletin(s), {len(waiting)} awaiting approval,"
              f" {rejected} rejected file(s), {len(pending)} intake(s) unfinished")
    return Check("inbox", WARN if pending else OK, detail)


def check_running(station: Station, clock: Clock) -> Check:
    from broadcaster.ops.heartbeat import read_heartbeat
    from broadcaster.ops.lock import StationLock

    lock = StationLock(station.var_dir / "run")
    beat = read_heartbeat(station.var_dir / "run" / "heartbeat.json")
    if not lock.held_elsewhere():
        return Check("station", WARN, "the station is not running")
    if beat is None:
        return Check("station", WARN, "running, but no heartbeat file yet")
    age = (clock.now() - dt.datetime.fromisoformat(beat["time"])).total_seconds()
    limit = 3 * station.settings.housekeeping.heartbeat_seconds
    if age > limit or not beat.get("healthy", False):
        bad = [k for k, v in beat.get("checks", {}).items() if not v.get("ok")]
        return Check("station", FAIL, f"heartbeat {age:.0f} s old; unhealthy: {', '.join(bad) or '-'}")
    return Check("station", OK, f"running (PID {beat.get('pid')}), heartbeat {age:.0f} s ago")


def run_checks(station: Station, clock: Clock | None = None, *, device: bool = True,
               engines: bool = True) -> list[Check]:
    clock = clock or SystemClock(station.tz)
    out: list[Check] = []
    steps: list[Callable[[], Check | list[Check]]] = []
    if device:
        steps.append(lambda: check_device(station))
    if engines:
        steps.append(lambda: check_engines(station))
    steps += [lambda: check_disk(station), lambda: check_clock(station, clock),
              lambda: check_schedule(station, clock), lambda: check_inbox(station),
              lambda: check_running(station, clock)]
    for step in steps:
        try:
            got = step()
        except Exception as exc:  # noqa: BLE001 - the doctor reports, never crashes
            log.exception("doctor check failed")
            got = Check("check", FAIL, f"{type(exc).__name__}: {exc}")
        out.extend(got if isinstance(got, list) else [got])
    return out
