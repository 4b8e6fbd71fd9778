"""Sound card adapter: the only module that imports ``sounddevice``; it runs in a child process.

PortAudio can hang for ever (``abort()`` included) when the sound server stops, or report
success when it dies, so the station never plays in its own process: it starts
``python -m broadcaster.air.soundcard play ...``, reads JSON events from its stdout, and kills
it when progress stalls. A fresh process also sees devices that appeared after start-up.

Events (one JSON object per line): ready (with the output rate), started (first-sample epoch
time), progress (frames played), done, stopped (frames played, faded or not), error.
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


class _Feeder:
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


def play(path: str, start_epoch: float, device: str | int | None, channels: int,
         volume: float, rate: int | None) -> int:
    sd = _import_sd()
    idx = resolve_device(sd, device)
    info = sd.query_devices(idx)
    file_rate = sf.info(path).samplerate
    out_rate = rate or file_rate
    try:
        sd.check_output_settings(device=idx, channels=channels, samplerate=out_rate,
                                 dtype="float32")
    except sd.PortAudioError:
        out_rate = int(info["default_samplerate"])  # negotiate: device's own rate
    channels = min(channels, int(info["max_output_channels"]))
    feeder = _Feeder(path, out_rate, volume)
    feeder.prefill()

    state = _State(fade_left=int(FADE_S * out_rate))
    finished = threading.Event()
    clock: dict[str, float] = {"offset": 0.0}

    def callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        outdata.fill(0)
        if state.done:
            # PortAudio drops what is still buffered when the callback stops (ALSA), which
            # would cut the last chime's (or the fade's) tail: stop only after silence that
            # covers the output latency has gone out.
            if state.tail is None:
                state.tail = int((stream.latency + DRAIN_S) * out_rate)
            state.tail -= frames
            if state.tail <= 0:
                raise sd.CallbackStop
            return
        k = 0
        if not state.started:
            if state.stopping or state.soft_left is not None:
                state.done = True  # stopped before its first sample: nothing airs
                return
            dac = time_info.outputBufferDacTime or stream.time + stream.latency
            k = int(round((target_st - dac) * out_rate))
            if k >= frames:
                return  # the first sample belongs to a later buffer
            k = max(k, 0)
            state.started = True
            state.first_st = dac + k / out_rate
        data = feeder.take(frames - k)
        n = len(data)
        if state.soft_left is not None and not state.stopping:
            # soft stop: end in the first pause (quiet block), or fade after SOFT_MAX_S
            quiet = n == 0 or float(np.sqrt(np.mean(data * data))) < PAUSE_RMS
            state.soft_left -= n
            if quiet:
                state.done = True
                return
            if state.soft_left <= 0:
                state.stopping = True
        if state.stopping:
            # one continuous ramp across callbacks: gain = frames left / fade length
            left = state.fade_left
            ramp = (left - np.arange(n, dtype=np.float32)) / np.float32(FADE_S * out_rate)
            data = data * np.clip(ramp, 0, 1)
            state.fade_left = max(0, left - n)
            if state.fade_left == 0:
                state.done = True
        outdata[k:k + n, :] = data[:, None]
        state.played += n
        if n < frames - k:
            if feeder.eof and not feeder.blocks:
                state.done = True
            else:
                state.underruns += 1

    def on_finished() -> None:
        finished.set()

    def on_term(signum: int, frame: Any) -> None:
        state.stopping = True

    def on_soft(signum: int, frame: Any) -> None:
        if state.soft_left is None:
            state.soft_left = int(SOFT_MAX_S * out_rate)

    def commands() -> None:
        """The station's requests on stdin ("soft", "fade"): the same on Linux and Windows."""
        for line in sys.stdin:
            word = line.strip()
            if word == "fade":
                on_term(0, None)
            elif word == "soft":
                on_soft(0, None)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_soft)  # Ctrl-C in the station's terminal: finish the word
    threading.Thread(target=commands, name="commands", daemon=True).start()
    stream = sd.OutputStream(device=idx, samplerate=out_rate, channels=channels,
                             dtype="float32", callback=callback, finished_callback=on_finished,
                             latency=LATENCY_S)
    # Map the stream's own clock to wall time once, bracketing the read to halve the error.
    t0 = time.time()
    st = stream.time
    t1 = time.time()
    clock["offset"] = (t0 + t1) / 2 - st
    target_st = start_epoch - clock["offset"]
    emit("ready", device=info["name"], index=idx, rate=out_rate, channels=channels,
         latency=stream.latency, frames=feeder.total_out)
    stream.start()
    announced = False
    while not finished.wait(0.1):
        if state.started and not announced and state.first_st is not None:
            emit("started", first_sample_epoch=state.first_st + clock["offset"])
            announced = True
        emit("progress", frames=state.played, underruns=state.underruns,
             active=bool(stream.active))
        if not stream.active and not finished.is_set():
            break
    if state.started and not announced:
        emit("started", first_sample_epoch=state.first_st + clock["offset"])
    stream.close()
    if state.stopping or state.soft_left is not None:
        # what went out: the frames played, the last FADE_S of them faded on a hard stop
        emit("stopped", frames=state.played, faded=bool(state.stopping))
        return 0
    if state.played < feeder.total_out - out_rate * 0.05:
        emit("error", message=f"stream ended early after {state.played} frames",
             early_frames=state.played)
        return 3
    emit("done", frames=state.played, underruns=state.underruns)
    return 0


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
    args = parser.parse_args(argv)
    try:
        if args.cmd == "devices":
            emit("devices", devices=list_outputs())
            return 0
        device = args.device
        if device is not None and device.isdigit():
            device = int(device)
        return play(args.wav, args.start, device, args.channels, args.volume, args.rate)
    except (OSError, LookupError, ValueError) as exc:  # OSError: PortAudio missing
        emit("error", message=str(exc) or type(exc).__name__)
        return 2
    except Exception as exc:  # noqa: BLE001 - stage boundary: report, the parent decides
        emit("error", message=f"{type(exc).__name__}: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
