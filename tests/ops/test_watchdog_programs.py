"""Ten minutes and more of normal programs (the corpus bulletins read by espeak-ng, with the
station's chimes and pauses, rendered as for air) run through the watchdog's analysis faster
than real time on a FakeClock, as the monitor would hear them: no alert. The same audio with
its speech cut out for 15 s mid-program: dead air within 10 s."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf
import soxr
from stationfile import amend

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.prepare import Preparer
from broadcaster.air.schedule import PlannedSlot, Slot
from broadcaster.clock import FakeClock, SystemClock
from broadcaster.config import Station
from broadcaster.models import WatchCheck
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.ears.judge import Thresholds
from broadcaster.ops.ears.listen import FakeEar, level_of
from broadcaster.ops.ears.watchdog import MONITOR_LAG_S, OnAirNow, Watchdog

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
RATE = 16000  # the monitor ear's rate
BLOCK = RATE // 10
PROGRAMS = [
    ["ban-tin-bao", "thong-bao-cat-dien", "goi-nhap-ngu"],
    ["thong-bao-thue", "tiem-chung"],
]


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
             ) -> list[np.ndarray]:
    """The programs rendered once (espeak-ng), at the monitor's rate."""
    station: Station = request.getfixturevalue("_watch_station")
    preparer = Preparer(station, _pipeline(station))
    out = []
    for i, names in enumerate(PROGRAMS):
        items: list[dict[str, str]] = [{"jingle": "open"}]
        for name in names:
            shutil.copy(CORPUS / f"{name}.txt", station.root / f"{name}.txt")
            items += [{"bulletin": f"{name}.txt"}, {"jingle": "between"}]
        items[-1] = {"jingle": "close"}
        slot = Slot.model_validate({"id": f"p{i}", "at": "06:00", "program": items})
        prepared = preparer.prepare(PlannedSlot(START.date(), slot, START))
        audio, rate = sf.read(str(prepared.wav), dtype="float32", always_2d=True)
        out.append(soxr.resample(audio.mean(axis=1), rate, RATE).astype(np.float32))
    return out


@pytest.fixture(scope="module")
def _watch_station(tmp_path_factory: pytest.TempPathFactory, _station_template: Path) -> Station:
    from broadcaster.config import load_station

    root = tmp_path_factory.mktemp("watch") / "station"
    shutil.copytree(_station_template, root)
    amend(root / "station.yaml", "\nspeech:\n  engines: [espeak]\nweb:\n  enabled: false\n")
    return load_station(root)


def _pipeline(station: Station):  # type: ignore[no-untyped-def]
    from broadcaster.pipeline import Pipeline

    return Pipeline(station, SystemClock(station.tz))


class Air:
    """A FakeClock watchdog hearing blocks of real audio, as the monitor ear would."""

    def __init__(self, tmp_path: Path, station: Station) -> None:
        self.clock = FakeClock(START)
        self.ear = FakeEar()
        self.alerter = Alerter(None, self.clock, min_interval_s=0)
        self.asrun = AsRunLog(tmp_path / "asrun.sqlite3")
        self.on_air = OnAirNow(None, None)
        limits = Thresholds.of(station.settings.watchdog, MONITOR_LAG_S)
        self.dog = Watchdog(self.clock, [self.ear], {"monitor": limits},
                            expected=lambda: self.on_air, alerter=self.alerter, station="Đài",
                            mark=self.asrun.mark)
        self.ear.start(self.dog._on_level(self.ear), self.dog._on_alive(self.ear))
        self.aired_s = 0.0

    def hear(self, audio: np.ndarray, label: str | None) -> None:
        self.on_air = OnAirNow(label, self.clock.now() if label else None)
        for i in range(0, len(audio) - BLOCK + 1, BLOCK):
            self.clock.advance(BLOCK / RATE)
            self.ear.push(level_of(audio[i:i + BLOCK], self.clock.monotonic(), RATE))
            self.dog.tick()
        if label:
            self.aired_s += len(audio) / RATE

    def quiet(self, seconds: float) -> None:
        self.hear(np.zeros(int(seconds * RATE), np.float32), None)


def test_ten_minutes_of_normal_programs_raise_nothing(tmp_path: Path, _watch_station: Station,
                                                      programs: list[np.ndarray]) -> None:
    air = Air(tmp_path, _watch_station)
    n = 0
    while air.aired_s < 600:
        air.hear(programs[n % len(programs)], f"Buổi {n}")
        air.quiet(20 if n % 2 else 3)  # the next program right after, or after a pause
        n += 1
    assert air.aired_s >= 600 and n >= 3
    assert air.dog.failing() == [] and list(air.alerter.recent) == []
    assert air.asrun.marks() == []
    pauses = _longest_quiet(np.concatenate(programs))
    assert 0.5 <= pauses < 8.0, pauses  # the programs do have real pauses, none a dead air


def test_the_same_program_with_fifteen_seconds_cut_out_is_dead_air(
        tmp_path: Path, _watch_station: Station, programs: list[np.ndarray]) -> None:
    air = Air(tmp_path, _watch_station)
    audio = programs[0].copy()
    cut = len(audio) // 2
    audio[cut:cut + 15 * RATE] = 0.0
    air.hear(audio[:cut], "Buổi sáng")
    raised = None
    for i in range(cut, cut + 15 * RATE, BLOCK):
        air.clock.advance(BLOCK / RATE)
        air.ear.push(level_of(audio[i:i + BLOCK], air.clock.monotonic(), RATE))
        air.dog.tick()
        if raised is None and air.dog.failing():
            raised = (i + BLOCK - cut) / RATE
    # timed from the last word before the cut (it may have been in a pause), within 10 s
    assert raised is not None and 6.0 <= raised <= 10.0, raised
    assert [s.check for s in air.dog.failing()] == [WatchCheck.DEAD_AIR]


def _longest_quiet(audio: np.ndarray, floor: float = 10 ** (-50 / 20)) -> float:
    """The longest stretch of 100 ms blocks whose RMS is under -50 dBFS, in seconds."""
    blocks = audio[: len(audio) // BLOCK * BLOCK].reshape(-1, BLOCK)
    quiet = np.sqrt(np.mean(blocks**2, axis=1)) < floor
    best = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        best = max(best, run)
    return best / 10
