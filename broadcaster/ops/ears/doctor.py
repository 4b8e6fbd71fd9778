"""``doctor``'s lines for the watchdog: can the output be heard here (a monitor source, each
mount as a listener), and what the running station's watchdog says now (``watchdog.json``)."""

from __future__ import annotations

import datetime as dt
import json

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.messages import t
from broadcaster.ops.doctor import FAIL, OK, WARN, Check
from broadcaster.ops.ears.watchdog import STATE_EVERY_S


def check_watchdog(station: Station, clock: Clock, *, probe: bool = True) -> list[Check]:
    """The monitor and mounts (``probe``: they take a few seconds), then the live verdicts."""
    from broadcaster.ops.ears.listen import MonitorEar, monitor_source
    from broadcaster.ops.ears.mount import probe_mount, public_url

    s = station.settings.watchdog
    if not s.enabled:
        return [Check("watchdog", WARN, t("doctor.watch.off"))]
    out: list[Check] = []
    if probe:
        source, why = monitor_source(s.monitor, station.settings.audio.output_device)
        if source is None:
            out.append(Check("watchdog monitor", WARN, t("doctor.watch.no_monitor", why=why)))
        else:
            found, why = MonitorEar.probe(source)
            out.append(Check("watchdog monitor", OK if found else WARN,
                             t("doctor.watch.monitor", source=source) if found
                             else t("doctor.watch.no_monitor", why=why)))
        for url in s.mounts:
            up, what = probe_mount(url, timeout=min(5.0, s.mount_timeout_seconds))
            out.append(Check(f"watchdog {public_url(url)}", OK if up else FAIL,
                             t("doctor.watch.mount_ok", kind=what) if up
                             else t("doctor.watch.mount_bad", why=what)))
    live = _live(station, clock)
    if live is not None:
        out.append(live)
    return out


def _live(station: Station, clock: Clock) -> Check | None:
    """The running station's verdicts, if it runs and wrote them lately."""
    path = station.var_dir / "run" / "watchdog.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        age = (clock.now() - dt.datetime.fromisoformat(state["time"])).total_seconds()
        checks = [c for c in state["checks"] if isinstance(c, dict)]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if age > 3 * STATE_EVERY_S:
        return None  # stopped: the station line says so
    bad = [f"{c.get('ear')}: {c.get('detail')}" for c in checks if c.get("ok") is False]
    if bad:
        return Check("watchdog", FAIL, t("doctor.watch.failing", checks="; ".join(bad)))
    return Check("watchdog", OK, t("doctor.watch.all_ok", n=len(checks)))
