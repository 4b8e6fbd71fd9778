"""Recordings made by the tests: espeak-ng speech (or a tone) encoded by PyAV's bundled FFmpeg
into the formats phones and chat apps send (MP3, Ogg/Opus, AMR-NB, M4A/AAC, ADTS AAC, WAV)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import soundfile as sf

# suffix -> (encoder, container, sample rate)
FORMATS = {
    ".mp3": ("libmp3lame", "mp3", 22050),
    ".ogg": ("libopus", "ogg", 48000),
    ".opus": ("libopus", "opus", 48000),
    ".amr": ("libopencore_amrnb", "amr", 8000),
    ".m4a": ("aac", "ipod", 16000),
    ".aac": ("aac", "adts", 16000),
}


def speech_samples(text: str = "Thông báo của ủy ban phường về lịch tiêm chủng tuần này.",
                   gain: float = 0.1) -> tuple[np.ndarray, int]:
    """espeak-ng reading ``text`` in Vietnamese, scaled by ``gain`` (far from the station level)."""
    wav = subprocess.run(["espeak-ng", "-v", "vi", "--stdout", text], check=True,
                         capture_output=True).stdout
    import io

    data, rate = sf.read(io.BytesIO(wav), dtype="float32", always_2d=False)
    return (data * np.float32(gain)).astype(np.float32), int(rate)


def encode(samples: np.ndarray, rate: int, path: Path) -> Path:
    """Write mono ``samples`` to ``path`` in the format its suffix names (.wav by soundfile)."""
    suffix = path.suffix.lower()
    if suffix == ".wav":
        sf.write(str(path), samples, rate, subtype="PCM_16")
        return path
    codec, container, out_rate = FORMATS[suffix]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=out_rate)
        stream.layout = "mono"
        if codec == "libopencore_amrnb":
            stream.bit_rate = 12200
        ctx = stream.codec_context
        resampler = av.AudioResampler(format=ctx.format.name, layout="mono", rate=out_rate)
        size = ctx.frame_size or 1024
        frames = []
        for i in range(0, len(samples), 4096):
            frame = av.AudioFrame.from_ndarray(samples[None, i:i + 4096].copy(), format="flt",
                                               layout="mono")
            frame.sample_rate = rate
            frames += resampler.resample(frame)
        frames += resampler.resample(None)
        pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
        for n, i in enumerate(range(0, len(pcm), size)):
            chunk = av.AudioFrame.from_ndarray(pcm[None, i:i + size].copy(),
                                               format=ctx.format.name, layout="mono")
            chunk.sample_rate = out_rate
            chunk.pts = n * size
            for packet in stream.encode(chunk):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
