#!/usr/bin/env python3
"""Playout benchmarks (issue 6).

1. Start-time error: N slots aired through a real PulseAudio null sink by the station's
   sound-card player; a low-latency ``parec`` reader on the sink's monitor timestamps what
   reached the sink, and the first sample of each program is located in that recording.
   Prints median, p95 and max of (first sample heard - scheduled time).
2. Emergency: while a program airs, the operator's emergency request; how long until the
   program has faded out and until the alert tone's first sample reaches the sink.
3. Idle run: ``broadcaster run`` on a station with nothing due, for --idle seconds: CPU share
   and peak memory of the station process.

Usage: python benchmarks/bench_playout.py [--slots 20] [--idle 600]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
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
from stationfile import amend  # noqa: E402

from broadcaster.air.player import SoundCardPlayer  # noqa: E402
from broadcaster.clock import SystemClock  # noqa: E402

RATE = 48000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class MonitorReader:
    """parec on air.monitor at 1 ms latency; keeps (arrival time, samples so far) pairs.

    The wall time of sample 0 is estimated as min(arrival - n/rate) over all chunks: the
    chunk that arrived with the least delay bounds the clock mapping (to ~1 ms)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", "air.monitor", "--rate=48000", "--channels=1", "--format=s16le",
             "--latency-msec=1", "--raw"], stdout=subprocess.PIPE, env=env, bufsize=0)
        self.chunks: list[bytes] = []
        self.n = 0
        self.t0 = float("inf")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            now = time.time()
            if not data:
                return
            self.chunks.append(data)
            self.n += len(data) // 2
            self.t0 = min(self.t0, now - self.n / RATE)

    def samples(self) -> np.ndarray:
        raw = b"".join(self.chunks)
        return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


