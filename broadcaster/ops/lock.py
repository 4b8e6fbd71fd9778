"""Single-instance lock: one station process per station folder (``var/run/station.lock``).

The OS releases the lock when the process dies, also by SIGKILL, so a crash never blocks the
restart that systemd or the Windows task makes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from filelock import FileLock, Timeout

from broadcaster import durable
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

log = logging.getLogger(__name__)


class StationLock:
    """``acquire`` raises a BroadcasterError when another process holds the station."""

    def __init__(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / "station.lock"
        self.pid_file = run_dir / "station.pid"
        self._lock = FileLock(str(self.path), timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            other = self.holder()
            where = f"{self.path}" + (f", PID {other}" if other else "")
            raise BroadcasterError(t("lock.busy", path=where), hint=t("lock.busy.hint")) from None
        durable.write_text(self.pid_file, str(os.getpid()), encoding="ascii")

    def holder(self) -> int | None:
        try:
            return int(self.pid_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None

    def held_elsewhere(self) -> bool:
        """Whether another process holds the lock now (for ``doctor``)."""
        probe = FileLock(str(self.path), timeout=0)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        probe.release()
        return False

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self.pid_file.unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> StationLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
