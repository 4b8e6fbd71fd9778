"""Inbox test helpers (station folders come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcaster.config import Station, load_station
from tests.inbox.feedserver import FeedServer


@pytest.fixture
def quiet_station(station_dir: Path) -> Station:
    (station_dir / "station.yaml").write_text(
        "speech:\n  engines: [espeak]\npolicy:\n  quiet_hours: []\n", encoding="utf-8")
    return load_station(station_dir)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A local HTTP server for feeds (``tests/inbox/feedserver.py``), closed after the test."""
    s = FeedServer()
    try:
        yield s
    finally:
        s.close()
