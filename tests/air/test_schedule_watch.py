"""Editing a schedule file reloads it once; reading one (as every reload does) never does."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from broadcaster.station import ScheduleWatcher


def _until(predicate: Callable[[], object], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.02)


def test_reads_do_not_reload_writes_reload_once(tmp_path: Path) -> None:
    week = tmp_path / "week.yaml"
    week.write_text("slots: []\n", encoding="utf-8")
    reloads: list[float] = []

    def reload() -> None:
        reloads.append(time.monotonic())
        week.read_text(encoding="utf-8")  # what the real reload does

    watcher = ScheduleWatcher(tmp_path, reload, debounce_s=0.3)
    watcher.start()  # the observer watches the folder once start() returns
    try:
        week.read_text(encoding="utf-8")
        time.sleep(1.0)  # well past the debounce: a reload would have fired by now
        assert reloads == []
        week.write_text("slots: []\n# sửa\n", encoding="utf-8")
        _until(lambda: reloads, timeout=10)
        time.sleep(1.0)  # the reload reads the file: that must not fire another one
        assert len(reloads) == 1
    finally:
        watcher.stop()
