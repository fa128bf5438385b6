"""EBU Tech 3341 minimum requirements, cases 1-6 and 9-13, synthesized from Table 1.

Integrated, momentary and short-term loudness within +-0.1 LU, at 48, 44.1 and 96 kHz,
stereo and (measured as dual mono) mono. Momentary and short-term values are checked
at every 10 ms step of the meter's series, not just at their maxima.
"""

from __future__ import annotations

import ebu_signals as sig
import numpy as np
import pytest
from lmms_magenta_gain.measure import LoudnessMeter

TOL = 0.1
INTEGRATED_CASES = {
    1: (sig.case_3341_1, -23.0),
    2: (sig.case_3341_2, -33.0),
    3: (sig.case_3341_3, -23.0),
    4: (sig.case_3341_4, -23.0),
    5: (sig.case_3341_5, -23.0),
}


@pytest.mark.parametrize("case", sorted(INTEGRATED_CASES))
@pytest.mark.parametrize("channels", [2, 1], ids=["stereo", "mono"])
def test_integrated(
    case: int, channels: int, rate: int, meter: LoudnessMeter, mono_meter: LoudnessMeter
) -> None:
    make, expected = INTEGRATED_CASES[case]
    use = meter if channels == 2 else mono_meter
    assert use.integrated(make(rate, channels)) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("case", [1, 2])
def test_cases_1_2_momentary_and_short_term_are_steady(
    case: int, rate: int, meter: LoudnessMeter
) -> None:
    make, expected = INTEGRATED_CASES[case]
    signal = make(rate)
    for window in (0.4, 3.0):
        series = meter.series(signal, window)
        assert series.size > 0
        assert np.abs(series - expected).max() <= TOL
    result = meter.measure(signal)
    assert result.momentary_max == pytest.approx(expected, abs=TOL)
    assert result.short_term_max == pytest.approx(expected, abs=TOL)


def test_case_6_five_channels(rate: int, meter: LoudnessMeter) -> None:
    """5.0 (L R C Ls Rs): the surround channels weigh +1.5 dB."""
    assert meter.integrated(sig.case_3341_6(rate)) == pytest.approx(-23.0, abs=TOL)


def test_case_6_without_surround_weights_reads_low(rate: int) -> None:
    """The channel weights matter: all-1.0 weights miss the target (the test can fail)."""
    flat = LoudnessMeter(rate, weights=(1.0,) * 5)
    assert flat.integrated(sig.case_3341_6(rate)) == pytest.approx(-23.37, abs=0.05)


@pytest.mark.parametrize("channels", [2, 1], ids=["stereo", "mono"])
def test_case_9_short_term_constant_after_3s(
    channels: int, rate: int, meter: LoudnessMeter, mono_meter: LoudnessMeter
) -> None:
    use = meter if channels == 2 else mono_meter
    series = use.series(sig.case_3341_9(rate, channels), 3.0)  # windows start at 0 s
    assert series.size > 1000
    assert np.abs(series + 23.0).max() <= TOL


@pytest.mark.parametrize("i", range(20))
def test_case_10_max_short_term_each_file(i: int, rate: int, meter: LoudnessMeter) -> None:
    assert meter.measure(sig.case_3341_10(i, rate)).short_term_max == pytest.approx(-23, abs=TOL)


def test_case_11_successive_max_short_term(rate: int, meter: LoudnessMeter) -> None:
    """One long signal; segment i (6 s) must show a maximum of -38 + i LUFS."""
    series = meter.series(sig.case_3341_11(rate), 3.0)
    step = meter.segment
    for i in range(20):
        first = i * 6 * rate // step
        last = ((i + 1) * 6 * rate - 3 * rate) // step  # last window inside segment i
        assert series[first : last + 1].max() == pytest.approx(-38.0 + i, abs=TOL), i


@pytest.mark.parametrize("channels", [2, 1], ids=["stereo", "mono"])
def test_case_12_momentary_constant_after_1s(
    channels: int, rate: int, meter: LoudnessMeter, mono_meter: LoudnessMeter
) -> None:
    use = meter if channels == 2 else mono_meter
    series = use.series(sig.case_3341_12(rate, channels), 0.4)
    after_1s = series[(rate - round(0.4 * rate)) // use.segment :]
    assert after_1s.size > 800
    assert np.abs(after_1s + 23.0).max() <= TOL


@pytest.mark.parametrize("i", range(20))
def test_case_13_max_momentary_each_file(i: int, rate: int, meter: LoudnessMeter) -> None:
    assert meter.measure(sig.case_3341_13(i, rate)).momentary_max == pytest.approx(-23, abs=TOL)
