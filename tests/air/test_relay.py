"""Relay of an upstream station: a local HTTP 'radio' (tests/relayserver.py) fed a known signal
is relayed by the running station onto a real PulseAudio null sink; taken down mid-relay the
fallback airs within 5 s, and the stream returns once the upstream is back; every drop is in
the as-run log. Plus the relay source alone (no sound card) and the slot's validation."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from pydantic import ValidationError
from relayserver import RATE, UpstreamServer, band_noise, delay_of

from broadcaster.air.asrun import AsRunLog, AsRunRow
from broadcaster.air.relay import Leveller, RelaySource, RelayTuning
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.air.validate import validate_file
from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.messages import t
from broadcaster.station import StationService, asrun_path

TONE_HZ = 500  # the fallback: a tone the upstream's 2-6 kHz noise never has


def _fallback(root: Path) -> str:
    t = np.arange(RATE * 3) / RATE
    sf.write(str(root / "audio" / "fallback.wav"),
             (0.2 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32), RATE)
    return "audio/fallback.wav"


def _relay_slot(when: dt.datetime, url: str, seconds: float, fallback: str) -> Slot:
    return Slot.model_validate({
        "id": "vov", "name": "Tiếp sóng VOV1", "at": f"{when:%H:%M:%S}",
        "program": [{"relay": {"url": url, "minutes": seconds / 60, "fallback": fallback}}]})


def _classify(heard: np.ndarray, step: int) -> list[str]:
    """Per window: 'stream' (2-6 kHz noise), 'fallback' (the tone) or 'quiet'."""
    out = []
    freqs = np.fft.rfftfreq(step, 1 / RATE)
    band = (freqs > 2000) & (freqs < 6000)
    tone = (freqs > TONE_HZ - 30) & (freqs < TONE_HZ + 30)
    for i in range(0, len(heard) - step + 1, step):
        spec = np.abs(np.fft.rfft(heard[i:i + step])) ** 2
        total = spec.sum()
        if np.sqrt(np.mean(heard[i:i + step] ** 2)) < 0.005:
            out.append("quiet")
        elif spec[tone].sum() > 0.5 * total:
            out.append("fallback")
        elif spec[band].sum() > 0.5 * total:
            out.append("stream")
        else:
            out.append("mixed")
    return out


def _wait_recording(path: Path) -> None:
    end = time.monotonic() + 10
    while (not path.exists() or path.stat().st_size == 0) and time.monotonic() < end:
        time.sleep(0.02)


def _sleep_until(wall: float) -> None:
    time.sleep(max(0.0, wall - time.time()))


@pytest.mark.sound
@pytest.mark.slow
def test_relay_airs_on_time_falls_back_within_5_s_of_a_drop_and_returns(
        station_dir: Path, pulse, tmp_path: Path) -> None:
    server = UpstreamServer(band_noise(30)).start()
    fallback = _fallback(station_dir)
    station = load_station(station_dir)
    recording = tmp_path / "monitor.raw"
    recorder = pulse.record(recording)
    messages: list[str] = []
    blocks: list[tuple[int, str]] = []
    service = StationService(station, notify=messages.append)
    try:
        _wait_recording(recording)
        service.start()
        service.on_block = lambda block, title: blocks.append((len(block), title))
        when = (service.clock.now() + dt.timedelta(seconds=7)).replace(microsecond=0)
        service.add_one_off(_relay_slot(when, server.url, 24, fallback), when)
        start = when.timestamp()
        _sleep_until(start + 7)
        server.down()
        killed = time.time()
        _sleep_until(start + 14)
        server.up()
        back = time.time()
        _sleep_until(start + 25)
        rows = _final_rows(station, when)
    finally:
        service.stop()
        rec_end = time.time()
        recorder.terminate()
        recorder.wait(5)
        server.stop()
    (row,) = [r for r in rows if r.slot_key.endswith("/vov")]
    assert row.outcome == "aired", row.reason
    assert "sound card" in row.sink
    assert abs(row.offset_ms) < 250  # on the slot's second
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    t0 = rec_end - len(heard) / RATE  # wall time of the recording's first sample
    step = RATE // 4
    kinds = _classify(heard, step)
    at = [t0 + i * step / RATE for i in range(len(kinds))]

    def first(kind: str, after: float) -> float:
        return next(a for a, k in zip(at, kinds, strict=True) if k == kind and a >= after)

    # on time: the stream is on air from the slot's second
    assert first("stream", start - 1) < start + 0.5
    # the relayed audio is the upstream's, under 3 s behind it
    win = heard[int((start + 3 - t0) * RATE): int((start + 4 - t0) * RATE)]
    lag, score = delay_of(win, start + 3, server)
    assert score > 0.6, score
    assert lag < 3.0, lag
    # dropped: the fallback within 5 s, then the stream again once the upstream is back
    fell = first("fallback", killed)
    assert fell - killed <= 5.0, fell - killed
    assert not any(k == "stream" for a, k in zip(at, kinds, strict=True) if killed + 1.5 < a < fell)
    returned = first("stream", fell)
    assert back < returned < back + 8.0, (returned - back)
    marks = [r for r in rows if "#fallback-" in r.slot_key]
    assert marks, "the drop is not in the as-run log"
    assert marks[0].started is not None and marks[0].ended is not None
    assert marks[0].reason, marks[0]
    drop = dt.datetime.fromisoformat(marks[0].started).timestamp()
    assert abs(drop - fell) < 2.0
    assert blocks and {title for _, title in blocks} == {"Tiếp sóng VOV1"}  # the Icecast seam
    assert row.archive and Path(row.archive).is_file()


def _final_rows(station: Station, when: dt.datetime) -> list:
    deadline = time.monotonic() + 30
    while True:
        log = AsRunLog(asrun_path(station))
        rows = log.rows(day=when.date())
        log.close()
        main = [r for r in rows if r.slot_key.endswith("/vov")]
        if (main and main[0].outcome != "on_air") or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def _aired_on_time(rows: list) -> AsRunRow:
    """The relay slot's row, aired and on its second."""
    (row,) = [r for r in rows if r.slot_key.endswith("/vov")]
    assert row.outcome == "aired", row.reason
    assert abs(row.offset_ms) < 250
    return row


