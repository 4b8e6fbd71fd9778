"""Watch ``schedules/``: a change to a ``.yaml`` file reloads the schedule (debounced, watchdog)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

log = logging.getLogger(__name__)

CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})


class _Events(FileSystemEventHandler):
    def __init__(self, poke: Callable[[], None]) -> None:
        self.poke = poke

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Only changes: reading a file (the reload itself) raises "opened" and "closed_no_write"
        # events, which would reload for ever.
        if event.event_type not in CHANGE_EVENTS:
            return
        path = str(getattr(event, "dest_path", "") or event.src_path)
        if path.endswith(".yaml") and not Path(path).name.startswith("."):
            self.poke()


class ScheduleWatcher:
    """Calls ``reload`` once a burst of changes in ``folder`` has settled for ``debounce_s``."""

    def __init__(self, folder: Path, reload: Callable[[], object], debounce_s: float = 1.0) -> None:
        self.folder = folder
        self.reload = reload
        self.debounce_s = debounce_s
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._stopped = False

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._stopped = False
        observer = Observer()
        observer.schedule(_Events(self._poke), str(self.folder), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def _poke(self) -> None:
        with self._lock:
            if self._stopped:
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.debounce_s, self._fire)
            self._timer.name = "schedule-reload"
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        try:
            self.reload()
        except Exception:  # noqa: BLE001 - the watcher thread must survive a bad file
            log.exception("reloading schedules failed")

    def stop(self) -> None:
        """Stop watching; a reload in progress finishes first (its thread is joined)."""
        with self._lock:
            self._stopped = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            timer.join(30)
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
