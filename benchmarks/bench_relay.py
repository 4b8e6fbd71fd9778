#!/usr/bin/env python3
"""Relay benchmarks (issue 15 point 5): a local upstream 'radio' (tests/relayserver.py, an MP3
sent at real-time pace) relayed through the sound card's stream mode onto a private PulseAudio
null sink, whose monitor is recorded with a low-latency ``parec``.

1. Source-to-output delay: recorded windows located in the upstream's signal by
   cross-correlation; delay = when a window was heard - when the upstream sent that audio.
   Median and max over windows spread through the run.
2. Time to fallback: the upstream taken down (--drops times); time from the drop until the
   fallback tone is heard; and time from the upstream's return until the stream is heard again.

Usage: python benchmarks/bench_relay.py [--drops 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from relayserver import RATE, UpstreamServer, band_noise, delay_of  # noqa: E402
from soundserver import start_pulse, stop_pulse  # noqa: E402

from broadcaster.air.player import SoundCardPlayer  # noqa: E402
from broadcaster.air.relay import Leveller, RelaySource, RelayTuning  # noqa: E402
from broadcaster.air.stream import SoundCardStreamer, StreamJob  # noqa: E402
from broadcaster.clock import SystemClock  # noqa: E402

TONE_HZ = 500
STREAM_S = 12.0  # on air before each drop
DOWN_S = 7.0


def _kind(x: np.ndarray) -> str:
    spec = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    if np.sqrt(np.mean(x * x)) < 0.005:
        return "quiet"
    if spec[(freqs > TONE_HZ - 30) & (freqs < TONE_HZ + 30)].sum() > 0.5 * spec.sum():
        return "fallback"
    return "stream" if spec[(freqs > 2000) & (freqs < 6000)].sum() > 0.5 * spec.sum() else "?"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drops", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-relay-"))
    proc, pulse = start_pulse(tmp)
    os.environ["PULSE_SERVER"] = pulse.server
    server = UpstreamServer(band_noise(40)).start()
    tone = (0.2 * np.sin(2 * np.pi * TONE_HZ * np.arange(RATE * 3) / RATE)).astype(np.float32)
    clock = SystemClock(ZoneInfo("Asia/Ho_Chi_Minh"))
    source = RelaySource(server.url, tone, RATE, leveller=Leveller(RATE, -16.0, -1.0),
                         clock=clock, tuning=RelayTuning())
    total = 2 + args.drops * (STREAM_S + DOWN_S) + STREAM_S
    rec_path = tmp / "monitor.raw"
    recorder = pulse.record(rec_path)
    time.sleep(1.0)
    try:
        source.start()
        start = clock.now() + dt.timedelta(seconds=3)
        streamer = SoundCardStreamer(SoundCardPlayer(clock, device=None, sample_rate=RATE,
                                                     lead_s=2.0))
        th = threading.Thread(target=streamer.stream, args=(
            StreamJob(source, start, total),), daemon=True)
        th.start()
        t0 = start.timestamp()
        drops: list[tuple[float, float]] = []
        for i in range(args.drops):
            at = t0 + 2 + i * (STREAM_S + DOWN_S) + STREAM_S
            time.sleep(max(0.0, at - time.time()))
            server.down()
            down = time.time()
            time.sleep(DOWN_S)
            server.up()
            drops.append((down, time.time()))
        th.join(total + 30)
        time.sleep(0.5)
    finally:
        source.stop()
        rec_end = time.time()
        recorder.terminate()
        recorder.wait(5)
        server.stop()
        stop_pulse(proc)
    heard = np.frombuffer(rec_path.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    w0 = rec_end - len(heard) / RATE
    _report(heard, w0, t0, drops, server)
    return 0


def _report(heard: np.ndarray, w0: float, t0: float, drops: list[tuple[float, float]],
            server: UpstreamServer) -> None:
    lags = []
    spans = [(t0 + 1, t0 + 1 + STREAM_S)] + [(up + 4, up + STREAM_S - 1) for _, up in drops]
    for a, b in spans:
        for w in np.arange(a, b - 1, 1.5):
            i = int((w - w0) * RATE)
            win = heard[i:i + RATE // 2]
            if len(win) == RATE // 2 and _kind(win) == "stream":
                lag, score = delay_of(win, w, server)
                if score > 0.6:
                    lags.append(lag)
    step = RATE // 10
    kinds = [(w0 + i / RATE, _kind(heard[i:i + step])) for i in range(0, len(heard) - step, step)]
    if lags:
        print(f"relay source-to-output delay: median {statistics.median(lags):.2f} s,"
              f" max {max(lags):.2f} s ({len(lags)} windows; target < 3 s)")
    else:
        print("relay source-to-output delay: no stream window found")
    for down, up in drops:
        fell = next((w for w, k in kinds if k == "fallback" and w >= down), None)
        back = next((w for w, k in kinds if k == "stream" and fell and w >= max(up, fell)), None)
        fell_s = f"{fell - down:.2f} s" if fell else "never"
        back_s = f"{back - up:.2f} s" if back else "never"
        print(f"drop: fallback heard {fell_s} after the upstream went down (target <= 5 s);"
              f" stream back {back_s} after it returned")


if __name__ == "__main__":
    sys.exit(main())
