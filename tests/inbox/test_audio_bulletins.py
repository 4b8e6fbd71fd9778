"""Recorded bulletins: an audio file dropped into inbox/ (recognised by its content, not its
name) is taken like a text file, waits for approval, is selected into a slot and airs at the
station loudness; a damaged or too long recording is rejected with a note saying what to send."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from stationfile import amend

from broadcaster.air.prepare import Preparer
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester, vi
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.models import BulletinState
from broadcaster.pipeline import Pipeline
from tests.inbox.audiofiles import encode, speech_samples


def _station(station_dir: Path, extra: str = "") -> Station:
    amend(station_dir / "station.yaml", "\napproval: required\npolicy:\n  quiet_hours: []\n" + extra)
    return load_station(station_dir)


def _parts(station: Station) -> tuple[BulletinStore, Pipeline, Ingester]:
    clock = SystemClock(station.tz)
    store = BulletinStore(store_path(station), approval=station.settings.approval,
                          now=clock.now())
    pipeline = Pipeline(station, clock)
    ingester = Ingester(station, store, clock, scripter=pipeline.script, speech=pipeline,
                        audio_probe=pipeline.recording_ms)
    return store, pipeline, ingester


def _slot(station: Station) -> PlannedSlot:
    slot = Slot.model_validate({"id": "sang", "at": "06:00", "program": [{"bulletins": {}}]})
    day = SystemClock(station.tz).now().date() + dt.timedelta(days=1)
    return PlannedSlot(day, slot, dt.datetime.combine(day, slot.time, station.tz))


def _lufs(path: Path) -> float:
    data, rate = sf.read(str(path), dtype="float64")
    return float(pyloudnorm.Meter(rate).integrated_loudness(data))


@pytest.mark.parametrize("name", ["tin-phuong.mp3", "ghi-am.ogg", "zalo.opus",
                                  "dien-thoai.amr", "iphone.m4a", "ghi-am-cu.txt"])
def test_a_recording_is_taken_approved_selected_and_aired_at_the_station_loudness(
        station_dir: Path, name: str) -> None:
    station = _station(station_dir)
    store, pipeline, ingester = _parts(station)
    samples, rate = speech_samples(gain=0.05)  # some 20 LU under the station level
    # ".txt": an .m4a someone renamed; it is what its bytes say, not what its name says
    encode(samples, rate, station.inbox_dir / (name if not name.endswith(".txt") else "x.m4a"))
    if name.endswith(".txt"):
        (station.inbox_dir / "x.m4a").rename(station.inbox_dir / name)
    (out,) = ingester.drain()
    assert out.state == "ingested", out.detail
    (record,) = store.all()
    assert record.audio is not None and record.audio.is_file()
    assert record.audio.parent == station.var("originals") / record.id
    assert record.script_text == "" and record.body == ""
    assert record.title == Path(name).stem
    assert record.state is BulletinState.AWAITING_APPROVAL
    assert pipeline.script(record.bulletin()).segments == ()
    # not approved: not selected
    assert Preparer(station, pipeline, store).selection(_slot(station)) == ()
    store.approve(record.id, by="chu-tich", now=SystemClock(station.tz).now())
    assert pipeline.run_pending() == 1  # render-ahead: the recording leveled
    ingester.sync_speech()
    (record,) = store.all()
    assert record.speech_path is not None
    assert abs(_lufs(record.speech_path) - station.settings.program.loudness_lufs) < 1.0
    preparer = Preparer(station, pipeline, store)
    assert preparer.duration_ms(record) == pytest.approx(3000, abs=150)
    prepared = preparer.prepare(_slot(station))
    assert prepared.bulletins == ((record.id, 1),)
    aired, prate = sf.read(str(prepared.wav), dtype="float32")
    assert len(aired) / prate >= 2.9
    assert abs(_lufs(prepared.wav) - station.settings.program.loudness_lufs) < 1.0
    store.close()


def test_the_leveled_recording_is_keyed_by_content_and_loudness(station_dir: Path) -> None:
    station = _station(station_dir)
    store, pipeline, ingester = _parts(station)
    samples, rate = speech_samples()
    encode(samples, rate, station.inbox_dir / "a.mp3")
    ingester.drain()
    (record,) = store.all()
    bulletin = record.bulletin()
    first = pipeline.speech(bulletin)
    assert pipeline.ready(bulletin) == first
    assert pipeline.plan(bulletin).engines == ("recording",)
    program = station.settings.program.model_copy(update={"loudness_lufs": -14.0})
    louder = dataclasses.replace(
        station, settings=station.settings.model_copy(update={"program": program}))
    other = Pipeline(louder, SystemClock(station.tz))
    assert other.speech_key(bulletin) != pipeline.speech_key(bulletin)
    assert abs(_lufs(other.speech(bulletin)) + 14.0) < 1.0
    store.close()


def test_a_sidecar_gives_the_recording_its_title_tags_priority_and_repeat(
        station_dir: Path) -> None:
    station = _station(station_dir)
    store, _pipeline, ingester = _parts(station)
    (station.inbox_dir / "loa-1.yaml").write_text(
        "title: Lịch tiêm chủng\ntags: [y-te]\npriority: priority\nrepeat: 3\n", encoding="utf-8")
    samples, rate = speech_samples()
    encode(samples, rate, station.inbox_dir / "loa-1.amr")
    outs = ingester.drain()
    assert [o.state for o in outs] == ["ingested"]  # the sidecar is no drop of its own
    (record,) = store.all()
    assert (record.title, record.tags, record.priority, record.repeat) == (
        "Lịch tiêm chủng", ("y-te",), "priority", 3)
    store.close()


def _note(station: Station, name: str) -> str:
    return (station.inbox_dir / "rejected" / (name + ".loi.txt")).read_text(encoding="utf-8")


def test_a_damaged_recording_is_rejected_with_a_note_saying_what_to_send(
        station_dir: Path) -> None:
    station = _station(station_dir)
    store, _pipeline, ingester = _parts(station)
    good = encode(*speech_samples(), station.inbox_dir / "tmp.mp3").read_bytes()
    (station.inbox_dir / "tmp.mp3").unlink()
    # the header of an MP3 and then garbage (a broken download)
    rng = np.random.default_rng(1)
    (station.inbox_dir / "hong.mp3").write_bytes(good[:10] + rng.bytes(2000))
    (station.inbox_dir / "rong.m4a").write_bytes(b"\x00\x00\x00\x1cftypM4A " + bytes(40))
    (out1, out2) = sorted(ingester.drain(), key=lambda o: o.source)
    assert (out1.state, out2.state) == ("rejected", "rejected")
    assert store.all() == []
    for name in ("hong.mp3", "rong.m4a"):
        note = _note(station, name)
        assert name in note and "mp3, m4a, aac, ogg, opus, wav" in note
        assert (station.inbox_dir / "rejected" / name).is_file()
    store.close()


def test_a_recording_over_the_limit_is_rejected(station_dir: Path) -> None:
    station = _station(station_dir, "inbox:\n  max_audio_minutes: 0.02\n")  # 1.2 s
    store, _pipeline, ingester = _parts(station)
    encode(*speech_samples(), station.inbox_dir / "dai.ogg")
    (out,) = ingester.drain()
    assert out.state == "rejected"
    note = _note(station, "dai.ogg")
    assert "0.02" in note and vi("inbox.audio_long.fix", limit=0.02) in note.replace("\r\n", "\n")
    store.close()


def test_a_text_named_mp3_is_read_as_text(station_dir: Path) -> None:
    station = _station(station_dir)
    store, _pipeline, ingester = _parts(station)
    (station.inbox_dir / "thong-bao.mp3").write_text("Họp tổ dân phố tối nay.", encoding="utf-8")
    (out,) = ingester.drain()
    assert out.state == "ingested", out.detail
    (record,) = store.all()
    assert record.audio is None and "Họp tổ dân phố" in record.script_text
    store.close()


def test_the_text_command_says_a_recording_is_one_and_how_long_it_is(
        station_dir: Path, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from broadcaster.cli import main

    monkeypatch.setenv("BROADCASTER_LANG", "en")
    path = encode(*speech_samples(), tmp_path / "voice.amr")
    renamed = path.rename(tmp_path / "voice-note.txt")  # a recording, whatever its name
    assert main(["-s", str(station_dir), "text", str(renamed)]) == 0
    out = capfdbinary.readouterr().out.decode()
    assert "voice-note.txt: a recording, 0:03" in out and "-16.0 LUFS" in out
    damaged = tmp_path / "broken.mp3"
    damaged.write_bytes(encode(*speech_samples(), tmp_path / "x.mp3").read_bytes()[:10]
                        + bytes(range(256)) * 8)
    assert main(["-s", str(station_dir), "text", str(damaged)]) != 0


def test_a_recording_named_in_the_schedule_airs_leveled(station_dir: Path) -> None:
    station = _station(station_dir)
    store, pipeline, _ingester = _parts(station)
    encode(*speech_samples(gain=0.05), station.root / "loi-nhan.ogg")
    slot = Slot.model_validate({"id": "trua", "at": "11:00",
                                "program": [{"bulletin": "loi-nhan.ogg"}]})
    day = SystemClock(station.tz).now().date() + dt.timedelta(days=1)
    planned = PlannedSlot(day, slot, dt.datetime.combine(day, slot.time, station.tz))
    prepared = Preparer(station, pipeline, store).prepare(planned)
    assert abs(_lufs(prepared.wav) - station.settings.program.loudness_lufs) < 1.0
    assert len(sf.read(str(prepared.wav))[0]) / station.settings.audio.sample_rate >= 2.9
    store.close()
