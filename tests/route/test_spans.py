"""Zoned stretches of a program (issue 15.1): read from the rundown beside the WAV, merged
only where nothing for everyone lies between, silenced on the streams that are not theirs, and
in the sound card's copy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import soundfile as sf

from broadcaster.route.feed import Airing, Feed
from broadcaster.route.spans import Span, masked_copy, spans_of

RATE = 8000


def _program(tmp_path: Path, entries: list[dict], seconds: float = 20.0) -> Path:
    wav = tmp_path / "p.wav"
    sf.write(str(wav), np.full(int(seconds * RATE), 0.25, np.float32), RATE)
    wav.with_suffix(".json").write_text(json.dumps({"sample_rate": RATE, "rundown": entries}))
    return wav


def _e(kind: str, at: float, length: float, zones: tuple[str, ...] = ()) -> dict:
    return {"kind": kind, "label": kind, "offset_ms": int(at * 1000),
            "duration_ms": int(length * 1000), "zones": list(zones)}


def test_two_bulletins_of_one_selection_are_one_stretch_unless_an_item_for_all_is_between(
        tmp_path: Path) -> None:
    z = ("ip-khu-1",)
    wav = _program(tmp_path, [_e("jingle", 0, 2), _e("bulletin", 2.5, 3, z),
                              _e("jingle", 6, 0.4, z), _e("bulletin", 7, 3, z),
                              _e("jingle", 10.5, 0.3), _e("bulletin", 11, 3, z),
                              _e("bed", 0, 20, z)])
    assert spans_of(wav) == (Span(int(2.5 * RATE), 10 * RATE, z),
                             Span(11 * RATE, 14 * RATE, z))
    wav.with_suffix(".json").write_text("{not json")
    assert spans_of(wav) == ()  # unreadable: the program airs on all its slot's zones
    wav.with_suffix(".json").write_text(json.dumps({"sample_rate": RATE, "rundown": [
        {"kind": "bulletin", "zones": ["x"], "offset_ms": "?"}]}))
    assert spans_of(wav) == ()
    assert spans_of(tmp_path / "emergency.wav") == ()


def test_a_stream_is_silent_in_a_stretch_for_other_zones_where_it_really_reads(
        tmp_path: Path) -> None:
    wav = _program(tmp_path, [])
    feed = Feed(RATE, "Đài")
    start = 1000.0
    feed.air(Airing(1, wav, start, "Buổi sáng", muted=((4 * RATE, 6 * RATE),)))
    block = RATE // 10
    out = np.concatenate([feed.read(block, start + (i + 1) / 10)[0] for i in range(100)])
    assert np.all(out[: 4 * RATE] > 0.2) and np.all(out[6 * RATE:] > 0.2)
    assert not np.any(out[4 * RATE: 6 * RATE])


def test_the_cards_copy_is_silent_in_its_ranges_with_short_fades_and_made_once(
        tmp_path: Path) -> None:
    wav = _program(tmp_path, [])
    copy = masked_copy(wav, [(4 * RATE, 6 * RATE)])
    assert copy != wav and copy.parent == wav.parent
    data, rate = sf.read(str(copy), dtype="float32")
    assert rate == RATE and len(data) == 20 * RATE
    assert not np.any(data[4 * RATE: 6 * RATE])
    assert abs(data[2 * RATE] - 0.25) < 1e-3 and abs(data[8 * RATE] - 0.25) < 1e-3
    edge = data[4 * RATE - 40: 4 * RATE]  # a ramp, not a click
    assert np.all(np.diff(edge) <= 1e-6) and 0 < edge[20] < 0.25
    made = copy.stat().st_mtime_ns
    assert masked_copy(wav, [(4 * RATE, 6 * RATE)]) == copy and copy.stat().st_mtime_ns == made
    assert masked_copy(wav, []) == wav


def test_each_item_names_itself_on_the_stream(tmp_path: Path) -> None:
    """Issue 15.1: the stream title is the item's (a bulletin's title), the slot's name
    around it (chimes, gaps); what the hub gives a stream follows the program as it airs."""
    from broadcaster.route.outputs import FakeOutput, OutputHub
    from broadcaster.route.spans import map_of
    from broadcaster.route.zones import Zones

    wav = _program(tmp_path, [_e("jingle", 0, 2), _e("bulletin", 2.5, 5) | {"label": "Lịch tiêm"},
                              _e("jingle", 8, 2), _e("bed", 0, 20) | {"label": "nhac.mp3"}])
    found = map_of(wav)
    assert found.titles("Buổi sáng") == ((0, "Buổi sáng"), (int(2.5 * RATE), "Buổi sáng – Lịch tiêm"),
                                         (8 * RATE, "Buổi sáng"))
    out = FakeOutput("k1", RATE)
    hub = OutputHub([out], Zones({}, ["wired", "k1"]), "wired", rate=RATE)
    start = dt.datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    hub.begin(wav, start, "Buổi sáng", None, found.spans, titles=found.titles("Buổi sáng"))
    titles = [out.feed.read(RATE // 10, start.timestamp() + (i + 1) / 10)[1] for i in range(100)]
    assert titles[5] == "Buổi sáng" and titles[40] == "Buổi sáng – Lịch tiêm"
    assert titles[90] == "Buổi sáng"
    assert titles.index("Buổi sáng – Lịch tiêm") in (24, 25)  # from the bulletin's first frame
