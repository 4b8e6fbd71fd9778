"""Housekeeping, one kind of retention at a time: speech of bulletins that may still air stays
however old, finished bulletins' originals go after ``originals_days``, emptied claim folders
go, rotated logs within the configured count stay."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from broadcaster.config import Station
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.models import Bulletin, BulletinState
from broadcaster.ops.housekeeping import housekeep


def _old(path: Path, when: dt.datetime, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def _add(store: BulletinStore, name: str, now: dt.datetime) -> str:
    bid, version = store.plan_version(f"{name}.txt")
    intake = store.claim(f"tok-{name}", f"{name}.txt", Path("/c"), 1, now)
    store.add_version(intake, Bulletin(id=bid, source=Path(f"{name}.txt"), body=name,
                                       content_hash=f"h-{name}", version=version),
                      source=f"{name}.txt", script_text=name, original=Path("/o"), now=now)
    return bid


def test_each_kind_of_retention(station: Station) -> None:
    tz = station.tz
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=tz)
    long_ago = now - dt.timedelta(days=400)
    var = station.var_dir
    store = BulletinStore(store_path(station), approval="none", now=long_ago)
    live, done, gone = (_add(store, n, long_ago) for n in ("con-phat", "da-phat", "da-rut"))
    live_wav = _old(var / "speech" / live / "v1.wav", long_ago)
    live_json = _old(live_wav.with_suffix(".json"), long_ago)
    store.set_speech(live, 1, live_wav)
    done_wav = _old(var / "speech" / done / "v1.wav", long_ago)
    store.set_speech(done, 1, done_wav)
    store.record_airing(done, 1, "2025-01-01/sang", long_ago)  # repeat 1: expired
    store.withdraw(gone, "trùng", now=now - dt.timedelta(days=10))  # finished, but recently
    for bid in (live, done, gone):
        _old(var / "originals" / bid / "v1.txt", long_ago)
    assert store.get(done).state is BulletinState.EXPIRED
    empty_claim = var / "inbox" / "claimed" / "tok-x" / "sub"
    empty_claim.mkdir(parents=True)
    full_claim = _old(var / "inbox" / "claimed" / "tok-y" / "a.txt", long_ago)
    not_a_day = _old(var / "archive" / "ghi-chu" / "readme.txt", long_ago)
    kept_log = _old(var / "logs" / "broadcaster.log.5", now)
    extra_log = _old(var / "logs" / "broadcaster.log.6", now)

    counts = housekeep(station, store, now)

    assert live_wav.exists() and live_json.exists()  # its bulletin may still air
    assert not done_wav.exists()
    assert (var / "originals" / live).is_dir() and (var / "originals" / gone).is_dir()
    assert not (var / "originals" / done).exists()
    assert not empty_claim.parent.exists() and full_claim.exists()
    assert not_a_day.exists()
    assert kept_log.exists() and not extra_log.exists()
    assert counts["speech"] == 1 and counts["originals"] == 1 and counts["logs"] == 1
    assert counts["bulletin_texts"] == 1 and counts["archive_days"] == 0
    assert store.get(done).body == "" and store.get(gone).body == "da-rut"
    # a second run finds nothing left to do
    assert not any(housekeep(station, store, now).values())


def test_old_taken_notes_and_replaced_schedule_versions_go(station: Station) -> None:
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=station.tz)
    old_note = _old(station.inbox_dir / "thong-bao.txt.da-nhan.txt", now - dt.timedelta(days=31))
    new_note = _old(station.inbox_dir / "hop-to.txt.da-nhan.txt", now - dt.timedelta(days=2))
    bulletin = _old(station.inbox_dir / "cu.txt", now - dt.timedelta(days=90))  # not a note
    history = station.var_dir / "schedules-history"
    old_week = _old(history / "tuan.20251101T060000.yaml", now - dt.timedelta(days=400))
    new_week = _old(history / "tuan.20261101T060000.yaml", now - dt.timedelta(days=30))

    counts = housekeep(station, None, now)

    assert not old_note.exists() and new_note.exists() and bulletin.exists()
    assert not old_week.exists() and new_week.exists()
    assert counts["notes"] == 1 and counts["schedule_versions"] == 1
