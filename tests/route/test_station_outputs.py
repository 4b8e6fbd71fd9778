"""The running station streams: a slot for one zone reaches that zone's Icecast mount (the
station's own opening chime, found by cross-correlation) and not another; ``status`` lists
every output; the settings refuse zones naming outputs that do not exist."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from icecast import IcecastServer, Listener, decode, find
from stationfile import amend

from broadcaster.air.control import call
from broadcaster.air.player import FakePlayer
from broadcaster.air.schedule import Slot
from broadcaster.clock import SystemClock
from broadcaster.config import load_station
from broadcaster.errors import AirError, ConfigError
from broadcaster.models import Outcome
from broadcaster.route.spans import spans_of
from broadcaster.station import StationService


def _configure(station_dir: Path, server: IcecastServer) -> None:
    amend(station_dir / "station.yaml", f"""
outputs:
  icecast:
    - {{name: k1, url: "{server.url('k1.mp3')}", password: hackme}}
    - {{name: k2, url: "{server.url('k2.mp3')}", password: hackme, bitrate_kbps: 48}}
zones:
  ip-khu-1: [k1]
  ip-khu-2: [k2]
""")


def _wait(cond: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not cond():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_slot_for_one_zone_streams_to_its_mount_only(
        station_dir: Path, icecast: IcecastServer) -> None:
    _configure(station_dir, icecast)
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    card = FakePlayer(clock)
    before = set(threading.enumerate())
    service = StationService(station, clock, player=card, file_logging=False, signals=False,
                             notify=lambda _m: None)
    service.start()
    try:
        assert service.started_parts.index("outputs") < service.started_parts.index("playout")
        _wait(lambda: all(o["connected"] for o in call(station.var_dir, "status")["outputs"]), 10)
        ear1, ear2 = (Listener(icecast.url("k1.mp3")).start(),
                      Listener(icecast.url("k2.mp3")).start())
        when = (clock.now() + dt.timedelta(seconds=4)).replace(microsecond=0)
        slot = Slot.model_validate({"id": "khu1", "name": "Tin khu 1", "at": f"{when:%H:%M:%S}",
                                    "program": [{"jingle": "open"}], "zones": ["ip-khu-1"]})
        service.add_one_off(slot, when)
        _wait(lambda: [r for r in service.asrun.rows() if r.outcome == Outcome.AIRED], 30)
        time.sleep(1.0)
        status = call(station.var_dir, "status")
    finally:
        service.stop()
    heard1, heard2 = decode(ear1.stop()), decode(ear2.stop())
    chime, rate = sf.read(str(station_dir / "audio" / "chime-open.flac"), dtype="float32")
    assert rate == 48000
    assert find(heard1, chime[: rate * 2])[1] > 0.8
    assert float(np.max(np.abs(heard2))) < 0.01
    assert card.played == []  # zone ip-khu-1 leaves the sound card (wired) out
    rows = {o["name"]: o for o in status["outputs"]}
    assert rows["wired"]["kind"] == "soundcard" and rows["k1"]["kind"] == "icecast"
    assert rows["k1"]["zones"] == ["all", "ip-khu-1"]
    assert rows["k2"]["connected"] is True and rows["k2"]["dropped_s"] == 0.0
    left = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not [n for n in left if n.startswith("stream-")]


def test_a_zone_naming_a_missing_output_stops_the_start_with_the_key(
        station_dir: Path) -> None:
    amend(station_dir / "station.yaml", "zones:\n  ip-khu-1: [k9]\n")
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    service = StationService(station, clock, player=FakePlayer(clock), file_logging=False,
                             signals=False, notify=lambda _m: None)
    with pytest.raises(ConfigError) as err:
        service.start()
    assert "k9" in str(err.value) and "zones" in str(err.value)
    assert "station.yaml" in str(err.value)


def test_relay_and_live_blocks_reach_the_outputs_of_their_zones(
        station_dir: Path, icecast: IcecastServer) -> None:
    """The seam between the live sources and the streams: a relay slot's blocks go to that
    slot's zones, a live session's to its own; the relay streams to the card itself, not
    through the routing player."""
    from broadcaster.air.live import LiveSession
    from broadcaster.air.stream import ClockStreamer

    _configure(station_dir, icecast)
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    service = StationService(station, clock, player=FakePlayer(clock), file_logging=False,
                             signals=False, notify=lambda _m: None)
    service.start()
    pushed: list[tuple[str, tuple[str, ...] | None]] = []
    try:
        # the fake card's own streamer, not a generic one for the routing player around it
        assert isinstance(service.streamer, ClockStreamer)
        assert service.streamer.description == "fake"
        assert service.hub is not None
        service.hub.push = lambda block, title, zones, narrow=(): pushed.append(  # type: ignore[method-assign]
            (title, None if zones is None else tuple(zones)))
        # a relay or live segment whose zones leave the card out is paced by the clock (the
        # wired speakers stay silent); with the card in its zones it streams to the card
        assert service._streamer_for(("ip-khu-1",)) is not service.streamer
        assert service._streamer_for(()) is service.streamer
        assert service._streamer_for(("all",)) is service.streamer
        block = np.zeros(480, np.float32)
        assert service.relay_airer is not None and service.live is not None
        assert service.relay_airer.on_block == service._on_relay_block
        service._on_relay_block(block, "Tiếp sóng VOV", ("ip-khu-2",), ())  # one zone's relay
        service._on_relay_block(block, "Tiếp sóng tỉnh", (), ())
        alive = threading.Thread(target=time.sleep, args=(1,))
        alive.start()
        service.live.session = LiveSession("truc-ban", "mic", ("ip-khu-1",), clock.now(),
                                           None, alive)  # type: ignore[arg-type]
        service._on_block(block, "Trực tiếp")
        alive.join()
        with pytest.raises(AirError, match="khu-9"):  # a mistyped zone is said, nothing fades
            service.live_start("truc-ban", None, ("khu-9",))
    finally:
        if service.live is not None:
            service.live.session = None
        service.stop()
    assert pushed == [("Tiếp sóng VOV", ("ip-khu-2",)), ("Tiếp sóng tỉnh", None),
                      ("Trực tiếp", ("ip-khu-1",))]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def test_a_bulletins_selection_for_one_zone_is_silent_on_the_other_outputs(
        station_dir: Path, icecast: IcecastServer) -> None:
    """Issue 15.1: a ``bulletins`` selection inside a program targets its own zones. The
    chimes of the program reach every output; the selected bulletin is heard on zone
    ip-khu-1's mount only, while ip-khu-2's mount and the sound card are silent for it."""
    _configure(station_dir, icecast)
    (station_dir / "inbox" / "khu1.txt").write_text(
        "---\ntitle: Tin khu 1\ntags: [khu-1]\n---\n"
        "Khu phố một cắt nước từ tám giờ đến mười một giờ sáng mai để sửa đường ống.\n",
        encoding="utf-8")
    station = load_station(station_dir)
    clock = SystemClock(station.tz)
    card = FakePlayer(clock)
    service = StationService(station, clock, player=card, file_logging=False, signals=False,
                             notify=lambda _m: None)
    service.start()
    try:
        _wait(lambda: all(o["connected"] for o in call(station.var_dir, "status")["outputs"]), 10)
        _wait(lambda: [r for r in service.store.all()
                       if service.pipeline.ready(r.bulletin()) is not None], 60)
        ears = {name: Listener(icecast.url(f"{name}.mp3")).start() for name in ("k1", "k2")}
        # settled playout.settle_seconds (8) before air: the bulletin is in by then
        when = (clock.now() + dt.timedelta(seconds=10)).replace(microsecond=0)
        slot = Slot.model_validate({
            "id": "sang", "name": "Buổi sáng", "at": f"{when:%H:%M:%S}",
            "program": [{"jingle": "open"},
                        {"bulletins": {"tags": ["khu-1"]}, "zones": ["ip-khu-1"]},
                        {"jingle": "close"}]})
        service.add_one_off(slot, when)
        _wait(lambda: [r for r in service.asrun.rows() if r.outcome == Outcome.AIRED], 60)
        time.sleep(1.5)
        (row,) = [r for r in service.asrun.rows() if r.outcome == Outcome.AIRED]
    finally:
        service.stop()
    heard = {name: decode(ear.stop()) for name, ear in ears.items()}
    assert any(i.startswith("bulletin:Tin khu 1") for i in row.items), row.items
    program = Path(row.program)
    spans = spans_of(program)
    assert [s.zones for s in spans] == [("ip-khu-1",)]
    span = spans[0]
    full, rate = sf.read(str(program), dtype="float32")
    chime = full[: rate * 2]
    for name in ("k1", "k2"):  # the chimes reach every output
        at, score = find(heard[name], chime)
        assert score > 0.8, (name, score)
        inside = heard[name][at + span.start + rate // 4: at + span.end - rate // 4]
        loud = _rms(inside)
        if name == "k1":
            assert loud > 0.02, loud  # the bulletin, on its zone's mount
        else:
            assert loud < 0.003, loud  # silence on the other zone's
        assert _rms(heard[name][at + span.end + rate: at + span.end + 2 * rate]) > 0.01  # close
    (aired, _, _), = card.played  # the card (not in ip-khu-1) aired the program without it
    assert aired != program and ".card-" in aired.name
    on_card, _ = sf.read(str(aired), dtype="float32")
    assert len(on_card) == len(full)
    assert _rms(on_card[span.start:span.end]) == 0.0
    assert _rms(on_card[: span.start]) > 0.01 and _rms(on_card[span.end:]) > 0.01
    assert np.array_equal(on_card[: span.start - rate // 50], full[: span.start - rate // 50])
