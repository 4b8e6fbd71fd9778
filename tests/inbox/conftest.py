"""Inbox test helpers: station folders copied from one made by ``broadcaster init`` per session,
with the speech engines limited to espeak-ng."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from broadcaster.cli import main
from broadcaster.config import Station, load_station


@pytest.fixture(scope="session")
def _station_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "station"
    assert main(["init", str(root)]) == 0
    return root


@pytest.fixture
def station_dir(tmp_path: Path, _station_template: Path) -> Path:
    """A new station folder, as ``broadcaster init`` makes it (copied: chimes made once)."""
    root = tmp_path / "station"
    shutil.copytree(_station_template, root)
    return root


@pytest.fixture
def quiet_station(station_dir: Path) -> Station:
    (station_dir / "station.yaml").write_text(
        "speech:\n  engines: [espeak]\npolicy:\n  quiet_hours: []\n", encoding="utf-8")
    return load_station(station_dir)
