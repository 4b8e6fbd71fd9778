"""The speech as a video for pages that take video but not sound alone (a Facebook Page): one
still picture, one frame a second, over the MP3's sound (H.264 + AAC in MP4, through PyAV)."""

from __future__ import annotations

from pathlib import Path

from broadcaster.durable import atomic_file

WIDTH, HEIGHT = 640, 360
BACKGROUND = (22, 68, 120)  # the archive's dark blue


def still_video(mp3: Path, out: Path) -> Path:
    """Write ``out`` (MP4) with ``mp3``'s sound under a plain still picture; returns ``out``."""
    import av
    import numpy as np

    picture = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
    picture[:] = BACKGROUND
    with atomic_file(out, sync=False) as fh, av.open(str(mp3)) as src, \
            av.open(fh, "w", format="mp4") as dst:
        # a still picture costs nothing to encode at one frame a second; the AAC sound is the work
        vstream = dst.add_stream("libx264", rate=1,
                                 options={"preset": "veryfast", "tune": "stillimage"})
        vstream.width, vstream.height, vstream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        rate = src.streams.audio[0].rate or 44100  # the MP3's own rate: no resampling work
        astream = dst.add_stream("aac", rate=rate)
        astream.layout = "mono"
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
        seconds = 0.0
        for frame in src.decode(audio=0):
            for chunk in resampler.resample(frame):
                dst.mux(astream.encode(chunk))
            seconds += frame.samples / frame.sample_rate
        for chunk in resampler.resample(None):
            dst.mux(astream.encode(chunk))
        dst.mux(astream.encode(None))
        still = av.VideoFrame.from_ndarray(picture, format="rgb24")
        for i in range(max(1, int(seconds + 0.999))):
            still.pts = i
            dst.mux(vstream.encode(still))
        dst.mux(vstream.encode(None))
    return out
