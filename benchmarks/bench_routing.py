#!/usr/bin/env python3
"""Routing benchmarks (issue 15.1 and 15.5), against a real icecast2 on loopback.

1. CPU per encoded stream: the encoder alone on 60 s of speech-like audio (64 kbit/s mono MP3
   and Opus), then N Icecast outputs streaming in real time for --seconds: the process's CPU
   share above its idle share, per stream (target: under 5 % of one core).
2. Reconnect time: icecast2 killed and started again --restarts times; seconds from the
   restart until the output streams again (median, max).
3. Slot start accuracy on the sound card (a PulseAudio null sink, measured on its monitor as
   bench_playout.py does) without streams, then with two Icecast outputs streaming the same
   programs to two listeners: the figures should not change.

Usage: python benchmarks/bench_routing.py [--seconds 20] [--restarts 5] [--slots 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_playout import MonitorReader  # noqa: E402
from icecast import IcecastServer, Listener  # noqa: E402
from soundserver import start_pulse, stop_pulse  # noqa: E402

from broadcaster.air.player import Player, SoundCardPlayer  # noqa: E402
from broadcaster.clock import SystemClock  # noqa: E402
from broadcaster.config import IcecastTarget  # noqa: E402
from broadcaster.route.encoder import StreamEncoder  # noqa: E402
from broadcaster.route.icecast import IcecastOutput  # noqa: E402
from broadcaster.route.outputs import OutputHub  # noqa: E402
from broadcaster.route.player import Route, RoutedPlayer  # noqa: E402
from broadcaster.route.zones import Zones  # noqa: E402

RATE = 48000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CLOCK = SystemClock(TZ)


def _speechlike(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * RATE)) / RATE
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)  # syllable-rate envelope
    return (0.2 * env * (np.sin(2 * np.pi * 180 * t) + 0.3 * rng.standard_normal(len(t)))
            ).astype(np.float32)


def _outputs(server: IcecastServer, n: int) -> list[IcecastOutput]:
    return [IcecastOutput(IcecastTarget(name=f"k{i}", url=server.url(f"k{i}.mp3"),
                                        password=server.source_password),
                          rate=RATE, idle_title="bench", timeout_s=2.0, backoff_max_s=2.0,
                          now=CLOCK.now) for i in range(n)]


def _wait_connected(outs: list[IcecastOutput], timeout: float = 10.0) -> float:
    t0 = time.monotonic()
    while not all(o.connected() for o in outs):
        if time.monotonic() - t0 > timeout:
            raise RuntimeError([o.last_error() for o in outs])
        time.sleep(0.01)
    return time.monotonic() - t0


def encoder_cpu() -> None:
    audio = _speechlike(60)
    for codec in ("mp3", "opus"):
        enc = StreamEncoder(codec, RATE, 64)  # type: ignore[arg-type]
        t0 = time.process_time()
        size = 0
        for i in range(0, len(audio), RATE // 10):
            size += len(enc.encode(audio[i:i + RATE // 10]))
        cpu = time.process_time() - t0
        enc.close()
        print(f"  encoder alone, {codec} 64 kbit/s mono: {cpu / 60 * 100:.2f} % of one core"
              f" ({size * 8 / 60 / 1000:.0f} kbit/s out)")


def stream_cpu(server: IcecastServer, n: int, seconds: float, wav: Path) -> None:
    t0, c0 = time.monotonic(), time.process_time()
    time.sleep(seconds / 4)
    idle = (time.process_time() - c0) / (time.monotonic() - t0)
    outs = _outputs(server, n)
    hub = OutputHub(outs, Zones({}, ["wired", *(o.name for o in outs)]), "wired")
    hub.start()
    _wait_connected(outs)
    token = hub.begin(wav, CLOCK.now(), "bench", None)  # a program airing all along
    t0, c0 = time.monotonic(), time.process_time()
    time.sleep(seconds)
    busy = (time.process_time() - c0) / (time.monotonic() - t0)
    hub.end(token)
    hub.stop()
    per = (busy - idle) / n * 100
    print(f"  {n} stream(s) for {seconds:.0f} s: {busy * 100:.2f} % of one core in all"
          f" (idle {idle * 100:.2f} %), {per:.2f} % per stream"
          f" [{'OK' if per < 5 else 'OVER'} target 5 %]")


def reconnect(server: IcecastServer, restarts: int) -> None:
    (out,) = _outputs(server, 1)
    hub = OutputHub([out], Zones({}, ["wired", "k0"]), "wired")
    hub.start()
    _wait_connected([out])
    times = []
    for _ in range(restarts):
        time.sleep(2.0)
        server.stop()
        while out.connected():
            time.sleep(0.01)
        time.sleep(1.0)  # the server is away for a second
        server.start()
        times.append(_wait_connected([out], 30))
    hub.stop()
    print(f"  reconnect after an icecast2 restart ({restarts}x, server away ~1 s): median"
          f" {statistics.median(times):.2f} s, max {max(times):.2f} s (from the restart;"
          f" requirement: back within 5 s)")


def _start_errors(player: Player, program: Path, n: int, reader: MonitorReader
                  ) -> list[float]:
    scheduled = []
    for _ in range(n):
        start = (CLOCK.now() + dt.timedelta(seconds=2.5)).replace(microsecond=0)
        start += dt.timedelta(seconds=1)
        result = player.play(program, start)
        if result.started is not None:
            scheduled.append(start.timestamp())
    time.sleep(0.5)
    heard = reader.samples()
    errors = []
    for when in scheduled:
        idx = int((when - reader.t0) * RATE)
        lo = max(0, idx - RATE // 2)
        loud = np.flatnonzero(np.abs(heard[lo: idx + RATE]) > 0.05)
        if len(loud):
            errors.append((reader.t0 + (lo + loud[0]) / RATE - when) * 1000)
    return errors


def _report(label: str, errors: list[float]) -> None:
    if not errors:
        print(f"  {label}: no measurements")
        return
    a = sorted(abs(e) for e in errors)
    p95 = a[min(len(a) - 1, int(round(0.95 * (len(a) - 1))))]
    print(f"  {label}: {len(a)} slots, |error| median {statistics.median(a):.2f} ms,"
          f" p95 {p95:.2f} ms, max {max(a):.2f} ms")


def start_accuracy(server: IcecastServer, slots: int, base: Path) -> None:
    proc, pulse = start_pulse(base / "pa")
    os.environ["PULSE_SERVER"] = pulse.server
    try:
        program = base / "burst.wav"
        t = np.arange(int(0.3 * RATE)) / RATE
        sf.write(str(program), (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), RATE)
        card = SoundCardPlayer(CLOCK, device=None, sample_rate=RATE, lead_s=2.0)
        reader = MonitorReader(pulse.env())
        time.sleep(1.0)
        _report("sound card alone", _start_errors(card, program, slots, reader))
        reader.stop()
        outs = _outputs(server, 2)
        hub = OutputHub(outs, Zones({}, ["wired", "k0", "k1"]), "wired")
        hub.start()
        _wait_connected(outs)
        ears = [Listener(server.url(f"k{i}.mp3")).start() for i in range(2)]
        routed = RoutedPlayer(card, hub, lambda name: Route((), "bench"), CLOCK)
        reader = MonitorReader(pulse.env())
        time.sleep(1.0)
        _report("sound card + 2 Icecast streams", _start_errors(routed, program, slots, reader))
        reader.stop()
        for ear in ears:
            ear.stop()
        hub.stop()
    finally:
        stop_pulse(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--restarts", type=int, default=5)
    ap.add_argument("--slots", type=int, default=8)
    args = ap.parse_args()
    if shutil.which("icecast2") is None:
        print("icecast2 not installed: scripts/setup.sh bench installs it")
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        server = IcecastServer(base / "icecast")
        server.start()
        try:
            wav = base / "speech.wav"
            sf.write(str(wav), _speechlike(args.seconds + 30), RATE)
            print("CPU per encoded stream (64 kbit/s mono MP3):")
            encoder_cpu()
            for n in (1, 4):
                stream_cpu(server, n, args.seconds, wav)
            print("Reconnect:")
            reconnect(server, args.restarts)
            print("Slot start accuracy on the sound card (null sink monitor; load average"
                  f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: outliers are the load):")
            start_accuracy(server, args.slots, base)
        finally:
            server.close()


if __name__ == "__main__":
    main()
