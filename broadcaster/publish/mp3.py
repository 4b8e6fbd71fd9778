"""The speech of a published bulletin as MP3 (mono, 64 kbit/s, ID3 title/date/station) through
PyAV's bundled LAME encoder: no system ffmpeg needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from broadcaster.durable import atomic_file

MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
_FRAME = 1152  # samples per MPEG layer III frame


@dataclass(frozen=True)
class Mp3Info:
    """What the feeds say about an MP3: its size in bytes and its length."""

    size: int
    duration_ms: int


def encode_mp3(wav: Path, dst: Path, *, title: str, date: str, station: str,
               bitrate_kbps: int = 64) -> Mp3Info:
    """Encode ``wav`` into ``dst`` (written whole or not at all) with ID3 tags."""
    import av
    import numpy as np
    import soundfile as sf

    data, rate = sf.read(str(wav), dtype="float32", always_2d=True)
    mono = np.ascontiguousarray(data.mean(axis=1, dtype=np.float32).reshape(1, -1))
    out_rate = rate if rate in MP3_RATES else 44100
    with atomic_file(dst) as fh:
        container = av.open(fh, mode="w", format="mp3")
        try:
            # the mp3 muxer writes these as ID3v2 frames (TIT2, TDRC, TPE1, TALB, TPUB)
            container.metadata.update({"title": title, "date": date, "artist": station,
                                       "album": station, "publisher": station,
                                       "genre": "Speech"})
            stream = container.add_stream("libmp3lame", rate=out_rate)
            stream.bit_rate = bitrate_kbps * 1000
            stream.layout = "mono"
            resampler = av.AudioResampler(format="s16p", layout="mono", rate=out_rate,
                                          frame_size=_FRAME)
            frame = av.AudioFrame.from_ndarray(mono, format="flt", layout="mono")
            frame.sample_rate = rate
            for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
                container.mux(stream.encode(chunk))
            container.mux(stream.encode(None))
        finally:
            container.close()
    return Mp3Info(dst.stat().st_size, round(data.shape[0] * 1000 / rate))