def _source(url: str, fallback: np.ndarray, **tune: float) -> RelaySource:
    return RelaySource(url, fallback, RATE, leveller=Leveller(RATE, -16.0, -1.0),
                       clock=SystemClock(), tuning=RelayTuning(**tune))


def _pull(source: RelaySource, seconds: float) -> tuple[np.ndarray, float]:
    """Read like the output does (20 ms blocks, paced); the slowest read in seconds."""
    out, slowest = [], 0.0
    n = RATE // 50
    t_next = time.monotonic()
    for _ in range(int(seconds * 50)):
        t = time.monotonic()
        out.append(source.read(n))
        slowest = max(slowest, time.monotonic() - t)
        t_next += 0.02
        time.sleep(max(0.0, t_next - time.monotonic()))
    return np.concatenate(out), slowest


def test_an_upstream_that_accepts_and_hangs_never_blocks_the_output(tmp_path: Path) -> None:
    server = UpstreamServer(band_noise(5)).start()
    server.hang()
    tone = (0.2 * np.sin(2 * np.pi * TONE_HZ * np.arange(RATE) / RATE)).astype(np.float32)
    source = _source(server.url, tone, connect_s=1.0, read_s=1.0)
    try:
        source.start()
        audio, slowest = _pull(source, 4.0)
    finally:
        source.stop()
        server.stop()
    assert slowest < 0.05, slowest  # every read returned at once
    assert len(audio) == 4 * RATE
    kinds = _classify(audio, RATE // 4)
    assert kinds[0] == "fallback" and set(kinds) == {"fallback"}  # never silence
    drops = []
    while not source.events.empty():
        drops.append(source.events.get())
    assert [e.kind for e in drops] == ["drop"]
    assert threading.active_count() < 50


def test_the_stream_is_brought_to_the_station_loudness_under_the_ceiling() -> None:
    server = UpstreamServer(band_noise(10) * 0.25).start()  # a quiet upstream (-32 dBFS)
    tone = np.full(RATE, 0.1, np.float32)
    source = _source(server.url, tone)
    try:
        source.start()
        time.sleep(1.5)
        audio, _ = _pull(source, 8.0)
    finally:
        source.stop()
        server.stop()
    from broadcaster.program import dsp

    late = audio[4 * RATE:]
    lufs = dsp.integrated_loudness(late, RATE)
    assert lufs is not None and abs(lufs - -16.0) < 2.0, lufs
    assert dsp.true_peak(late) <= dsp.db_to_lin(-1.0) * 1.01


def test_a_relay_item_sits_among_others_and_its_fallback_and_zones_must_exist(
        station: Station, tmp_path: Path) -> None:
    slot = Slot.model_validate({"id": "x", "at": "06:00", "program": [
        {"jingle": "open"},
        {"relay": {"url": "http://a/b.mp3", "minutes": 30, "fallback": "f.wav"}},
        {"jingle": "close"}]})
    assert [r.relay.minutes for r in slot.relays] == [30]
    with pytest.raises(ValidationError, match="http"):
        Slot.model_validate({"id": "x", "at": "06:00", "program": [
            {"relay": {"url": "rtsp://a/b", "minutes": 30, "fallback": "f.wav"}}]})
    path = station.schedules_dir / "week.yaml"
    path.write_text("slots:\n  - id: vov\n    at: '06:00'\n    program:\n"
                    "      - relay: {url: 'http://127.0.0.1:8000/vov1.mp3', minutes: 30,"
                    " fallback: audio/khong-co.mp3}\n"
                    "      - bulletins: {tags: [khu-1]}\n        zones: [khu-9]\n",
                    encoding="utf-8")
    problems = validate_file(path, station)
    text = "\n".join(str(p) for p in problems)
    assert "khong-co.mp3" in text and "week.yaml:5" in text, text
    assert "khu-9" in text and "week.yaml:7" in text, text  # an item's unknown zone, by line


def test_without_a_sound_card_the_relay_is_paced_by_the_clock_into_its_archive(
        station_dir: Path, no_sound: None) -> None:
    server = UpstreamServer(band_noise(30, seed=3)).start()
    fallback = _fallback(station_dir)
    station = load_station(station_dir)
    service = StationService(station, notify=lambda _m: None)
    try:
        service.start()
        when = (service.clock.now() + dt.timedelta(seconds=6)).replace(microsecond=0)
        service.add_one_off(_relay_slot(when, server.url, 6, fallback), when)
        rows = _final_rows(station, when)
    finally:
        service.stop()
        server.stop()
    row = _aired_on_time(rows)
    audio, rate = sf.read(row.archive, dtype="float32")
    assert rate == RATE and abs(len(audio) / rate - 6.0) < 0.1
    kinds = _classify(audio, RATE // 4)
    assert kinds.count("stream") >= len(kinds) - 2, kinds  # the upstream, from the start
    lag, score = delay_of(audio[3 * RATE: 4 * RATE], when.timestamp() + 3, server)
    assert score > 0.6 and lag < 3.0, (lag, score)


def test_an_upstream_that_sends_only_silence_gives_way_to_the_fallback() -> None:
    server = UpstreamServer(np.zeros(RATE * 10, np.float32)).start()
    tone = (0.2 * np.sin(2 * np.pi * TONE_HZ * np.arange(RATE) / RATE)).astype(np.float32)
    source = _source(server.url, tone, dead_s=2.0)
    try:
        source.start()
        time.sleep(1.0)  # connected ahead, as a slot does
        audio, _ = _pull(source, 4.0)
    finally:
        source.stop()
        server.stop()
    kinds = _classify(audio, RATE // 4)
    assert set(kinds[:7]) == {"quiet"}, kinds  # 2 s of silence are aired as they are ...
    assert set(kinds[10:]) == {"fallback"}, kinds  # ... then the fallback
    events = []
    while not source.events.empty():
        events.append(source.events.get())
    assert [(e.kind, e.detail) for e in events] == [("drop", t("relay.silence"))]  # said in the station language
    assert source.decoders == 1  # the stream stayed connected: no reconnection storm


def _tone_file(root: Path, name: str, hz: float, seconds: float) -> str:
    t = np.arange(int(RATE * seconds)) / RATE
    sf.write(str(root / "audio" / name), (0.2 * np.sin(2 * np.pi * hz * t)).astype(np.float32),
             RATE)
    return f"audio/{name}"


def gap_of(station: Station) -> float:
    return station.settings.program.gap_ms / 1000


def _dominant(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / RATE)[int(np.argmax(spec))])


def test_a_relay_inside_a_program_airs_between_its_items_and_connects_ahead(
        station_dir: Path, no_sound: None) -> None:
    """Issue 15.2: ``relay:`` is a program item like the others. The program's own items air
    around it, the relay takes its place for its minutes (connected ahead, so the upstream is
    heard from its first second, not the fallback), and the as-run row lists it in order."""
    server = UpstreamServer(band_noise(60, seed=5)).start()
    fallback = _fallback(station_dir)
    before = _tone_file(station_dir, "truoc.wav", 1000, 3.0)
    after = _tone_file(station_dir, "sau.wav", 300, 3.0)
    (station_dir / "inbox" / "tin.txt").write_text(
        "---\ntitle: Tin trước tiếp sóng\ntags: [thoi-su]\n---\nSáng mai phường ra quân "
        "dọn vệ sinh.\n", encoding="utf-8")
    station = load_station(station_dir)
    messages: list[str] = []
    service = StationService(station, notify=messages.append)
    try:
        service.start()
        deadline = time.monotonic() + 60
        while not [r for r in service.store.all()
                   if service.pipeline.ready(r.bulletin()) is not None]:
            assert time.monotonic() < deadline, "the bulletin was not taken in"
            time.sleep(0.1)
        # settled playout.settle_seconds (8) before air: the bulletin is in by then
        when = (service.clock.now() + dt.timedelta(seconds=10)).replace(microsecond=0)
        service.add_one_off(Slot.model_validate({
            "id": "vov", "name": "Thời sự và tiếp sóng", "at": f"{when:%H:%M:%S}",
            "program": [{"audio": before, "fade_in_ms": 0, "fade_out_ms": 0},
                        {"bulletins": {"tags": ["thoi-su"]}},
                        {"relay": {"url": server.url, "minutes": 5 / 60, "fallback": fallback}},
                        {"audio": after, "fade_in_ms": 0, "fade_out_ms": 0}]}), when)
        rows = _final_rows(station, when)
        (record,) = service.store.all()
    finally:
        service.stop()
        server.stop()
    row = _aired_on_time(rows)
    kinds = [item.split(":")[0] for item in row.items]
    assert kinds == ["jingle", "bulletin", "relay", "jingle"], row.items
    assert row.items[2] == f"relay:{server.url}"
    assert row.program and row.program_hash  # the program it aired, as for any program
    assert record.times_aired == 1  # its bulletin counted as aired (repeat, publishing)
    assert [m for m in messages if "Thời sự và tiếp sóng" in m and "ms" in m]  # air.done
    rundown = json.loads(Path(row.program).with_suffix(".json").read_text())["rundown"]
    (speech,) = [e for e in rundown if e["kind"] == "bulletin"]
    relay_at = (speech["offset_ms"] + speech["duration_ms"]) / 1000 + gap_of(station)
    audio, rate = sf.read(row.archive, dtype="float32")
    gap = gap_of(station)
    # the program up to the relay, the relay's 5 s, 3 s after (and the gap before it)
    assert abs(len(audio) / rate - (relay_at + 5 + gap + 3)) < 0.3, len(audio) / rate
    assert abs(_dominant(audio[int(0.5 * RATE): int(2.5 * RATE)]) - 1000) < 20
    kinds_relay = _classify(audio[int(relay_at * RATE): int((relay_at + 5) * RATE)], RATE // 4)
    assert kinds_relay.count("stream") >= len(kinds_relay) - 2, kinds_relay  # from its start
    assert "fallback" not in kinds_relay
    lag, score = delay_of(audio[int((relay_at + 2) * RATE): int((relay_at + 3) * RATE)],
                          when.timestamp() + relay_at + 2, server)
    assert score > 0.6 and lag < 3.0, (lag, score)
    tail = audio[int((relay_at + 5 + gap + 0.5) * RATE): int((relay_at + 5 + gap + 2.5) * RATE)]
    assert abs(_dominant(tail) - 300) < 20


@pytest.mark.parametrize("seconds, level", [(0.3, 0.2), (3.0, 0.0)])
def test_a_short_or_silent_fallback_still_holds_the_relays_place(
        station: Station, seconds: float, level: float) -> None:
    """A fallback the renderer flags (too short, or silence: a station may choose quiet) is
    still the relay's place in the program; only a missing file leaves it none."""
    from broadcaster.air.prepare import Preparer
    from broadcaster.pipeline import Pipeline

    n = int(RATE * seconds)
    sf.write(str(station.root / "audio" / "cho.wav"),
             (level * np.sin(2 * np.pi * TONE_HZ * np.arange(n) / RATE)).astype(np.float32), RATE)
    slot = Slot.model_validate({"id": "vov", "at": "06:00", "program": [
        {"jingle": "open"},
        {"relay": {"url": "http://127.0.0.1:9/x.mp3", "minutes": 1, "fallback": "audio/cho.wav"}}]})
    planned = slot_planned(slot, station)
    prepared = Preparer(station, Pipeline(station, SystemClock(station.tz))).prepare(planned)
    (place,) = prepared.relays
    assert place is not None and abs(place[1] - seconds * 1000) < 50, place
    assert prepared.on_air_ms == prepared.duration_ms - place[1] + 60_000


def slot_planned(slot: Slot, station: Station) -> PlannedSlot:
    start = dt.datetime(2026, 12, 1, 6, 0, tzinfo=station.tz)
    return PlannedSlot(start.date(), slot, start)


def test_a_fallback_spell_ends_with_its_relays_stretch_not_with_the_program(
        tmp_path: Path, station: Station) -> None:
    """A relay inside a program whose upstream is down plays its fallback; when its stretch
    ends (the program goes on with its own items) the fallback row is closed there."""
    import itertools
    from types import SimpleNamespace

    from broadcaster.air.relay_air import RelayProgram, _Marks, _Part

    wav = tmp_path / "p.wav"
    sf.write(str(wav), np.full(RATE * 4, 0.1, np.float32), RATE)
    tone = (0.2 * np.sin(2 * np.pi * TONE_HZ * np.arange(RATE) / RATE)).astype(np.float32)
    relay = _source("http://127.0.0.1:9/khong-co.mp3", tone, connect_s=0.5, read_s=0.5)
    program = RelayProgram(wav, [_Part(RATE, at=0), _Part(RATE, relay=relay),
                                 _Part(2 * RATE, at=RATE)], RATE, ahead_s=0.5, title="Tiếp sóng",
                           on_block=None, card_in=lambda zones: True)
    clock = SystemClock()
    asrun = AsRunLog(tmp_path / "asrun.sqlite3")
    playout = SimpleNamespace(asrun=asrun, clock=clock, notify=lambda _m: None)
    slot = Slot.model_validate({"id": "vov", "at": "06:00", "program": [
        {"relay": {"url": "http://127.0.0.1:9/khong-co.mp3", "minutes": 1, "fallback": "f.wav"}}]})
    planned = slot_planned(slot, station)
    marks = _Marks(playout, planned, relay, itertools.count(1))  # type: ignore[arg-type]
    out = []
    for i in range(20):  # the program, paced: its relay's stretch is 1-2 s
        out.append(program.read(RATE // 5))
        time.sleep(0.2)
        if i == 9:
            ended_at = clock.now()
    time.sleep(0.5)
    (spell,) = [r for r in asrun.rows() if "#fallback-" in r.slot_key]
    assert spell.ended is not None  # closed when the relay's stretch ended ...
    assert dt.datetime.fromisoformat(spell.ended) <= ended_at  # ... not at the program's end
    program.close()
    marks.close()
    asrun.close()
    audio = np.concatenate(out)
    assert _classify(audio[RATE: 2 * RATE], RATE // 4).count("fallback") >= 3  # never silence
