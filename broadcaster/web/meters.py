"""The dashboard's gauges: the output level the running station measures (its status key
``output_level``) and the free disk under ``var/`` counted in days of archive."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

LEVEL_STALE_S = 10.0   # a measurement older than this is no measurement (the meter stalled)
RECENT_DAYS = 7        # archive days averaged for the daily growth
MB = 1024 * 1024


@dataclass(frozen=True)
class Level:
    """One measurement of what goes out: RMS and peak in dBFS, and when it was taken."""

    rms_dbfs: float
    peak_dbfs: float
    at: str  # ISO time, station time zone

    @classmethod
    def parse(cls, raw: object) -> Level | None:
        """The status key as the station sends it; None when absent, null or malformed."""
        if not isinstance(raw, dict):
            return None
        try:
            return cls(float(raw["rms_dbfs"]), float(raw["peak_dbfs"]), str(raw.get("at") or ""))
        except (KeyError, TypeError, ValueError):
            return None

    def fresh(self, now: dt.datetime) -> bool:
        """Taken within ``LEVEL_STALE_S`` of ``now`` (a level with no time counts as fresh)."""
        if not self.at:
            return True
        try:
            taken = dt.datetime.fromisoformat(self.at)
        except ValueError:
            return False
        if taken.tzinfo is None:
            taken = taken.replace(tzinfo=now.tzinfo)
        return abs((now - taken).total_seconds()) <= LEVEL_STALE_S

    def as_event(self) -> dict[str, float]:
        """What the live meter needs (the server-sent ``level`` event)."""
        return {"rms": round(max(self.rms_dbfs, -99.0), 1),
                "peak": round(max(self.peak_dbfs, -99.0), 1)}


@dataclass(frozen=True)
class Disk:
    """Free space under ``var/`` and how many days of archive it still holds."""

    free_mb: int
    total_mb: int
    per_day_mb: float | None  # the archive's growth per day (recent days); None: no archive yet
    days_left: float | None
    low_mb: int               # alerts.disk_low_mb
    warn_days: int            # web.disk_warn_days

    @property
    def warn(self) -> bool:
        return self.free_mb < self.low_mb or (
            self.days_left is not None and self.days_left < self.warn_days)

    @property
    def used_pct(self) -> int:
        return round(100 * (1 - self.free_mb / self.total_mb)) if self.total_mb else 0


def archive_per_day_mb(archive: Path, today: dt.date, recent: int = RECENT_DAYS) -> float | None:
    """The average size of the last ``recent`` whole archive days (today only when it is the
    only day there is); None when nothing is archived yet."""
    days: list[tuple[dt.date, Path]] = []
    if archive.is_dir():
        for folder in archive.iterdir():
            try:
                day = dt.date.fromisoformat(folder.name)
            except ValueError:
                continue
            if folder.is_dir():
                days.append((day, folder))
    days.sort()
    whole = [d for d in days if d[0] < today] or days
    sizes = [_size(folder) for _, folder in whole[-recent:]]
    sizes = [s for s in sizes if s > 0]
    return sum(sizes) / len(sizes) / MB if sizes else None


def _size(folder: Path) -> int:
    total = 0
    for p in folder.rglob("*"):
        try:
            if p.is_file():
                total += p.stat().st_size
        except OSError:
            continue
    return total


def disk_of(var_dir: Path, archive: Path, today: dt.date, *, low_mb: int,
            warn_days: int) -> Disk:
    """The disk holding ``var_dir`` as the dashboard shows it."""
    try:
        usage = shutil.disk_usage(var_dir)
        free, total = usage.free // MB, usage.total // MB
    except OSError:
        free, total = 0, 0
    per_day = archive_per_day_mb(archive, today)
    days = free / per_day if per_day else None
    return Disk(int(free), int(total), per_day, days, low_mb, warn_days)
