"""Heartbeat: ``var/run/heartbeat.json`` rewritten while the station runs, and systemd's
watchdog kept alive (``sd_notify``) only while every registered component is healthy.

``sd_notify`` writes the datagram to ``$NOTIFY_SOCKET`` itself (no dependency).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from broadcaster.clock import Clock

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


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_heartbeat(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
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
        data = {"pid": os.getpid(), "time": self.clock.now().isoformat(),
                "started": self.started.isoformat(), "healthy": healthy, "checks": checks}
        try:
            write_json_atomic(self.path, data)
        except OSError as exc:  # disk full: keep beating to systemd, say so in the log
            log.error("cannot write %s: %s", self.path, exc)
        if healthy:
            sd_notify("WATCHDOG=1", self.env)
        else:
            log.error("unhealthy: %s", {k: v for k, v in checks.items() if not v["ok"]})
        self.beats += 1
        self.last = data
        return data

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
