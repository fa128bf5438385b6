"""True peak: EBU Tech 3341 cases 15-23 (+0.2/-0.4 dB) and the Annex 2 filter itself."""

from __future__ import annotations

import ebu_signals as sig
import numpy as np
import pytest
from lmms_magenta_gain import truepeak
from lmms_magenta_gain.measure import LoudnessMeter

SINES = {
    15: ((4, 0.50, 0.0), -6.0),
    16: ((4, 0.50, 45.0), -6.0),
    17: ((6, 0.50, 60.0), -6.0),
    18: ((8, 0.50, 67.5), -6.0),
    19: ((4, 1.41, 45.0), 3.0),
}


def _within(measured: float | None, expected: float) -> bool:
    return measured is not None and expected - 0.4 <= measured <= expected + 0.2


@pytest.mark.parametrize("case", sorted(SINES))
def test_sine_cases_15_to_19(case: int, rate: int, meter: LoudnessMeter) -> None:
    args, expected = SINES[case]
    measured = meter.measure(sig.true_peak_sine(*args, rate)).true_peak
    assert _within(measured, expected), measured


@pytest.mark.parametrize("offset", range(4), ids=lambda o: f"case{20 + o}")
def test_burst_cases_20_to_23(offset: int, rate: int, meter: LoudnessMeter) -> None:
    measured = meter.measure(sig.true_peak_burst(offset, rate)).true_peak
    assert _within(measured, 0.0), measured


def test_case_16_sample_peak_under_reads_by_3_db(rate: int, meter: LoudnessMeter) -> None:
    """Why true peak exists: samples of an fs/4 sine at 45 degrees miss its peak by 3 dB."""
    result = meter.measure(sig.true_peak_sine(4, 0.5, 45.0, rate))
    assert result.sample_peak == pytest.approx(-6.02 - 3.01, abs=0.05)
    assert result.true_peak is not None and result.sample_peak is not None
    assert result.true_peak > result.sample_peak + 2.5


def test_annex2_filter_shape() -> None:
    taps = truepeak.taps()
    assert taps.shape == (48,)
    assert np.allclose(taps, taps[::-1])  # symmetric: linear phase
    assert np.allclose(taps.reshape(12, 4).sum(axis=0), 1.0, atol=0.03)  # each phase ~unity


def test_true_peak_never_below_sample_peak(meter: LoudnessMeter) -> None:
    x = np.zeros((2, 1000))
    x[0, 500] = 0.9  # a lone sample: interpolation spreads it, the sample peak stays
    result = meter.measure(x)
    assert result.true_peak is not None and result.sample_peak is not None
    assert result.true_peak >= result.sample_peak
