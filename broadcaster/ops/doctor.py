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
from broadcaster.messages import t

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
                     t("doctor.device.none", reason=why) + (t("doctor.device.file_sink") if sink else ""))
    want = station.settings.audio.output_device
    if want is None:
        default = next((d for d in devices if d.get("default")), devices[0])
        return Check("device", OK, t("doctor.device.default", name=default["name"], n=len(devices)))
    match = [d for d in devices if (isinstance(want, int) and d["index"] == want)
             or (isinstance(want, str) and want.lower() in d["name"].lower())]
    if not match:
        names = ", ".join(d["name"] for d in devices)
        return Check("device", FAIL, t("doctor.device.missing", want=want, names=names))
    return Check("device", OK, t("doctor.device.ok", name=match[0]["name"]))


def check_engines(station: Station, engines: list | None = None) -> list[Check]:
    if engines is None:
        from broadcaster.speech import build_engines

        try:
            engines = build_engines(station.settings.speech)
        except Exception as exc:  # noqa: BLE001 - report, do not crash the doctor
            return [Check("engines", FAIL, t("doctor.engines.setup", error=exc))]
    out: list[Check] = []
    usable = 0
    for engine in engines:
        try:
            h = engine.health(probe=True)
        except Exception as exc:  # noqa: BLE001
            out.append(Check(f"engine {engine.name}", FAIL, f"{type(exc).__name__}: {exc}"))
            continue
        if not h.available:
            out.append(Check(f"engine {h.name}", FAIL, t("doctor.engine.unavailable", error=h.last_error)))
        elif h.reachable is False:
            out.append(Check(f"engine {h.name}", WARN, t("doctor.engine.unreachable",
                                                         error=h.last_error or t("doctor.engine.no_route"))))
        else:
            usable += 1
            how = "doctor.engine.reachable" if h.reachable else "doctor.engine.local"
            out.append(Check(f"engine {h.name}", OK, t(how, breaker=h.breaker)))
    if usable == 0:
        out.append(Check("engines", FAIL, t("doctor.engines.none")))
    return out


def check_disk(station: Station) -> Check:
    path = station.var_dir if station.var_dir.exists() else station.root
    usage = shutil.disk_usage(path)
    free_mb = usage.free // (1024 * 1024)
    low = station.settings.alerts.disk_low_mb
    detail = t("doctor.disk", free=free_mb, total=usage.total // (1024 * 1024), path=path)
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


Runner = Callable[[list[str]], subprocess.CompletedProcess[str]]


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=5)


def parse_timedatectl(returncode: int, stdout: str) -> bool | None:
    """``timedatectl show -p NTPSynchronized --value``: yes/no; anything else cannot tell
    (e.g. no systemd in a container)."""
    value = stdout.strip().lower()
    if returncode == 0 and value in ("yes", "no"):
        return value == "yes"
    return None


def parse_w32tm(returncode: int, stdout: str) -> bool | None:
    """``w32tm /query /status`` (English output): synced once a sync time is given; the time
    service stopped, an unsynchronised leap indicator or the local clock as source is not."""
    text = stdout.lower()
    if returncode != 0:
        return False if "0x80070426" in text else None  # the time service is not running
    if "leap indicator: 3" in text or "local cmos clock" in text or "free-running" in text:
        return False
    for line in text.splitlines():
        if line.strip().startswith("last successful sync time:"):
            return line.split(":", 1)[1].strip() not in ("", "unspecified")
    return None


def ntp_synchronized(run: Runner = _run, which: Callable[[str], str | None] = shutil.which,
                     os_name: str = os.name) -> bool | None:
    """True/False when the OS says (timedatectl, w32tm), None when it cannot tell."""
    if which("timedatectl"):
        argv, parse = ["timedatectl", "show", "-p", "NTPSynchronized", "--value"], parse_timedatectl
    elif os_name == "nt" and which("w32tm"):
        argv, parse = ["w32tm", "/query", "/status"], parse_w32tm
    else:
        return None
    try:
        out = run(argv)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse(out.returncode, out.stdout or "")


def check_clock(station: Station, clock: Clock,
                ntp: Callable[[], bool | None] = ntp_synchronized) -> list[Check]:
    """The station's time zone against the system's, and whether NTP keeps the clock right:
    synchronised is ok, not synchronised fails, cannot tell warns."""
    now = clock.now()
    station_tz = station.settings.timezone
    system = _system_zone()
    sys_offset = dt.datetime.now().astimezone().utcoffset()
    same = now.utcoffset() == sys_offset
    detail = t("doctor.clock", tz=station_tz, offset=f"{now:%z}", now=f"{now:%Y-%m-%d %H:%M:%S}",
               system=system)
    checks = [Check("clock", OK if same else WARN,
                    detail + ("" if same else t("doctor.clock.other_zone")))]
    synced = ntp()
    if synced is None:
        checks.append(Check("time sync", WARN, t("doctor.ntp.unknown")))
    else:
        checks.append(Check("time sync", OK if synced else FAIL,
                            t("doctor.ntp.ok") if synced else t("doctor.ntp.bad")))
    return checks


