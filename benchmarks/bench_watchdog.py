#!/usr/bin/env python3
"""Watchdog benchmarks (issue 15.4).

1. Analysis speed: levels and verdicts for N minutes of 100 ms blocks at 16 kHz (FakeClock),
   as times real time.
2. Listening cost: the monitor ear (``parec`` child + level thread) on a PulseAudio null sink
   while a tone plays, for --seconds: CPU share of one core (child + this process), levels
   per second reaching the status.
3. Dead-air detection on the real path: a tone played by the sound-card player then silence
   while the "program" is still on air: seconds from the silence to the verdict.

Usage: python benchmarks/bench_watchdog.py [--minutes 10] [--seconds 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from soundserver import start_pulse, stop_pulse  # noqa: E402

from broadcaster.air.player import SoundCardPlayer  # noqa: E402
from broadcaster.clock import FakeClock, SystemClock  # noqa: E402
from broadcaster.models import WatchCheck  # noqa: E402
from broadcaster.ops.alerts import Alerter  # noqa: E402
from broadcaster.ops.ears.judge import Thresholds  # noqa: E402
from broadcaster.ops.ears.listen import FakeEar, MonitorEar, level_of  # noqa: E402
from broadcaster.ops.ears.watchdog import OnAirNow, Watchdog  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RATE = 16000
BLOCK = RATE // 10


def analysis_speed(minutes: float) -> None:
    clock = FakeClock(dt.datetime(2026, 12, 1, 6, tzinfo=TZ))
    ear = FakeEar()
    dog = Watchdog(clock, [ear], {"monitor": Thresholds()},
                   expected=lambda: OnAirNow("x", clock.now()), alerter=Alerter(
                       None, clock, min_interval_s=0), station="bench")
    ear.start(dog._on_level(ear), dog._on_alive(ear))
    rng = np.random.default_rng(1)
    audio = (0.1 * rng.standard_normal(int(minutes * 60 * RATE))).astype(np.float32)
    began = time.perf_counter()
    for i in range(0, len(audio) - BLOCK + 1, BLOCK):
        clock.advance(0.1)
        ear.push(level_of(audio[i:i + BLOCK], clock.monotonic(), RATE))
        dog.tick()
    took = time.perf_counter() - began
    print(f"analysis: {minutes:g} min of blocks in {took:.2f} s = {minutes * 60 / took:.0f}x "
          "real time (levels + verdicts + one tick per block)")


def _cpu_s(pid: int | None = None) -> float:
    fields = Path(f"/proc/{pid or os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tone(path: Path, seconds: float, then_silence: float = 0.0) -> Path:
    t = np.arange(int(seconds * 48000)) / 48000
    x = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    sf.write(str(path), np.concatenate([x, np.zeros(int(then_silence * 48000), np.float32)]),
             48000)
    return path


def listening_cost(seconds: float, tmp: Path) -> None:
    clock = SystemClock(TZ)
    ear = MonitorEar(clock, "air.monitor", rate=RATE, block_ms=100)
    heard: list[float] = []
    player = SoundCardPlayer(clock, device=None, sample_rate=48000, lead_s=1.0)
    wav = _tone(tmp / "tone.wav", seconds + 3)
    th = threading.Thread(target=lambda: player.play(wav, clock.now() + dt.timedelta(seconds=1)),
                          daemon=True)
    th.start()
    time.sleep(1.5)
    ear.start(lambda level: heard.append(level.at), lambda _at: None)
    time.sleep(1.0)
    proc = ear._proc
    child0 = _cpu_s(proc.pid) if proc else 0.0
    self0, n0, t0 = _cpu_s(), len(heard), time.monotonic()
    time.sleep(seconds)
    child = (_cpu_s(proc.pid) if proc else 0.0) - child0
    own, n, span = _cpu_s() - self0, len(heard) - n0, time.monotonic() - t0
    ear.stop()
    th.join(10)
    print(f"listening: parec {100 * child / span:.1f} % + levels {100 * own / span:.1f} % of "
          f"one core over {span:.0f} s; {n / span:.1f} levels/s")


def dead_air_detection(tmp: Path) -> None:
    clock = SystemClock(TZ)
    ear = MonitorEar(clock, "air.monitor", rate=RATE)
    on_air = OnAirNow("bench", clock.now())
    dog = Watchdog(clock, [ear], {"monitor": Thresholds(lag_s=0.5)}, expected=lambda: on_air,
                   alerter=Alerter(None, clock, min_interval_s=0), station="bench")
    player = SoundCardPlayer(clock, device=None, sample_rate=48000, lead_s=1.0)
    wav = _tone(tmp / "tone-then-silence.wav", 4.0, then_silence=14.0)
    start = clock.now() + dt.timedelta(seconds=1.5)
    on_air = OnAirNow("bench", start)
    dog.start()
    started: list[dt.datetime] = []
    th = threading.Thread(target=lambda: player.play(wav, start, on_started=started.append),
                          daemon=True)
    th.start()
    found = None
    while th.is_alive() and found is None:
        if any(s.check == WatchCheck.DEAD_AIR for s in dog.failing()):
            found = clock.now()
        time.sleep(0.02)
    th.join(20)
    dog.stop()
    silent_at = started[0] + dt.timedelta(seconds=4.0) if started else start
    took = (found - silent_at).total_seconds() if found else float("nan")
    print(f"dead air: verdict {took:.2f} s after the silence reached the sink "
          f"(dead_air_seconds 8, window 1 s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    analysis_speed(args.minutes)
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        proc, server = start_pulse(tmp / "pa")
        os.environ["PULSE_SERVER"] = server.server
        try:
            listening_cost(args.seconds, tmp)
            dead_air_detection(tmp)
        finally:
            stop_pulse(proc)


if __name__ == "__main__":
    main()
