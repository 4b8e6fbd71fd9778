"""The one pipeline: bulletin -> script -> speech, keyed by everything that changes the sound.

Edit the station lexicon (or bump the text rules) with a bulletin already rendered, then prepare
its slot: the new reading airs and the old render is never read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from stationfile import amend

import broadcaster.text
from broadcaster.air import prepare as prepare_mod
from broadcaster.air.prepare import Preparer
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.models import Bulletin, BulletinMeta, Clip, Voice
from broadcaster.pipeline import Pipeline
from broadcaster.speech import build_engines


class Recording:
    """The real espeak-ng engine, recording every text it is asked to speak."""

    def __init__(self, station: Station) -> None:
        (self.inner,) = build_engines(station.settings.speech)
        self.said: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def synthesize(self, text: str, voice: Voice) -> Clip:
        self.said.append(text)
        return self.inner.synthesize(text, voice)


def _with_lexicon(station_dir: Path, reading: str) -> Station:
    lexicon = station_dir / "tu-viet-tat.yaml"
    first = not lexicon.exists()
    lexicon.write_text(f"abbreviations:\n  KDC: {reading}\n", encoding="utf-8")
    if first:
        amend(station_dir / "station.yaml", "\ntext:\n  lexicon: tu-viet-tat.yaml\n")
    return load_station(station_dir)


def _pipeline(station: Station) -> tuple[Pipeline, Recording]:
    engine = Recording(station)
    return Pipeline(station, SystemClock(station.tz), engines=[engine], no_cache=True), engine


def _slot(station: Station) -> PlannedSlot:
    slot = Slot.model_validate({"id": "sang", "at": "06:00", "program": [{"bulletins": {}}]})
    day = SystemClock(station.tz).now().date() + dt.timedelta(days=1)
    return PlannedSlot(day, slot, dt.datetime.combine(day, slot.time, station.tz))


def _rendered_ahead(station: Station, pipeline: Pipeline) -> tuple[BulletinStore, Path]:
    store = BulletinStore(store_path(station))
    ingester = Ingester(station, store, SystemClock(station.tz), scripter=pipeline.script,
                        speech=pipeline)
    (station.inbox_dir / "hop.txt").write_text("Họp KDC số 3 vào tối nay.", encoding="utf-8")
    ingester.drain()
    assert pipeline.run_pending() == 1  # what the render-ahead thread does in the station
    ingester.sync_speech()
    (record,) = store.all()
    assert record.speech_path is not None
    return store, record.speech_path


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every speech file the program renderer reads."""
    seen: list[Path] = []
    real = prepare_mod._clip_from_wav

    def spy(path: Path) -> Clip:
        seen.append(Path(path))
        return real(path)

    monkeypatch.setattr(prepare_mod, "_clip_from_wav", spy)
    return seen


def test_an_edited_lexicon_airs_the_new_reading_and_never_the_old_render(
        station_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    station = _with_lexicon(station_dir, "khu dân cư")
    pipeline, engine = _pipeline(station)
    store, old = _rendered_ahead(station, pipeline)
    assert any("khu dân cư" in s for s in engine.said)
    # the operator edits the lexicon and restarts the station
    station = _with_lexicon(station_dir, "khu dân cư tập trung")
    pipeline, engine = _pipeline(station)
    reads = _reads(monkeypatch)
    prepared = Preparer(station, pipeline, store).prepare(_slot(station))
    assert [b for b, _ in prepared.bulletins] == ["hop"]
    assert any("khu dân cư tập trung" in s for s in engine.said)
    assert reads and old not in reads
    (record,) = store.all()
    assert pipeline.ready(record.bulletin()) in reads
    store.close()


def test_a_rules_version_bump_renders_again_before_air(
        station_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    station = _with_lexicon(station_dir, "khu dân cư")
    pipeline, engine = _pipeline(station)
    store, old = _rendered_ahead(station, pipeline)
    said_before = len(engine.said)
    monkeypatch.setattr(broadcaster.text, "RULES_VERSION", broadcaster.text.RULES_VERSION + "-next")
    reads = _reads(monkeypatch)
    Preparer(station, pipeline, store).prepare(_slot(station))  # same process: no restart
    assert len(engine.said) > said_before  # spoken again under the new rules
    assert reads and old not in reads
    store.close()


def test_the_speech_key_covers_what_changes_the_sound(station_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    station = _with_lexicon(station_dir, "khu dân cư")
    pipeline, _ = _pipeline(station)
    bulletin = Bulletin(id="b", source=Path("b.txt"), body="Họp KDC tối nay.")
    key = pipeline.speech_key(bulletin)
    assert pipeline.speech_key(bulletin) == key  # stable
    other_voice = Bulletin(id="b", source=Path("b.txt"), body=bulletin.body,
                           meta=BulletinMeta(voice="vi-vn-x-south"))
    assert pipeline.speech_key(other_voice) != key
    other_text = Bulletin(id="b", source=Path("b.txt"), body="Họp KDC sáng mai.")
    assert pipeline.speech_key(other_text) != key
    _with_lexicon(station_dir, "khu dân cư mới")  # same path, new content: the same pipeline sees it
    assert pipeline.speech_key(bulletin) != key
    key = pipeline.speech_key(bulletin)
    monkeypatch.setattr(broadcaster.text, "RULES_VERSION", "something-else")
    assert pipeline.speech_key(bulletin) != key


def test_plan_is_a_dry_run(station_dir: Path) -> None:
    station = _with_lexicon(station_dir, "khu dân cư")
    pipeline, engine = _pipeline(station)
    bulletin = Bulletin(id="b", source=Path("b.txt"), body="Họp KDC lúc 19h30.")
    plan = pipeline.plan(bulletin)
    assert plan.engines == ("espeak",) and plan.ready is None and not engine.said
    assert any("khu dân cư" in line and "mười chín giờ ba mươi" in line for line in plan.lines)
    assert plan.key == pipeline.speech_key(bulletin)
    path = pipeline.speech(bulletin)
    assert pipeline.plan(bulletin).ready == path
