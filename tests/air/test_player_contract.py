"""One contract, three players: the sound card (on a PulseAudio null sink), the file sink and
the fake run the same tests: play on time, cancel before the first sample, soft stop at the
next pause, hard stop with a fade, and an output that stalls or vanishes mid-program.

Each reports what went out (``played_s``, the last ``fade_s`` of it faded), so the playout can
archive exactly that, and calls ``on_started`` once, as the first sample leaves.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf
from soundserver import start_pulse, stop_pulse

from broadcaster.air.player import (
    STALL_S,
    Cancel,
    FakePlayer,
    FilePlayer,
    Player,
    PlayResult,
    SoundCardPlayer,
)
from broadcaster.air.soundcard import FADE_S
from broadcaster.clock import SystemClock
from broadcaster.models import Ending, Outcome

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RATE = 48000
WORD_S, PAUSE_S = 1.2, 0.4
KINDS = ["sound card", "file", "fake"]


@dataclass
class Rig:
    """A player and a way to make its output stall or vanish ``after_s`` into an airing that
    starts at ``start_at`` (set up before ``play``)."""

    player: Player
    lose_output: Callable[[dt.datetime, float], None]
    tolerance_s: float  # how exactly this player's report can match the request times
    lead_s: float = 2.0  # the airings start this far ahead (a sound card's child starts up)


def _sound_card() -> SoundCardPlayer:
    return SoundCardPlayer(SystemClock(TZ), device=None, sample_rate=RATE, lead_s=3.5,
                           retry_s=3.0)


def _later(when: dt.datetime, action: Callable[[], None]) -> None:
    def go() -> None:
        _sleep_until(when)
        action()
    threading.Thread(target=go, daemon=True).start()


def _fake_rig(clock: SystemClock) -> Rig:
    fake = FakePlayer(clock)

    def stall(start_at: dt.datetime, after_s: float) -> None:
        fake.stall_at_s = after_s
    return Rig(fake, stall, 0.06)


def _file_rig(clock: SystemClock, out: Path) -> Rig:
    def unplug(start_at: dt.datetime, after_s: float) -> None:  # the folder becomes a file
        def go() -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.write_text("not a folder")
        _later(start_at + dt.timedelta(seconds=after_s), go)
    return Rig(FilePlayer(clock, out), unplug, 0.08)


@pytest.fixture(params=KINDS)
def rig(request: pytest.FixtureRequest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    clock = SystemClock(TZ)
    if request.param == "fake":
        yield _fake_rig(clock)
        return
    if request.param == "file":
        yield _file_rig(clock, tmp_path / "sink")
        return
    request.getfixturevalue("pulse")  # a real sound server with a null sink
    private: list[subprocess.Popen[bytes]] = []

    def hang(start_at: dt.datetime, after_s: float) -> None:  # a private server, SIGSTOPped
        proc, server = start_pulse(tmp_path / "pa")
        private.append(proc)
        monkeypatch.setenv("PULSE_SERVER", server.server)
        _later(start_at + dt.timedelta(seconds=after_s),
               lambda: os.killpg(proc.pid, signal.SIGSTOP))

    yield Rig(_sound_card(), hang, 0.2, lead_s=4.5)  # a busy machine: child up in ~2 s
    for proc in private:
        stop_pulse(proc)  # sends SIGCONT first


def _words(tmp_path: Path) -> Path:
    """word (1.2 s tone) - pause (0.4 s) - word - pause - word: 4.4 s."""
    path = tmp_path / "words.wav"
    t = np.arange(int(WORD_S * RATE)) / RATE
    word = (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    pause = np.zeros(int(PAUSE_S * RATE), np.float32)
    sf.write(str(path), np.concatenate([word, pause, word, pause, word]), RATE)
    return path


def _play(player: Player, wav: Path, start_at: dt.datetime, cancel: Cancel,
          started: list[dt.datetime]) -> tuple[threading.Thread, list[PlayResult]]:
    out: list[PlayResult] = []

    def run() -> None:
        out.append(player.play(wav, start_at, name="contract", cancel=cancel,
                               on_started=started.append))

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, out


def _at(seconds: float) -> dt.datetime:
    return dt.datetime.now(TZ) + dt.timedelta(seconds=seconds)


def _sleep_until(when: dt.datetime) -> None:
    time.sleep(max(0.0, (when - dt.datetime.now(TZ)).total_seconds()))


def test_plays_on_time_and_says_when_the_first_sample_left(rig: Rig, tmp_path: Path) -> None:
    wav = _words(tmp_path)
    start_at = _at(rig.lead_s)
    started: list[dt.datetime] = []
    th, out = _play(rig.player, wav, start_at, Cancel(), started)
    th.join(30)
    (result,) = out
    assert result.outcome == Outcome.AIRED and result.ending == Ending.COMPLETED, result
    assert result.started is not None and started == [result.started]  # once, the real start
    assert abs((result.started - start_at).total_seconds()) < 0.05
    assert result.played_s is None  # all of it went out
    assert result.ended is not None
    assert (result.ended - result.started).total_seconds() >= 4.4 - rig.tolerance_s


def test_cancel_before_the_first_sample_airs_nothing(rig: Rig, tmp_path: Path) -> None:
    wav = _words(tmp_path)
    start_at = _at(rig.lead_s)
    cancel = Cancel()
    started: list[dt.datetime] = []
    th, out = _play(rig.player, wav, start_at, cancel, started)
    time.sleep(1.2)  # the sound card's child is starting up
    cancel.request()
    th.join(30)
    (result,) = out
    assert result.preempted and result.started is None and result.played_s == 0.0, result
    assert result.outcome == Outcome.INTERRUPTED and started == []
    # it returned without playing the program through (a sound card's child may still have
    # been starting up on a busy machine, so not necessarily before the start time)
    assert dt.datetime.now(TZ) < start_at + dt.timedelta(seconds=2.0)
    if isinstance(rig.player, FakePlayer):
        assert rig.player.played == []


def test_soft_stop_ends_at_the_next_pause(rig: Rig, tmp_path: Path) -> None:
    wav = _words(tmp_path)
    start_at = _at(rig.lead_s)
    cancel = Cancel()
    started: list[dt.datetime] = []
    th, out = _play(rig.player, wav, start_at, cancel, started)
    _sleep_until(start_at + dt.timedelta(seconds=0.4))  # 0.4 s into the first word
    cancel.request(soft=True, ending=Ending.SKIPPED, reason="why")
    th.join(30)
    (result,) = out
    assert result.outcome == Outcome.INTERRUPTED and result.ending == Ending.STOPPED, result
    assert result.played_s == pytest.approx(WORD_S, abs=rig.tolerance_s)  # the whole word
    assert result.fade_s == 0.0  # a pause needs no fade
    assert cancel.ending == Ending.SKIPPED and cancel.reason == "why"  # the why travels along


def test_hard_stop_fades_out_from_the_request(rig: Rig, tmp_path: Path) -> None:
    wav = _words(tmp_path)
    start_at = _at(rig.lead_s)
    cancel = Cancel()
    started: list[dt.datetime] = []
    th, out = _play(rig.player, wav, start_at, cancel, started)
    _sleep_until(start_at + dt.timedelta(seconds=0.6))
    cancel.request()
    th.join(30)
    (result,) = out
    assert result.outcome == Outcome.INTERRUPTED and result.started is not None, result
    assert result.fade_s == pytest.approx(FADE_S)
    assert result.played_s == pytest.approx(0.6 + FADE_S, abs=rig.tolerance_s)
    assert result.ended is not None
    assert (result.ended - result.started).total_seconds() < 0.6 + FADE_S + 1.0


def test_a_hard_stop_overrides_a_soft_one(rig: Rig, tmp_path: Path) -> None:
    long = tmp_path / "tone.wav"  # no pause anywhere: a soft stop alone would wait 12 s
    t = np.arange(RATE * 8) / RATE
    sf.write(str(long), (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE)
    start_at = _at(rig.lead_s)
    cancel = Cancel()
    th, out = _play(rig.player, long, start_at, cancel, [])
    _sleep_until(start_at + dt.timedelta(seconds=0.5))
    cancel.request(soft=True)
    time.sleep(0.5)
    cancel.request()
    th.join(30)
    (result,) = out
    assert result.played_s == pytest.approx(1.0 + FADE_S, abs=rig.tolerance_s + 0.05), result
    assert result.fade_s == pytest.approx(FADE_S)


def test_an_output_that_stalls_or_vanishes_is_reported_not_waited_for(
        rig: Rig, tmp_path: Path) -> None:
    long = tmp_path / "tone.wav"
    t = np.arange(RATE * 10) / RATE
    sf.write(str(long), (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE)
    start_at = _at(rig.lead_s)
    rig.lose_output(start_at, 1.0)
    th, out = _play(rig.player, long, start_at, Cancel(), [])
    th.join(30)
    (result,) = out
    assert result.ending == Ending.DEVICE_LOST and result.reason, result
    assert result.started is not None and result.ended is not None
    if isinstance(rig.player, FilePlayer):  # its output is the file: nothing went out
        assert result.outcome == Outcome.INTERRUPTED and not result.archive
        return
    assert result.outcome == Outcome.INTERRUPTED
    assert result.played_s == pytest.approx(1.0, abs=rig.tolerance_s + 0.15)
    on_air = (result.ended - result.started).total_seconds()
    assert on_air < 1.0 + STALL_S + 1.0  # reported within the stall time, not at the end
