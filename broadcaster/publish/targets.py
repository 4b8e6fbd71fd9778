"""Copies of the public folder elsewhere: a network share (``type: folder``) now; SFTP and
WebDAV fit the same ``Target`` protocol later. A copy only ever deletes files it placed itself
(listed in ``.broadcaster-public.json`` in the target), so a shared portal folder keeps the rest."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from broadcaster.config import FolderTarget
from broadcaster.durable import copy_file, write_json

log = logging.getLogger(__name__)

PLACED = ".broadcaster-public.json"


class Target(Protocol):
    """Somewhere the public folder is copied to."""

    name: str

    def sync(self, public: Path) -> int:
        """Make the target hold what ``public`` holds; the number of files changed. Raises
        ``OSError`` when the target cannot be written."""
        ...


def _files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path.relative_to(root).as_posix(), path.stat()


class FolderCopy:
    """A mirror of the public folder in another folder (a mounted network share)."""

    def __init__(self, setting: FolderTarget, station_root: Path) -> None:
        path = Path(setting.path)
        self.path = path if path.is_absolute() else station_root / path
        self.name = setting.name or str(self.path)

    def sync(self, public: Path) -> int:
        if not self.path.is_dir():
            # a share that is not mounted must not fill the local disk under its mount point
            raise FileNotFoundError(f"{self.path}: not a folder (is the share mounted?)")
        placed_file = self.path / PLACED
        try:
            placed = set(json.loads(placed_file.read_text(encoding="utf-8")).get("files", []))
        except (OSError, ValueError):
            placed = set()
        changed = 0
        now: set[str] = set()
        for rel, st in _files(public):
            now.add(rel)
            dst = self.path / rel
            try:
                there = dst.stat()
                same = there.st_size == st.st_size and there.st_mtime_ns == st.st_mtime_ns
            except OSError:
                same = False
            if not same:
                copy_file(public / rel, dst)
                changed += 1
        for rel in sorted(placed - now):
            try:
                (self.path / rel).unlink()
                changed += 1
            except FileNotFoundError:
                pass
        write_json(placed_file, {"files": sorted(now)})
        return changed


def make_targets(settings: tuple[FolderTarget, ...], station_root: Path) -> list[Target]:
    """One copier per ``publish.targets`` entry."""
    return [FolderCopy(s, station_root) for s in settings]
