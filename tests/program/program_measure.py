"""Measuring helpers for program tests, independent of the renderer (pyloudnorm, scipy)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import scipy.signal as ss

SR = 48000
TEXTS = {
    "b1": "Ủy ban nhân dân phường thông báo: ngày mai cắt điện từ bảy giờ đến mười một giờ.",
    "b2": "Bà con chú ý phòng chống sốt xuất huyết, đậy kín các dụng cụ chứa nước.",
    "hello": "Đây là đài truyền thanh phường, xin kính chào bà con.",
}


def lufs(x: np.ndarray, rate: int = SR) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(np.asarray(x, np.float64)))


def true_peak_db(x: np.ndarray) -> float:
    """Independent true-peak measurement: 4x polyphase resampling by scipy."""
    return float(20 * np.log10(np.max(np.abs(ss.resample_poly(np.asarray(x, np.float64), 4, 1)))))


def tone_level(x: np.ndarray, freq: float, rate: int = SR) -> float:
    """Amplitude (dB) of the sinusoid at ``freq`` in ``x`` (lock-in detection)."""
    t = np.arange(len(x)) / rate
    z = np.mean(x * np.exp(-2j * np.pi * freq * t))
    return float(20 * np.log10(2 * abs(z) + 1e-12))


def write_m4a(path: Path, data: np.ndarray, rate: int) -> None:
    """AAC in an MP4 container, encoded by PyAV's bundled FFmpeg; ``data`` is (frames, channels)."""
    import av

    layout = "stereo" if data.shape[1] == 2 else "mono"
    with av.open(str(path), "w", format="ipod") as out:
        st = out.add_stream("aac", rate=rate)
        st.layout = layout
        for a in range(0, len(data), rate):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[a : a + rate].T),
                                               format="fltp", layout=layout)
            frame.sample_rate = rate
            for packet in st.encode(frame):
                out.mux(packet)
        for packet in st.encode(None):
            out.mux(packet)
