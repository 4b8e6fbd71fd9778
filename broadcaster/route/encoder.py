"""Mono PCM -> MP3 (LAME) or Opus in Ogg, in memory, through PyAV's bundled FFmpeg: each
``encode`` returns the bytes ready to send. A new encoder per connection, so every listener
session begins with the stream headers it needs (Ogg)."""

from __future__ import annotations

import contextlib
from typing import Literal

import av
import numpy as np

Codec = Literal["mp3", "opus"]
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
CONTENT_TYPES: dict[str, str] = {"mp3": "audio/mpeg", "opus": "application/ogg"}


class _Sink:
    """A write-only file for the muxer; ``take`` empties it."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def write(self, data: bytes) -> int:
        self.buf += data
        return len(data)

    def take(self) -> bytes:
        out = bytes(self.buf)
        self.buf.clear()
        return out


class StreamEncoder:
    """Encodes float32 mono blocks at ``rate`` into a continuous MP3 or Ogg/Opus stream."""

    def __init__(self, codec: Codec, rate: int, bitrate_kbps: int, title: str = "") -> None:
        self.rate = rate
        self._sink = _Sink()
        if codec == "mp3":
            fmt, name, frame = "mp3", "libmp3lame", 1152
            out_rate = rate if rate in MP3_RATES else 44100
            options = {"id3v2_version": "0", "write_xing": "0"}
        else:
            fmt, name, frame, out_rate, options = "ogg", "libopus", 960, 48000, {}
        self._container = av.open(self._sink, mode="w", format=fmt, options=options)
        if title:
            self._container.metadata["title"] = title
        stream = self._container.add_stream(name, rate=out_rate)
        if not isinstance(stream, av.audio.stream.AudioStream):
            raise ValueError(f"{name} is not an audio encoder")
        self._stream = stream
        self._stream.bit_rate = bitrate_kbps * 1000
        self._stream.layout = "mono"
        if codec == "mp3":
            # LAME's quality 7 ("-q 7"): a third of the CPU of its default, no audible loss on
            # speech at 64 kbit/s (bench_routing.py); float planar is its native input
            self._stream.codec_context.options = {"compression_level": "7"}
        formats = [f.name for f in self._stream.codec_context.codec.audio_formats or []]
        sample_fmt = "fltp" if "fltp" in formats else (formats[0] if formats else "s16")
        self._resampler = av.AudioResampler(format=sample_fmt, layout="mono", rate=out_rate,
                                            frame_size=frame)

    def encode(self, pcm: np.ndarray) -> bytes:
        """The stream bytes for ``pcm`` (may be empty while the encoder fills a frame)."""
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(pcm, dtype=np.float32).reshape(1, -1), format="flt",
            layout="mono")
        frame.sample_rate = self.rate
        for chunk in self._resampler.resample(frame):
            for packet in self._stream.encode(chunk):
                self._container.mux(packet)
        return self._sink.take()

    def close(self) -> None:
        # a stream that ends with its connection: nothing to keep
        with contextlib.suppress(av.error.FFmpegError, OSError, ValueError):
            self._container.close()
