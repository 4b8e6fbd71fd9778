"""DSP building blocks against independent references: pyloudnorm, scipy resampling."""

from __future__ import annotations

import numpy as np
import pytest
from program_measure import lufs, true_peak_db

from broadcaster.program import dsp


@pytest.mark.parametrize("rate", [48000, 44100, 22050, 16000])
def test_meter_matches_pyloudnorm(rate: int) -> None:
    rng = np.random.default_rng(rate)
    x = (rng.standard_normal(rate * 12) * 0.05).astype(np.float32)
    x[rate * 3 : rate * 5] *= 5  # a loud passage
    x[rate * 8 : rate * 10] *= 0.001  # a pause the gate must ignore
    assert dsp.integrated_loudness(x, rate) == pytest.approx(lufs(x, rate), abs=0.05)


def test_meter_in_chunks_equals_meter_at_once() -> None:
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(48000 * 10) * 0.1).astype(np.float32)
    m = dsp.KMeter(48000)
    for a in range(0, len(x), 12345):
        m.feed(x[a : a + 12345])
    assert dsp.gated_loudness(m.energies()) == pytest.approx(dsp.integrated_loudness(x, 48000),
                                                              abs=1e-3)


def test_silence_and_short_clips_have_no_loudness() -> None:
    assert dsp.integrated_loudness(np.zeros(48000, np.float32), 48000) is None
    assert dsp.integrated_loudness(np.ones(4800, np.float32) * 0.1, 48000) is None


def test_true_peak_sees_intersample_peaks() -> None:
    t = np.arange(48000) / 48000
    x = (0.9 * np.sin(2 * np.pi * 12000 * t + np.pi / 4)).astype(np.float32)  # samples miss crests
    assert 20 * np.log10(np.abs(x).max()) < -3.0
    assert dsp.true_peak(x) == pytest.approx(20 * np.log10(0.9), abs=0.2)
    assert dsp.true_peak_sparse(x, -1.0) == pytest.approx(dsp.true_peak(x), abs=0.01)


def test_limiter_holds_the_true_peak_ceiling_and_leaves_quiet_audio_alone() -> None:
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(48000 * 5) * 0.1).astype(np.float32)
    x[100000:100050] *= 12  # a few hot transients
    quiet = x[:90000].copy()
    lim = dsp.Limiter(48000, -1.0)
    assert lim.process(x) > 0
    core = x[lim.context : -lim.context]
    assert true_peak_db(core) <= -1.0
    assert np.array_equal(x[: 90000], quiet)  # far from the transients: untouched


def test_compressor_reduces_level_above_threshold_by_the_ratio() -> None:
    rate = 48000
    t = np.arange(rate * 2) / rate
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    x = np.concatenate([tone * 0.02, tone * 0.5])  # -37 dBFS then -9 dBFS RMS
    g = dsp.compressor_gain(x, rate, threshold_db=-21.0, ratio=3.0, knee_db=0.0)
    low, high = g[rate // 2 : rate].mean(), g[3 * rate : 4 * rate - rate // 4].mean()
    assert low == pytest.approx(1.0, abs=1e-3)  # below threshold: no change
    over = 20 * np.log10(0.5 / np.sqrt(2)) - -21.0
    assert 20 * np.log10(high) == pytest.approx(-over * (1 - 1 / 3), abs=0.3)


def test_highpass_response_is_the_designed_butterworth() -> None:
    rate = 48000
    t = np.arange(rate * 3) / rate
    for f in (60.0, 140.0, 1000.0):
        x = np.sin(2 * np.pi * f * t).astype(np.float32)
        dsp.sosfilt_inplace(dsp.highpass_sos(140.0, 4, rate), x)
        got = 20 * np.log10(np.abs(x[rate:]).max())
        assert got == pytest.approx(-dsp.highpass_attenuation_db(140.0, 4, f), abs=0.2)


def test_oversampling_matrix_equals_scipy_upfirdn() -> None:
    import scipy.signal as ss

    rng = np.random.default_rng(5)
    for n in (1, 7, 23, 24, 25, 1000, 70001):  # around one window, across blocks
        x = rng.standard_normal(n).astype(np.float32)
        ref = ss.upfirdn(dsp._os_filter(), x, up=dsp.OVERSAMPLE)
        got = dsp.upsample(x, block=4096)
        assert len(got) == len(ref)
        assert np.abs(got - ref).max() < 1e-5
    assert len(dsp.upsample(np.zeros(0, np.float32))) == 0


def test_limiter_holds_the_ceiling_over_many_spans_and_at_the_edges() -> None:
    rng = np.random.default_rng(3)
    rate = 48000
    x = (rng.standard_normal(rate * 4) * 0.05).astype(np.float32)
    hot = [3, 400, 9000, 9700, 30000, 100000, 100900, 150000, len(x) - 5]  # near and far apart
    for n, k in enumerate(hot):  # loud tone bursts, 1 to 9 kHz, that overshoot the ceiling
        a, b = max(0, k - 240), min(len(x), k + 240)
        t = np.arange(b - a) / rate
        x[a:b] += (1.3 * np.sin(2 * np.pi * (1000 + 1000 * n) * t + n)).astype(np.float32)
    quiet_at = slice(60000, 90000)
    quiet = x[quiet_at].copy()
    lim = dsp.Limiter(rate, -1.0)
    assert lim.process(x) > 0
    # measured away from the array's edges, where a cut through loud audio rings
    assert true_peak_db(x[300:-300]) <= -1.0
    for k in (hot[0], hot[-1]):  # at the very edges: no room for look-ahead, still turned down
        assert 20 * np.log10(np.abs(x[max(0, k - 240) : k + 240]).max()) <= -1.0
    assert np.array_equal(x[quiet_at], quiet)