def check_schedule(station: Station, clock: Clock) -> list[Check]:
    """Every invalid schedule file (and what airs instead), then today's and tomorrow's slots."""
    from broadcaster.air.schedules import ScheduleBook, Source

    book = ScheduleBook.open(station)
    out = []
    for state in book.invalid():
        shown = "; ".join(state.problems[:5])
        more = f" (+{len(state.problems) - 5} more)" if len(state.problems) > 5 else ""
        verdict = WARN if state.source == Source.FILE else FAIL  # FILE: airs as written
        out.append(Check(f"schedule {state.name}", verdict,
                         t(f"doctor.schedule.{state.source.value}", problems=shown + more)))
    schedule = book.schedule()
    today = clock.now().date()
    for label, day in (("today", today), ("tomorrow", today + dt.timedelta(days=1))):
        slots = schedule.plan(day)
        if slots:
            times = ", ".join(f"{p.start:%H:%M} {p.slot.id}" for p in slots[:6])
            more = " …" if len(slots) > 6 else ""
            out.append(Check(f"schedule {label}", OK,
                             t("doctor.schedule.slots", day=day, n=len(slots), times=times + more)))
        else:
            out.append(Check(f"schedule {label}", WARN, t("doctor.schedule.none", day=day)))
    return out


def check_inbox(station: Station) -> Check:
    from broadcaster.inbox.store import BulletinStore

    inbox = station.inbox_dir
    if not inbox.is_dir():
        return Check("inbox", FAIL, t("doctor.inbox.missing", path=inbox))
    if not os.access(inbox, os.W_OK):
        return Check("inbox", FAIL, t("doctor.inbox.readonly", path=inbox))
    db = station.var_dir / "db" / "bulletins.sqlite3"
    if not db.is_file():
        return Check("inbox", OK, t("doctor.inbox.empty", path=inbox))
    store = BulletinStore(db)
    try:
        active = store.active()
        waiting = [r for r in active if r.state == "awaiting_approval"]
        pending = store.intake(pending=True)
    finally:
        store.close()
    rejected = len(list((inbox / "rejected").glob("*.loi.txt"))) if (inbox / "rejected").is_dir() else 0
    detail = t("doctor.inbox.summary", active=len(active), waiting=len(waiting), rejected=rejected,
               pending=len(pending))
    return Check("inbox", WARN if pending else OK, detail)


def check_feeds(station: Station) -> list[Check]:
    """One line per upstream feed (feeds branch): last fetch, failures and what to do."""
    if not station.settings.feeds.sources:
        return []
    from broadcaster.inbox.feeds.status import feed_lines
    from broadcaster.inbox.store import BulletinStore

    db = station.var_dir / "db" / "bulletins.sqlite3"
    states = {}
    if db.is_file():
        store = BulletinStore(db)
        try:
            states = store.feed_states()
        finally:
            store.close()
    return [Check(name, verdict, detail) for name, verdict, detail in feed_lines(station, states)]


def check_running(station: Station, clock: Clock) -> Check:
    from broadcaster.ops.heartbeat import read_heartbeat
    from broadcaster.ops.lock import StationLock

    lock = StationLock(station.var_dir / "run")
    beat = read_heartbeat(station.var_dir / "run" / "heartbeat.json")
    if not lock.held_elsewhere():
        return Check("station", WARN, t("doctor.station.stopped"))
    if beat is None:
        return Check("station", WARN, t("doctor.station.no_beat"))
    age = (clock.now() - dt.datetime.fromisoformat(beat["time"])).total_seconds()
    limit = 3 * station.settings.housekeeping.heartbeat_seconds
    if age > limit or not beat.get("healthy", False):
        bad = [k for k, v in beat.get("checks", {}).items() if not v.get("ok")]
        return Check("station", FAIL, t("doctor.station.stale", age=f"{age:.0f}",
                                        bad=", ".join(bad) or "-"))
    return Check("station", OK, t("doctor.station.ok", pid=beat.get("pid"), age=f"{age:.0f}"))


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
              lambda: check_feeds(station), lambda: check_running(station, clock)]
    from broadcaster.ops.ears.doctor import check_watchdog  # the watchdog's lines (issue 15.4)

    steps.append(lambda: check_watchdog(station, clock, probe=device))
    for step in steps:
        try:
            got = step()
        except Exception as exc:  # noqa: BLE001 - the doctor reports, never crashes
            log.exception("doctor check failed")
            got = Check("check", FAIL, f"{type(exc).__name__}: {exc}")
        out.extend(got if isinstance(got, list) else [got])
    return out
