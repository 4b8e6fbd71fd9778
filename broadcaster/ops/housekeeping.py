"""Retention: nothing under ``var/`` grows without bound. Old rendered programs, archive days,
speech renders no bulletin uses, rejected files and originals of long-finished bulletins go
after their configured number of days; logs rotate (``ops.logs``)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections import Counter
from pathlib import Path

from broadcaster.air.schedules import HISTORY_DIR
from broadcaster.config import Station
from broadcaster.inbox.ingest import NOTE_SUFFIX
from broadcaster.inbox.store import FINISHED, BulletinStore

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


def _days_ago(now: dt.datetime, days: float) -> float:
    """The POSIX time ``days`` before ``now`` (files older than it go)."""
    return now.timestamp() - days * 86400.0


def _prune_archive(archive: Path, limit: dt.date) -> int:
    """Archive day folders (``YYYY-MM-DD``) older than ``limit``; other folders stay."""
    if not archive.is_dir():
        return 0
    n = 0
    for folder in archive.iterdir():
        try:
            when = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        if folder.is_dir() and when < limit:
            shutil.rmtree(folder, ignore_errors=True)
            n += 1
    return n


def _speech_in_use(store: BulletinStore) -> set[Path]:
    """The speech renders (and their sidecars) of bulletins that may still air."""
    keep: set[Path] = set()
    for rec in store.active():
        if rec.speech_path is not None:
            keep.add(rec.speech_path)
            keep.add(rec.speech_path.with_suffix(".json"))
    return keep


def _prune_originals(originals: Path, store: BulletinStore, cutoff: dt.datetime) -> int:
    """Kept originals of bulletins finished (expired, withdrawn, rejected) before ``cutoff``."""
    n = 0
    for rec in store.all():
        if rec.state in FINISHED and rec.updated_at and rec.updated_at < cutoff:
            folder = originals / rec.id
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
                n += 1
    return n


def _remove_empty_claims(claimed: Path) -> None:
    """Claim folders the ingester emptied but could not remove (a crash between the two)."""
    if not claimed.is_dir():
        return
    for folder in claimed.iterdir():
        if folder.is_dir() and not any(p.is_file() for p in folder.rglob("*")):
            shutil.rmtree(folder, ignore_errors=True)


def _prune_logs(logs: Path, backups: int) -> int:
    """Rotated logs beyond the configured count (the handler keeps them, a crash may not)."""
    if not logs.is_dir():
        return 0
    n = 0
    for p in logs.glob("broadcaster.log.*"):
        suffix = p.name.rsplit(".", 1)[-1]
        if suffix.isdigit() and int(suffix) > backups:
            p.unlink(missing_ok=True)
            n += 1
    return n


def housekeep(station: Station, store: BulletinStore | None, now: dt.datetime) -> Counter[str]:
    """Remove what is past retention; returns counts per kind."""
    hk = station.settings.housekeeping
    var = station.var_dir
    done: Counter[str] = Counter()
    done["programs"] = _prune_files(var / "programs", _days_ago(now, hk.programs_days))
    archive_limit = now.date() - dt.timedelta(days=station.settings.program.archive_days)
    done["archive_days"] += _prune_archive(var / "archive", archive_limit)
    done["rejected"] = _prune_files(station.inbox_dir / "rejected",
                                    _days_ago(now, hk.rejected_days))
    keep: set[Path] = set()
    if store is not None:
        keep = _speech_in_use(store)  # before the store forgets anything
        cutoff = now - dt.timedelta(days=hk.originals_days)
        done["originals"] += _prune_originals(var / "originals", store, cutoff)
        pruned = store.prune(cutoff)
        done["intake_rows"] = pruned["intake"]
        done["bulletin_texts"] = pruned["texts"]
    done["speech"] = _prune_files(var / "speech", _days_ago(now, hk.speech_days), keep)
    # the "already taken" notes left beside re-dropped files, and replaced schedule versions
    done["notes"] = _prune_files(station.inbox_dir, _days_ago(now, hk.notes_days),
                                 pattern="*" + NOTE_SUFFIX)
    done["schedule_versions"] = _prune_files(var / HISTORY_DIR,
                                             _days_ago(now, hk.schedules_history_days))
    _remove_empty_claims(var / "inbox" / "claimed")
    done["logs"] += _prune_logs(var / "logs", hk.log_backups)
    if any(done.values()):
        log.info("housekeeping: %s", dict(+done))
    return done