def start_time_error(n_slots: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        proc, server = start_pulse(base / "pa")
        env = server.env()
        os.environ["PULSE_SERVER"] = server.server
        try:
            program = base / "burst.wav"
            t = np.arange(int(0.3 * RATE)) / RATE
            sf.write(str(program), (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), RATE)
            reader = MonitorReader(env)
            time.sleep(1.0)
            player = SoundCardPlayer(SystemClock(TZ), device=None, sample_rate=RATE, lead_s=2.0)
            scheduled: list[float] = []
            claimed: list[float] = []
            for i in range(n_slots):
                start = (dt.datetime.now(TZ) + dt.timedelta(seconds=2.5)).replace(microsecond=0)
                start += dt.timedelta(seconds=1)
                result = player.play(program, start)
                if result.outcome != "aired" or result.started is None:
                    print(f"slot {i}: {result.outcome} {result.reason}")
                    continue
                scheduled.append(start.timestamp())
                claimed.append((result.started - start).total_seconds() * 1000)
            time.sleep(0.5)
            reader.stop()
            heard = reader.samples()
            errors = []
            for when in scheduled:
                idx = int((when - reader.t0) * RATE)
                lo = max(0, idx - RATE // 2)
                window = np.abs(heard[lo: idx + RATE])
                loud = np.flatnonzero(window > 0.05)
                if not len(loud):
                    print("a burst was not found in the recording")
                    continue
                onset = reader.t0 + (lo + loud[0]) / RATE
                errors.append((onset - when) * 1000)
        finally:
            stop_pulse(proc)
    if not errors:
        print("no measurements")
        return
    abs_err = sorted(abs(e) for e in errors)
    p95 = abs_err[min(len(abs_err) - 1, int(round(0.95 * (len(abs_err) - 1))))]
    print(f"start-time error over {len(errors)} slots (first sample on the sink's monitor - "
          "scheduled time):")
    print(f"  signed: median {statistics.median(errors):+.2f} ms, min {min(errors):+.2f} ms,"
          f" max {max(errors):+.2f} ms")
    print(f"  |error|: median {statistics.median(abs_err):.2f} ms, p95 {p95:.2f} ms,"
          f" max {max(abs_err):.2f} ms")
    print(f"  player's own estimate (DAC time): median {statistics.median(claimed):+.2f} ms")


def _band(x: np.ndarray, freq: float, win: int) -> np.ndarray:
    """Energy near ``freq`` in consecutive windows of ``win`` samples (Goertzel-like)."""
    n = len(x) // win
    frames = x[: n * win].reshape(n, win)
    t = np.arange(win) / RATE
    c, s = np.cos(2 * np.pi * freq * t), np.sin(2 * np.pi * freq * t)
    return np.hypot(frames @ c, frames @ s) / win


def emergency_latency(runs: int) -> None:
    """Operator's emergency request -> old program gone -> first sample of the alert tone."""
    from broadcaster.air.control import call
    from broadcaster.air.schedule import Slot
    from broadcaster.config import load_station
    from broadcaster.station import StationService

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        proc, server = start_pulse(base / "pa")
        os.environ["PULSE_SERVER"] = server.server
        root = base / "station"
        subprocess.run([sys.executable, "-m", "broadcaster", "init", str(root)], check=True,
                       capture_output=True)
        amend(root / "station.yaml", "\nspeech:\n  engines: [espeak]\npolicy:\n  quiet_hours: []\n")
        t = np.arange(RATE * 120) / RATE
        sf.write(str(root / "audio" / "hum.wav"),
                 (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE)
        reader = MonitorReader(server.env())
        service = StationService(load_station(root), notify=lambda m: None)
        service.start()
        requests: list[float] = []
        try:
            for i in range(runs):
                when = (dt.datetime.now(TZ) + dt.timedelta(seconds=5)).replace(microsecond=0)
                slot = Slot.model_validate({"id": f"hum{i}", "at": f"{when:%H:%M:%S}",
                                            "program": [{"audio": "audio/hum.wav"}]})
                service.add_one_off(slot, when)
                while time.time() < when.timestamp() + 2.0:
                    time.sleep(0.05)
                requests.append(time.time())
                call(service.station.var_dir, "emergency", text="Khẩn cấp.", repeat=1)
                time.sleep(8)
        finally:
            service.stop()
            reader.stop()
            stop_pulse(proc)
        heard = reader.samples()
    win = RATE // 50  # 20 ms: narrow enough bands that the alert does not leak into 440 Hz
    hum, alert = _band(heard, 440, win), _band(heard, 960, win)
    gone, first = [], []
    for req in requests:
        i0 = int((req - reader.t0) * RATE) // win
        after_hum = np.flatnonzero(hum[i0:] < 0.005)
        after_alert = np.flatnonzero(alert[i0:] > 0.02)
        if len(after_hum) and len(after_alert):
            gone.append(after_hum[0] * win / RATE * 1000)
            first.append(after_alert[0] * win / RATE * 1000)
    if not first:
        print("emergency latency: not measured")
        return
    print(f"emergency over {len(first)} runs (request -> ...): program faded out by"
          f" median {statistics.median(gone):.0f} ms (max {max(gone):.0f}); alert tone's first"
          f" sample at median {statistics.median(first):.0f} ms (max {max(first):.0f})")


def idle_run(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "station"
        subprocess.run([sys.executable, "-m", "broadcaster", "init", str(root)], check=True,
                       capture_output=True)
        env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent"}
        proc = subprocess.Popen([sys.executable, "-m", "broadcaster", "--station", str(root),
                                 "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        time.sleep(5)  # start-up (imports, device probe) is not idle time
        clk = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / clk

        c0, w0 = cpu(), time.monotonic()
        time.sleep(seconds)
        c1, w1 = cpu(), time.monotonic()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = next(int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmHWM"))
        proc.terminate()
        proc.wait(30)
    print(f"idle `broadcaster run` for {w1 - w0:.0f} s: CPU {100 * (c1 - c0) / (w1 - w0):.3f} %"
          f" of one core, peak memory (VmHWM) {hwm / 1024:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--idle", type=float, default=600.0, help="idle run seconds (0: skip)")
    parser.add_argument("--emergencies", type=int, default=5)
    args = parser.parse_args()
    start_time_error(args.slots)
    if args.emergencies > 0:
        emergency_latency(args.emergencies)
    if args.idle > 0:
        idle_run(args.idle)


if __name__ == "__main__":
    main()
