"""Routing logic with fakes: zones, what a stream's feed sends (program in time, live first,
silence between), the routed player (card or streams only), and the settings' checks."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from broadcaster.air.player import Cancel, FakePlayer
from broadcaster.air.validate import validate_file
from broadcaster.clock import SystemClock
from broadcaster.config import Station, parse_settings
from broadcaster.errors import ConfigError
from broadcaster.models import Ending, Outcome
from broadcaster.route.feed import LIVE_BUFFER_S, Airing, Feed
from broadcaster.route.outputs import FakeOutput, OutputHub, mark_drops
from broadcaster.route.player import Route, RoutedPlayer, StreamOnlyPlayer
from broadcaster.route.zones import Zones

RATE = 8000
CLOCK = SystemClock("Asia/Ho_Chi_Minh")


def _ramp(path: Path, seconds: float = 1.0) -> Path:
    """A WAV whose every sample tells its own position (sample i = i / n)."""
    n = int(seconds * RATE)
    sf.write(str(path), (np.arange(n) / n).astype(np.float32), RATE, subtype="FLOAT")
    return path


def test_zones_resolve_names_outputs_and_all() -> None:
    zones = Zones({"ip": ["k1", "k2"], "loa": ["wired"]}, ["wired", "k1", "k2"])
    assert zones.members(None) == zones.members(["all"]) == {"wired", "k1", "k2"}
    assert zones.members(["ip"]) == {"k1", "k2"}
    assert zones.members(["k2", "loa"]) == {"k2", "wired"}  # an output is a zone of its own
    assert zones.members(["nowhere"]) == frozenset()
    assert zones.zones_of("k1") == ["all", "ip"]
    assert zones.unknown(["ip", "k1", "khu-9"]) == ["khu-9"]
    assert zones.problems() == []
    bad = Zones({"all": ["k1"], "ip": ["k3"]}, ["wired", "k1", "k1"])
    problems = bad.problems()
    assert any("'all'" in p for p in problems)
    assert any("k3" in p and "zones.ip" in p for p in problems)
    assert any("k1" in p for p in problems[2:])


def test_the_feed_reads_the_program_where_the_clock_says_then_silence(tmp_path: Path) -> None:
    feed = Feed(RATE, "idle")
    wav = _ramp(tmp_path / "r.wav")
    start = 1000.0
    feed.air(Airing(1, wav, start, "Tin sáng"))
    before, title = feed.read(800, start - 0.05)  # ends before the first sample
    assert title == "Tin sáng" and not before.any()
    block, _ = feed.read(800, start + 0.05)  # 0.05 s of lead silence, then the program
    assert not block[:400].any()
    assert block[400] == pytest.approx(0.0) and block[401] == pytest.approx(1 / RATE)
    nxt, _ = feed.read(800, start + 0.15)  # sequential: no gap, no repeat
    assert nxt[0] == pytest.approx(400 / RATE)
    jump, _ = feed.read(800, start + 0.9)  # fell behind (a stall): seeks to the clock
    assert jump[0] == pytest.approx((0.9 * RATE - 800) / RATE)
    feed.end(2)  # another airing's end changes nothing
    assert feed.read(100, start + 0.95)[1] == "Tin sáng"
    feed.end(1)
    rest, title = feed.read(800, start + 1.2)
    assert title == "idle" and not rest.any()


def test_live_goes_first_after_its_preroll_and_its_queue_is_bounded(tmp_path: Path) -> None:
    feed = Feed(RATE, "idle")
    feed.air(Airing(1, _ramp(tmp_path / "r.wav", 5.0), time.time() - 1, "program"))
    tone = np.full(800, 0.5, np.float32)
    feed.push(tone, "live")
    held, title = feed.read(800, time.time())  # live, still filling its pre-roll: silence
    assert title == "live" and not held.any()
    for _ in range(3):
        feed.push(tone, "live")
    out, _ = feed.read(800, time.time())
    assert np.all(out == 0.5)
    for _ in range(100):  # a stalled stream: the oldest live audio is dropped
        feed.push(tone, "live")
    assert feed.dropped_live_frames > 0
    queued = sum(len(b) for b in feed._live)
    assert queued <= LIVE_BUFFER_S * RATE + 800


def _hub(card_in: bool = True) -> tuple[OutputHub, FakeOutput, FakeOutput]:
    k1, k2 = FakeOutput("k1", RATE, "idle"), FakeOutput("k2", RATE, "idle")
    zones = {"ip-khu-1": ["k1"], "loa": ["wired"]}
    return OutputHub([k1, k2], Zones(zones, ["wired", "k1", "k2"]), "wired"), k1, k2


def test_the_routed_player_airs_on_the_card_and_the_zone_streams_follow_its_start(
        tmp_path: Path) -> None:
    hub, k1, k2 = _hub()
    card = FakePlayer(CLOCK)
    wav = _ramp(tmp_path / "r.wav", 0.5)
    seen: dict[str, object] = {}

    def on_started(at: dt.datetime) -> None:  # while on air: where each stream is
        seen["at"] = at
        seen["k1"] = k1.feed._airing
        seen["k2"] = k2.feed._airing

    player = RoutedPlayer(card, hub, lambda name: Route(("ip-khu-1", "loa"), "Tin"), CLOCK)
    start = CLOCK.now() + dt.timedelta(seconds=0.2)
    result = player.play(wav, start, name="sang", on_started=on_started)
    assert result.outcome == Outcome.AIRED and len(card.played) == 1
    airing = seen["k1"]
    assert isinstance(airing, Airing) and airing.title == "Tin"
    assert airing.start_epoch == pytest.approx(seen["at"].timestamp())  # type: ignore[attr-defined]
    assert seen["k2"] is None  # not in the zones
    assert k1.feed._airing is None  # back to silence after the airing


def test_a_zone_without_the_card_is_timed_without_it_and_honours_a_stop(tmp_path: Path) -> None:
    hub, k1, _ = _hub()
    card = FakePlayer(CLOCK)
    player = RoutedPlayer(card, hub, lambda name: Route(("k1",), "Tin"), CLOCK)
    wav = _ramp(tmp_path / "r.wav", 3.0)
    cancel = Cancel()
    threading.Timer(0.6, lambda: cancel.request(reason="skip")).start()
    result = player.play(wav, CLOCK.now() + dt.timedelta(seconds=0.1), cancel=cancel)
    assert card.played == []
    assert result.outcome == Outcome.INTERRUPTED and result.ending == Ending.STOPPED
    assert result.played_s is not None and 0.3 < result.played_s < 1.5
    assert k1.feed._airing is None


def test_a_stream_only_airing_preempted_before_its_start_airs_nothing(tmp_path: Path) -> None:
    cancel = Cancel()
    cancel.request(ending=Ending.EMERGENCY)
    result = StreamOnlyPlayer(CLOCK).play(_ramp(tmp_path / "r.wav"),
                                          CLOCK.now() + dt.timedelta(seconds=5), cancel=cancel)
    assert result.started is None and result.preempted


def test_a_broken_route_still_airs_everywhere(tmp_path: Path) -> None:
    hub, k1, k2 = _hub()

    def broken(name: str) -> Route:
        raise KeyError(name)

    card = FakePlayer(CLOCK)
    RoutedPlayer(card, hub, broken, CLOCK).play(_ramp(tmp_path / "r.wav", 0.2), CLOCK.now())
    assert len(card.played) == 1


def test_push_reaches_only_the_zones_streams() -> None:
    hub, k1, k2 = _hub()
    hub.push(np.ones(RATE, np.float32), "live", ["ip-khu-1"])
    assert k1.feed._live_frames == RATE and k2.feed._live_frames == 0
    hub.push(np.ones(10, np.float32), "live", None)  # None: all zones
    assert k2.feed._live_frames == 10


def test_drop_marks_name_the_output_and_how_long() -> None:
    marks: list[tuple[dt.datetime, str, str, str]] = []
    down, back = mark_drops(lambda *m: marks.append(m))
    since = CLOCK.now()
    down("k1", "Connection refused", since)
    back("k1", 3.25, since)
    assert [(m[1], m[2]) for m in marks] == [("output.down", "k1"), ("output.back", "k1")]
    assert "3.2" in marks[1][3] and marks[1][0] > since


def test_status_lists_the_card_and_every_stream() -> None:
    hub, k1, _ = _hub()
    hub.start()
    k1.error = "refused"
    rows = [r.as_dict() for r in hub.status("device lost")]
    assert rows[0] == {"name": "wired", "kind": "soundcard", "zones": ["all", "loa"],
                       "connected": False, "last_error": "device lost", "dropped_s": 0.0}
    assert rows[1]["name"] == "k1" and rows[1]["connected"] is False
    assert rows[2]["connected"] is True


def test_settings_refuse_a_bad_icecast_url_and_accept_a_good_one() -> None:
    base = "outputs:\n  icecast:\n    - {name: k1, url: \"%s\", password: pw}\n"
    with pytest.raises(ConfigError) as err:
        parse_settings(base % "ftp://x/k1", "station.yaml")
    assert "http://host:port/mount" in str(err.value) or "http://máy" in str(err.value)
    s = parse_settings(base % "http://127.0.0.1:8000/k1.mp3", "station.yaml")
    assert s.outputs.icecast[0].codec == "mp3" and s.outputs.icecast[0].bitrate_kbps == 64
    assert s.zones == {} and s.outputs.soundcard == "wired"


def test_a_slot_naming_an_unknown_zone_is_refused_with_its_line(station: Station,
                                                                tmp_path: Path) -> None:
    path = station.schedules_dir / "week.yaml"
    path.write_text('slots:\n  - id: sang\n    at: "07:00"\n    zones: [khu-9]\n'
                    '    program:\n      - jingle: open\n', encoding="utf-8")
    (problem,) = validate_file(path, station)
    assert "week.yaml:4" in problem and "khu-9" in problem
    path.write_text('slots:\n  - id: sang\n    at: "07:00"\n    zones: [wired]\n'
                    '    program:\n      - jingle: open\n', encoding="utf-8")
    assert validate_file(path, station) == []


class _Hung(FakeOutput):
    """A stream whose thread stopped making progress."""

    def stalled(self, limit_s: float) -> bool:
        return True


def test_a_hung_stream_is_replaced_and_the_others_keep_going() -> None:
    hung, ok = _Hung("k1", RATE), FakeOutput("k2", RATE)
    fresh = FakeOutput("k1", RATE)
    hub = OutputHub([hung, ok], Zones({}, ["wired", "k1", "k2"]), "wired",
                    remake=lambda name: fresh)
    hub.start()
    assert hub.check() == ["k1"]
    assert hub.outputs["k1"] is fresh and fresh.running and not hung.running
    assert hub.outputs["k2"] is ok and ok.running
