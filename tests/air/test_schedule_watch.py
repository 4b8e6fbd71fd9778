"""Editing a schedule file reloads it once; reading one (as every reload does) never does."""

from __future__ import annotations

import time
from pathlib import Path

from broadcaster.station import ScheduleWatcher


def test_reads_do_not_reload_writes_reload_once(tmp_path: Path) -> None:
    week = tmp_path / "week.yaml"
    week.write_text("slots: []\n", encoding="utf-8")
    reloads: list[float] = []

    def reload() -> None:
        reloads.append(time.monotonic())
        week.read_text(encoding="utf-8")  # what the real reload does

    watcher = ScheduleWatcher(tmp_path, reload, debounce_s=0.3)
    watcher.start()
    try:
        time.sleep(0.3)
        week.read_text(encoding="utf-8")
        time.sleep(1.5)
        assert reloads == []
        week.write_text("slots: []\n# sửa\n", encoding="utf-8")
        time.sleep(2.5)
        assert len(reloads) == 1
    finally:
        watcher.stop()
