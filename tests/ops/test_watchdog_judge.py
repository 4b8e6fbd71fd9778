"""The watchdog's decisions on synthetic blocks and a FakeClock (fast): dead air while a program
plays, speech pauses that must not count, sound while idle after the grace, an ear that hears
nothing, the as-run marks and alerts, the status lines and the output level."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from stationfile import amend

from broadcaster.air.asrun import AsRunLog
from broadcaster.clock import FakeClock
from broadcaster.config import Station
from broadcaster.models import WatchCheck
from broadcaster.ops.alerts import Alerter
from broadcaster.ops.ears.judge import FLOOR_DBFS, EarJudge, Expected, Level, Thresholds
from broadcaster.ops.ears.listen import FakeEar
from broadcaster.ops.ears.watchdog import OnAirNow, Watchdog

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
BLOCK = 0.1
SPEECH, QUIET = -22.0, FLOOR_DBFS


def _verdict(findings: Iterable, check: WatchCheck) -> bool:
    return next(f.ok for f in findings if f.check == check)


class Rig:
    """A watchdog with one fake monitor ear on a FakeClock; ``run`` feeds blocks and ticks."""

    def __init__(self, tmp_path: Path, limits: Thresholds | None = None) -> None:
        self.clock = FakeClock(START)
        self.ear = FakeEar("monitor", "monitor")
        self.alerter = Alerter(None, self.clock, min_interval_s=0)
        self.asrun = AsRunLog(tmp_path / "asrun.sqlite3")
        self.on_air = OnAirNow(None, None)
        self.dog = Watchdog(self.clock, [self.ear], {"monitor": limits or Thresholds()},
                            expected=lambda: self.on_air, alerter=self.alerter, station="Đài",
                            mark=self.asrun.mark, state_file=tmp_path / "watchdog.json")
        self.ear.start(self.dog._on_level(self.ear), self.dog._on_alive(self.ear))

    def play(self, label: str = "Buổi sáng") -> None:
        self.on_air = OnAirNow(label, self.clock.now())

    def idle(self) -> None:
        self.on_air = OnAirNow(None, None)

    def run(self, seconds: float, level: float | Iterable[float]) -> None:
        """``seconds`` of blocks at ``level`` dBFS (or one level per block), ticking each."""
        levels = iter(level) if not isinstance(level, float | int) else None
        for _ in range(round(seconds / BLOCK)):
            self.clock.advance(BLOCK)
            db = float(level) if levels is None else next(levels)  # type: ignore[arg-type]
            self.ear.push(Level(self.clock.monotonic(), db, db + 10, BLOCK))
            self.dog.tick()


def _speech(seconds: float, pause_every: float = 6.0, pause: float = 1.5) -> list[float]:
    """Speech levels with a pause of ``pause`` s every ``pause_every`` s."""
    out = []
    for i in range(round(seconds / BLOCK)):
        t = (i * BLOCK) % pause_every
        out.append(QUIET if t >= pause_every - pause else SPEECH + (i % 7) - 3)
    return out


def test_fifteen_seconds_of_digital_silence_mid_program_is_dead_air_within_ten(
        tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.play()
    rig.run(20, _speech(20))
    assert not rig.dog.failing()
    silent_from = rig.clock.monotonic()
    raised_at = None
    for _ in range(150):  # 15 s of silence, block by block
        rig.run(BLOCK, QUIET)
        if raised_at is None and any(s.check == WatchCheck.DEAD_AIR for s in rig.dog.failing()):
            raised_at = rig.clock.monotonic()
    assert raised_at is not None, "no dead-air verdict"
    assert 8.0 <= raised_at - silent_from <= 10.0
    dead = [m for _, kind, m in rig.alerter.recent if kind == "watchdog"]
    assert len(dead) == 1 and "Buổi sáng" in dead[0]
    rig.run(3, SPEECH)  # the program speaks again
    assert not rig.dog.failing()
    marks = rig.asrun.marks(day=START.date())
    assert [m.kind for m in marks] == ["watchdog.dead_air", "watchdog.dead_air"]
    assert marks[0].subject == "monitor" and "DEAD AIR" in marks[0].detail.upper() or \
        "MẤT TIẾNG" in marks[0].detail
    assert marks[1].at > marks[0].at


def test_speech_with_pauses_for_ten_minutes_raises_nothing(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    for _ in range(5):  # five programs of ~1:50 with a minute of quiet between
        rig.play()
        rig.run(110, _speech(110, pause_every=9.0, pause=3.5))
        rig.idle()
        rig.run(10, QUIET)
    assert list(rig.alerter.recent) == []
    assert rig.asrun.marks() == []


def test_program_that_never_starts_sounding_is_dead_air(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.play()
    rig.run(7.5, QUIET)
    assert not rig.dog.failing()
    rig.run(1.0, QUIET)
    assert [s.check for s in rig.dog.failing()] == [WatchCheck.DEAD_AIR]


def test_a_slot_waiting_for_its_first_sample_is_not_dead_air(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.on_air = OnAirNow("Buổi trưa", rig.clock.now() + dt.timedelta(seconds=30))
    rig.run(20, QUIET)
    assert rig.dog.failing() == []


def test_sound_while_idle_after_the_grace_is_an_alert_but_a_tail_is_not(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.play()
    rig.run(10, SPEECH)
    rig.idle()
    rig.run(4, SPEECH)  # the fade and the output's tail, within idle_grace (5 s)
    rig.run(20, QUIET)
    assert rig.dog.failing() == []
    rig.run(4.5, _speech(4.5, pause_every=3.0, pause=1.0))  # something else talks
    assert rig.dog.failing() == []
    rig.run(2.0, SPEECH)
    assert [s.check for s in rig.dog.failing()] == [WatchCheck.UNEXPECTED_SOUND]
    (alert,) = [m for _, kind, m in rig.alerter.recent if kind == "watchdog"]
    assert "5" in alert or "6" in alert
    rig.run(5, QUIET)
    assert rig.dog.failing() == []


def test_an_ear_that_hears_nothing_is_reported_after_its_stale_time(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    rig.play()
    rig.run(5, SPEECH)
    rig.clock.advance(2.9)
    assert rig.dog.tick() == []
    rig.clock.advance(0.3)
    (change,) = rig.dog.tick()
    assert change.check == WatchCheck.LISTENING and not change.ok
    status = rig.dog.status()
    assert {"check", "ear", "ok", "since", "detail"} <= set(status[0])
    listening = next(s for s in status if s["check"] == "listening")
    assert listening["ok"] is False and listening["since"] == rig.clock.now().isoformat(
        timespec="seconds")
    state = json.loads((tmp_path / "watchdog.json").read_text(encoding="utf-8"))
    assert any(c["check"] == "listening" and not c["ok"] for c in state["checks"])


def test_an_ear_that_only_knows_bytes_flow_judges_no_level(tmp_path: Path) -> None:
    judge = EarJudge(Thresholds(lag_s=10.0), stale_s=10.0)
    for i in range(100):
        judge.alive(i * 0.5)
    findings = judge.judge(50.0, Expected("x", 0.0))
    assert _verdict(findings, WatchCheck.LISTENING) and _verdict(findings, WatchCheck.DEAD_AIR)
    assert not _verdict(judge.judge(61.0, Expected("x", 0.0)), WatchCheck.LISTENING)


def test_a_late_ear_gets_its_lag_added_to_the_graces() -> None:
    judge = EarJudge(Thresholds(lag_s=10.0))
    for i in range(160):  # 16 s of silence from the program's start: the mount is 10 s late
        judge.hear(Level(i * BLOCK, QUIET, QUIET, BLOCK))
    assert _verdict(judge.judge(15.9, Expected("x", 0.0)), WatchCheck.DEAD_AIR)
    for i in range(160, 190):
        judge.hear(Level(i * BLOCK, QUIET, QUIET, BLOCK))
    assert not _verdict(judge.judge(18.5, Expected("x", 0.0)), WatchCheck.DEAD_AIR)


def test_output_level_is_the_last_block_and_null_when_stale(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    assert rig.dog.output_level() is None
    rig.run(0.5, -18.0)
    level = rig.dog.output_level()
    assert level == {"rms_dbfs": -18.0, "peak_dbfs": -8.0,
                     "at": rig.clock.now().isoformat(timespec="milliseconds")}
    rig.run(0.1, QUIET)
    assert rig.dog.output_level()["rms_dbfs"] == FLOOR_DBFS  # type: ignore[index]
    json.dumps(rig.dog.output_level(), allow_nan=False)  # no -inf in the status JSON
    rig.clock.advance(1.5)
    assert rig.dog.output_level() is None


def test_no_monitor_says_so_and_uses_the_players_report(tmp_path: Path) -> None:
    clock = FakeClock(START)
    report = [""]
    dog = Watchdog(clock, [], {}, expected=lambda: OnAirNow(None, None),
                   alerter=Alerter(None, clock, min_interval_s=0), station="Đài",
                   no_monitor="no PulseAudio server", player_report=lambda: report[0])
    dog.tick()
    (line,) = dog.status()
    assert line["check"] == "monitor" and line["ok"] is True
    assert "no PulseAudio server" in str(line["detail"])
    report[0] = "sound device stalled"
    (line,) = dog.status()
    assert line["ok"] is False and "sound device stalled" in str(line["detail"])
    assert dog.output_level() is None


@pytest.mark.parametrize("url", ["ftp://x/y", "http://", "khu-1.mp3"])
def test_a_bad_mount_url_is_refused_with_the_field_named(station_dir: Path, url: str) -> None:
    from broadcaster.config import load_station
    from broadcaster.errors import ConfigError

    amend(station_dir / "station.yaml", f"watchdog:\n  mounts: [\"{url}\"]\n")
    with pytest.raises(ConfigError) as err:
        load_station(station_dir)
    assert "watchdog.mounts" in str(err.value)


def test_the_monitor_heard_is_the_players_output() -> None:
    from broadcaster.ops.ears.listen import DEFAULT_MONITOR, monitor_source

    assert monitor_source("auto", None) == (DEFAULT_MONITOR, "")
    assert monitor_source("auto", "pulse") == (DEFAULT_MONITOR, "")
    assert monitor_source("air.monitor", 3) == ("air.monitor", "")
    source, why = monitor_source("auto", "USB Audio CODEC")  # an ALSA card used directly
    assert source is None and "USB Audio CODEC" in why and "watchdog.monitor" in why
    assert monitor_source("off", None)[0] is None


def test_a_mount_is_named_without_its_password() -> None:
    from broadcaster.ops.ears.mount import public_url

    assert public_url("http://nghe:bi-mat@10.0.0.5:8000/khu-1.mp3") == "http://10.0.0.5:8000/khu-1.mp3"
    assert public_url("https://a.example/x.ogg") == "https://a.example/x.ogg"


def _zoned_program(tmp_path: Path, rate: int = 8000) -> Path:
    """A 30 s program whose stretch 10-20 s is for zone ip-khu-1 only (as the renderer
    writes it: the zones in the rundown beside the WAV)."""
    import soundfile as sf

    wav = tmp_path / "program.wav"
    sf.write(str(wav), np.full(30 * rate, 0.1, np.float32), rate)
    wav.with_suffix(".json").write_text(json.dumps({"sample_rate": rate, "rundown": [
        {"kind": "jingle", "label": "open", "offset_ms": 0, "duration_ms": 10000},
        {"kind": "bulletin", "label": "Tin khu 1", "offset_ms": 10000, "duration_ms": 10000,
         "zones": ["ip-khu-1"]},
        {"kind": "jingle", "label": "close", "offset_ms": 20000, "duration_ms": 10000}]}))
    return wav


@pytest.mark.parametrize("zoned", [True, False])
def test_each_mount_is_judged_by_its_own_zones(tmp_path: Path, zoned: bool) -> None:
    """Issue 15.4 with zones: a mount outside the slot's zones, or inside a stretch for other
    zones, is silent by design and raises nothing; the mount that should carry the program and
    goes silent is dead air. (Without the routing's word, ``zoned`` False, the rightly silent
    mount is taken for dead air: the check this pins.)"""
    from broadcaster.route.outputs import FakeOutput, OutputHub
    from broadcaster.route.spans import spans_of
    from broadcaster.route.zones import Zones

    rate = 8000
    clock = FakeClock(START)
    hub = OutputHub([FakeOutput("k1", rate), FakeOutput("k2", rate), FakeOutput("k3", rate)],
                    Zones({"ip-khu-1": ["k1"], "ip-khu-2": ["k2"]}, ["wired", "k1", "k2", "k3"]),
                    "wired", rate=rate)
    ears = [FakeEar(name, "mount") for name in ("k1", "k2", "k3")]
    alerter = Alerter(None, clock, min_interval_s=0)
    on_air = OnAirNow("Buổi sáng", clock.now())
    dog = Watchdog(clock, ears, {e.name: Thresholds() for e in ears},
                   expected=lambda: on_air, alerter=alerter, station="Đài",
                   carrying=(lambda out, now: hub.carrying(out, now.timestamp())) if zoned
                   else None, outputs={e.name: e.name for e in ears})
    for ear in ears:
        ear.start(dog._on_level(ear), dog._on_alive(ear))
    wav = _zoned_program(tmp_path, rate)
    # the slot airs on ip-khu-1 and ip-khu-2 (k3 is left out); 10-20 s is for ip-khu-1 only
    token = hub.begin(wav, clock.now(), "Buổi sáng", ("ip-khu-1", "ip-khu-2"), spans_of(wav))
    heard = {"k1": lambda s: SPEECH,  # carries it all
             "k2": lambda s: SPEECH if s < 10 or s >= 20 else QUIET,  # silent for zone 1's part
             "k3": lambda s: QUIET}  # not in the slot's zones
    for i in range(round(30 / BLOCK)):
        clock.advance(BLOCK)
        for ear in ears:
            db = heard[ear.name](i * BLOCK)
            ear.push(Level(clock.monotonic(), db, db + 10, BLOCK))
        dog.tick()
    alerts = [m for _, kind, m in alerter.recent if kind == "watchdog"]
    if zoned:
        assert alerts == [], alerts
    else:
        assert [a for a in alerts if " k2:" in a] and [a for a in alerts if " k3:" in a], alerts
    hub.end(token)
    # the mount that should carry the program and falls silent is dead air, zones or not
    on_air = OnAirNow("Buổi chiều", clock.now())
    token = hub.begin(wav, clock.now(), "Buổi chiều", ("ip-khu-1",), spans_of(wav))
    for _ in range(round(12 / BLOCK)):
        clock.advance(BLOCK)
        for ear in ears:
            ear.push(Level(clock.monotonic(), QUIET, QUIET, BLOCK))  # the player went silent
        dog.tick()
    hub.end(token)
    assert ("k1", WatchCheck.DEAD_AIR) in {(s.ear, s.check) for s in dog.failing()}


def test_a_mount_ear_knows_the_station_output_it_listens_to(station: Station) -> None:
    """A watched mount that one of the station's outputs feeds is judged by that output's
    zones (matched by host, port and mount, credentials aside); another (a relay server's)
    by the whole playout; the monitor hears the sound card."""
    from broadcaster.ops.ears.watchdog import make_watchdog

    clock = FakeClock(START)
    settings = station.settings.watchdog.model_copy(update={"monitor": "off"})
    dog = make_watchdog(settings, clock, alerter=Alerter(None, clock, min_interval_s=0), station="Đài",
                        mark=None, state_file=None, expected=lambda: OnAirNow(None, None),
                        sound_card=False, card="wired",
                        mounts=["http://127.0.0.1:8000/k1.mp3", "http://relay.example/x.mp3"],
                        streams={"k1": "http://source:hackme@127.0.0.1:8000/k1.mp3/",
                                 "k2": "http://127.0.0.1:8000/k2.mp3"})
    assert dog.outputs == {"http://127.0.0.1:8000/k1.mp3": "k1"}
