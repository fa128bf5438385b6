"""K-weighting for any rate: the analog prototypes behind BS.1770's 48 kHz biquads."""

from __future__ import annotations

import math

import numpy as np
import pytest
from lmms_magenta_gain import kweighting
from lmms_magenta_gain.measure import LoudnessMeter
from scipy import signal


def test_48k_reproduces_the_published_coefficients() -> None:
    shelf, high_pass = kweighting.coefficients(48000)
    assert np.allclose(shelf, kweighting.SHELF_48K, rtol=0, atol=1e-12)
    assert np.allclose(high_pass, kweighting.HIGH_PASS_48K, rtol=0, atol=1e-12)


def test_prototypes_are_the_known_analog_filters() -> None:
    """Independent check: the corner, Q and gain figures quoted for BS.1770 K-weighting."""
    assert kweighting.SHELF.f0 == pytest.approx(1681.974450955533, rel=1e-8)
    assert kweighting.SHELF.q == pytest.approx(0.7071752369554196, rel=1e-8)
    assert kweighting.SHELF.gain_db == pytest.approx(3.999843853973347, rel=1e-8)
    assert kweighting.HIGH_PASS.f0 == pytest.approx(38.13547087602444, rel=1e-8)
    assert kweighting.HIGH_PASS.q == pytest.approx(0.5003270373238773, rel=1e-8)


@pytest.mark.parametrize("rate", [22050, 32000, 44100, 88200, 96000, 192000])
def test_response_matches_the_48k_filter(rate: int) -> None:
    """BS.1770: other rates must give "the same frequency response" as the 48 kHz filter.

    Measured worst case (bilinear warping around the shelf corner): 0.022 dB at
    22.05 kHz, 0.007 dB at 32 kHz, 0.0055 dB at 44.1 kHz and above.
    """
    freqs = np.array([20.0, 38.0, 100.0, 500.0, 997.0, 1682.0, 4000.0, 10000.0])
    _, reference = signal.sosfreqz(kweighting.sos(48000), worN=freqs, fs=48000)
    _, h = signal.sosfreqz(kweighting.sos(rate), worN=freqs, fs=rate)
    difference = 20 * np.log10(np.abs(h)) - 20 * np.log10(np.abs(reference))
    assert np.abs(difference).max() < (0.025 if rate < 44100 else 0.007)
    assert np.abs(difference[:3]).max() < 1e-3  # the low end is exact


@pytest.mark.parametrize("rate", [22050, 32000, 44100, 48000, 96000, 192000])
def test_997_hz_full_scale_sine_reads_minus_3_01(rate: int) -> None:
    """BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS, at any rate."""
    t = np.arange(5 * rate) / rate
    x = np.stack([np.sin(2 * np.pi * 997 * t), np.zeros_like(t)])
    tolerance = 0.025 if rate < 32000 else 0.01  # see test_response_matches_the_48k_filter
    assert LoudnessMeter(rate).integrated(x) == pytest.approx(-3.01, abs=tolerance)


def test_matches_libebur128_at_48k() -> None:
    """Same filters and gating as libebur128 at 48 kHz: agreement to 1e-5 LU."""
    ebur = pytest.importorskip("pyebur128", reason="pyebur128 is an optional comparison")
    rng = np.random.default_rng(3)
    rate = 48000
    x = rng.standard_normal((2, 15 * rate)) * np.repeat(rng.uniform(0.005, 0.3, 30), rate // 2)
    state = ebur.R128State(2, rate, ebur.MeasurementMode.MODE_I)
    state.add_frames(np.ascontiguousarray(x.T).reshape(-1), x.shape[1])
    assert LoudnessMeter(rate).integrated(x) == pytest.approx(
        ebur.get_loudness_global(state), abs=1e-5
    )


@pytest.mark.parametrize("rate", [0, 4000, 7999, math.nan, math.inf])
def test_rates_too_low_are_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="sample rate"):
        kweighting.coefficients(rate)
