"""The sound card path survives what PulseAudio does to PortAudio: server killed, server
stopped (SIGSTOP), no server yet. Each runs against its own private PulseAudio daemon."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf
from soundserver import start_pulse, stop_pulse

from broadcaster.air.player import STALL_S, PlayResult, SoundCardPlayer
from broadcaster.clock import SystemClock
from broadcaster.messages import t
from broadcaster.models import Ending

pytestmark = pytest.mark.sound
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def private_pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is not installed: scripts/setup.sh installs it")
    proc, server = start_pulse(tmp_path / "pa")
    monkeypatch.setenv("PULSE_SERVER", server.server)
    try:
        yield proc, server
    finally:
        stop_pulse(proc)


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    path = tmp_path / "tone.wav"
    t = np.arange(48000 * 20) / 48000
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 48000)
    return path


def _play_async(player: SoundCardPlayer, wav: Path, start: dt.datetime) -> tuple[threading.Thread, list[PlayResult], list[float]]:
    out: list[PlayResult] = []
    ended: list[float] = []

    def run() -> None:
        out.append(player.play(wav, start))
        ended.append(time.monotonic())

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, out, ended


def _player() -> SoundCardPlayer:
    return SoundCardPlayer(SystemClock(TZ), device=None, sample_rate=48000, lead_s=2.0,
                           retry_s=3.0)


def _now_plus(seconds: float) -> dt.datetime:
    return dt.datetime.now(TZ) + dt.timedelta(seconds=seconds)


def test_server_killed_mid_program_is_reported_within_two_seconds_then_a_fresh_player_works(
        private_pulse: tuple, tone: Path, tmp_path: Path) -> None:
    proc, server = private_pulse
    player = _player()
    th, out, ended = _play_async(player, tone, _now_plus(1.0))
    time.sleep(3.0)  # on air for about two seconds
    killed_wall = dt.datetime.now(TZ)
    os.killpg(proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    th.join(20)
    (result,) = out
    assert result.outcome == "interrupted" and result.started is not None
    assert result.reason and result.ending == Ending.DEVICE_LOST
    on_air = (killed_wall - result.started).total_seconds()  # when the server died
    # what went out, for the archive: never more than the time on air (underruns on a busy
    # machine make it less)
    assert result.played_s is not None and 0.5 < result.played_s <= on_air + 0.3
    assert ended[0] - killed < STALL_S + 1.0  # detected and reported, not "all went well"
    # a new server (same socket); a fresh child process sees it
    proc2, _ = start_pulse(server.runtime.parent)
    try:
        again = player.play(_short(tmp_path), _now_plus(2.5))
        assert again.outcome == "aired", again.reason
    finally:
        stop_pulse(proc2)


def test_server_stopped_mid_program_child_is_killed_within_two_seconds(
        private_pulse: tuple, tone: Path, tmp_path: Path) -> None:
    proc, _ = private_pulse
    player = _player()
    th, out, ended = _play_async(player, tone, _now_plus(1.0))
    time.sleep(3.0)
    stopped_wall = dt.datetime.now(TZ)
    os.killpg(proc.pid, signal.SIGSTOP)  # the server hangs: PortAudio would block for ever
    stopped = time.monotonic()
    try:
        th.join(20)
        (result,) = out
        assert result.outcome == "interrupted"
        assert result.reason == t("air.reason.stalled", seconds="2")
        assert result.ending == Ending.DEVICE_LOST
        assert result.started is not None
        on_air = (stopped_wall - result.started).total_seconds()
        assert result.played_s is not None and 0.5 < result.played_s <= on_air + 0.3
        assert ended[0] - stopped < STALL_S + 1.0
    finally:
        os.killpg(proc.pid, signal.SIGCONT)
    again = player.play(_short(tmp_path), _now_plus(2.5))  # the server is back: airs again
    assert again.outcome == "aired", again.reason


def test_no_server_yet_is_retried_with_backoff_until_it_appears(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "late-pa"
    monkeypatch.setenv("PULSE_SERVER", f"unix:{base / 'pulse' / 'native'}")
    player = SoundCardPlayer(SystemClock(TZ), device=None, sample_rate=48000, lead_s=1.0,
                             retry_s=20.0)
    th, out, _ = _play_async(player, _short(tmp_path), _now_plus(1.0))
    time.sleep(2.0)  # the first attempts fail: no server
    proc, _ = start_pulse(base)
    try:
        th.join(30)
        (result,) = out
        assert result.outcome == "aired", result.reason
    finally:
        stop_pulse(proc)


def test_no_server_at_all_fails_with_the_reason_after_retries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/native")
    player = SoundCardPlayer(SystemClock(TZ), device=None, sample_rate=48000, lead_s=0.5,
                             retry_s=2.0)
    result = player.play(_short(tmp_path), _now_plus(0.5))
    assert result.outcome == "failed" and result.started is None
    assert result.reason.startswith(t("air.reason.unavailable", attempts=2, reason="")[:20])
    assert result.ending == Ending.DEVICE_LOST


def _short(tmp_path: Path) -> Path:
    path = tmp_path / "short.wav"
    if not path.exists():
        t = np.arange(48000) / 48000
        sf.write(str(path), (0.3 * np.sin(2 * np.pi * 660 * t)).astype(np.float32), 48000)
    return path


def test_soft_stop_ends_at_the_next_pause_never_mid_word(private_pulse: tuple,
                                                         tmp_path: Path) -> None:
    from broadcaster.air.player import Cancel

    _, server = private_pulse
    rate = 48000
    t = np.arange(int(1.2 * rate)) / rate
    word = (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    pause = np.zeros(int(0.4 * rate), np.float32)
    program = tmp_path / "words.wav"
    sf.write(str(program), np.concatenate([word, pause, word, pause, word]), rate)
    recording = tmp_path / "monitor.raw"
    recorder = server.record(recording)
    try:
        time.sleep(0.3)
        player = _player()
        cancel = Cancel()
        th, out, _ = _play_async_cancel(player, program, _now_plus(1.0), cancel)
        time.sleep(2.0 + 0.4)  # about 0.4 s into the first "word"
        cancel.request(soft=True)
        th.join(20)
        time.sleep(0.5)
    finally:
        recorder.terminate()
        recorder.wait(5)
    (result,) = out
    assert result.outcome == "interrupted"
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(heard) > 0.05)
    heard_s = (loud[-1] - loud[0]) / rate
    assert heard_s == pytest.approx(1.2, abs=0.08)  # the whole first word, nothing more


def _play_async_cancel(player: SoundCardPlayer, wav: Path, start: dt.datetime, cancel) -> tuple:  # type: ignore[no-untyped-def]
    out: list[PlayResult] = []
    ended: list[float] = []

    def run() -> None:
        out.append(player.play(wav, start, cancel=cancel))
        ended.append(time.monotonic())

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, out, ended


def test_hard_stop_fades_out_smoothly(private_pulse: tuple, tone: Path, tmp_path: Path) -> None:
    from broadcaster.air.player import Cancel

    _, server = private_pulse
    recording = tmp_path / "monitor.raw"
    recorder = server.record(recording)
    try:
        time.sleep(0.3)
        cancel = Cancel()
        th, out, _ = _play_async_cancel(_player(), tone, _now_plus(1.0), cancel)
        time.sleep(3.0)
        cancel.request()
        th.join(20)
        time.sleep(0.5)
    finally:
        recorder.terminate()
        recorder.wait(5)
    assert out[0].outcome == "interrupted"
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    rate, hop = 48000, 480  # 10 ms envelope
    env = np.array([np.abs(heard[i:i + hop]).max() for i in range(0, len(heard) - hop, hop)])
    loud = np.flatnonzero(env > 0.01)
    steady = env[loud[0] + 10: loud[-1]]
    # a busy machine's underrun leaves a hole of digital silence in the recording: not the fade
    # (a sawtooth buzz never reads as exact silence for 10 ms), so holes are left out
    steady = steady[steady > 0.001]
    falling = np.flatnonzero(steady < 0.95 * env[loud[0] + 10])[0]
    fade = steady[falling:]
    assert np.all(np.diff(fade) <= 0.01), "the fade-out jumps back up (a sawtooth buzz)"
    assert 0.3 <= len(fade) * hop / rate + 0.02 <= 0.6  # about FADE_S


def test_cancel_before_the_first_sample_airs_nothing(private_pulse: tuple, tone: Path,
                                                     tmp_path: Path) -> None:
    from broadcaster.air.player import Cancel

    _, server = private_pulse
    recording = tmp_path / "monitor.raw"
    recorder = server.record(recording)
    try:
        time.sleep(0.3)
        for delay in (0.05, 1.2):  # while the child starts up, and while it waits for the time
            cancel = Cancel()
            th, out, _ = _play_async_cancel(_player(), tone, _now_plus(2.5), cancel)
            time.sleep(0.5 + delay)  # the player starts its child 2 s ahead (lead_s)
            cancel.request()
            th.join(20)
            assert out[0].started is None and out[0].preempted, out[0]
            assert out[0].reason == t("air.reason.preempted")
        time.sleep(2.5)
    finally:
        recorder.terminate()
        recorder.wait(5)
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    assert np.abs(heard).max() < 0.01  # not a fragment of the program reached the sink


def test_volume_stereo_and_rate_conversion(private_pulse: tuple, tmp_path: Path) -> None:
    _, server = private_pulse
    rate_in = 22050  # an engine's rate; the device runs at 48 kHz
    t = np.arange(rate_in * 2) / rate_in
    wav = tmp_path / "tone22k.wav"
    sf.write(str(wav), (0.4 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate_in)
    recording = tmp_path / "monitor.raw"
    recorder = server.record(recording)
    try:
        time.sleep(0.3)
        player = SoundCardPlayer(SystemClock(TZ), device=None, sample_rate=48000, channels=2,
                                 volume=0.5, lead_s=2.0)
        result = player.play(wav, _now_plus(2.5))
        time.sleep(0.5)
    finally:
        recorder.terminate()
        recorder.wait(5)
    assert result.outcome == "aired", result.reason
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    idx = np.flatnonzero(np.abs(heard) > 0.02)
    assert 1.95 < (idx[-1] - idx[0]) / 48000 < 2.05  # two seconds, at the sink's rate
    tone = heard[idx[0]: idx[0] + 48000]  # one second: 1 Hz bins
    assert np.percentile(np.abs(tone), 99) == pytest.approx(0.2, abs=0.03)  # 0.4 at volume 0.5
    assert abs(int(np.argmax(np.abs(np.fft.rfft(tone)))) - 440) <= 1  # no pitch change


def test_devices_lists_outputs_and_says_when_there_are_none(private_pulse: tuple,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    def devices() -> str:
        return subprocess.run([sys.executable, "-m", "broadcaster", "devices"], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "BROADCASTER_LANG": "en"}
                              ).stdout

    assert "default" in devices()
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/native")
    assert "No sound output device" in devices()
