"""Watch ``inbox/``: file-system events (watchdog) wake the ingester at once; a polling scan
runs anyway every ``poll_seconds`` (network shares send no events, and events can be lost).

The loop restarts itself after any error and leaves a heartbeat (``clock.monotonic()``).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from broadcaster.clock import Clock
from broadcaster.inbox.ingest import Ingester

log = logging.getLogger(__name__)


class InboxWatcher:
    """Runs ``Ingester.poll_once`` in a background thread, woken by file-system events."""

    def __init__(self, ingester: Ingester, clock: Clock, *, poll_seconds: float,
                 use_events: bool = True) -> None:
        self.ingester = ingester
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.use_events = use_events
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: Any = None
        self.heartbeat: float | None = None
        self.events = False  # whether file-system events are live (else polling only)
        self.last_error = ""

    def _start_observer(self) -> None:
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError as exc:  # pragma: no cover - watchdog is a dependency
            log.warning("watchdog unavailable (%s): polling the inbox only", exc)
            return
        wake, closed = self._wake, self._closed

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:  # noqa: D102 - watchdog callback
                if event.event_type == "closed":  # inotify CLOSE_WRITE: a writer is done
                    closed.set()
                wake.set()

        folder = self.ingester.inbox
        folder.mkdir(parents=True, exist_ok=True)
        try:
            observer = Observer()
            observer.schedule(_Handler(), str(folder), recursive=True)
            observer.daemon = True
            observer.start()
        except Exception as exc:  # noqa: BLE001 - inotify limits, network shares: fall back
            log.warning("file-system events unavailable for %s (%s): polling every %.0f s",
                        folder, exc, self.poll_seconds)
            return
        self._observer = observer
        self.events = True

    def start(self) -> None:
        """Recover unfinished intakes, then watch in a background thread."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        if self.use_events:
            self._start_observer()
        self._thread = threading.Thread(target=self._loop, name="inbox-watcher", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the file in hand is finished (an intake is never cut half-way)."""
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            try:
                self._observer.stop()
                self._observer.join(timeout)
            except Exception:  # noqa: BLE001 - shutting down
                log.exception("stopping the inbox observer")
            self._observer = None
        if self._thread is not None:
            self._thread.join(timeout)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.heartbeat = self.clock.monotonic()
            if self._closed.is_set():
                self._closed.clear()
                self.ingester.recheck_now()
            try:
                self.ingester.poll_once()
            except Exception as exc:  # noqa: BLE001 - a long-running loop restarts itself
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("inbox pass failed; retrying")
            wait = self.poll_seconds
            pending = self.ingester.next_ready_in()
            if pending is not None:
                wait = min(wait, max(0.05, pending + 0.02))
            if self._stop.is_set():
                break
            self._wake.wait(wait)
            self._wake.clear()


__all__ = ["InboxWatcher"]
