"""Inbox test helpers (station folders come from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.config import Station, load_station


@pytest.fixture
def quiet_station(station_dir: Path) -> Station:
    (station_dir / "station.yaml").write_text(
        "speech:\n  engines: [espeak]\npolicy:\n  quiet_hours: []\n", encoding="utf-8")
    return load_station(station_dir)
