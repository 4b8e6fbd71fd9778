"""Retention: nothing under ``var/`` grows without bound. Old rendered programs, archive days,
speech renders no bulletin uses, rejected files and originals of long-finished bulletins go
after their configured number of days; logs rotate (``ops.logs``)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections import Counter
from pathlib import Path

from broadcaster.config import Station
from broadcaster.inbox.store import BulletinStore

log = logging.getLogger(__name__)


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except OSError:
        return False


def _prune_files(folder: Path, cutoff: float, keep: set[Path] | None = None,
                 pattern: str = "*") -> int:
    n = 0
    if not folder.is_dir():
        return 0
    for p in folder.rglob(pattern):
        if p.is_file() and _older(p, cutoff) and (keep is None or p not in keep):
            try:
                p.unlink()
                n += 1
            except OSError as exc:
                log.warning("housekeeping: cannot remove %s: %s", p, exc)
    return n


def housekeep(station: Station, store: BulletinStore | None, now: dt.datetime) -> Counter[str]:
    """Remove what is past retention; returns counts per kind."""
    hk = station.settings.housekeeping
    var = station.var_dir
    ts = now.timestamp()
    day = 86400.0
    done: Counter[str] = Counter()
    done["programs"] = _prune_files(var / "programs", ts - hk.programs_days * day)
    archive = var / "archive"
    if archive.is_dir():
        limit = now.date() - dt.timedelta(days=station.settings.program.archive_days)
        for folder in archive.iterdir():
            try:
                when = dt.date.fromisoformat(folder.name)
            except ValueError:
                continue
            if folder.is_dir() and when < limit:
                shutil.rmtree(folder, ignore_errors=True)
                done["archive_days"] += 1
    rejected = station.inbox_dir / "rejected"
    done["rejected"] = _prune_files(rejected, ts - hk.rejected_days * day)
    keep: set[Path] = set()
    if store is not None:
        for rec in store.active():
            if rec.speech_path is not None:
                keep.add(rec.speech_path)
                keep.add(rec.speech_path.with_suffix(".json"))
        cutoff = now - dt.timedelta(days=hk.originals_days)
        for rec in store.all():
            if rec.state in ("expired", "withdrawn", "rejected") and rec.updated_at \
                    and rec.updated_at < cutoff:
                folder = var / "originals" / rec.id
                if folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)
                    done["originals"] += 1
        pruned = store.prune(cutoff)
        done["intake_rows"] = pruned["intake"]
        done["bulletin_texts"] = pruned["texts"]
    done["speech"] = _prune_files(var / "speech", ts - hk.speech_days * day, keep)
    claimed = var / "inbox" / "claimed"
    if claimed.is_dir():
        for folder in claimed.iterdir():
            if folder.is_dir() and not any(p.is_file() for p in folder.rglob("*")):
                shutil.rmtree(folder, ignore_errors=True)
    # rotated logs beyond the configured count (the handler keeps them, a crash may not)
    logs = var / "logs"
    if logs.is_dir():
        for p in logs.glob("broadcaster.log.*"):
            suffix = p.name.rsplit(".", 1)[-1]
            if suffix.isdigit() and int(suffix) > hk.log_backups:
                p.unlink(missing_ok=True)
                done["logs"] += 1
    if any(done.values()):
        log.info("housekeeping: %s", dict(done))
    return done
