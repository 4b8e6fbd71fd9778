"""Sound card adapter: the only module that imports ``sounddevice``; it runs in a child process.

PortAudio can hang for ever (``abort()`` included) when the sound server stops, or report
success when it dies, so the station never plays in its own process: it starts
``python -m broadcaster.air.soundcard play ...``, reads JSON events from its stdout, and kills
it when progress stalls. A fresh process also sees devices that appeared after start-up.

Events (one JSON object per line): ready (with the output rate), started (first-sample epoch
time), progress (frames played), done, stopped (frames played, faded or not), error.

``stream`` mode airs raw float32 mono PCM the parent writes on stdin (a relay, the live input)
through a bounded queue; the parent shapes the audio (fades) and ends it by closing stdin.
``capture`` mode writes an input device's raw float32 mono PCM to stdout (events on stderr).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import soundfile as sf

CHUNK = 4096  # frames per block read from the program file
FADE_S = 0.4  # fade on stop
# Output latency asked of PortAudio. "low" (~9 ms) underruns through the ALSA->PulseAudio
# plugin when the machine is busy; the start time stays exact at any latency, because the
# first sample is positioned from the callback's DAC time, so take a safe margin.
DRAIN_S = 0.25
PAUSE_RMS = 10 ** (-45 / 20)  # a block this quiet is a pause between words or sentences
SOFT_MAX_S = 12.0  # a soft stop that finds no pause by then fades out
LATENCY_S = float(os.environ.get("BROADCASTER_OUTPUT_LATENCY", "0.1"))


def emit(event: str, **data: Any) -> None:
    print(json.dumps({"event": event, **data}), flush=True)


def _import_sd() -> Any:
    import sounddevice as sd  # noqa: PLC0415 - only this process touches PortAudio

    return sd


def list_outputs() -> list[dict[str, Any]]:
    """Output devices PortAudio sees now (empty when there are none or no PortAudio)."""
    sd = _import_sd()
    default_out = sd.default.device[1]
    out = []
    for index, dev in enumerate(sd.query_devices()):
        if dev["max_output_channels"] > 0:
            out.append({
                "index": index,
                "name": dev["name"],
                "hostapi": sd.query_hostapis(dev["hostapi"])["name"],
                "channels": dev["max_output_channels"],
                "default_samplerate": dev["default_samplerate"],
                "default": index == default_out,
            })
    return out


def resolve_device(sd: Any, wanted: str | int | None) -> int:
    """Index of the wanted output device: None = default, int = index, str = part of name."""
    devices = sd.query_devices()
    if wanted is None or wanted == "":
        idx = sd.default.device[1]
        if idx is None or idx < 0:
            outs = [i for i, d in enumerate(devices) if d["max_output_channels"] > 0]
            if not outs:
                raise LookupError("no output device")
            idx = outs[0]
        return int(idx)
    if isinstance(wanted, int) or str(wanted).isdigit():
        idx = int(wanted)
        if 0 <= idx < len(devices) and devices[idx]["max_output_channels"] > 0:
            return idx
        raise LookupError(f"no output device with index {idx}")
    for i, d in enumerate(devices):
        if d["max_output_channels"] > 0 and str(wanted).lower() in d["name"].lower():
            return i
    raise LookupError(f"no output device named like '{wanted}'")


class _BlockQueue:
    """Blocks of output waiting for the audio callback (filled by a reader thread)."""

    blocks: collections.deque[np.ndarray]
    queued: int
    eof: bool
    cond: threading.Condition

    def take(self, n: int) -> np.ndarray:
        """Up to ``n`` frames without blocking (the audio callback must never wait)."""
        parts = []
        got = 0
        with self.cond:
            while got < n and self.blocks:
                block = self.blocks[0]
                need = n - got
                if len(block) <= need:
                    parts.append(self.blocks.popleft())
                    got += len(block)
                else:
                    parts.append(block[:need])
                    self.blocks[0] = block[need:]
                    got += need
            self.queued -= got
            self.cond.notify_all()
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)


class _Feeder(_BlockQueue):
    """Reads the program file in a thread, resamples if the device needs it, queues blocks."""

    def __init__(self, path: str, out_rate: int, volume: float) -> None:
        self.file = sf.SoundFile(path)
        self.in_rate = self.file.samplerate
        self.out_rate = out_rate
        self.volume = volume
        self.blocks: collections.deque[np.ndarray] = collections.deque()
        self.queued = 0
        self.eof = False
        self.cond = threading.Condition()
        self._resampler = None
        if self.in_rate != out_rate:
            import soxr  # noqa: PLC0415

            self._resampler = soxr.ResampleStream(self.in_rate, out_rate, 1, dtype="float32",
                                                  quality="HQ")
        self.total_out = int(round(self.file.frames * out_rate / self.in_rate))
        self.thread = threading.Thread(target=self._run, name="feeder", daemon=True)

    def _run(self) -> None:
        while True:
            data = self.file.read(CHUNK, dtype="float32", always_2d=True)
            last = len(data) < CHUNK
            mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
            if self._resampler is not None:
                mono = self._resampler.resample_chunk(mono, last=last)
            mono = np.ascontiguousarray(mono * self.volume, dtype=np.float32)
            with self.cond:
                while self.queued > self.out_rate * 4:  # keep about 4 s ahead
                    self.cond.wait(0.5)
                if len(mono):
                    self.blocks.append(mono)
                    self.queued += len(mono)
                if last:
                    self.eof = True
                self.cond.notify_all()
            if last:
                return

    def prefill(self, seconds: float = 1.0) -> None:
        self.thread.start()
        with self.cond:
            self.cond.wait_for(lambda: self.eof or self.queued >= self.out_rate * seconds, 10)


STREAM_QUEUE_S = 0.4  # stream mode: at most this much PCM waits in the child (the delay)


class _PipeFeeder(_BlockQueue):
    """Stream mode: reads raw float32 mono PCM at ``in_rate`` from stdin in a thread into a
    bounded queue (a full queue stops reading: the parent's writes block, which paces it)."""

    def __init__(self, in_rate: int, out_rate: int, volume: float) -> None:
        self.in_rate = in_rate
        self.out_rate = out_rate
        self.volume = volume
        self.blocks: collections.deque[np.ndarray] = collections.deque()
        self.queued = 0
        self.received = 0
        self.eof = False
        self.cond = threading.Condition()
        self._resampler = None
        if in_rate != out_rate:
            import soxr  # noqa: PLC0415

            self._resampler = soxr.ResampleStream(in_rate, out_rate, 1, dtype="float32",
                                                  quality="HQ")
        self.thread = threading.Thread(target=self._run, name="pipe-feeder", daemon=True)

    @property
    def total_out(self) -> int:
        return self.received  # what the parent sent: all of it must go out

    def _run(self) -> None:
        src = sys.stdin.buffer
        step = 4 * max(256, self.in_rate // 50)  # 20 ms reads
        while True:
            raw = src.read(step)
            last = not raw
            mono = np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<f4").astype(np.float32)
            if self._resampler is not None:
                mono = self._resampler.resample_chunk(mono, last=last)
            mono = np.ascontiguousarray(mono * self.volume, dtype=np.float32)
            with self.cond:
                while self.queued > self.out_rate * STREAM_QUEUE_S:
                    self.cond.wait(0.5)
                if len(mono):
                    self.blocks.append(mono)
                    self.queued += len(mono)
                    self.received += len(mono)
                if last:
                    self.eof = True
                self.cond.notify_all()
            if last:
                return


@dataclass
class _State:
    """The audio callback's state (one airing): shared with the main loop of the child."""

    fade_left: int
    started: bool = False
    first_st: float = 0.0  # stream time of the first sample
    played: int = 0  # frames handed to the output (a fade included)
    done: bool = False
    underruns: int = 0
    stopping: bool = False  # fading out
    soft_left: int | None = None  # a soft stop: frames left to find a pause in
    tail: int | None = None  # frames of silence still to send before stopping


class _Airing:
    """One airing in this child: the audio callback, the stop requests it obeys and the
    events it reports."""

    def __init__(self, sd: Any, feeder: _Feeder | _PipeFeeder, out_rate: int) -> None:
        self.sd = sd
        self.feeder = feeder
        self.rate = out_rate
        self.state = _State(fade_left=int(FADE_S * out_rate))
        self.finished = threading.Event()
        self.stream: Any = None
        self.target_st = 0.0  # stream time of the first sample
        self.offset = 0.0  # wall time - stream time

    def fade(self, *_: Any) -> None:
        """Hard stop: fade out now (SIGTERM, "fade" on stdin)."""
        self.state.stopping = True

    def soft(self, *_: Any) -> None:
        """Soft stop: end at the next pause in the speech (SIGINT, "soft" on stdin)."""
        if self.state.soft_left is None:
            self.state.soft_left = int(SOFT_MAX_S * self.rate)

    def commands(self) -> None:
        """The station's requests on stdin ("soft", "fade"): the same on Linux and Windows."""
        for line in sys.stdin:
            word = line.strip()
            if word == "fade":
                self.fade()
            elif word == "soft":
                self.soft()

    def callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        outdata.fill(0)
        st = self.state
        if st.done:
            self._drain(frames)
            return
        k = 0
        if not st.started:
            k = self._first_sample(frames, time_info)
            if k < 0:
                return
        data = self._shape(self.feeder.take(frames - k))
        if data is None:
            return
        n = len(data)
        outdata[k:k + n, :] = data[:, None]
        st.played += n
        if n < frames - k:
            if self.feeder.eof and not self.feeder.blocks:
                st.done = True
            else:
                st.underruns += 1

    def _drain(self, frames: int) -> None:
        # PortAudio drops what is still buffered when the callback stops (ALSA), which would
        # cut the last chime's (or the fade's) tail: stop only after silence that covers the
        # output latency has gone out.
        st = self.state
        if st.tail is None:
            st.tail = int((self.stream.latency + DRAIN_S) * self.rate)
        st.tail -= frames
        if st.tail <= 0:
            raise self.sd.CallbackStop

    def _first_sample(self, frames: int, time_info: Any) -> int:
        """Where the first sample falls in this buffer; -1: not in this one (or never)."""
        st = self.state
        if st.stopping or st.soft_left is not None:
            st.done = True  # stopped before its first sample: nothing airs
            return -1
        dac = time_info.outputBufferDacTime or self.stream.time + self.stream.latency
        k = int(round((self.target_st - dac) * self.rate))
        if k >= frames:
            return -1  # the first sample belongs to a later buffer
        k = max(k, 0)
        st.started = True
        st.first_st = dac + k / self.rate
        return k

    def _shape(self, data: np.ndarray) -> np.ndarray | None:
        """A soft stop ends in the first pause (None: nothing more goes out) or fades after
        SOFT_MAX_S; a fade is one continuous ramp across callbacks."""
        st = self.state
        n = len(data)
        if st.soft_left is not None and not st.stopping:
            quiet = n == 0 or float(np.sqrt(np.mean(data * data))) < PAUSE_RMS
            st.soft_left -= n
            if quiet:
                st.done = True
                return None
            if st.soft_left <= 0:
                st.stopping = True
        if st.stopping:
            left = st.fade_left  # gain = frames left / fade length
            ramp = (left - np.arange(n, dtype=np.float32)) / np.float32(FADE_S * self.rate)
            data = data * np.clip(ramp, 0, 1)
            st.fade_left = max(0, left - n)
            if st.fade_left == 0:
                st.done = True
        return data

    def run(self, start_epoch: float) -> int:
        """Start the stream, report until it finishes; the exit code."""
        st, stream = self.state, self.stream
        # Map the stream's own clock to wall time once, bracketing the read to halve the error.
        t0 = time.time()
        now_st = stream.time
        t1 = time.time()
        self.offset = (t0 + t1) / 2 - now_st
        self.target_st = start_epoch - self.offset
        stream.start()
        announced = False
        while not self.finished.wait(0.1):
            if st.started and not announced:
                emit("started", first_sample_epoch=st.first_st + self.offset)
                announced = True
            emit("progress", frames=st.played, underruns=st.underruns,
                 active=bool(stream.active))
            if not stream.active and not self.finished.is_set():
                break
        if st.started and not announced:
            emit("started", first_sample_epoch=st.first_st + self.offset)
        stream.close()
        if st.stopping or st.soft_left is not None:
            # what went out: the frames played, the last FADE_S of them faded on a hard stop
            emit("stopped", frames=st.played, faded=bool(st.stopping))
            return 0
        if st.played < self.feeder.total_out - self.rate * 0.05:
            emit("error", message=f"stream ended early after {st.played} frames",
                 early_frames=st.played)
            return 3
        emit("done", frames=st.played, underruns=st.underruns)
        return 0


def play(path: str, start_epoch: float, device: str | int | None, channels: int,
         volume: float, rate: int | None) -> int:
    sd = _import_sd()
    idx = resolve_device(sd, device)
    info = sd.query_devices(idx)
    out_rate = rate or sf.info(path).samplerate
    try:
        sd.check_output_settings(device=idx, channels=channels, samplerate=out_rate,
                                 dtype="float32")
    except sd.PortAudioError:
        out_rate = int(info["default_samplerate"])  # negotiate: device's own rate
    channels = min(channels, int(info["max_output_channels"]))
    feeder = _Feeder(path, out_rate, volume)
    feeder.prefill()
    airing = _Airing(sd, feeder, out_rate)
    signal.signal(signal.SIGTERM, airing.fade)
    signal.signal(signal.SIGINT, airing.soft)  # Ctrl-C in the station's terminal: finish the word
    threading.Thread(target=airing.commands, name="commands", daemon=True).start()
    airing.stream = sd.OutputStream(device=idx, samplerate=out_rate, channels=channels,
                                    dtype="float32", callback=airing.callback,
                                    finished_callback=airing.finished.set, latency=LATENCY_S)
    emit("ready", device=info["name"], index=idx, rate=out_rate, channels=channels,
         latency=airing.stream.latency, frames=feeder.total_out)
    return airing.run(start_epoch)


def stream(start_epoch: float, device: str | int | None, channels: int, volume: float,
           rate: int) -> int:
    """Air the PCM arriving on stdin from ``start_epoch``; ends when stdin closes."""
    sd = _import_sd()
    idx = resolve_device(sd, device)
    info = sd.query_devices(idx)
    out_rate = rate
    try:
        sd.check_output_settings(device=idx, channels=channels, samplerate=out_rate,
                                 dtype="float32")
    except sd.PortAudioError:
        out_rate = int(info["default_samplerate"])
    channels = min(channels, int(info["max_output_channels"]))
    feeder = _PipeFeeder(rate, out_rate, volume)
    airing = _Airing(sd, feeder, out_rate)
    signal.signal(signal.SIGTERM, airing.fade)
    airing.stream = sd.OutputStream(device=idx, samplerate=out_rate, channels=channels,
                                    dtype="float32", callback=airing.callback,
                                    finished_callback=airing.finished.set, latency=LATENCY_S)
    feeder.thread.start()  # the parent starts sending shortly before the first sample
    emit("ready", device=info["name"], index=idx, rate=out_rate, channels=channels,
         latency=airing.stream.latency, frames=0)
    return airing.run(start_epoch)


def resolve_input(sd: Any, wanted: str | None) -> int:
    """Index of the wanted input device: None/"" = default, digits = index, else part of name."""
    devices = sd.query_devices()
    if not wanted:
        idx = sd.default.device[0]
        if idx is None or idx < 0:
            ins = [i for i, d in enumerate(devices) if d["max_input_channels"] > 0]
            if not ins:
                raise LookupError("no input device")
            idx = ins[0]
        return int(idx)
    if wanted.isdigit() and 0 <= int(wanted) < len(devices):
        return int(wanted)
    for i, d in enumerate(devices):
        if d["max_input_channels"] > 0 and wanted.lower() in d["name"].lower():
            return i
    raise LookupError(f"no input device named like '{wanted}'")


def capture(device: str | None, rate: int) -> int:
    """Write the input's raw float32 mono PCM at ``rate`` to stdout until stdout closes.

    ``pulse:SOURCE`` picks a PulseAudio source (through the ALSA ``pulse`` device). The audio
    callback never writes the pipe itself: it queues (at most 2 s, oldest dropped)."""
    if device and device.startswith("pulse:"):
        os.environ["PULSE_SOURCE"] = device.split(":", 1)[1]
        device = None
    sd = _import_sd()
    idx = resolve_input(sd, device)
    blocks: collections.deque[bytes] = collections.deque(maxlen=100)  # 100 x 20 ms
    cond = threading.Condition()
    done = threading.Event()

    def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        with cond:
            blocks.append(np.ascontiguousarray(indata.mean(axis=1), dtype="<f4").tobytes())
            cond.notify()

    out = sys.stdout.buffer
    with sd.InputStream(device=idx, samplerate=rate, channels=1, dtype="float32",
                        callback=callback, latency=LATENCY_S, blocksize=rate // 50,
                        finished_callback=done.set):
        print(json.dumps({"event": "ready", "device": sd.query_devices(idx)["name"]}),
              file=sys.stderr, flush=True)
        while not done.is_set():
            with cond:
                cond.wait_for(lambda: bool(blocks), 0.5)
                ready = list(blocks)
                blocks.clear()
            try:
                out.write(b"".join(ready))
                out.flush()
            except (OSError, ValueError):
                return 0  # the station closed the pipe: done
    return 0


def _capture_main(device: str | None, rate: int) -> int:
    """Capture with its errors on stderr (stdout carries the PCM)."""
    try:
        return capture(device, rate)
    except Exception as exc:  # noqa: BLE001 - stage boundary: report, the parent decides
        print(json.dumps({"event": "error", "message": f"{type(exc).__name__}: {exc}"}),
              file=sys.stderr, flush=True)
        return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m broadcaster.air.soundcard")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("devices")
    p = sub.add_parser("play")
    p.add_argument("wav")
    p.add_argument("--start", type=float, required=True, help="epoch seconds of the first sample")
    p.add_argument("--device", default=None)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--volume", type=float, default=1.0)
    p.add_argument("--rate", type=int, default=None)
    p = sub.add_parser("stream")
    p.add_argument("--start", type=float, required=True, help="epoch seconds of the first sample")
    p.add_argument("--device", default=None)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--volume", type=float, default=1.0)
    p.add_argument("--rate", type=int, required=True, help="rate of the PCM on stdin")
    p = sub.add_parser("capture")
    p.add_argument("--device", default=None)
    p.add_argument("--rate", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        if args.cmd == "devices":
            emit("devices", devices=list_outputs())
            return 0
        if args.cmd == "capture":
            return _capture_main(args.device, args.rate)
        device = args.device
        if device is not None and device.isdigit():
            device = int(device)
        if args.cmd == "stream":
            return stream(args.start, device, args.channels, args.volume, args.rate)
        return play(args.wav, args.start, device, args.channels, args.volume, args.rate)
    except (OSError, LookupError, ValueError) as exc:  # OSError: PortAudio missing
        emit("error", message=str(exc) or type(exc).__name__)
        return 2
    except Exception as exc:  # noqa: BLE001 - stage boundary: report, the parent decides
        emit("error", message=f"{type(exc).__name__}: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
