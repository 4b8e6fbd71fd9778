"""The thread plumbing the station's background services share (speech render-ahead,
publishing, social posting, feed polling): one named daemon thread running the service's loop
until ``stop``, and a wake event that cuts the loop's pause short. Each service keeps its own
loop body and its own pacing; only this part was written four times before."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Worker:
    """The thread of one background service."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, loop: Callable[[], None]) -> None:
        """Run ``loop`` in the thread (it returns once ``stopping``)."""
        self._stop.clear()
        self._thread = threading.Thread(target=loop, name=self.name, daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def pause(self, seconds: float) -> None:
        """Wait up to ``seconds``: less when woken or stopped."""
        self._wake.wait(seconds)
        self._wake.clear()

    def wake(self) -> None:
        """Cut the current (or next) pause short; never blocks."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to end and join it (the work in hand finishes first)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
