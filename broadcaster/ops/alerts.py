"""Alerts through apprise (Telegram, e-mail, ...): queued, rate-limited, sent from a worker
thread so a slow or dead notification service never blocks playout."""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from broadcaster.clock import Clock

log = logging.getLogger(__name__)

Sender = Callable[[str, str], bool]  # (title, body) -> delivered


@dataclass(frozen=True)
class Alert:
    kind: str  # slot, device, engines, disk, no_schedule, approval, ingest, watchdog
    key: str  # what the alert is about (slot key, path ...); rate limit is per (kind, key)
    message: str


def apprise_sender(urls: Sequence[str], timeout_s: float) -> Sender | None:
    """A sender for the apprise URLs, or None when none are configured."""
    if not urls:
        return None
    import apprise  # lazy: only stations with alerts configured pay for the import

    notifier = apprise.Apprise()
    for url in urls:
        sep = "&" if "?" in url else "?"
        # connect/read timeouts apprise's HTTP plugins understand
        if "cto=" not in url and "rto=" not in url:
            url = f"{url}{sep}cto={timeout_s:g}&rto={timeout_s:g}"
        if not notifier.add(url):
            log.error("alerts: apprise does not understand the URL %s", url.split("://")[0] + "://…")
    if len(notifier) == 0:
        return None

    def send(title: str, body: str) -> bool:
        return bool(notifier.notify(title=title, body=body))

    return send


class Alerter:
    """``alert`` returns at once; the worker thread delivers. Same (kind, key) at most once per
    ``min_interval_s``."""

    def __init__(self, sender: Sender | None, clock: Clock, *, min_interval_s: float,
                 title: str = "broadcaster", max_queue: int = 100) -> None:
        self.sender = sender
        self.clock = clock
        self.min_interval_s = min_interval_s
        self.title = title
        self._queue: queue.Queue[Alert | None] = queue.Queue(max_queue)
        self._last: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.sent: list[Alert] = []
        # the last alerts raised (sent or not), for the web desk's dashboard: (when, kind, text)
        self.recent: collections.deque[tuple[str, str, str]] = collections.deque(maxlen=20)
        self.failed: list[Alert] = []
        self.suppressed = 0
        self.dropped = 0
        self._pending = 0

    def alert(self, kind: str, key: str, message: str) -> bool:
        """Queue an alert; False when rate-limited or the queue is full (never blocks)."""
        now = self.clock.monotonic()
        with self._lock:
            last = self._last.get((kind, key))
            if last is not None and now - last < self.min_interval_s:
                self.suppressed += 1
                return False
            self._last[(kind, key)] = now
        log.warning("ALERT %s: %s", kind, message)
        self.recent.append((self.clock.now().isoformat(timespec="seconds"), kind, message))
        if self.sender is None:
            return False
        try:
            with self._lock:
                self._queue.put_nowait(Alert(kind, key, message))
                self._pending += 1
        except queue.Full:
            self.dropped += 1
            return False
        self._ensure_worker()
        return True

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="alerts", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                ok = self.sender(self.title, item.message) if self.sender else False
            except Exception:  # noqa: BLE001 - a notification plugin must not kill the worker
                log.exception("alert delivery crashed")
                ok = False
            (self.sent if ok else self.failed).append(item)
            with self._lock:
                self._pending -= 1
            if not ok:
                log.error("alert could not be delivered: %s", item.message)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until the queue is empty (tests, shutdown)."""
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end and self._pending > 0:
            time.sleep(0.02)

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
            self._thread.join(2)
