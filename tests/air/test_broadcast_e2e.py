"""End to end: text -> espeak-ng speech -> chimes + speech -> on air at the slot time -> as-run.

Once through the file sink (no sound card), once through the real sound-card path: a
PulseAudio null sink whose monitor is recorded and checked.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy import signal

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.schedule import Slot
from broadcaster.config import Station
from broadcaster.messages import t
from broadcaster.program.audio import load_audio
from broadcaster.station import StationService, asrun_path

TEXT = "Thông báo của Ủy ban nhân dân phường. Sáng mai có tiêm chủng tại trạm y tế."


def _slot(when: dt.datetime, bulletin: str) -> Slot:
    return Slot.model_validate({
        "id": f"e2e-{when:%H%M%S}", "at": f"{when:%H:%M:%S}",
        "program": [{"jingle": "between"}, {"bulletin": bulletin}, {"jingle": "between"}],
    })


def _air_one(station: Station, lead_s: float) -> tuple[list[str], dt.datetime]:
    (station.root / "tin.txt").write_text(TEXT, encoding="utf-8")
    messages: list[str] = []
    service = StationService(station, notify=messages.append)
    service.start()
    try:
        when = (service.clock.now() + dt.timedelta(seconds=lead_s + 1)).replace(microsecond=0)
        service.add_one_off(_slot(when, "tin.txt"), when)
        deadline = time.monotonic() + lead_s + 60
        while time.monotonic() < deadline:
            log = AsRunLog(asrun_path(station))
            rows = [r for r in log.rows(day=when.date()) if r.slot_id.startswith("e2e")]
            log.close()
            if rows and rows[0].outcome != "on_air":
                break
            time.sleep(0.2)
    finally:
        service.stop()
    return messages, when


def _find(needle: np.ndarray, hay: np.ndarray) -> tuple[int, float]:
    """Offset of ``needle`` in ``hay`` and the normalized correlation there."""
    corr = signal.correlate(hay, needle, mode="valid", method="fft")
    energy = np.sqrt(signal.correlate(hay**2, np.ones(len(needle)), mode="valid", method="fft"))
    norm = corr / (np.linalg.norm(needle) * np.maximum(energy, 1e-9))
    i = int(np.argmax(norm))
    return i, float(norm[i])


def test_thin_broadcast_through_the_wav_file_sink(station: Station, no_sound: None) -> None:
    messages, when = _air_one(station, lead_s=2)
    no_device = t("air.no_device", reason="", path="", fmt="").split("(")[0]
    assert sum(m.startswith(no_device) for m in messages) == 1  # said once, clearly
    log = AsRunLog(asrun_path(station))
    (row,) = [r for r in log.rows(day=when.date()) if r.slot_id.startswith("e2e")]
    log.close()
    assert row.outcome == "aired", row.reason
    assert row.scheduled == when.isoformat(timespec="milliseconds")
    assert abs(row.offset_ms) < 250
    assert row.items == ["jingle:between", "bulletin:tin.txt", "jingle:between"]
    archived = Path(row.archive)
    assert archived.is_file() and archived.is_relative_to(station.var_dir / "archive")
    assert sf.info(str(archived)).format == "FLAC"  # the airing's archive copy, compact
    audio, rate = sf.read(str(archived), dtype="float32")
    chime = load_audio(station.resolve("audio/chime-between.flac"), rate)
    chime = chime / np.max(np.abs(chime))
    start, score = _find(chime, audio[: len(chime) + rate])
    assert start < rate // 100 and score > 0.9, (start, score)  # the program opens with it
    end, score = _find(chime, audio[-len(chime) - rate:])
    assert abs(end - rate) < rate // 100 and score > 0.9, (end, score)  # ... and closes with it
    speech = audio[len(chime) + rate // 2: -len(chime)]
    assert np.sqrt(np.mean(speech**2)) > 0.02  # espeak-ng speech between the chimes
    assert len(audio) / rate > 2 * len(chime) / rate + 2.0


@pytest.mark.sound
@pytest.mark.slow
def test_thin_broadcast_through_the_real_sound_card(station: Station, pulse, tmp_path: Path) -> None:
    recording = tmp_path / "monitor.raw"
    recorder = pulse.record(recording)
    try:
        end = time.monotonic() + 10
        while (not recording.exists() or recording.stat().st_size == 0) and time.monotonic() < end:
            time.sleep(0.02)  # until the recorder streams
        messages, when = _air_one(station, lead_s=5)
        time.sleep(0.5)  # let the recorder catch the tail
    finally:
        recorder.terminate()
        recorder.wait(5)
    assert not any("WAV" in m for m in messages), messages  # the sound card was used
    log = AsRunLog(asrun_path(station))
    (row,) = [r for r in log.rows(day=when.date()) if r.slot_id.startswith("e2e")]
    log.close()
    assert row.outcome == "aired", row.reason
    assert "sound card" in row.sink
    assert abs(row.offset_ms) < 50  # first sample positioned against the stream clock
    heard = np.frombuffer(recording.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    chime = load_audio(station.resolve("audio/chime-between.flac"), 48000)
    sound = np.flatnonzero(np.abs(heard) > 0.01)
    assert len(sound), "nothing was heard on the sink's monitor"
    begin = max(0, sound[0] - 4800)
    first, score = _find(chime, heard[begin: begin + len(chime) + 48000])
    assert score > 0.9, "the opening chime was not heard on the sink's monitor"
    tail_from = max(0, sound[-1] - len(chime) - 48000)
    second, score2 = _find(chime, heard[tail_from: sound[-1] + 48000])
    assert score2 > 0.9, "the closing chime was not heard"
    spoken = heard[begin + first + len(chime): tail_from + second]
    assert np.sqrt(np.mean(spoken**2)) > 0.02  # speech between the chimes


def test_no_sound_card_and_no_file_sink_refuses_to_start_and_says_why(station_dir: Path,
                                                                        no_sound: None) -> None:
    from broadcaster.config import load_station
    from broadcaster.errors import AirError

    (station_dir / "station.yaml").write_text(
        "speech:\n  engines: [espeak]\naudio:\n  file_sink_when_no_device: false\n",
        encoding="utf-8")
    service = StationService(load_station(station_dir), notify=lambda _m: None)
    with pytest.raises(AirError) as err:
        service.start()
    service.stop()
    assert "file_sink_when_no_device" in str(err.value)
    assert str(station_dir / "station.yaml") in str(err.value)
