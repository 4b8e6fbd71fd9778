"""Heartbeat: ``var/run/heartbeat.json`` rewritten while the station runs (``state: running``;
``stopped`` after a stop), and systemd's watchdog kept alive (``sd_notify``) only while every
registered component is healthy. After a crash its ``time`` is the last moment the station
was known alive: the restart settles an airing it left on air to that moment.

``sd_notify`` writes the datagram to ``$NOTIFY_SOCKET`` itself (no dependency).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from broadcaster.clock import Clock
from broadcaster.durable import write_json

log = logging.getLogger(__name__)

Probe = Callable[[], tuple[bool, str]]


def sd_notify(state: str, env: Mapping[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``READY=1``, ``WATCHDOG=1``) to systemd; False when not under it."""
    env = os.environ if env is None else env
    address = env.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError as exc:
        log.warning("sd_notify(%s) failed: %s", state, exc)
        return False
    return True


def watchdog_seconds(env: Mapping[str, str] | None = None) -> float | None:
    """systemd's WatchdogSec for this process, if it set one."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC")
    pid = env.get("WATCHDOG_PID")
    if not usec or (pid and pid.isdigit() and int(pid) != os.getpid()):
        return None
    try:
        return int(usec) / 1_000_000
    except ValueError:
        return None


def read_heartbeat(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def last_beat(path: Path) -> dt.datetime | None:
    """When the heartbeat file was last written (by a running or a crashed station)."""
    beat = read_heartbeat(path)
    try:
        return dt.datetime.fromisoformat(str(beat["time"])) if beat else None
    except (KeyError, ValueError):
        return None


class Heartbeat:
    """Every ``interval`` seconds: run the probes, write the file, pet the watchdog if all ok."""

    def __init__(self, path: Path, clock: Clock, *, interval: float,
                 env: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.clock = clock
        self.env = os.environ if env is None else env
        wd = watchdog_seconds(self.env)
        self.interval = min(interval, wd / 3) if wd else interval
        self.probes: dict[str, Probe] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = clock.now()
        self.beats = 0
        self.last: dict[str, Any] = {}

    def add(self, name: str, probe: Probe) -> None:
        self.probes[name] = probe

    def beat(self) -> dict[str, Any]:
        """One heartbeat now; returns what was written."""
        checks: dict[str, dict[str, Any]] = {}
        healthy = True
        for name, probe in self.probes.items():
            try:
                ok, detail = probe()
            except Exception as exc:  # noqa: BLE001 - a probe's bug is an unhealthy component
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            checks[name] = {"ok": ok, "detail": detail}
            healthy = healthy and ok
        data = {"pid": os.getpid(), "state": "running", "time": self.clock.now().isoformat(),
                "started": self.started.isoformat(), "healthy": healthy, "checks": checks}
        self._write(data)
        if healthy:
            sd_notify("WATCHDOG=1", self.env)
        else:
            log.error("unhealthy: %s", {k: v for k, v in checks.items() if not v["ok"]})
        self.beats += 1
        self.last = data
        return data

    def _write(self, data: dict[str, Any]) -> None:
        try:
            write_json(self.path, data)
        except OSError as exc:  # disk full: keep beating to systemd, say so in the log
            log.error("cannot write %s: %s", self.path, exc)

    def start(self) -> None:
        self.beat()
        sd_notify("READY=1", self.env)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - the heartbeat thread must not die
                log.exception("heartbeat failed")

    def stop(self) -> None:
        sd_notify("STOPPING=1", self.env)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
            # the file says the station stopped (not a stale "running" a reader must age out)
            self._write({**self.last, "pid": os.getpid(), "state": "stopped",
                         "time": self.clock.now().isoformat(), "healthy": False,
                         "stopped": self.clock.now().isoformat()})
