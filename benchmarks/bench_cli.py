"""CLI figures: medians of N runs, next to the bare interpreter (``python -c pass``) measured in
the same run: ``--version``, ``status`` against a running station, ``text`` on the sample plan,
and ``emergency --text``, timed from the operator's Enter to the alert tone's onset on a real
sound server (a private PulseAudio null sink whose monitor ``parec`` records).

    python benchmarks/bench_cli.py [--runs 10] [--no-emergency] [--no-bytecode]

The commands run as an installed package does, with cached bytecode (pip compiles it at install
time); ``--no-bytecode`` keeps ``PYTHONDONTWRITEBYTECODE`` if the environment sets it, so every
run compiles the package's modules again. Only subprocesses run the package, so the figures are those of the interpreter running this
script (``/other/checkout/.venv/bin/python benchmarks/bench_cli.py`` measures that checkout).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "ke-hoach-tuyen-truyen-nq57.txt"
RATE = 48000
TONE_LEVEL = 3000  # s16 sample magnitude: the alert tone peaks at -3 dBFS (~23000)

sys.path.insert(0, str(REPO / "tests"))
from soundserver import PulseServer, start_pulse, stop_pulse  # noqa: E402
from stationfile import amend  # noqa: E402


def _broadcaster() -> list[str]:
    script = Path(sys.executable).with_name("broadcaster")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "broadcaster"]


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


@dataclass
class Timing:
    wall: float  # seconds from start to exit
    cpu: float  # user + system seconds of the process: what it costs on an idle machine


def _timed(argv: Sequence[str], env: dict[str, str] | None = None) -> Timing:
    c0, t0 = _cpu(), time.perf_counter()
    out = subprocess.run(list(argv), capture_output=True, env=env, timeout=120)
    took, cpu = time.perf_counter() - t0, _cpu() - c0
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {out.returncode}: {out.stderr.decode()}")
    return Timing(took, cpu)


def _median(argv: Sequence[str], runs: int, env: dict[str, str] | None = None) -> Timing:
    _timed(argv, env)  # warm the file cache and write the bytecode
    got = [_timed(argv, env) for _ in range(runs)]
    return Timing(statistics.median(g.wall for g in got), statistics.median(g.cpu for g in got))


def _make_station(root: Path) -> Path:
    subprocess.run([*_broadcaster(), "init", str(root)], check=True, capture_output=True)
    amend(root / "station.yaml", "\n# bench: offline speech\nspeech:\n  engines: [espeak]\n")
    return root


@contextlib.contextmanager
def _running_station(root: Path, env: dict[str, str]) -> Iterator[None]:
    """``broadcaster run`` in ``root`` until the control channel answers; stopped on exit."""
    log = (root / "run.log").open("wb")
    proc = subprocess.Popen([*_broadcaster(), "--station", str(root), "run"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    status = [*_broadcaster(), "--station", str(root), "status"]
    try:
        deadline = time.monotonic() + 90
        while subprocess.run(status, env=env, capture_output=True).returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"station did not start: {(root / 'run.log').read_text()}")
            time.sleep(0.2)
        yield
    finally:
        subprocess.run([*_broadcaster(), "--station", str(root), "stop"], env=env,
                       capture_output=True)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class Monitor:
    """Reads the null sink's monitor live and timestamps each chunk as it arrives."""

    def __init__(self, pulse: PulseServer) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", "air.monitor", f"--rate={RATE}", "--channels=1", "--format=s16le",
             "--latency-msec=5", "--raw"], stdout=subprocess.PIPE, env=pulse.env())
        self._lock = threading.Lock()
        self._onset: float | None = None
        self._armed_at = float("inf")
        self._last_loud = 0.0
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        import numpy as np

        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(960):  # type: ignore[attr-defined]
            now = time.perf_counter()
            samples = np.abs(np.frombuffer(chunk[: len(chunk) // 2 * 2], np.int16).astype(np.int32))
            loud = np.flatnonzero(samples > TONE_LEVEL)
            if not loud.size:
                continue
            with self._lock:
                self._last_loud = now
                if self._onset is None and now >= self._armed_at:
                    self._onset = now - (len(samples) - int(loud[0])) / RATE

    def arm(self) -> None:
        """Forget the last onset; the next loud sample after now is the one measured."""
        with self._lock:
            self._onset, self._armed_at = None, time.perf_counter()

    def onset(self, timeout: float) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                if self._onset is not None:
                    return self._onset
            time.sleep(0.005)
        return None

    def wait_silence(self, quiet_s: float = 1.0, timeout: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                if time.perf_counter() - self._last_loud >= quiet_s:
                    return
            time.sleep(0.05)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


@dataclass
class EmergencyRun:
    enter: float  # epoch seconds of the operator's Enter
    cli_s: float  # Enter -> the command returned (the station has prepared the message)
    tone_s: float  # Enter -> the alert tone's first sample on the sink
    logged_s: float | None = None  # Enter -> playout began the airing (as-run "scheduled")
    started_s: float | None = None  # Enter -> first sample, as the player reported it


def _asrun_times(root: Path, runs: list[EmergencyRun]) -> None:
    """Fill in when the station logged each emergency and when its player said it started."""
    import datetime as dt
    import sqlite3

    db = sqlite3.connect(f"file:{root / 'var' / 'db' / 'asrun.sqlite3'}?mode=ro", uri=True)
    rows = db.execute("SELECT scheduled, started FROM airings WHERE slot_id = 'emergency'"
                      " ORDER BY scheduled").fetchall()
    db.close()
    for run, (scheduled, started) in zip(runs, rows[-len(runs):], strict=True):
        run.logged_s = dt.datetime.fromisoformat(scheduled).timestamp() - run.enter
        if started:
            run.started_s = dt.datetime.fromisoformat(started).timestamp() - run.enter


def emergency(root: Path, runs: int) -> list[EmergencyRun]:
    """Enter -> alert tone on a private PulseAudio null sink, ``runs`` new messages."""
    proc, pulse = start_pulse(root.parent / "pa")
    env = pulse.env()
    out: list[EmergencyRun] = []
    try:
        with _running_station(root, env):
            monitor = Monitor(pulse)
            try:
                for i in range(runs + 1):  # the first one warms the file cache
                    monitor.wait_silence()
                    text = f"Thông báo khẩn số {i + 1}: kiểm tra hệ thống truyền thanh phường."
                    argv = [*_broadcaster(), "--station", str(root), "emergency", "--text", text,
                            "--repeat", "1"]
                    monitor.arm()
                    enter, t0 = time.time(), time.perf_counter()
                    done = subprocess.run(argv, env=env, capture_output=True, timeout=60)
                    cli = time.perf_counter() - t0
                    if done.returncode != 0:
                        raise RuntimeError(f"emergency exited {done.returncode}: {done.stderr!r}")
                    onset = monitor.onset(timeout=30)
                    if onset is None:
                        raise RuntimeError("no alert tone on the sink within 30 s")
                    if i:
                        out.append(EmergencyRun(enter, cli, onset - t0))
            finally:
                monitor.close()
    finally:
        stop_pulse(proc)
    _asrun_times(root, out)
    return out


def _row(name: str, took: Timing, bare: Timing, target: float | None) -> str:
    verdict = "" if target is None else ("ok" if took.wall - bare.wall <= target else "OVER")
    limit = f"+{target:.2f} s" if target is not None else ""
    return (f"{name:<28} {took.wall:7.3f} s  +{took.wall - bare.wall:6.3f} s  {limit:>8} {verdict:<4}"
            f"  {took.cpu:6.3f} s  +{took.cpu - bare.cpu:6.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-emergency", action="store_true",
                        help="Skip the sound-server measurement.")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="Keep PYTHONDONTWRITEBYTECODE from the environment.")
    args = parser.parse_args()
    if not args.no_bytecode:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for every subprocess below
    bc = _broadcaster()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores (wall times grow with it, cpu times"
          " do not)")
    no_device = {**os.environ, "PULSE_SERVER": "unix:/nonexistent"}
    print(f"{'median of ' + str(args.runs):<28} {'wall':>9}  {'vs bare':>9}  {'target':>8}     "
          f" {'cpu':>8}  {'vs bare':>9}")
    bare = _median([sys.executable, "-c", "pass"], args.runs)
    print(_row("python -c pass", bare, bare, None))
    print(_row("broadcaster --version", _median([*bc, "--version"], args.runs), bare, 0.25))
    with tempfile.TemporaryDirectory() as tmp:
        root = _make_station(Path(tmp) / "station")
        text = [*bc, "--station", str(root), "text", str(SAMPLE)]
        print(_row("broadcaster text (sample)", _median(text, args.runs), bare, 0.5))
        with _running_station(root, no_device):
            status = [*bc, "--station", str(root), "status"]
            print(_row("broadcaster status", _median(status, args.runs, no_device), bare, 0.5))
    if args.no_emergency or shutil.which("pulseaudio") is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        runs = emergency(_make_station(Path(tmp) / "station"), args.runs)
    tone = statistics.median(r.tone_s for r in runs)
    cli = statistics.median(r.cli_s for r in runs)
    print(f"{'emergency: Enter -> reply':<28} {cli:7.3f} s  (the station has prepared the message)")
    for label, attr in (("Enter -> airing begins", "logged_s"),
                        ("Enter -> 1st sample played", "started_s")):
        got = [getattr(r, attr) for r in runs if getattr(r, attr) is not None]
        if got:
            print(f"{'  ' + label:<28} {statistics.median(got):7.3f} s  (from the as-run log)")
    print(f"{'emergency: Enter -> tone':<28} {tone:7.3f} s  {'':>9}  {'1.00 s':>8} "
          f"{'ok' if tone <= 1.0 else 'OVER'}  (all: {', '.join(f'{r.tone_s:.2f}' for r in runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
