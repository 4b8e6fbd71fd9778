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
