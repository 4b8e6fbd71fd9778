"""Ops test helpers: station folders copied from one made by ``broadcaster init`` per session
(making the chimes each time would dominate these tests' run time)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from broadcaster.cli import main


@pytest.fixture(scope="session")
def _station_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "station"
    assert main(["init", str(root)]) == 0
    return root


@pytest.fixture
def station_dir(tmp_path: Path, _station_template: Path) -> Path:
    """A new station folder, as ``broadcaster init`` makes it."""
    root = tmp_path / "station"
    shutil.copytree(_station_template, root)
    return root
