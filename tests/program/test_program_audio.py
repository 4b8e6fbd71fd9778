"""Audio in: every format at any rate, mono or stereo, decoded without a system ffmpeg and
resampled to the station rate; missing and corrupt files are named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from program_measure import SR, tone_level, write_m4a

from broadcaster.program.audio import AudioCorrupt, AudioMissing, load_audio, probe


@pytest.mark.parametrize("fmt,rate,channels", [
    ("wav", 8000, 1), ("wav", 96000, 2), ("flac", 44100, 2), ("ogg", 32000, 1),
    ("mp3", 44100, 2), ("mp3", 22050, 1), ("m4a", 48000, 2), ("m4a", 44100, 1),
])
def test_decodes_to_mono_at_the_station_rate(tmp_path: Path, fmt: str, rate: int,
                                             channels: int) -> None:
    t = np.arange(rate * 3) / rate
    tone = (0.4 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    data = np.stack([tone] * channels, axis=1)
    path = tmp_path / f"tone.{fmt}"
    if fmt == "m4a":
        write_m4a(path, data, rate)
    else:
        sf.write(path, data if channels > 1 else tone, rate,
                 format={"wav": "WAV", "flac": "FLAC", "ogg": "OGG", "mp3": "MP3"}[fmt],
                 **({"subtype": "VORBIS"} if fmt == "ogg" else {}))
    x = load_audio(path, SR)
    assert abs(len(x) / SR - 3.0) < 0.06
    mid = x[SR // 2 : 5 * SR // 2]
    assert tone_level(mid, 1000) == pytest.approx(20 * np.log10(0.4), abs=0.6)
    assert tone_level(mid, 2000) < -50  # no distortion worth the name


def test_missing_and_corrupt_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(AudioMissing) as missing:
        probe(tmp_path / "gone.wav")
    assert "gone.wav" in str(missing.value)
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"OggS" + bytes(5000))
    with pytest.raises(AudioCorrupt) as corrupt:
        probe(bad)
    assert "bad.ogg" in str(corrupt.value)


def test_flac_decodes_to_the_mean_of_its_channels(tmp_path: Path) -> None:
    from broadcaster.program.audio import decode

    rng = np.random.default_rng(4)
    data = (rng.standard_normal((44100, 2)) * 0.2).astype(np.float32)
    path = tmp_path / "stereo.flac"
    sf.write(path, data, 44100, format="FLAC", subtype="PCM_16")
    got, rate = decode(path)
    ref, _ = sf.read(str(path), dtype="float32")
    assert rate == 44100 and len(got) == len(ref)
    assert np.abs(got - ref.mean(axis=1)).max() < 1e-6


@pytest.mark.parametrize("damage", ["cut", "garbage"])
def test_a_damaged_flac_is_reported_corrupt(tmp_path: Path, damage: str) -> None:
    """A cut FLAC, or one with 20 kB overwritten in the middle, is reported corrupt (and so left
    out of the program and flagged), never aired with a silent jump in it."""
    from broadcaster.program.audio import decode

    rng = np.random.default_rng(3)
    path = tmp_path / "track.flac"
    sf.write(path, np.clip(rng.standard_normal((480000, 2)) * 0.2, -1, 1), 48000,
             subtype="PCM_16")
    raw = path.read_bytes()
    if damage == "cut":
        raw = raw[: int(len(raw) * 0.6)]
    else:
        half = len(raw) // 2
        raw = raw[:half] + rng.integers(0, 256, 20000, dtype=np.uint8).tobytes() + raw[half + 20000:]
    path.write_bytes(raw)
    with pytest.raises(AudioCorrupt) as err:
        decode(path)
    assert "track.flac" in str(err.value)
