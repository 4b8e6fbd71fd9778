"""The station's part that keeps the web desk running: its own process (``python -m
broadcaster.web``), restarted within seconds if it dies or stops answering; never in air's way."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from broadcaster.config import Station

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0
HEALTH_TIMEOUT_S = 1.0
MISSES_BEFORE_RESTART = 2   # a hung desk is restarted after ~2 failed checks (under 5 s)
START_GRACE_S = 10.0        # a starting desk (imports, binding) is given this long to answer
QUICK_EXIT_S = 5.0          # a desk that dies sooner than this after starting is restarted
BACKOFF_MAX_S = 60.0        # ... after a growing pause (e.g. its port is taken): no log flood


class WebSupervisor:
    """Starts the desk process, checks ``/healthz`` every second, restarts it when needed."""

    def __init__(self, station: Station) -> None:
        self.station = station
        web = station.settings.web
        host = "127.0.0.1" if web.host in ("0.0.0.0", "::", "") else web.host
        self.health_url = f"http://{host}:{web.port}/healthz"
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._started_at = 0.0
        self._misses = 0
        self._quick_exits = 0
        self._not_before = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._spawn()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="web-supervisor", daemon=True)
        self._thread.start()

    def _spawn(self) -> None:
        cmd = [sys.executable, "-m", "broadcaster.web", "--station", str(self.station.root),
               "--exit-with-parent"]
        # the desk reads its standard input until it closes: when the station dies, even by
        # SIGKILL, the pipe closes and the desk goes with it (no orphan holding the port)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, env=dict(os.environ))
        self._started_at = time.monotonic()
        self._misses = 0
        log.info("web desk started (pid %s) on %s", self.proc.pid, self.station.settings.web.listen)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=HEALTH_TIMEOUT_S) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def _watch(self) -> None:
        while not self._stop.wait(CHECK_EVERY_S):
            try:
                self._check()
            except Exception:  # noqa: BLE001 - the supervisor itself must never die
                log.exception("web supervisor check failed")

    def _check(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            self._after_exit(proc)
            return
        if self._healthy():
            self._misses = 0
            return
        if time.monotonic() - self._started_at < START_GRACE_S:
            return
        self._misses += 1
        if self._misses >= MISSES_BEFORE_RESTART:
            log.warning("web desk does not answer; restarting it")
            self._restart(hung=True)

    def _after_exit(self, proc: subprocess.Popen[bytes] | None) -> None:
        """Restart a desk that exited; one that keeps dying at once (its port taken, say)
        waits longer each time, so the log is not flooded."""
        now = time.monotonic()
        if now < self._not_before:
            return  # still waiting out the pause
        if self._not_before == 0.0:  # first look at this exit
            quick = proc is not None and now - self._started_at < QUICK_EXIT_S
            self._quick_exits = self._quick_exits + 1 if quick else 0
            if self._quick_exits > 1:
                pause = min(BACKOFF_MAX_S, 2.0 ** self._quick_exits)
                log.warning("web desk exited again at once (%s); trying again in %.0f s",
                            proc.returncode if proc else "-", pause)
                self._not_before = now + pause
                return
        self._not_before = 0.0
        log.warning("web desk exited (%s); restarting", proc.returncode if proc else "-")
        self._restart()

    def _restart(self, hung: bool = False) -> None:
        self._terminate(hung)
        if not self._stop.is_set():
            self.restarts += 1
            self._spawn()

    def _terminate(self, hung: bool = False) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # the desk's cue to go (it watches its standard input)
        if proc.poll() is not None:
            return
        if hung:  # a hung process does not act on SIGTERM: waiting would only delay the desk
            proc.kill()
            proc.wait(3.0)
            return
        proc.terminate()
        try:
            proc.wait(3.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(3.0)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10.0)
            self._thread = None
        self._terminate()
