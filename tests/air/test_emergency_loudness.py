"""Emergency programs are brought to the station loudness plus ``program.emergency_gain_lu``
(the same every time), not peak-normalised: two emergencies used to measure -12.5 and -14.8
LUFS against -16.2 for the programs around them."""

from __future__ import annotations

import pyloudnorm
import soundfile as sf

from broadcaster.air.prepare import Preparer
from broadcaster.clock import SystemClock
from broadcaster.config import Station
from broadcaster.pipeline import Pipeline


def test_emergencies_air_at_the_station_loudness_plus_the_setting(station: Station) -> None:
    preparer = Preparer(station, Pipeline(station, SystemClock(station.tz), no_cache=True))
    program = station.settings.program
    target = program.loudness_lufs + program.emergency_gain_lu
    levels = []
    for n, text in enumerate(["Bão số ba đổ bộ, bà con vào nơi trú ẩn an toàn ngay.",
                              "Khẩn cấp. Nước lũ lên nhanh ở khu dân cư số bốn. Di dời ngay "
                              "người già và trẻ em lên chỗ cao. Không đi qua ngầm tràn."]):
        prepared = preparer.prepare_emergency(text, n + 1, f"2026-12-01/emergency-{n}")
        samples, rate = sf.read(str(prepared.wav), dtype="float32")
        levels.append(pyloudnorm.Meter(rate).integrated_loudness(samples))
        assert prepared.items == ("jingle:alert", "speech:emergency") * (n + 1)
    assert all(abs(level - target) < 0.5 for level in levels), levels


def test_a_quiet_phone_recording_airs_at_the_same_emergency_loudness(station: Station,
                                                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.inbox.audiofiles import encode, speech_samples

    samples, rate = speech_samples("Khẩn cấp. Nước lũ lên nhanh, di dời ngay.")
    quiet = encode(samples * 0.05, rate, tmp_path / "ghi-am.m4a")  # about 26 dB too low
    preparer = Preparer(station, Pipeline(station, SystemClock(station.tz), no_cache=True))
    prepared = preparer.prepare_emergency("", 2, "2026-12-01/emergency-ghi-am", audio=quiet)
    out, out_rate = sf.read(str(prepared.wav), dtype="float32")
    program = station.settings.program
    level = pyloudnorm.Meter(out_rate).integrated_loudness(out)
    assert abs(level - (program.loudness_lufs + program.emergency_gain_lu)) < 0.5, level
    assert prepared.items == ("jingle:alert", "recording:emergency") * 2
